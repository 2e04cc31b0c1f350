"""Entropy production of quadratic models at every time, with every term of its decomposition."""

from __future__ import annotations

import math

import numpy as np
import xarray as xr
from scipy import linalg, special
from tqdm import tqdm

from .._version import __version__
from ..errors import ConvergenceError, ParameterError, as_float_array
from .dynamics import CorrelationEvolver
from .effective import _beta_mu, _natural_parameters, effective_temperature_chemical_potential
from .entropy import Eigvalsh, SecularEquation, binary_entropy, deletion_spectrum
from .model import QuadraticModel

__all__ = ["entropy_production"]

LN2 = math.log(2.0)

_DESCRIPTIONS = {
    "beta_eff": "effective inverse temperature beta*_nu, Eqs. (5)-(6)",
    "mu_eff": "effective chemical potential mu*_nu, Eqs. (5)-(6)",
    "energy": "bath energy tr[H_nu rho_nu]",
    "particle_number": "bath particle number tr[N_nu rho_nu]",
    "heat": "heat from bath nu, Q = -(dE - mu*(0) dN), Eq. (4)",
    "bath_entropy": "S(rho_nu), Eq. (21)",
    "gc_entropy": "S(pi_nu(beta*, mu*)), below Eq. (7)",
    "intra_bath_mi": "I_o,nu, Eq. (10)",
    "local_athermality": "share of bath nu in D*_env, Eq. (11)",
    "athermality_distance": "D[rho_nu || pi_nu] / S(pi_nu), Fig. 4 bottom row",
    "finite_bath_effect_bath": "share of bath nu in D_env^eq, Eq. (14)",
    "intra_bath_mi_normalised": "I_o,nu / ((K_nu - 1) ln 2)",
    "system_entropy": "S(rho_S), Eq. (21)",
    "joint_bath_entropy": "S(rho_B), Eq. (21)",
    "system_bath_mi": "I_S-B, Eq. (8)",
    "inter_bath_mi": "I_L-R (multi-information for > 2 baths), Eq. (9)",
    "intra_bath_mi_total": "sum_nu I_o,nu, Eq. (10)",
    "local_athermality_total": "D*_env, Eq. (11)",
    "entropy_production": "Sigma, Eq. (7)",
    "decomposition_sum": "I_S-B + I_L-R + sum I_o,nu + D*_env, right side of Eq. (12)",
    "decomposition_residual": "Sigma(t) - [X(t) - X(0)], X the right side of Eq. (12)",
    "pure_state_expression": "right side of Eq. (23)",
    "sigma": "sigma, Eq. (13)",
    "finite_bath_effect": "D_env^eq, Eq. (14)",
    "eq14_residual": "sigma - Sigma - D_env^eq, Eq. (14)",
    "system_bath_mi_normalised": "I_S-B / min(ln d_S, ln d_B)",
    "inter_bath_mi_normalised": "I_L-R / (sum_nu K_nu - max_nu K_nu) ln 2",
}


def _fermi_pair(levels: np.ndarray, a: float, b: float) -> tuple[np.ndarray, np.ndarray]:
    """(f, 1 - f) of the grand-canonical state in natural parameters (a, b) = (beta, -beta mu),
    each without cancellation (finite also at beta = 0, where mu may be infinite)."""
    x = a * levels + b
    return special.expit(-x), special.expit(x)


def _bernoulli_divergence(p, q, q_bar) -> np.ndarray:
    """D[Bernoulli(p) || Bernoulli(q)] per mode (natural log); q_bar = 1 - q given separately."""
    p = np.clip(p, 0.0, 1.0)
    return special.rel_entr(p, q) + special.rel_entr(1.0 - p, q_bar)


