"""Stochastic Poissonian collision sequences, Eqs. (5)-(6) of Tabanera-Bravo et al. (2023)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .._qutip import is_qobj, to_array
from ..errors import (
    ConvergenceError,
    ParameterError,
    as_float_array,
    require_dense_size,
    require_finite,
    require_int,
    require_positive,
    require_real,
)
from ..superop import full_dephasing
from .dynamics import _hbar, map_tensor


def _require_density_matrix(r: np.ndarray, atol: float = 1e-10) -> None:
    """Hermitian, unit trace and positive within atol * max(1, max|r|)."""
    scale = max(1.0, float(np.max(np.abs(r))))
    herm = float(np.max(np.abs(r - r.conj().T)))
    tr = complex(np.trace(r))
    low = float(np.linalg.eigvalsh(0.5 * (r + r.conj().T))[0])
    if herm > atol * scale or abs(tr - 1) > atol * scale or low < -atol * scale:
        raise ParameterError(
            f"rho0 must be a density matrix (Hermitian, positive, unit trace): "
            f"max|rho0 - rho0^dagger| = {herm:.3g}, trace = {tr:.6g}, smallest eigenvalue "
            f"{low:.3g} (check_state=False skips this check)"
        )

__all__ = ["TrajectoryEnsemble", "poisson_trajectories"]


@dataclass(frozen=True)
class TrajectoryEnsemble:
    """States of independent Poissonian collision sequences sampled at common times.

    A result container: it holds ndarrays whatever the type of `rho0` (the standard errors and
    the sample stack are not states); `mean_qobj()` returns the mean states as Qobj with the
    dims of a Qobj `rho0` (docs/conventions.md, "QuTiP objects in, QuTiP objects out").

    Attributes
    ----------
    times : ndarray, shape (nt,)
    mean : ndarray, shape (nt, d, d), complex128
        Average over realisations: rho(t) of Eq. (6).
    standard_error : ndarray, shape (nt, d, d), complex128
        Standard error of `mean`, real and imaginary parts separately
        (sample std / sqrt(n_realisations)).
    samples : ndarray, shape (n_samples, nt, d, d), complex128
        The first few single realisations (for plotting), n_samples <= 5.
    n_realisations : int
    rate : float
    dephased : bool
        True if the full dephasing D was applied after every collision.
    dims : list or None
        The QuTiP dims of a Qobj `rho0` (None for an ndarray), used by `mean_qobj`.
    """

    times: np.ndarray
    mean: np.ndarray
    standard_error: np.ndarray
    samples: np.ndarray
    n_realisations: int
    rate: float
    dephased: bool
    dims: list | None = None

    def mean_qobj(self) -> list:
        """`mean` as a list of ``qutip.Qobj`` (one per time), for Qobj workflows (needs QuTiP).

        Examples
        --------
        >>> s = np.eye(4).reshape(2, 2, 2, 2)
        >>> ens = poisson_trajectories(s, np.array([0.0, 1.0]), 1.0, np.eye(2) / 2, [0.0],
        ...                            n_realisations=2, rng=np.random.default_rng(0))
        >>> ens.mean_qobj()[0].shape
        (2, 2)
        """
        import qutip  # optional extra

        return [qutip.Qobj(m, dims=self.dims) if self.dims else qutip.Qobj(m)
                for m in self.mean]


def poisson_trajectories(scattering_map, energies, rate, rho0, times, *, n_realisations: int,
                         rng: np.random.Generator, hbar: float | None = None,
                         dephase: bool = False, check_state: bool = True) -> TrajectoryEnsemble:
    r"""Sample :math:`\rho_n = \mathbb S\mathbb U^{\tau_n}\cdots\mathbb S\mathbb U^{\tau_1}\rho_0`.

    Eq. (5) of Tabanera-Bravo et al. (2023) with exponential waiting times of mean 1/Gamma;
    between collisions the state evolves freely, so the state at time t is
    :math:`\mathbb U^{t-T_n}\rho_n` with :math:`T_n \le t < T_{n+1}`. With ``dephase=True``
    every collision is followed by the full dephasing D of Eq. (3) (the red curve of Fig. 1).
    The average over realisations is rho(t) of Eq. (6), which obeys the master equation (8).

    Parameters
    ----------
    scattering_map : ScatteringMap or ndarray, shape (d, d, d, d)
    energies : ndarray, shape (d,)
    rate : float
        Gamma > 0.
    rho0 : ndarray or qutip.Qobj, shape (d, d)
        Density matrix in the H_S eigenbasis (Hermitian, positive, unit trace: checked to
        1e-10 unless ``check_state=False``).
    times : ndarray, shape (nt,)
        Non-negative sampling times.
    n_realisations : int
        2 .. 10^7 (the stored states, collisions x realisations x d^2, are capped by
        `thermalize.errors.MAX_DENSE_BYTES`).
    rng : numpy.random.Generator
    hbar : float, optional
        A ScatteringMap's model hbar by default (given: must agree), else 1.
    dephase : bool
    check_state : bool
        Skip the density-matrix check of `rho0` where the caller has validated it.

    Returns
    -------
    TrajectoryEnsemble

    Examples
    --------
    >>> s = np.eye(4).reshape(2, 2, 2, 2)  # S = identity: only free evolution
    >>> ens = poisson_trajectories(s, np.array([0.0, 1.0]), 1.0, np.full((2, 2), 0.5),
    ...                            [0.0, np.pi], n_realisations=10,
    ...                            rng=np.random.default_rng(0))
    >>> round(float(ens.mean[1, 0, 1].real), 12)
    -0.5
    """
    s, e = map_tensor(scattering_map, energies)
    rate = require_real("rate", rate)
    require_positive("rate", rate)
    hbar = _hbar(scattering_map, hbar)
    if not isinstance(rng, np.random.Generator):
        raise ParameterError(f"rng must be a numpy.random.Generator, got {type(rng).__name__}")
    n = require_int("n_realisations", n_realisations, low=2, high=10**7)
    d = e.size
    r0 = np.asarray(to_array(rho0))
    if r0.shape != (d, d) or not np.issubdtype(r0.dtype, np.number):
        raise ParameterError(f"rho0 must be a numeric ({d}, {d}) matrix, got shape {r0.shape}")
    r0 = r0.astype(complex)
    require_finite("rho0", r0)
    if check_state:
        _require_density_matrix(r0)
    t = as_float_array("times", times, ndim=1)
    if np.any(t < 0):
        raise ParameterError(f"times={times!r} must be >= 0")
    mean_n = rate * float(t.max(initial=0.0))
    require_dense_size("poisson_trajectories states",
                       (int(mean_n + 10 * np.sqrt(mean_n) + 11) * 2, n, d, d))
    step = np.einsum("abjk,jkcl->abcl", full_dephasing(e), s) if dephase else s
    t_max = float(t.max(initial=0.0))
    mean_n = rate * t_max
    k = int(np.ceil(mean_n + 10 * np.sqrt(mean_n) + 10))
    waits = rng.exponential(1.0 / rate, size=(n, k))
    for _ in range(100):  # every sequence must pass t_max (P(fail) < e^-50 per round)
        if not np.any(waits.sum(axis=1) <= t_max):
            break
        waits = np.hstack([waits, rng.exponential(1.0 / rate, size=(n, k))])
    else:
        raise ConvergenceError(
            f"poisson_trajectories: 100 rounds of {k} waiting times did not pass t_max={t_max} "
            f"(rate={rate}); last total {waits.sum(axis=1).min():.3g}"
        )
    arrivals = np.cumsum(waits, axis=1)
    bohr = e[:, None] - e[None, :]
    states = np.empty((arrivals.shape[1] + 1, n, d, d), dtype=complex)
    states[0] = r0
    for i in range(arrivals.shape[1]):  # rho_{i+1} = S U^{tau_{i+1}} rho_i
        free = states[i] * np.exp(-1j * bohr * waits[:, i, None, None] / hbar)
        states[i + 1] = np.einsum("abjk,rjk->rab", step, free)
    # number of collisions up to each time, (nt, n)
    count = np.stack([np.searchsorted(row, t, side="right") for row in arrivals], axis=1)
    last = np.hstack([np.zeros((n, 1)), arrivals])[np.arange(n)[None, :], count]  # T_count
    rho_t = states[count, np.arange(n)[None, :]]  # (nt, n, d, d)
    rho_t = rho_t * np.exp(-1j * bohr * ((t[:, None] - last) / hbar)[..., None, None])
    mean = rho_t.mean(axis=1)
    se = (rho_t.real.std(axis=1, ddof=1) + 1j * rho_t.imag.std(axis=1, ddof=1)) / np.sqrt(n)
    return TrajectoryEnsemble(times=t, mean=mean, standard_error=se,
                              samples=rho_t[:, : min(n, 5)].transpose(1, 0, 2, 3),
                              n_realisations=n, rate=float(rate), dephased=bool(dephase),
                              dims=rho0.dims if is_qobj(rho0) else None)
