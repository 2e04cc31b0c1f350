"""Quadrature of the collision integrals of Eqs. (6) and (12) (Gaida et al. 2025) and their result."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
from scipy.integrate import quad_vec

from ..errors import (
    ConvergenceError,
    ParameterError,
    require_dense_size,
    require_int,
    require_real,
)
from ..superop import liouvillian
from ..superop import steady_state as _core_steady_state

if TYPE_CHECKING:  # pragma: no cover
    from .model import GasModel

__all__ = ["CollisionRates", "collision_rates"]

#: Upper end of the radial variable x = min(|p|, |q|)/sqrt(m T_M): the Maxwell weight
#: exp(-x^2/2) is below 1e-300 there.
_X_MAX = 38.0
#: Most angular Gauss-Legendre nodes tried before giving up.
_MAX_ANGULAR_NODES = 1536


@dataclass(frozen=True, eq=False)
class CollisionRates:
    r"""The collision generator of Eq. (6) reduced to numbers (Gaida et al. 2025).

    Attributes
    ----------
    energies : ndarray, shape (d,)
        System levels e_i.
    energy_shift : ndarray, shape (d,)
        Diagonal of h_eff (Eq. 6, third line; B24): forward-scattering level shifts.
    channel_rates : ndarray, shape (d, d, d_A, d_A)
        R_ij^kl: rate of system j -> i with ancilla l -> k, the ancilla weight p(eps_l)
        included; Eq. (12) is their sum over k, l. Diagonal (i = j) entries are elastic or
        pure-dephasing collisions.
    blocks : tuple of (float, ndarray (n, 2) int, ndarray (n, n) complex)
        Per system transition energy E: the pairs (i, j) with e_i - e_j = E and the
        Kossakowski matrix K[(ij), (i'j')] = sum_kl int d^3p mu_l |j(p)| int dOmega
        <i|L|j> conj(<i'|L|j'>) of the Lindblad operators of Eq. (7).
    ancilla_energies : ndarray, shape (d_A,)
    error : float
        Estimated absolute quadrature error (max over all entries; radial + angular).
    """

    energies: np.ndarray
    energy_shift: np.ndarray
    channel_rates: np.ndarray
    blocks: tuple
    ancilla_energies: np.ndarray
    error: float

    def rate_matrix(self) -> np.ndarray:
        """R_ij of Eq. (12), shape (d, d), zero diagonal (rate of j -> i)."""
        r = self.channel_rates.sum(axis=(2, 3))
        np.fill_diagonal(r, 0.0)
        return r

    def population_generator(self) -> np.ndarray:
        r"""W of :math:`\dot P = W P` (Eq. 11 / C7), shape (d, d); columns sum to zero."""
        r = self.rate_matrix()
        return r - np.diag(r.sum(axis=0))

    def jump_operators(self) -> tuple[list[np.ndarray], np.ndarray]:
        """Diagonalised Lindblad operators: (list of (d, d) operators, rates >= 0)."""
        d = self.energies.size
        ops, rates = [], []
        for _, pairs, k in self.blocks:
            lam, u = np.linalg.eigh(0.5 * (k + k.conj().T))
            for a in range(lam.size):
                # negative eigenvalues of a PSD matrix are quadrature error (|lam| <= error)
                if lam[a] <= 0:
                    continue
                op = np.zeros((d, d), dtype=complex)
                op[pairs[:, 0], pairs[:, 1]] = u[:, a]
                ops.append(op)
                rates.append(lam[a])
        return ops, np.asarray(rates)

    def generator(self, *, include_shift: bool = True) -> np.ndarray:
        r"""Matrix form (d*d, d*d) of Eq. (6): -i[h_S + h_eff, .] + C, for core `evolve`/`steady_state`."""
        h = np.diag(self.energies + (self.energy_shift if include_shift else 0.0))
        ops, rates = self.jump_operators()
        return liouvillian(h, ops, rates)

    def steady_state(self) -> np.ndarray:
        r"""Stationary state of Eq. (6), shape (d, d): the core `superop.steady_state` of
        `generator()`. Diagonal with the null vector of W (Eq. 11) when the populations
        decouple (Eqs. 10-11, App. C); Gibbs at T when T_A = T_M = T (Eq. 13)."""
        return _core_steady_state(self.generator())

    def dissipator(self) -> np.ndarray:
        """Matrix form of the collision term C alone (no Hamiltonian), shape (d*d, d*d)."""
        ops, rates = self.jump_operators()
        d = self.energies.size
        return liouvillian(np.zeros((d, d)), ops, rates)


def _transition_blocks(e: np.ndarray, atol: float) -> list[tuple[float, np.ndarray]]:
    d = e.size
    diff = (e[:, None] - e[None, :]).ravel()
    ij = np.stack(np.divmod(np.arange(d * d), d), axis=1)
    order = np.argsort(diff, kind="stable")
    blocks, start = [], 0
    for n in range(1, order.size + 1):
        if n == order.size or diff[order[n]] - diff[order[n - 1]] > atol:
            idx = order[start:n]
            blocks.append((float(diff[idx].mean()), ij[idx]))
            start = n
    return blocks


def _angular_rule(n: int) -> tuple[np.ndarray, np.ndarray]:
    """Nodes cos(theta) and weights of int dOmega = 2 pi int_0^1 4u du with u = sin(theta/2)."""
    x, w = np.polynomial.legendre.leggauss(n)
    u, wu = 0.5 * (x + 1.0), 0.5 * w
    return 1.0 - 2.0 * u**2, 2.0 * np.pi * 4.0 * u * wu


def collision_rates(
    model: GasModel, *, rtol: float = 1e-8, angular_nodes: int = 48
) -> CollisionRates:
    """Evaluate the collision integrals of `model` (see `GasModel.rates`)."""
    rtol = require_real("rtol", rtol)
    if not 0 < rtol < 1:
        raise ParameterError(f"rtol={rtol!r} is outside the allowed range (0, 1)")
    angular_nodes = require_int("angular_nodes", angular_nodes, low=4, high=_MAX_ANGULAR_NODES)
    e, a = model.system_energies, model.ancilla_energies
    d, da = e.size, a.size
    # amplitude tables (d_S^2 d_A^2 channel entries at both angular resolutions), before any work
    require_dense_size(
        "collision_rates amplitude table (d_S^2 d_A^2 channels x angular nodes)",
        (d * d * da * da, 2 * _MAX_ANGULAR_NODES),
    )
    pl = model.internal_populations()
    m, temp, n = model.mass, model.temperature_motional, model.density
    blocks = _transition_blocks(e, model.energy_atol)

    # amplitude entries (block, pair, k, l) and Kossakowski entries (pair x pair) per (block, k, l)
    ent, kent = [], []
    for b, (_, pairs) in enumerate(blocks):
        for k in range(da):
            for l in range(da):
                first = len(ent)
                ent += [(i, j, k, l) for i, j in pairs]
                nb = len(pairs)
                kent += [
                    (b, x, y, first + x, first + y, k, l) for x in range(nb) for y in range(nb)
                ]
    ent = np.array(ent)
    kent = np.array(kent)
    ei, ej, ek, el = ent.T
    etot = e[ei] - e[ej] + a[ek] - a[el]
    e1, e2 = kent[:, 3], kent[:, 4]
    wl = pl[el[e1]]
    sigma = np.sqrt(m * temp)
    norm_mu = (1.0 / (2.0 * np.pi * m * temp)) ** 1.5

    def radial(x):
        t = sigma * x
        big = np.sqrt(t * t + 2.0 * m * np.abs(etot))
        p = np.where(etot >= 0, big, t)
        q = np.where(etot >= 0, t, big)
        # d^3p mu(p) n|q|/m, written in t = min(|p|, |q|) (p dp = q dq); dt = sigma dx
        w = 4.0 * np.pi * n / m * t * t * big * norm_mu * np.exp(-p * p / (2.0 * m * temp)) * sigma
        return p, q, w

    def integrand_factory(nodes: int):
        c_hi, w_hi = _angular_rule(nodes)
        c_lo, w_lo = _angular_rule(nodes // 2)

        def f(x):
            p, q, w = radial(x)
            fh, fl = (
                np.broadcast_to(
                    model._amplitude(
                        ej[:, None],
                        el[:, None],
                        p[:, None],
                        ei[:, None],
                        ek[:, None],
                        q[:, None],
                        c[None, :],
                    ),
                    (ei.size, c.size),
                )
                for c in (c_hi, c_lo)  # the two angular resolutions of the error estimate
            )
            vh = (fh[e1] * fh[e2].conj()) @ w_hi
            vl = (fl[e1] * fl[e2].conj()) @ w_lo
            scale = wl * w[e1]
            return np.concatenate([scale * vh.real, scale * vh.imag, scale * np.abs(vh - vl)])

        return f

    nodes, nk = int(angular_nodes), kent.shape[0]
    points = [0.25, 1.0, 2.0, 4.0, 8.0, 16.0]
    while True:
        res, err_radial = quad_vec(
            integrand_factory(nodes), 0.0, _X_MAX, epsrel=rtol * 0.1, norm="max", points=points
        )
        val = res[:nk] + 1j * res[nk : 2 * nk]
        err_angular = float(np.max(res[2 * nk :])) if nk else 0.0
        scale = float(np.max(np.abs(val))) if nk else 0.0
        error = float(err_radial) + err_angular
        if error <= rtol * scale or scale == 0.0:
            break
        if nodes >= _MAX_ANGULAR_NODES:
            raise ConvergenceError(
                f"collision integrals: estimated error {error:.3g} > rtol*max = {rtol * scale:.3g} "
                f"with {nodes} angular nodes (radial {float(err_radial):.3g}, angular {err_angular:.3g})"
            )
        nodes *= 2

    channel = np.zeros((d, d, da, da))
    kossakowski = [np.zeros((len(p), len(p)), dtype=complex) for _, p in blocks]
    for (b, x, y, _, _, k, l), v in zip(kent, val):
        kossakowski[b][x, y] += v
        if x == y:
            i, j = blocks[b][1][x]
            channel[i, j, k, l] = v.real

    # forward elastic amplitudes f_ii^kk(p, p, 1) -> h_eff (Eq. 6 third line, B24)
    si = np.repeat(np.arange(d), da)
    sk = np.tile(np.arange(da), d)

    def forward(x):
        p = sigma * x
        mu = 4.0 * np.pi * p * p * norm_mu * np.exp(-x * x / 2.0) * sigma
        return mu * np.real(
            np.asarray(model._amplitude(si, sk, p, si, sk, p, 1.0)) * np.ones(si.size)
        )

    fwd, ferr = quad_vec(forward, 0.0, _X_MAX, epsrel=rtol * 0.1, norm="max", points=points)
    shift = -(2.0 * np.pi * n / m) * (fwd.reshape(d, da) @ pl)
    error = max(error, float(ferr) * 2.0 * np.pi * n / m)
    return CollisionRates(
        energies=e.copy(),
        energy_shift=shift,
        channel_rates=channel,
        blocks=tuple((en, p, kb) for (en, p), kb in zip(blocks, kossakowski)),
        ancilla_energies=a.copy(),
        error=error,
    )