class _Snapshots:
    """Per-time entropies, energies and effective parameters of every part (local basis)."""

    def __init__(self, model: QuadraticModel, c0, joint_bath):
        self.model = model
        self.ev = CorrelationEvolver(model, c0, local=True)
        self.sys_rows = model.system_modes
        self.baths = model.bath_labels
        self.rows = {b: model.modes(b) for b in self.baths}
        self.levels = {b: model.levels(b) for b in self.baths}
        self.use_secular = isinstance(joint_bath, SecularEquation) and self.sys_rows.size == 1
        self.joint_bath = joint_bath
        self.fallbacks = 0
        self.guess: dict[str, tuple[float, float] | None] = {b: None for b in self.baths}

    def __call__(self, t: float) -> dict:
        ev = self.ev
        phi = ev.eigenvectors(t)
        out: dict = {}
        c_ss = (phi[self.sys_rows] * ev.occupations) @ phi[self.sys_rows].conj().T
        out["system_entropy"] = float(binary_entropy(linalg.eigvalsh(c_ss)).sum())
        for b in self.baths:
            up = ev.hermitian_block_upper(phi[self.rows[b]])
            occ = np.clip(np.diag(up).real, 0.0, 1.0)
            lev = self.levels[b]
            e, n = float(lev @ occ), float(occ.sum())
            nat = _natural_parameters(lev, e, n, bath=b, start=self.guess[b])
            self.guess[b] = nat
            beta, mu = _beta_mu(*nat)
            f, f_bar = _fermi_pair(lev, *nat)
            out[b] = {
                "occupations": occ,
                "energy": e,
                "particle_number": n,
                "bath_entropy": float(binary_entropy(linalg.eigvalsh(up, lower=False)).sum()),
                "mode_entropy_sum": float(binary_entropy(occ).sum()),
                "beta_eff": beta,
                "mu_eff": mu,
                "natural": nat,
                "gc_entropy": float((special.entr(f) + special.entr(f_bar)).sum()),
                "local_athermality": float(_bernoulli_divergence(occ, f, f_bar).sum()),
            }
        out["joint_bath_entropy"] = self._joint_bath_entropy(phi)
        return out

    def _joint_bath_entropy(self, phi: np.ndarray) -> float:
        ev = self.ev
        if self.use_secular:
            weights = np.abs(phi[self.sys_rows[0]]) ** 2
            try:
                mu = deletion_spectrum(ev.occupations, weights, method=self.joint_bath)
                return float(binary_entropy(mu).sum())
            except ConvergenceError:
                self.fallbacks += 1  # rare: fall back to LAPACK on the joint bath block
        rows = np.concatenate([self.rows[b] for b in self.baths])
        up = ev.hermitian_block_upper(phi[rows])
        return float(binary_entropy(linalg.eigvalsh(up, lower=False)).sum())


