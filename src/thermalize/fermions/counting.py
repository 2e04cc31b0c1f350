r"""Counting statistics of a finite fermion bath at time t: p(N; t) and the joint p(N, E; t).

For a Gaussian state with correlation matrix :math:`\mathcal C_{ij} = \mathrm{tr}[c_i^\dagger c_j\rho]`
the diagonal of the bath's reduced state in the Fock basis of its local modes is a
determinantal law. Its generating function is

.. math:: \chi(\lambda, \xi) = \mathrm{tr}\bigl[\rho\, e^{i\lambda \hat N_B + i\xi \hat H_B}\bigr]
          = \det\bigl[1 + \mathcal C_B^T (e^{i\lambda + i\xi\epsilon} - 1)\bigr],

with :math:`\mathcal C_B` the bath block in the local basis (where :math:`h_{BB}` is diagonal,
levels :math:`\epsilon_k`). At :math:`\xi = 0` it depends only on the eigenvalues
:math:`\nu_j` of :math:`\mathcal C_B`: :math:`\chi = \prod_j (1 - \nu_j + \nu_j e^{i\lambda})`, so
:math:`\hat N_B` has a Poisson-binomial law with success probabilities :math:`\nu_j`.
(Derivations and assumptions: docs/physics.md, "Counting statistics of finite fermion baths".)
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import linalg

from ..errors import ParameterError, as_float_array, require_dense_size, require_real
from ._cauchy import few_close_pairs, hubs, local_couplings, rows_and_block
from .dynamics import CorrelationEvolver, accurate_phases, validate_correlation_matrix
from .model import QuadraticModel, require_model

__all__ = [
    "BathNumberDistribution",
    "NumberEnergyDistribution",
    "bath_number_distribution",
    "bath_number_energy_distribution",
    "energy_lattice",
    "poisson_binomial",
]


#: Largest number of Bernoulli variables `poisson_binomial` accepts: its O(n^2) recursion takes
#: ~1-2 s at n = 20,000 (a bath of that many levels), ~25 s or more at 100,000.
MAX_POISSON_BINOMIAL = 20_000


def poisson_binomial(probabilities) -> np.ndarray:
    r"""Law of the number of successes of independent Bernoulli trials, shape (K + 1,).

    Recursion :math:`P_k(n) = (1 - p_k) P_{k-1}(n) + p_k P_{k-1}(n-1)`, O(K^2).

    Every step is a convex combination of non-negative numbers: there is no subtraction, so
    each probability (tails included) carries a *relative* rounding error of at most about
    :math:`2K\varepsilon` (~4e-13 at K = 1000) with respect to the given :math:`p_k` (``1 - p_k``
    is exact for :math:`p_k \ge 1/2` by Sterbenz's lemma and relatively accurate below), all
    entries are >= 0 exactly and they sum to 1 within :math:`K\varepsilon`. The alternative, a DFT of the characteristic function
    :math:`\prod_k(1-p_k+p_k e^{i\lambda})`, is also O(K^2) (or O(K log^2 K)) but its error is
    *absolute* (~K eps), so tails below ~1e-13 come out as noise, possibly negative.

    Parameters
    ----------
    probabilities : array_like, shape (K,)
        Success probabilities in [0, 1] (values within 1e-9 of the interval are clipped,
        the rounding of an eigensolver).

    Examples
    --------
    >>> poisson_binomial([0.5, 0.5])
    array([0.25, 0.5 , 0.25])
    """
    p = np.atleast_1d(as_float_array("probabilities", probabilities))
    if p.ndim != 1:
        raise ParameterError(f"probabilities must be one-dimensional, got shape {p.shape}")
    if p.size > MAX_POISSON_BINOMIAL:
        raise ParameterError(
            f"probabilities has {p.size} entries, more than MAX_POISSON_BINOMIAL = "
            f"{MAX_POISSON_BINOMIAL} (the recursion costs n^2/2 operations)")
    if p.size and (p.min() < -1e-9 or p.max() > 1 + 1e-9):
        raise ParameterError(
            f"probabilities span [{p.min():.3g}, {p.max():.3g}], outside the allowed range [0, 1]"
        )
    p = np.clip(p, 0.0, 1.0)
    pmf = np.zeros(p.size + 1)
    pmf[0] = 1.0
    for k, pk in enumerate(p):
        pmf[1 : k + 2] = pmf[1 : k + 2] * (1.0 - pk) + pmf[: k + 1] * pk
        pmf[0] *= 1.0 - pk
    return pmf


@dataclass(frozen=True)
class BathNumberDistribution:
    """p(N_B; t) of one bath: a Poisson-binomial law in the eigenvalues of its correlation block.

    Attributes
    ----------
    bath : str
    times : ndarray, shape (nt,)
    probabilities : ndarray, shape (nt, K + 1)
        p(N; t) for N = 0 .. K.
    eigenvalues : ndarray, shape (nt, K)
        Spectrum of the bath block C_B(t), ascending, clipped to [0, 1].
    """

    bath: str
    times: np.ndarray
    probabilities: np.ndarray
    eigenvalues: np.ndarray

    @property
    def numbers(self) -> np.ndarray:
        """N = 0 .. K, shape (K + 1,)."""
        return np.arange(self.probabilities.shape[-1])

    @property
    def mean(self) -> np.ndarray:
        """<N_B>(t) = tr C_B (the sum of the eigenvalues), shape (nt,)."""
        return self.eigenvalues.sum(axis=-1)

    @property
    def variance(self) -> np.ndarray:
        """Var N_B(t) = sum_j nu_j (1 - nu_j), shape (nt,)."""
        return (self.eigenvalues * (1.0 - self.eigenvalues)).sum(axis=-1)


def _check_bath(model: QuadraticModel, bath) -> str:
    if not isinstance(bath, str) or bath not in model.bath_labels:
        raise ParameterError(
            f"bath={bath!r} is not a bath of the model; allowed: {list(model.bath_labels)}"
        )
    return bath


def bath_number_distribution(model: QuadraticModel, c0, times, bath: str = "L") -> BathNumberDistribution:
    r"""Exact distribution p(N_B; t) of the particle number of one bath at time t.

    :math:`\hat N_B` has the generating function :math:`\det[1 + \mathcal C_B(e^{i\lambda}-1)]
    = \prod_j (1 - \nu_j + \nu_j e^{i\lambda})` with :math:`\nu_j` the eigenvalues of the bath
    block :math:`\mathcal C_B(t)` (Eq. 19 of Usui et al. 2024 gives :math:`\mathcal C(t)`), so
    it is a Poisson-binomial law, computed by :func:`poisson_binomial` (non-negative, relative
    accuracy ~ 2 K eps in every entry for the computed eigenvalues). The eigenvalues themselves
    carry the absolute error of ``eigvalsh`` (~n eps), which limits far tails such as
    p(N = K) = prod nu_j when many nu_j are within 1e-13 of 0 or 1.

    Cost per time point: when the sites are the local modes, c0 is diagonal and the bath couples
    to the rest through a few hub modes (the dot of the SET), the bath rows of
    :math:`u = e^{-iht}` and the block :math:`u_B n u_B^\dagger` come from their Cauchy-like
    structure in O(|Sigma| K n) (:mod:`thermalize.fermions._cauchy`); otherwise the K rows of
    the eigenvectors of C(t) (a K x n x n product) and the block (BLAS zherk, K x n x K). Then
    ``eigvalsh`` of K x K (O(K^3), the dominant cost at K = 1000: ~0.5 s per time point) and
    O(K^2). The eigendecomposition of h is done once per model (cached), the check of c0 once
    per call.

    Parameters
    ----------
    model : QuadraticModel
    c0 : ndarray, shape (n, n)
        Initial correlation matrix (site basis).
    times : float or array_like, shape (nt,)
    bath : str
        A bath label of the model.

    Returns
    -------
    BathNumberDistribution

    Examples
    --------
    >>> from thermalize.fermions import gibbs_correlation_matrix, single_electron_transistor
    >>> m = single_electron_transistor(4, bandwidth=2.0, coupling=1.0)
    >>> d = bath_number_distribution(m, gibbs_correlation_matrix(m, 1.0, 0.0), 3.0, "L")
    >>> d.probabilities.shape, round(float(d.probabilities.sum()), 12)
    ((1, 5), 1.0)
    """
    require_model(model)
    bath = _check_bath(model, bath)
    ts = np.atleast_1d(as_float_array("times", times))
    if ts.ndim != 1:
        raise ParameterError(f"times must be a number or a 1D array, got shape {ts.shape}")
    rows = model.modes(bath)
    blocks = _structured_blocks(model, c0, ts, rows)
    if blocks is None:  # general route: rows of the eigenvectors of C(t) and a zherk
        ev = CorrelationEvolver(model, c0)
        blocks = (ev.hermitian_block_upper(ev.eigenvectors(float(t), rows)) for t in ts)
    nus, probs = [], []
    for up in blocks:
        nu = np.clip(linalg.eigvalsh(up, lower=False, overwrite_a=True, check_finite=False), 0.0, 1.0)
        nus.append(nu)
        probs.append(poisson_binomial(nu))
    k = rows.size
    return BathNumberDistribution(
        bath, ts, np.array(probs).reshape(ts.size, k + 1), np.array(nus).reshape(ts.size, k)
    )


def _structured_blocks(model: QuadraticModel, c0, ts, rows):
    r"""Bath blocks :math:`(u\,n\,u^\dagger)_{BB}(t)` in O(K n |Sigma|) each, or None.

    Applies when the sites are the local modes, c0 is diagonal (so n commutes with the local
    levels) and the bath couples to the rest through a few hub modes (:mod:`._cauchy`): then
    the bath rows of u and the block are Cauchy-like, with no K x n x n product. The block has
    the spectrum of :math:`\mathcal C_{BB}(t)` (it is its transpose).
    """
    if not model.is_locally_diagonal:
        return None
    c0 = validate_correlation_matrix(c0, model.n_modes)
    if np.count_nonzero(c0 - np.diag(np.diag(c0))):
        return None
    eps, c = local_couplings(model)
    hub = hubs(c, rows)
    if hub is None or hub.size == 0 or np.isin(rows, hub).any():
        return None
    scale = float(np.abs(model.single_particle_hamiltonian).max())
    if not few_close_pairs(eps[rows], eps, scale):
        return None
    occ = np.clip(np.diag(c0).real, 0.0, 1.0)
    energies, v = model.eigensystem

    def block(t):
        ph = np.exp(-1j * accurate_phases(energies, float(t)))
        return rows_and_block(v, ph, rows, eps, c, hub, occ, scale)[1]

    return (block(t) for t in ts)


def energy_lattice(levels, energy_resolution=None) -> tuple[float, float, np.ndarray]:
    r"""Write levels as :math:`\epsilon_k \approx \epsilon_{\min} + \delta\, m_k`, integers m_k >= 0.

    With ``energy_resolution=None`` the levels must lie on a lattice (equally spaced
    levels, as in the single-electron transistor): :math:`\delta` is the smallest gap and every
    :math:`(\epsilon_k - \epsilon_{\min})/\delta` must be an integer within 1e-8; the result is then
    exact. With a resolution :math:`\delta` the levels are rounded to the grid, so the bath
    energy :math:`\sum_k \epsilon_k n_k` is known to within :math:`N\delta/2`.

    Returns
    -------
    (e_min, delta, m) : float, float, ndarray of int, shape (K,)
    """
    lv = as_float_array("levels", levels, ndim=1)
    if lv.size == 0:
        raise ParameterError("levels must be a non-empty 1D array")
    e0 = float(lv.min())
    if energy_resolution is None:
        gaps = np.diff(np.unique(lv))
        if gaps.size == 0:
            return e0, 1.0, np.zeros(lv.size, dtype=np.int64)
        delta = float(gaps.min())
        x = (lv - e0) / delta
        if np.max(np.abs(x - np.rint(x))) > 1e-8:
            raise ParameterError(
                "energy_resolution=None needs levels on a lattice e_min + delta * integer; these "
                f"levels are not (smallest gap {delta:.3g}): give energy_resolution to bin them"
            )
    else:
        delta = require_real("energy_resolution", energy_resolution)
        if not delta > 0:
            raise ParameterError(
                f"energy_resolution={energy_resolution!r} is outside the allowed range (0, inf)"
            )
        x = (lv - e0) / delta
    return e0, delta, np.rint(x).astype(np.int64)


@dataclass(frozen=True)
class NumberEnergyDistribution:
    r"""Joint law p(N, E) of a bath's particle number and energy on an energy lattice.

    :math:`E = N\epsilon_{\min} + \delta M` with the lattice index M (see :func:`energy_lattice`).

    Attributes
    ----------
    bath : str
    time : float
    probabilities : ndarray, shape (K + 1, M_max + 1)
        p(N, M), N = 0 .. K, M = 0 .. M_max (the largest possible lattice index).
    e_min, delta : float
    exact : bool
        True when the levels lie on the lattice (no binning).
    """

    bath: str
    time: float
    probabilities: np.ndarray
    e_min: float
    delta: float
    exact: bool

    @property
    def energies(self) -> np.ndarray:
        """E(N, M) = N e_min + delta M, shape of `probabilities`."""
        n, m = np.indices(self.probabilities.shape)
        return n * self.e_min + self.delta * m

    @property
    def number_marginal(self) -> np.ndarray:
        """p(N), shape (K + 1,)."""
        return self.probabilities.sum(axis=1)

    @property
    def mean_energy(self) -> float:
        """<E> from the joint law."""
        return float((self.probabilities * self.energies).sum())


def bath_number_energy_distribution(
    model: QuadraticModel, c0, time, bath: str = "L", *, energy_resolution=None
) -> NumberEnergyDistribution:
    r"""Exact joint distribution of a bath's particle number and energy at time t.

    Evaluates :math:`\chi(\lambda, \xi) = \det[1 + \mathcal C_B^T(e^{i\lambda + i\xi\delta m_k} - 1)]`
    (module docstring; local basis, the energy measured from :math:`N\epsilon_{\min}` on the
    lattice of :func:`energy_lattice`) on the full grid :math:`\lambda_j = 2\pi j/(K+1)`,
    :math:`\xi_l = 2\pi l/((M_{\max}+1)\delta)` and inverts it with a 2D FFT: exact (no
    combinatorial approximation over the modes) for any Gaussian state, coherences between
    bath modes included. Cost: (K + 1)(M_max + 1) determinants of K x K, with
    M_max = sum_k m_k ~ K^2/2 for equally spaced levels, i.e. O(K^6): meant for K <~ 30;
    the probabilities are exact to ~1e-14 absolute (FFT rounding; tiny negatives possible).

    Parameters
    ----------
    model : QuadraticModel
    c0 : ndarray, shape (n, n)
    time : float
    bath : str
    energy_resolution : float, optional
        Grid spacing for levels that are not on a lattice (then E is binned, see
        :func:`energy_lattice`).

    Returns
    -------
    NumberEnergyDistribution

    Examples
    --------
    >>> from thermalize.fermions import gibbs_correlation_matrix, single_electron_transistor
    >>> m = single_electron_transistor(3, bandwidth=2.0, coupling=1.0)
    >>> d = bath_number_energy_distribution(m, gibbs_correlation_matrix(m, 1.0, 0.0), 2.0)
    >>> d.probabilities.shape, bool(abs(d.probabilities.sum() - 1) < 1e-12)
    ((4, 4), True)
    """
    require_model(model)
    bath = _check_bath(model, bath)
    t = require_real("time", time)
    e0, delta, m = energy_lattice(model.levels(bath), energy_resolution)
    ev = CorrelationEvolver(model, c0, local=True)
    rows = model.modes(bath)
    n_b = ev.block(t, rows).T  # single-particle density matrix n = C^T
    k = rows.size
    m_max = int(m.sum())
    require_dense_size("joint (N, E) grid", (k + 1, m_max + 1, k, k))
    lam = 2 * np.pi * np.arange(k + 1) / (k + 1)
    xi = 2 * np.pi * np.arange(m_max + 1) / (m_max + 1)
    phase = np.exp(1j * (lam[:, None, None] + xi[None, :, None] * m[None, None, :]))
    mats = np.eye(k) + n_b[None, None] * (phase - 1.0)[:, :, None, :]
    chi = np.linalg.det(mats)
    prob = np.fft.fft2(chi).real / chi.size
    return NumberEnergyDistribution(bath, t, prob, e0, delta, energy_resolution is None)
