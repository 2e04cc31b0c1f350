"""Gaussian initial states: correlation matrices of product grand-canonical and Fock states."""

from __future__ import annotations

import numpy as np

from ..distributions import fermi_dirac, sample_fermi_occupations
from ..errors import (
    ParameterError,
    as_float_array,
    require_dense_size,
    require_in_range,
    require_real,
)
from .model import SYSTEM, QuadraticModel, require_model

__all__ = [
    "fock_correlation_matrix",
    "gibbs_correlation_matrix",
    "part_generators",
    "sample_fock_correlation_matrix",
]


def _bath_values(name: str, value, model: QuadraticModel, *, allow_inf: bool = False):
    """One float per bath (partition order) from a scalar, a sequence or a dict."""
    labels = model.bath_labels
    if isinstance(value, dict):
        if set(value) != set(labels):
            raise ParameterError(f"{name}={value!r} must give one value per bath {list(labels)}")
        vals = [value[b] for b in labels]
    else:
        arr = np.atleast_1d(np.asarray(value, dtype=object))
        if arr.ndim != 1 or arr.size not in (1, len(labels)):
            raise ParameterError(
                f"{name}={value!r} must be a scalar, a sequence of {len(labels)} values or a dict"
            )
        vals = list(np.broadcast_to(arr, (len(labels),)))
    out = {}
    for b, v in zip(labels, vals):
        out[b] = require_real(f"{name}[{b!r}]", v, allow_inf=allow_inf)
    return out


def _system_block(model: QuadraticModel, system_occupation) -> np.ndarray:
    m = model.system_modes.size
    arr = (
        as_float_array("system_occupation", system_occupation)
        if not np.iscomplexobj(system_occupation)
        else np.asarray(system_occupation)
    )
    if arr.ndim == 0 or arr.ndim == 1:
        occ = np.broadcast_to(arr, (m,)) if arr.ndim == 0 or arr.size == m else None
        if occ is None:
            raise ParameterError(
                f"system_occupation has shape {arr.shape}; expected a scalar, ({m},) or ({m}, {m})"
            )
        require_in_range("system_occupation", occ, 0.0, 1.0)
        return np.diag(occ.astype(float))
    if arr.shape != (m, m):
        raise ParameterError(
            f"system_occupation has shape {arr.shape}; expected a scalar, ({m},) or ({m}, {m})"
        )
    if not np.allclose(arr, arr.conj().T, atol=1e-12):
        raise ParameterError("system_occupation (a correlation matrix) must be Hermitian")
    ev = np.linalg.eigvalsh(arr)
    require_in_range("eigenvalues of system_occupation", ev, -1e-12, 1 + 1e-12)
    return arr


def _assemble(model: QuadraticModel, sys_block: np.ndarray, bath_occ: dict[str, np.ndarray]):
    """Correlation matrix in the site basis from local-mode occupations of each bath."""
    t, _ = model.local_basis
    dtype = complex if (np.iscomplexobj(t) or np.iscomplexobj(sys_block)) else float
    c = np.zeros((model.n_modes, model.n_modes), dtype=dtype)
    s = model.system_modes
    c[np.ix_(s, s)] = sys_block
    for b, occ in bath_occ.items():
        ix = model.modes(b)
        w = t[np.ix_(ix, ix)]
        # local modes a_k = sum_j conj(W_jk) c_j:  <c_i^dag c_j> = (conj(W) diag(n) W^T)_ij
        c[np.ix_(ix, ix)] = (w.conj() * occ) @ w.T
    return c


def _betas(model, beta, temperature) -> dict[str, float]:
    """Per-bath inverse temperatures from `beta=` or, alternatively, `temperature=`."""
    if (beta is None) == (temperature is None):
        raise ParameterError(
            f"give exactly one of beta={beta!r} and temperature={temperature!r}"
        )
    if beta is not None:
        return _bath_values("beta", beta, model, allow_inf=True)
    temps = _bath_values("temperature", temperature, model, allow_inf=True)
    for b, t in temps.items():
        if not t >= 0:
            raise ParameterError(f"temperature[{b!r}]={t!r} is outside the allowed range [0, inf]")
    return {b: (np.inf if t == 0 else 1.0 / t) for b, t in temps.items()}


def _mus(model, mu) -> dict[str, float]:
    if mu is None:
        raise ParameterError("mu (one chemical potential per bath) is required")
    return _bath_values("mu", mu, model)