def entropy_production(
    model: QuadraticModel,
    c0,
    times,
    *,
    joint_bath: SecularEquation | Eigvalsh | None = None,
    progress: bool = False,
) -> xr.Dataset:
    r"""Entropy production and all its microscopic components at every time (Usui et al. 2024).

    For the Gaussian state evolving from ``c0`` under the quadratic ``model``, computes at each
    time (all entropies from correlation submatrices, Eq. 21; modes k = local eigenmodes of
    each bath block):

    - effective :math:`\beta^*_\nu, \mu^*_\nu` matching energy and particle number, Eqs. (5)-(6);
    - :math:`\Sigma = \Delta S_S + \sum_\nu \Delta\mathcal S_\nu`, Eq. (7);
    - :math:`I_{S-B}` (Eq. 8), the inter-bath (multi-)information
      :math:`I_{L-R} = \sum_\nu S_\nu - S_B` (Eq. 9), the intra-bath :math:`I_{o\nu}`
      (Eq. 10) and the local athermality :math:`D^*_{\rm env}` (Eq. 11) from its definition;
    - the residual of the decomposition, Eq. (12) in its all-states form
      :math:`\Sigma(t) = X(t) - X(0)` with :math:`X = I_{S-B} + I_{L-R} + \sum_\nu I_{o\nu} + D^*_{\rm env}`
      (Eq. 12 itself when :math:`X(0) = 0`, the pure-state Eq. 23 when only :math:`D^*(0) \ne 0`);
    - :math:`\sigma` of Eq. (13) with :math:`T_\nu(0) = 1/\beta^*_\nu(0)`, :math:`\mu^*_\nu(0)`,
      :math:`D^{\rm eq}_{\rm env}` of Eq. (14) from its definition, and the residual of Eq. (14);
    - :math:`D[\rho_\nu\|\pi_\nu]/\mathcal S_\nu` (Fig. 4 bottom row) and the mutual
      informations divided by their classical bounds (Fig. 6 bottom row).

    Parameters
    ----------
    model : QuadraticModel
    c0 : ndarray, shape (n, n)
        Initial correlation matrix (site basis), e.g. :func:`gibbs_correlation_matrix`.
    times : array_like, shape (nt,)
        Finite times (any order; t = 0 need not be included: initial values are computed apart).
    joint_bath : SecularEquation or Eigvalsh, optional
        How :math:`S_B` is obtained. ``SecularEquation()`` (default, None) uses the conserved
        spectrum of C(t) and the secular equation of the one-mode deletion (O(n^2)); it needs
        a one-mode system and falls back to ``Eigvalsh`` otherwise (recorded in attrs).
    progress : bool
        Show a tqdm bar over time points.

    Returns
    -------
    xarray.Dataset
        Coordinates ``time`` (nt,) and ``bath`` (labels). Variables: see Notes.
        ``attrs["parameters"]`` holds the model sizes and method, plus the global reference
        ``beta_ref``, ``mu_ref`` (Appendix B) and the conserved totals.

    Notes
    -----
    Per (bath, time): ``beta_eff``, ``mu_eff``, ``energy``, ``particle_number``, ``heat``
    (:math:`Q_\nu = -(\Delta E_\nu - \mu^*_\nu(0)\Delta N_\nu)`), ``bath_entropy`` :math:`S_\nu`,
    ``gc_entropy`` :math:`\mathcal S_\nu`, ``intra_bath_mi`` :math:`I_{o\nu}`,
    ``local_athermality`` (per bath share of Eq. 11), ``athermality_distance``
    :math:`D[\rho_\nu\|\pi_\nu]/\mathcal S_\nu`, ``finite_bath_effect_bath``,
    ``intra_bath_mi_normalised`` (bound :math:`(K_\nu-1)\ln 2`).
    Per time: ``system_entropy``, ``joint_bath_entropy``, ``system_bath_mi``,
    ``inter_bath_mi``, ``intra_bath_mi_total``, ``local_athermality_total``,
    ``entropy_production`` (Eq. 7), ``decomposition_sum`` (right side of Eq. 12),
    ``decomposition_residual`` (:math:`\Sigma - [X(t) - X(0)]`), ``pure_state_expression``
    (right side of Eq. 23), ``sigma`` (Eq. 13), ``finite_bath_effect`` (Eq. 14),
    ``eq14_residual`` (:math:`\sigma - \Sigma - D^{\rm eq}_{\rm env}`),
    ``system_bath_mi_normalised`` (bound :math:`\min(\ln d_S, \ln d_B)`),
    ``inter_bath_mi_normalised`` (bound :math:`\sum_\nu K_\nu\ln 2 - \max_\nu K_\nu \ln 2`,
    i.e. :math:`\min(K_L,K_R)\ln 2` for two baths).

    Examples
    --------
    >>> from thermalize.fermions import gibbs_correlation_matrix, single_electron_transistor
    >>> m = single_electron_transistor(40, bandwidth=10.0, coupling=3.0)
    >>> c0 = gibbs_correlation_matrix(m, beta=[10.0, 2.0], mu=[1.0, -1.0])
    >>> ds = entropy_production(m, c0, [1.0, 10.0])
    >>> bool((ds.entropy_production > 0).all()), bool(abs(ds.decomposition_residual).max() < 1e-9)
    (True, True)
    """
    if not isinstance(model, QuadraticModel):
        raise ParameterError(f"model must be a QuadraticModel, got {type(model).__name__}")
    joint_bath = SecularEquation() if joint_bath is None else joint_bath
    if not isinstance(joint_bath, (SecularEquation, Eigvalsh)):
        raise ParameterError(
            f"joint_bath must be SecularEquation() or Eigvalsh(), got {joint_bath!r}"
        )
    ts = np.atleast_1d(as_float_array("times", times))
    if ts.ndim != 1:
        raise ParameterError(f"times must be a 1D array, got shape {ts.shape}")
    snap = _Snapshots(model, c0, joint_bath)
    first = snap(0.0)
    snap.guess = {b: first[b]["natural"] for b in snap.baths}
    iterator = tqdm(ts, desc="entropy production", unit="t") if progress else ts
    rows = [snap(float(t)) for t in iterator]
    return _assemble(model, snap, first, rows, ts)


