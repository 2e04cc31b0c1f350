"""Gaussian initial states: correlation matrices of product grand-canonical and Fock states."""

from __future__ import annotations

import numpy as np

from ..distributions import fermi_dirac, sample_fermi_occupations
from ..errors import ParameterError, as_float_array, require_in_range
from .model import QuadraticModel, require_model

__all__ = ["gibbs_correlation_matrix", "sample_fock_correlation_matrix"]


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
        try:
            x = float(v)
        except (TypeError, ValueError):
            raise ParameterError(f"{name}[{b!r}]={v!r} must be a real number") from None
        if np.isnan(x) or (np.isinf(x) and not allow_inf):
            allowed = "[-inf, inf]" if allow_inf else "(-inf, inf) (finite)"
            raise ParameterError(f"{name}[{b!r}]={v!r} is outside the allowed range {allowed}")
        out[b] = x
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


def gibbs_correlation_matrix(model: QuadraticModel, beta, mu, system_occupation=0.0) -> np.ndarray:
    r"""Correlation matrix :math:`\mathcal C_{ij} = \mathrm{tr}[c_i^\dagger c_j \rho]` of Eq. (2).

    :math:`\rho = \rho_S \otimes \prod_\nu \pi_\nu(\beta_\nu, \mu_\nu)` with the grand-canonical
    bath states of Eq. (3); for diagonal bath blocks this is Eq. (20),
    :math:`\mathcal C(0) = \mathrm{diag}[n_d, f(\beta_L(\epsilon_{Lk}-\mu_L)), \dots]` (Usui et al. 2024).

    Parameters
    ----------
    model : QuadraticModel
    beta, mu : float, sequence (one per bath, partition order) or dict label -> float
        Inverse temperature (any real, or inf) and chemical potential of each bath.
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
    betas = _bath_values("beta", beta, model, allow_inf=True)
    mus = _bath_values("mu", mu, model)
    occ = {b: fermi_dirac(model.levels(b), betas[b], mus[b]) for b in model.bath_labels}
    return _assemble(model, _system_block(model, system_occupation), occ)


def sample_fock_correlation_matrix(
    model: QuadraticModel, beta, mu, system_occupation=0.0, *, rng: np.random.Generator
) -> np.ndarray:
    r"""Correlation matrix of a random Fock state whose occupations are drawn from Fermi laws.

    Each local bath mode k is occupied with probability :math:`f(\beta_\nu(\epsilon_{\nu k} -
    \mu_\nu))` (independent uniform draws, Sec. IV C and Fig. 7 of Usui et al. 2024); each
    system mode with probability ``system_occupation``. The result is a pure Gaussian
    state (eigenvalues exactly 0 or 1) whose average over draws is
    :func:`gibbs_correlation_matrix`.

    Parameters
    ----------
    model : QuadraticModel
    beta, mu : float, sequence or dict
        As in :func:`gibbs_correlation_matrix`.
    system_occupation : float or ndarray (m,)
        Occupation probabilities of the system modes.
    rng : numpy.random.Generator

    Returns
    -------
    ndarray, shape (n, n)

    Examples
    --------
    >>> m = QuadraticModel.example()
    >>> c = sample_fock_correlation_matrix(m, 1.0, 0.0, rng=np.random.default_rng(1))
    >>> sorted(set(np.round(np.linalg.eigvalsh(c), 12).tolist()))
    [0.0, 1.0]
    """
    require_model(model)
    if not isinstance(rng, np.random.Generator):
        raise ParameterError(f"rng must be a numpy.random.Generator, got {type(rng).__name__}")
    betas = _bath_values("beta", beta, model, allow_inf=True)
    mus = _bath_values("mu", mu, model)
    p_sys = as_float_array("system_occupation", system_occupation)
    m = model.system_modes.size
    if p_sys.ndim > 1 or (p_sys.ndim == 1 and p_sys.size != m):
        raise ParameterError(
            f"system_occupation has shape {p_sys.shape}; expected a scalar or ({m},) probabilities"
        )
    require_in_range("system_occupation", p_sys, 0.0, 1.0)
    sys_occ = (rng.random(m) < np.broadcast_to(p_sys, (m,))).astype(float)
    occ = {
        b: sample_fermi_occupations(model.levels(b), betas[b], mus[b], rng=rng).astype(float)
        for b in model.bath_labels
    }
    return _assemble(model, np.diag(sys_occ), occ)