def gibbs_correlation_matrix(
    model: QuadraticModel, beta=None, mu=None, system_occupation=0.0, *, temperature=None
) -> np.ndarray:
    r"""Correlation matrix :math:`\mathcal C_{ij} = \mathrm{tr}[c_i^\dagger c_j \rho]` of Eq. (2).

    :math:`\rho = \rho_S \otimes \prod_\nu \pi_\nu(\beta_\nu, \mu_\nu)` with the grand-canonical
    bath states of Eq. (3); for diagonal bath blocks this is Eq. (20),
    :math:`\mathcal C(0) = \mathrm{diag}[n_d, f(\beta_L(\epsilon_{Lk}-\mu_L)), \dots]` (Usui et al. 2024).

    Parameters
    ----------
    model : QuadraticModel
    beta, mu : float, sequence (one per bath, partition order) or dict label -> float
        Inverse temperature (any real, or inf) and chemical potential of each bath.
    temperature : float, sequence or dict, optional
        Alternative to ``beta`` (``beta = 1/temperature``; 0 means beta = inf); give one.
    system_occupation : float, ndarray (m,) or ndarray (m, m)
        Initial system occupations :math:`n_d \in [0, 1]` or the system correlation matrix.

    Returns
    -------
    ndarray, shape (n, n)
        Hermitian, eigenvalues in [0, 1]; real when the model is real.

    Examples
    --------
    >>> m = QuadraticModel.example()
    >>> np.round(np.diag(gibbs_correlation_matrix(m, beta=1.0, mu=0.0)), 3)
    array([0.   , 0.731, 0.269, 0.731, 0.269])
    """
    require_model(model)
    betas = _betas(model, beta, temperature)
    mus = _mus(model, mu)
    occ = {b: fermi_dirac(model.levels(b), betas[b], mus[b]) for b in model.bath_labels}
    return _assemble(model, _system_block(model, system_occupation), occ)


def part_generators(model: QuadraticModel, rng) -> dict[str, np.random.Generator]:
    """One independent generator per part (``"system"``, then each bath in partition order).

    ``rng`` is an integer seed, a ``numpy.random.SeedSequence`` or a ``Generator``. The
    children are ``SeedSequence(seed).spawn(1 + n_baths)`` (a Generator contributes four
    64-bit draws as the seed, a fixed amount whatever is sampled afterwards), so the draw of a
    part does not depend on what is drawn for the others: with an integer seed ``s``, bath
    ``i`` (0-based) uses ``np.random.default_rng(np.random.SeedSequence(s).spawn(1 +
    n_baths)[1 + i])``.

    Examples
    --------
    >>> m = QuadraticModel.example()
    >>> sorted(part_generators(m, 7))
    ['L', 'R', 'system']
    """
    require_model(model)
    if isinstance(rng, np.random.Generator):
        seq = np.random.SeedSequence(rng.integers(0, 2**63, size=4).tolist())
    elif isinstance(rng, np.random.SeedSequence):
        seq = rng
    elif isinstance(rng, (int, np.integer)) and not isinstance(rng, bool) and rng >= 0:
        seq = np.random.SeedSequence(int(rng))
    else:
        raise ParameterError(
            f"rng must be a numpy.random.Generator, a SeedSequence or a non-negative integer "
            f"seed, got {rng!r} ({type(rng).__name__})"
        )
    labels = (SYSTEM,) + model.bath_labels
    return {lab: np.random.default_rng(c) for lab, c in zip(labels, seq.spawn(len(labels)))}