def _assemble(model, snap: _Snapshots, first: dict, rows: list[dict], ts: np.ndarray) -> xr.Dataset:
    baths = snap.baths
    s_total = float(binary_entropy(snap.ev.occupations).sum())  # conserved S_SB

    def per_bath(key, src=rows):
        return np.array([[r[b][key] for r in src] for b in baths]).reshape(len(baths), len(src))

    def per_time(key):
        return np.array([r[key] for r in rows])

    def terms(snapshots):
        s_sys = np.array([r["system_entropy"] for r in snapshots])
        s_b = np.array([r["joint_bath_entropy"] for r in snapshots])
        s_nu = per_bath("bath_entropy", snapshots)
        s_k = per_bath("mode_entropy_sum", snapshots)
        d_star = per_bath("local_athermality", snapshots)
        return {
            "system_bath_mi": s_sys + s_b - s_total,
            "inter_bath_mi": s_nu.sum(axis=0) - s_b,
            "intra_bath_mi": s_k - s_nu,
            "local_athermality": d_star,
        }

    x_t, x_0 = terms(rows), terms([first])

    def x_sum(x):
        return (
            x["system_bath_mi"]
            + x["inter_bath_mi"]
            + x["intra_bath_mi"].sum(axis=0)
            + x["local_athermality"].sum(axis=0)
        )

    gc = per_bath("gc_entropy")
    gc0 = per_bath("gc_entropy", [first])
    s_sys = per_time("system_entropy")
    sigma_big = s_sys - first["system_entropy"] + (gc - gc0).sum(axis=0)  # Eq. (7)
    mu0 = np.array([first[b]["mu_eff"] for b in baths])[:, None]
    d_e = per_bath("energy") - per_bath("energy", [first])
    d_n = per_bath("particle_number") - per_bath("particle_number", [first])
    heat = -(d_e - np.where(d_n == 0, 0.0, mu0 * d_n))
    # Eq. (13): -beta0 Q = beta0 (dE - mu0 dN) = a0 dE + b0 dN, finite also at beta0 = 0
    a0 = np.array([first[b]["natural"][0] for b in baths])[:, None]
    b0 = np.array([first[b]["natural"][1] for b in baths])[:, None]
    sigma_small = s_sys - first["system_entropy"] + (a0 * d_e + b0 * d_n).sum(axis=0)
    d_eq = np.zeros((len(baths), ts.size))
    for i, b in enumerate(baths):
        lev = snap.levels[b]
        f0, f0_bar = _fermi_pair(lev, *first[b]["natural"])
        for j, r in enumerate(rows):
            ft, _ = _fermi_pair(lev, *r[b]["natural"])
            d_eq[i, j] = _bernoulli_divergence(ft, f0, f0_bar).sum()  # Eq. (14) summand
    k_nu = np.array([len(snap.rows[b]) for b in baths])
    n_sys = snap.sys_rows.size
    s_nu = per_bath("bath_entropy")
    decomposition = x_sum(x_t)
    data = {
        "beta_eff": (("bath", "time"), per_bath("beta_eff")),
        "mu_eff": (("bath", "time"), per_bath("mu_eff")),
        "energy": (("bath", "time"), per_bath("energy")),
        "particle_number": (("bath", "time"), per_bath("particle_number")),
        "heat": (("bath", "time"), heat),
        "bath_entropy": (("bath", "time"), s_nu),
        "gc_entropy": (("bath", "time"), gc),
        "intra_bath_mi": (("bath", "time"), x_t["intra_bath_mi"]),
        "local_athermality": (("bath", "time"), x_t["local_athermality"]),
        "athermality_distance": (("bath", "time"), (gc - s_nu) / np.where(gc > 0, gc, np.inf)),
        "finite_bath_effect_bath": (("bath", "time"), d_eq),
        "intra_bath_mi_normalised": (
            ("bath", "time"),
            x_t["intra_bath_mi"] / (np.maximum(k_nu - 1, 1) * LN2)[:, None],
        ),
        "system_entropy": ("time", s_sys),
        "joint_bath_entropy": ("time", per_time("joint_bath_entropy")),
        "system_bath_mi": ("time", x_t["system_bath_mi"]),
        "inter_bath_mi": ("time", x_t["inter_bath_mi"]),
        "intra_bath_mi_total": ("time", x_t["intra_bath_mi"].sum(axis=0)),
        "local_athermality_total": ("time", x_t["local_athermality"].sum(axis=0)),
        "entropy_production": ("time", sigma_big),
        "decomposition_sum": ("time", decomposition),
        "decomposition_residual": ("time", sigma_big - (decomposition - x_sum(x_0))),
        "pure_state_expression": ("time", decomposition - x_0["local_athermality"].sum()),
        "sigma": ("time", sigma_small),
        "finite_bath_effect": ("time", d_eq.sum(axis=0)),
        "eq14_residual": ("time", sigma_small - sigma_big - d_eq.sum(axis=0)),
        "system_bath_mi_normalised": (
            "time",
            x_t["system_bath_mi"] / (min(n_sys, k_nu.sum()) * LN2),
        ),
        "inter_bath_mi_normalised": (
            "time",
            x_t["inter_bath_mi"] / ((k_nu.sum() - k_nu.max()) * LN2)
            if len(baths) > 1
            else np.zeros(ts.size),
        ),
    }
    beta_ref, mu_ref = _global_reference_from(snap)
    params = {
        "n_modes": model.n_modes,
        "system_modes": n_sys,
        "levels_per_bath": {b: int(k) for b, k in zip(baths, k_nu)},
        "joint_bath_method": type(snap.joint_bath).__name__ if snap.use_secular else "Eigvalsh",
        "secular_fallbacks": snap.fallbacks,
        "initial_beta_eff": {b: first[b]["beta_eff"] for b in baths},
        "initial_mu_eff": {b: first[b]["mu_eff"] for b in baths},
        "initial_decomposition_sum": float(x_sum(x_0)[0]),
        "initial_local_athermality": float(x_0["local_athermality"].sum()),
        "total_entropy": s_total,
        "beta_ref": beta_ref,
        "mu_ref": mu_ref,
    }
    data = {
        k: (dims, values, {"description": _DESCRIPTIONS[k]}) for k, (dims, values) in data.items()
    }
    return xr.Dataset(
        data,
        coords={"time": ts, "bath": list(baths)},
        attrs={"parameters": params, "thermalize_version": __version__},
    )


def _global_reference_from(snap: _Snapshots) -> tuple[float, float]:
    """Appendix B reference from the evolver's conserved spectrum (no extra diagonalisation)."""
    ev = snap.ev
    phi0 = ev.eigenvectors(0.0)  # eigenvectors of C(0) in the local basis
    energies, v = snap.model.eigensystem
    if not snap.model.is_locally_diagonal:
        v = snap.model.local_basis[0].conj().T @ v
    # <H> = sum_n E_n <f_n^dag f_n>,  <f_n^dag f_n> = sum_j |(V^T Phi)_{nj}|^2 n_j
    weights = np.abs(v.T @ phi0) ** 2
    mode_occ = weights @ ev.occupations
    return effective_temperature_chemical_potential(
        energies, float(energies @ mode_occ), float(ev.occupations.sum()), bath="global"
    )
