"""Scattering amplitudes s_{j'j}(E): the approximation Eq. (S1) and the exact 1D solution."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..errors import ParameterError, as_float_array, require_dense_size
from .model import MAX_PHASE, ScatteringModel

__all__ = ["METHODS", "Amplitudes", "amplitudes", "require_method"]

#: Amplitude methods: "S1" is Eq. (S1) of the Supplement of Tabanera-Bravo et al. (2023),
#: "exact" the multichannel matching solution of the square scattering region.
METHODS = ("S1", "exact")

#: Below |q| L = 0.5 an internal mode is expanded in (cos, sin/q) instead of exponentials:
#: the two exponentials become linearly dependent as q -> 0, the trigonometric pair does not.
_SMALL_PHASE = 0.5


@dataclass(frozen=True)
class Amplitudes:
    r"""Flux-normalised amplitudes at total energies E for a particle incident from the left.

    Attributes
    ----------
    energy : ndarray, shape (...)
        Total energies E (kinetic + internal).
    transmission : ndarray, shape (..., d, d), complex128
        :math:`s^{(+)}_{j'j}(E)`, outgoing channel j' (row) from incoming channel j (column);
        zero where either channel is closed (except Eq. (S1) below e_max, which is
        the identity as printed).
    reflection : ndarray, shape (..., d, d), complex128
        :math:`s^{(-)}_{j'j}(E)` (identically zero for Eq. (S1)).
    open_channels : ndarray, shape (..., d), bool
        E > e_j.
    method : str
        "S1", "exact" or "user" (a callable).

    Notes
    -----
    All plane waves are referred to the centre x = 0 of the region ``[-L/2, L/2]``:
    incoming :math:`e^{ik_jx}`, transmitted :math:`s^{(+)}_{j'j}e^{ik_{j'}x}`, reflected
    :math:`s^{(-)}_{j'j}e^{-ik_{j'}x}` (flux-normalised), so V = 0 gives
    :math:`s^{(+)} = 1`, as Eq. (S1) does; x0 of the packet is measured from the same point.
    """

    energy: np.ndarray
    transmission: np.ndarray
    reflection: np.ndarray
    open_channels: np.ndarray
    method: str

    def s_matrix(self) -> list[np.ndarray]:
        """Full S-matrices over open channels, one per energy (flattened order).

        Incidence from the right follows from the mirror symmetry f(x) = f(-x):
        ``S = [[r, t], [t, r]]`` (rows: out left, out right; columns: in left, in right).
        """
        d = self.transmission.shape[-1]
        t = self.transmission.reshape(-1, d, d)
        r = self.reflection.reshape(-1, d, d)
        op = self.open_channels.reshape(-1, d)
        out = []
        for ti, ri, oi in zip(t, r, op):
            idx = np.flatnonzero(oi)
            tt, rr = ti[np.ix_(idx, idx)], ri[np.ix_(idx, idx)]
            out.append(np.block([[rr, tt], [tt, rr]]))
        return out

    def unitarity_residual(self) -> np.ndarray:
        r"""max :math:`|S^\dagger S - 1|` over the open channels, shape of `energy`."""
        res = [
            np.max(np.abs(s.conj().T @ s - np.eye(s.shape[0]))) if s.size else 0.0
            for s in self.s_matrix()
        ]
        return np.asarray(res).reshape(np.shape(self.energy))


def _wavenumbers(mass: float, hbar: float, kinetic: np.ndarray) -> np.ndarray:
    """sqrt(2m K)/hbar on the branch Im >= 0 (closed channels, K < 0: i kappa), shape (n, d)."""
    return np.sqrt((2 * mass * kinetic).astype(complex)) / hbar


def _kinetic(model: ScatteringModel, energy: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """E - e_j (channels) and E - lambda_n (modes inside), shape (n, d) each."""
    return energy[:, None] - model.energies[None, :], energy[:, None] - model.total_levels[None, :]


def _channel_kinetic(model: ScatteringModel, kinetic, channel: int):
    """E - e_j and E - lambda_n for E = kinetic + e_channel, without forming E.

    E = K + e_a rounds K away when K < ulp(e_a) (e.g. |e| ~ 1e3 and K ~ 1e-14), which
    would close channel a at the small kinetic energies a quadrature near threshold
    samples; K + (e_a - e_j) keeps it (exact for j = a). Shapes (n, d) each.
    """
    k = np.asarray(kinetic, dtype=float)[:, None]
    e_a = model.energies[channel]
    return k + (e_a - model.energies)[None, :], k + (e_a - model.total_levels)[None, :]


def _s1(model: ScatteringModel, kin_e: np.ndarray, kin_t: np.ndarray):
    """Eq. (S1): e^{-iL(k_j'+k_j)/2} <j'|e^{iL K(E)}|j> for E >= e_max, delta otherwise."""
    d = model.dimension
    above = np.minimum(kin_e.min(axis=1), kin_t.min(axis=1)) >= 0  # E >= e_max
    k = _wavenumbers(model.mass, model.hbar, kin_e)
    q = _wavenumbers(model.mass, model.hbar, kin_t)
    w = model.total_eigenvectors
    prop = np.einsum("an,en,bn->eab", w, np.exp(1j * model.length * q), w.conj())
    half = np.exp(-0.5j * model.length * k)
    t = half[:, :, None] * prop * half[:, None, :]
    t = np.where(above[:, None, None], t, np.eye(d)[None])
    return t, np.zeros_like(t)


def _mode_values(q: np.ndarray, length: float):
    """Values/derivatives of the two internal basis functions of each mode at both edges.

    Returns (f1L, g1L, f2L, g2L, f1R, g1R, f2R, g2R), each of the shape of q.
    """
    ql = q * length
    small = np.abs(ql) < _SMALL_PHASE
    e = np.exp(1j * ql)
    # exponential pair e^{iq(x+L/2)}, e^{-iq(x-L/2)} (Im q >= 0: both bounded inside)
    exp_pair = (np.ones_like(q), 1j * q, e, -1j * q * e, e, 1j * q * e, np.ones_like(q), -1j * q)
    # trigonometric pair cos(q(x+L/2)), sin(q(x+L/2))/q, entire in q^2
    c = np.cos(ql)
    sinc = np.where(np.abs(q) > 0, np.sin(ql) / np.where(np.abs(q) > 0, q, 1.0), length)
    trig_pair = (
        np.ones_like(q),
        np.zeros_like(q),
        np.zeros_like(q),
        np.ones_like(q),
        c,
        -q * q * sinc,
        sinc,
        c,
    )
    return tuple(np.where(small, tr, ex) for tr, ex in zip(trig_pair, exp_pair))


def _exact(model: ScatteringModel, kin_e: np.ndarray, kin_t: np.ndarray):
    """Match plane waves at x = -L/2 and L/2 in the eigenbasis of H_S + V (all channels).

    Internally the waves are referred to the edges (incoming e^{ik(x+L/2)}, transmitted
    e^{ik(x-L/2)}, reflected e^{-ik(x+L/2)}), which keeps closed channels bounded.
    """
    d, n = model.dimension, kin_e.shape[0]
    k = _wavenumbers(model.mass, model.hbar, kin_e)  # (n, d)
    q = _wavenumbers(model.mass, model.hbar, kin_t)  # (n, d)
    f1l, g1l, f2l, g2l, f1r, g1r, f2r, g2r = _mode_values(q, model.length)
    w = model.total_eigenvectors
    eye = np.broadcast_to(np.eye(d), (n, d, d))
    zero = np.zeros((n, d, d), dtype=complex)
    kd = k[:, :, None] * np.eye(d)  # diag(k)
    # unknowns [r, t, A, B]; psi inside = sum_n w[:, n] (A_n f1_n + B_n f2_n)
    rows = [
        [eye, zero, -w * f1l[:, None, :], -w * f2l[:, None, :]],  # psi(-L/2)
        [-1j * kd, zero, -w * g1l[:, None, :], -w * g2l[:, None, :]],  # psi'(-L/2)
        [zero, eye, -w * f1r[:, None, :], -w * f2r[:, None, :]],  # psi(L/2)
        [zero, 1j * kd, -w * g1r[:, None, :], -w * g2r[:, None, :]],  # psi'(L/2)
    ]
    a = np.concatenate([np.concatenate(r, axis=2) for r in rows], axis=1)
    rhs = np.zeros((n, 4 * d, d), dtype=complex)
    rhs[:, :d, :] = -np.eye(d)
    rhs[:, d : 2 * d, :] = -1j * kd
    x = np.linalg.solve(a, rhs)
    r, t = x[:, :d, :], x[:, d : 2 * d, :]
    is_open = kin_e > 0
    both = is_open[:, :, None] & is_open[:, None, :]
    kr = np.where(is_open, k.real, 1.0)
    # flux normalisation sqrt(k_j'/k_j), and edge -> centre reference: x e^{-i(k_j'+k_j)L/2}
    centre = np.exp(-0.5j * model.length * np.where(is_open, kr, 0.0))
    fac = np.sqrt(kr[:, :, None] / kr[:, None, :]) * centre[:, :, None] * centre[:, None, :]
    return np.where(both, fac * t, 0.0), np.where(both, fac * r, 0.0)


def amplitudes(model: ScatteringModel, energy, method: str = "S1") -> Amplitudes:
    r"""Scattering amplitudes :math:`s^{(\pm)}_{j'j}(E)` of Eq. (17), two methods.

    ``method="S1"``: Eq. (S1) of the Supplement of Tabanera-Bravo et al., PRL 130, 200402
    (2023), exactly as printed,

    .. math:: s^{(+)}_{j'j}(E) = e^{-iL(k_{j'}+k_j)/2}\langle j'|e^{iL\mathbb K(E)}|j\rangle
              \ (E \ge e_{\max}),\qquad \delta_{j'j}\ (E < e_{\max}),

    with :math:`\mathbb K(E)=\sqrt{2m(E-H_S-V)}/\hbar`, :math:`k_j=\sqrt{2m(E-e_j)}/\hbar`,
    :math:`s^{(-)}=0`; it jumps at :math:`E=e_{\max}` (the largest eigenvalue of H_S and
    H_S + V).

    ``method="exact"``: the exact solution of Eq. (16) with f the indicator of
    ``[-L/2, L/2]``: plane waves in every channel outside (closed channels decaying),
    eigenmodes of H_S + V inside, value and derivative matched at both edges; amplitudes are
    flux-normalised, :math:`s_{j'j}=\sqrt{k_{j'}/k_j}\,t_{j'j}`.

    Parameters
    ----------
    model : ScatteringModel
    energy : float or array_like, shape (...)
        Total energies E.
    method : {"S1", "exact"} or callable
        A callable ``f(energy) -> transmission`` or ``-> (transmission, reflection)``, energy
        of shape (n,) (total energies), each array (n, d, d) flux-normalised with outgoing j'
        as row and incoming j as column (user amplitudes; checked for shape and finiteness).

    Returns
    -------
    Amplitudes
        Arrays of shape (..., d, d).

    Examples
    --------
    >>> model = ScatteringModel.example()
    >>> amp = amplitudes(model, 50.0, method="exact")
    >>> float(amp.unitarity_residual()) < 1e-12
    True
    >>> s1 = amplitudes(model, 50.0, method="S1")  # high energy: (S1) is close to exact
    >>> float(np.max(np.abs(s1.transmission - amp.transmission))) < 1e-5
    True
    """
    if not isinstance(model, ScatteringModel):
        raise ParameterError(f"model must be a ScatteringModel, got {type(model).__name__}")
    require_method(method)
    e = as_float_array("energy", energy)
    require_dense_size("energy", (e.size, 4 * model.dimension, 4 * model.dimension))
    kin_e, kin_t = _kinetic(model, e.ravel())
    require_phase(model, kin_e, kin_t)
    return _from_kinetic(model, e, kin_e, kin_t, method)


def require_method(method) -> None:
    """ParameterError unless `method` is one of METHODS or a callable."""
    if callable(method):
        return
    if not isinstance(method, str) or method not in METHODS:
        raise ParameterError(
            f"method={method!r} is outside the allowed set {METHODS} (or a callable "
            "energy -> transmission or (transmission, reflection))"
        )


def require_phase(model: ScatteringModel, *kinetic) -> None:
    """ParameterError if q L / hbar exceeds MAX_PHASE (no meaningful double phase; issue 15)."""
    top = max(float(np.max(np.abs(k), initial=0.0)) for k in kinetic)
    phase = np.sqrt(2 * model.mass * top) * model.length / model.hbar
    if not (np.isfinite(phase) and phase <= MAX_PHASE):
        raise ParameterError(
            f"energy: a kinetic energy {top:.3g} with length={model.length!r}, "
            f"mass={model.mass!r} gives a phase q L/hbar = {phase:.3g} outside the "
            f"representable range [0, {MAX_PHASE:g}]"
        )


def _user(method, model, energy: np.ndarray):
    """Call a user amplitude function and check what it returns (shapes, finiteness)."""
    n, d = energy.size, model.dimension
    out = method(energy.copy())
    t, r = out if isinstance(out, tuple) else (out, np.zeros((n, d, d), dtype=complex))
    t, r = np.asarray(t), np.asarray(r)
    name = getattr(method, "__name__", type(method).__name__)
    for label, x in (("transmission", t), ("reflection", r)):
        if x.shape != (n, d, d) or not np.issubdtype(x.dtype, np.number):
            raise ParameterError(
                f"method {name!r} returned {label} of shape {x.shape}; expected {(n, d, d)} "
                "(energies, outgoing j', incoming j)"
            )
        if not np.all(np.isfinite(x)):
            raise ParameterError(f"method {name!r} returned non-finite {label} amplitudes")
    return t.astype(complex), r.astype(complex)


def _from_kinetic(model, energy, kin_e, kin_t, method) -> Amplitudes:
    """`Amplitudes` of shape energy.shape from kinetic energies kin_e, kin_t of shape (n, d)."""
    if callable(method):
        t, r = _user(method, model, np.asarray(energy, dtype=float).ravel())
        label = "user"
    else:
        t, r = (_s1 if method == "S1" else _exact)(model, kin_e, kin_t)
        label = method
    d = model.dimension
    shape = np.shape(energy)
    return Amplitudes(
        energy=energy,
        transmission=t.reshape(shape + (d, d)),
        reflection=r.reshape(shape + (d, d)),
        open_channels=(kin_e > 0).reshape(shape + (d,)),
        method=label,
    )