def sample_fock_correlation_matrix(
    model: QuadraticModel,
    beta=None,
    mu=None,
    system_occupation=0.0,
    *,
    rng,
    return_occupations=False,
    temperature=None,
):
    r"""Correlation matrix of a random Fock state whose occupations are drawn from Fermi laws.

    Each local bath mode k is occupied with probability :math:`f(\beta_\nu(\epsilon_{\nu k} -
    \mu_\nu))` (independent uniform draws, Sec. IV C and Fig. 7 of Usui et al. 2024); each
    system mode with probability ``system_occupation``. The result is a pure Gaussian
    state (eigenvalues exactly 0 or 1) whose average over draws is
    :func:`gibbs_correlation_matrix`.

    Draw order: every part has its own child generator (:func:`part_generators`: the system
    first, then the baths in partition order), and each draws one uniform number per local
    mode with ``sample_fermi_occupations``. A bath's draw therefore depends only on the seed
    and its position, not on ``system_occupation`` or the other baths.

    Parameters
    ----------
    model : QuadraticModel
    beta, mu, temperature : float, sequence or dict
        As in :func:`gibbs_correlation_matrix`.
    system_occupation : float or ndarray (m,)
        Occupation probabilities of the system modes.
    rng : numpy.random.Generator, numpy.random.SeedSequence or int
        Source of the draws (see :func:`part_generators`).
    return_occupations : bool
        Also return the drawn occupations (0/1, shape (n,), index = local mode, in the
        order of the model's modes).

    Returns
    -------
    ndarray, shape (n, n); with ``return_occupations``, ``(c0, occupations)``

    Examples
    --------
    >>> m = QuadraticModel.example()
    >>> c = sample_fock_correlation_matrix(m, 1.0, 0.0, rng=np.random.default_rng(1))
    >>> sorted(set(np.round(np.linalg.eigvalsh(c), 12).tolist()))
    [0.0, 1.0]
    """
    require_model(model)
    gens = part_generators(model, rng)
    betas = _betas(model, beta, temperature)
    mus = _mus(model, mu)
    p_sys = as_float_array("system_occupation", system_occupation)
    m = model.system_modes.size
    if p_sys.ndim > 1 or (p_sys.ndim == 1 and p_sys.size != m):
        raise ParameterError(
            f"system_occupation has shape {p_sys.shape}; expected a scalar or ({m},) probabilities"
        )
    require_in_range("system_occupation", p_sys, 0.0, 1.0)
    sys_occ = (gens[SYSTEM].random(m) < np.broadcast_to(p_sys, (m,))).astype(float)
    occ = {
        b: sample_fermi_occupations(model.levels(b), betas[b], mus[b], rng=gens[b]).astype(float)
        for b in model.bath_labels
    }
    c = _assemble(model, np.diag(sys_occ), occ)
    if not return_occupations:
        return c
    drawn = np.zeros(model.n_modes)
    drawn[model.system_modes] = sys_occ
    for b, o in occ.items():
        drawn[model.modes(b)] = o
    return c, drawn


def fock_correlation_matrix(occupied, model: QuadraticModel | None = None) -> np.ndarray:
    r"""Correlation matrix of the Fock state with the given occupied local modes.

    :math:`\mathcal C = \mathrm{diag}(n)` in the local-mode basis (Sec. IV C of Usui et al.
    2024), returned in the site basis of ``model`` (:attr:`QuadraticModel.local_basis`); without
    a model the local modes are the sites.

    Parameters
    ----------
    occupied : array_like of 0/1 or bool, shape (n,)
        Occupation of each mode (index = mode index of the model; for a bath, the k-th
        mode of a part is its k-th local eigenmode).
    model : QuadraticModel, optional

    Returns
    -------
    ndarray, shape (n, n)

    Examples
    --------
    >>> fock_correlation_matrix([1, 0, 1])
    array([[1., 0., 0.],
           [0., 0., 0.],
           [0., 0., 1.]])
    """
    arr = np.asarray(occupied)
    if arr.dtype == object or not (
        np.issubdtype(arr.dtype, np.number) or np.issubdtype(arr.dtype, np.bool_)
    ) or np.iscomplexobj(arr):
        raise ParameterError(f"occupied={occupied!r} must be a 1D array of 0/1 occupations")
    if arr.ndim != 1 or arr.size == 0:
        raise ParameterError(f"occupied must be a non-empty 1D array, got shape {arr.shape}")
    occ = arr.astype(float)
    if not np.all((occ == 0.0) | (occ == 1.0)):
        raise ParameterError(
            f"occupied={occupied!r} must contain only 0 and 1 (a Fock state); use "
            "gibbs_correlation_matrix for fractional occupations"
        )
    if model is None:
        require_dense_size("occupied", (occ.size, occ.size), itemsize=8)
        return np.diag(occ)
    require_model(model)
    if occ.size != model.n_modes:
        raise ParameterError(
            f"occupied has {occ.size} entries but the model has {model.n_modes} modes"
        )
    parts = {b: occ[model.modes(b)] for b in model.bath_labels}
    t = model.local_basis[0]
    s = model.system_modes
    w = t[np.ix_(s, s)]
    return _assemble(model, (w.conj() * occ[s]) @ w.T, parts)
