"""Stochastic Poissonian collision sequences, Eqs. (5)-(6) of Tabanera-Bravo et al. (2023)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..errors import ParameterError, as_float_array, require_finite, require_positive
from ..superop import full_dephasing
from .dynamics import map_tensor

__all__ = ["TrajectoryEnsemble", "poisson_trajectories"]


@dataclass(frozen=True)
class TrajectoryEnsemble:
    """States of independent Poissonian collision sequences sampled at common times.

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
    """

    times: np.ndarray
    mean: np.ndarray
    standard_error: np.ndarray
    samples: np.ndarray
    n_realisations: int
    rate: float
    dephased: bool


def poisson_trajectories(scattering_map, energies, rate, rho0, times, *, n_realisations: int,
                         rng: np.random.Generator, hbar: float = 1.0,
                         dephase: bool = False) -> TrajectoryEnsemble:
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
    rho0 : ndarray, shape (d, d)
    times : ndarray, shape (nt,)
        Non-negative sampling times.
    n_realisations : int
        >= 2.
    rng : numpy.random.Generator
    hbar : float
    dephase : bool

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
    require_positive("rate", rate)
    require_positive("hbar", hbar)
    if not isinstance(rng, np.random.Generator):
        raise ParameterError(f"rng must be a numpy.random.Generator, got {type(rng).__name__}")
    n = int(n_realisations)
    if n < 2:
        raise ParameterError(f"n_realisations={n_realisations!r} is outside the allowed range [2, inf)")
    d = e.size
    r0 = np.asarray(rho0, dtype=complex)
    if r0.shape != (d, d):
        raise ParameterError(f"rho0 must have shape {(d, d)}, got {r0.shape}")
    require_finite("rho0", r0)
    t = as_float_array("times", times, ndim=1)
    if np.any(t < 0):
        raise ParameterError(f"times={times!r} must be >= 0")
    step = np.einsum("abjk,jkcl->abcl", full_dephasing(e), s) if dephase else s
    t_max = float(t.max(initial=0.0))
    mean_n = rate * t_max
    k = int(np.ceil(mean_n + 10 * np.sqrt(mean_n) + 10))
    waits = rng.exponential(1.0 / rate, size=(n, k))
    while np.any(waits.sum(axis=1) <= t_max):  # every sequence must pass t_max
        waits = np.hstack([waits, rng.exponential(1.0 / rate, size=(n, k))])
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
                              n_realisations=n, rate=float(rate), dephased=bool(dephase))
