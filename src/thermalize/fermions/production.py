"""Entropy production of quadratic models at every time, with every term of its decomposition."""

from __future__ import annotations

import math

import numpy as np
import xarray as xr
from scipy import linalg, special
from tqdm import tqdm

from .._qutip import to_array
from .._version import __version__
from ..errors import ParameterError, as_float_array, require_dense_size
from ._metadata import VARIABLES, attrs
from ._snapshot import Snapshots, bernoulli_divergence, prepare
from .effective import BOUNDARY_RTOL
from .entropy import Eigvalsh, SecularEquation
from .model import QuadraticModel, require_model

__all__ = ["entropy_production"]

LN2 = math.log(2.0)


def entropy_production(
    model: QuadraticModel,
    c0,
    times,
    *,
    quantities=None,
    joint_bath: SecularEquation | Eigvalsh | None = None,
    progress: bool = False,
    check: bool = True,
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
    quantities : sequence of str, optional
        Names of the variables to compute (default: all, see Notes). Each time point costs,
        for n modes, K levels per bath and m system modes:

        - *occupations* (always): the rows of :math:`\Phi(t)` (one n x n product), the
          local-mode occupations and the m x m system block, O(n^3) BLAS but no
          diagonalisation: ``beta_eff``, ``mu_eff``, ``ground_state_limit``, ``energy``,
          ``particle_number``, ``heat``, ``gc_entropy``, ``local_athermality(_total)``,
          ``finite_bath_effect(_bath)``, ``system_occupation``, ``system_energy``,
          ``interaction_energy``, ``total_energy``, ``total_particle_number``,
          ``system_entropy``, ``entropy_production`` (Sigma), ``sigma``, ``eq14_residual``,
          ``beta_ref``, ``mu_ref``;
        - *bath spectra*: one K x K block and its eigvalsh per bath (about 3 x the above at
          K = 1000): ``bath_entropy``, ``intra_bath_mi(_total, _normalised)``,
          ``athermality_distance``;
        - *joint bath*: the spectrum of the bath block from m secular equations, O(m n^2):
          ``joint_bath_entropy``, ``system_bath_mi(_normalised)``; with the bath spectra,
          ``inter_bath_mi(_normalised)``, ``decomposition_sum``, ``decomposition_residual``,
          ``pure_state_expression``.
    joint_bath : SecularEquation or Eigvalsh, optional
        How :math:`S_B` is obtained. ``SecularEquation()`` (default, None) uses the conserved
        spectrum of C(t) and m successive secular equations (:func:`deletion_spectrum` for
        one system mode, :func:`multi_deletion_spectrum` for m), checked against
        :math:`\mathrm{tr}\,C_{BB}`; if a root fails to converge or the check fails it
        warns (:class:`~thermalize.errors.PhysicsWarning`) and uses eigvalsh of the
        (n - m) x (n - m) block, O(n^3) (counted in ``attrs["parameters"]``).
        ``Eigvalsh()`` always uses eigvalsh.
    progress : bool
        Show a tqdm bar over time points.
    check : bool
        Validate ``c0`` (Hermitian, spectrum in [0, 1]); False skips the eigvalsh of a
        non-diagonal ``c0`` for a matrix the caller has already validated.

    Returns
    -------
    xarray.Dataset
        Coordinates ``time`` (nt,) and ``bath`` (labels). Variables: see Notes.
        ``attrs["parameters"]`` holds the model sizes and method, plus the global reference
        ``beta_ref``, ``mu_ref`` (Appendix B) and the conserved totals. Every variable and
        coordinate carries ``long_name``, ``units`` and ``symbol`` attributes.

    Raises
    ------
    ParameterError
        For invalid input, or when the ~3 n x n complex work arrays exceed
        ``thermalize.errors.MAX_DENSE_BYTES`` (2 GiB: n > ~6700 modes, e.g. K = 4000 per bath;
        raise that limit to run larger models).
    ConvergenceError
        When a bath is empty or full (N = 0 or K): beta*, mu* do not exist.

    Notes
    -----
    Everything that depends only on ``(model, c0)`` (validation of C(0), the eigenvectors of
    h and C(0), the t = 0 snapshot taken from C(0) itself, the Appendix B reference) is
    computed once and cached for equal values of h, partition and ``c0`` (the two most recent
    pairs; also for a model rebuilt with the same values), so a sweep over single times pays
    it once.

    A bath in its ground (top) state at its particle number has :math:`\beta^* = +\infty`
    (:math:`-\infty`), :math:`\mu^*` mid-gap (or the energy of a partly filled shell) and
    ``ground_state_limit`` +1 (-1): :math:`\mathcal S_\nu` and :math:`\Sigma` stay finite,
    while :math:`\sigma` and :math:`D^{\rm eq}_{\rm env}` are +inf once the bath leaves
    that state (``eq14_residual`` is 0 where both are +inf). An empty or full bath (N = 0 or
    K) still raises ConvergenceError.

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
    i.e. :math:`\min(K_L,K_R)\ln 2` for two baths), ``system_energy``,
    ``interaction_energy`` (all matrix elements of h between different parts),
    ``total_energy`` and ``total_particle_number`` (conserved: a check), and the scalars
    ``beta_ref``, ``mu_ref`` (Appendix B). Per (system_mode, time): ``system_occupation``
    (:math:`n_d`).

    Examples
    --------
    >>> from thermalize.fermions import gibbs_correlation_matrix, single_electron_transistor
    >>> m = single_electron_transistor(40, bandwidth=10.0, coupling=3.0)
    >>> c0 = gibbs_correlation_matrix(m, beta=[10.0, 2.0], mu=[1.0, -1.0])
    >>> ds = entropy_production(m, c0, [1.0, 10.0])
    >>> bool((ds.entropy_production > 0).all()), bool(abs(ds.decomposition_residual).max() < 1e-9)
    (True, True)
    >>> fast = entropy_production(m, c0, [1.0, 10.0], quantities=["beta_eff", "sigma"])
    >>> sorted(fast.data_vars), fast.beta_eff.attrs["units"]
    (['beta_eff', 'sigma'], '1/energy')
    """
    require_model(model)
    joint_bath = SecularEquation() if joint_bath is None else joint_bath
    if not isinstance(joint_bath, (SecularEquation, Eigvalsh)):
        raise ParameterError(
            f"joint_bath must be SecularEquation() or Eigvalsh(), got {joint_bath!r}"
        )
    wanted = _parse_quantities(quantities)
    ts = np.atleast_1d(as_float_array("times", times))
    if ts.ndim != 1:
        raise ParameterError(f"times must be a 1D array, got shape {ts.shape}")
    if not isinstance(check, bool):
        raise ParameterError(f"check={check!r} must be True or False")
    n = model.n_modes
    require_dense_size("entropy_production: C(t) eigenvectors", (3, n, n))
    needs = frozenset().union(*(VARIABLES[q][3] for q in wanted))
    snap = Snapshots(prepare(model, to_array(c0), check), joint_bath, needs)
    first = snap.initial()
    iterator = tqdm(ts, desc="entropy production", unit="t") if progress else ts
    rows = [snap(float(t)) for t in iterator]
    return _assemble(model, snap, first, rows, ts, wanted)


def _parse_quantities(quantities) -> list[str]:
    if quantities is None:
        return list(VARIABLES)
    if isinstance(quantities, str):
        quantities = [quantities]
    try:
        names = list(quantities)
    except TypeError:
        raise ParameterError(
            f"quantities={quantities!r} must be None or a sequence of variable names"
        ) from None
    bad = [q for q in names if not isinstance(q, str) or q not in VARIABLES]
    if bad or not names:
        raise ParameterError(
            f"quantities={quantities!r}: unknown or empty {bad!r}; allowed: {sorted(VARIABLES)}"
        )
    return list(dict.fromkeys(names))


def _assemble(model, snap: Snapshots, first: dict, rows: list[dict], ts, wanted) -> xr.Dataset:
    p = snap.p
    baths = p.baths
    nb, nt = len(baths), ts.size

    def per_bath(key, src=rows):
        out = np.array([[r[b][key] for r in src] for b in baths], dtype=float)
        return out.reshape(nb, len(src))

    def per_time(key, src=rows):
        return np.array([r[key] for r in src], dtype=float)

    s_sys = per_time("system_entropy")
    s_sys0 = first["system_entropy"]
    gc, gc0 = per_bath("gc_entropy"), per_bath("gc_entropy", [first])
    sigma_big = s_sys - s_sys0 + (gc - gc0).sum(axis=0)  # Eq. (7)
    d_e = per_bath("energy") - per_bath("energy", [first])
    d_n = per_bath("particle_number") - per_bath("particle_number", [first])
    mu0 = np.array([first[b]["mu_eff"] for b in baths])[:, None]
    heat = -(d_e - np.where(d_n == 0, 0.0, mu0 * d_n))
    # Eq. (13): -beta0 Q = beta0 (dE - mu0 dN) = a0 dE + b0 dN, finite also at beta0 = 0; a
    # bath that starts in its ground (top) state (beta0 = +-inf) adds +-inf once dE - mu0 dN > 0
    bath_terms = np.zeros((nb, nt))
    for i, b in enumerate(baths):
        if first[b]["limit"]:
            tol = BOUNDARY_RTOL * float(np.abs(p.levels[b]).sum())
            x = d_e[i] - mu0[i] * d_n[i]
            bath_terms[i] = np.where(np.abs(x) <= tol, 0.0, first[b]["limit"] * np.sign(x) * np.inf)
        else:
            a0, b0 = first[b]["natural"]
            bath_terms[i] = a0 * d_e[i] + b0 * d_n[i]
    sigma_small = s_sys - s_sys0 + bath_terms.sum(axis=0)
    d_eq = np.zeros((nb, nt))
    for i, b in enumerate(baths):
        f0, f0_bar = first[b]["fermi"]
        for j, r in enumerate(rows):
            d_eq[i, j] = bernoulli_divergence(r[b]["fermi"][0], f0, f0_bar).sum()  # Eq. (14)
    d_eq_tot = d_eq.sum(axis=0)
    with np.errstate(invalid="ignore"):
        eq14 = sigma_small - sigma_big - d_eq_tot
    eq14 = np.where(np.isposinf(sigma_small) & np.isposinf(d_eq_tot), 0.0, eq14)
    d_star = per_bath("local_athermality")
    e_sys = per_time("system_energy")
    e_int = per_time("interaction_energy")
    data = {
        "beta_eff": (("bath", "time"), per_bath("beta_eff")),
        "mu_eff": (("bath", "time"), per_bath("mu_eff")),
        "ground_state_limit": (("bath", "time"), per_bath("limit").astype(int)),
        "energy": (("bath", "time"), per_bath("energy")),
        "particle_number": (("bath", "time"), per_bath("particle_number")),
        "heat": (("bath", "time"), heat),
        "gc_entropy": (("bath", "time"), gc),
        "local_athermality": (("bath", "time"), d_star),
        "finite_bath_effect_bath": (("bath", "time"), d_eq),
        "system_occupation": (
            ("system_mode", "time"),
            np.array([r["system_occupation"] for r in rows]).reshape(nt, -1).T,
        ),
        "system_energy": ("time", e_sys),
        "interaction_energy": ("time", e_int),
        "total_energy": ("time", e_sys + e_int + per_bath("energy").sum(axis=0)),
        "total_particle_number": (
            "time",
            np.array([r["system_occupation"].sum() for r in rows]).reshape(nt)
            + per_bath("particle_number").sum(axis=0),
        ),
        "system_entropy": ("time", s_sys),
        "entropy_production": ("time", sigma_big),
        "local_athermality_total": ("time", d_star.sum(axis=0)),
        "sigma": ("time", sigma_small),
        "finite_bath_effect": ("time", d_eq_tot),
        "eq14_residual": ("time", eq14),
    }
    k_nu = np.array([len(p.rows[b]) for b in baths])
    n_sys = p.sys_rows.size
    params = {
        "n_modes": model.n_modes,
        "system_modes": n_sys,
        "levels_per_bath": {b: int(k) for b, k in zip(baths, k_nu)},
        "joint_bath_method": type(snap.joint_bath).__name__,
        "secular_fallbacks": snap.fallbacks,
        "initial_beta_eff": {b: first[b]["beta_eff"] for b in baths},
        "initial_mu_eff": {b: first[b]["mu_eff"] for b in baths},
        "initial_local_athermality": float(sum(first[b]["local_athermality"] for b in baths)),
        "total_entropy": p.s_total,
    }
    if "beta_ref" in wanted or "mu_ref" in wanted:
        beta_ref, mu_ref = p.reference()
        data["beta_ref"], data["mu_ref"] = ((), beta_ref), ((), mu_ref)
        params.update(beta_ref=beta_ref, mu_ref=mu_ref)
    if "bath_spectra" in snap.needs:
        s_nu = per_bath("bath_entropy")
        intra = per_bath("mode_entropy_sum") - s_nu
        data.update(
            bath_entropy=(("bath", "time"), s_nu),
            intra_bath_mi=(("bath", "time"), intra),
            intra_bath_mi_total=("time", intra.sum(axis=0)),
            athermality_distance=(("bath", "time"), (gc - s_nu) / np.where(gc > 0, gc, np.inf)),
            intra_bath_mi_normalised=(
                ("bath", "time"), intra / (np.maximum(k_nu - 1, 1) * LN2)[:, None]
            ),
        )
    if "joint_bath" in snap.needs:
        s_b = per_time("joint_bath_entropy")
        i_sb = s_sys + s_b - p.s_total
        data.update(
            joint_bath_entropy=("time", s_b),
            system_bath_mi=("time", i_sb),
            system_bath_mi_normalised=("time", i_sb / (min(n_sys, k_nu.sum()) * LN2)),
        )
        if "bath_spectra" in snap.needs:
            _decomposition(data, snap, first, rows, k_nu, params)
    data = {k: (v[0], v[1], attrs(k)) for k, v in data.items() if k in wanted}
    coords = {"time": ("time", ts, attrs("time")), "bath": ("bath", list(baths), attrs("bath"))}
    if "system_occupation" in data:
        coords["system_mode"] = ("system_mode", p.sys_rows.copy(), attrs("system_mode"))
    return xr.Dataset(
        data, coords=coords, attrs={"parameters": params, "thermalize_version": __version__}
    )


def _decomposition(data: dict, snap: Snapshots, first: dict, rows, k_nu, params) -> None:
    """Eqs. (9), (12) and (23): the terms that need both the bath and joint-bath spectra."""
    p = snap.p
    baths = p.baths

    def x_terms(src):
        s_sys = np.array([r["system_entropy"] for r in src])
        s_b = np.array([r["joint_bath_entropy"] for r in src])
        s_nu = np.array([[r[b]["bath_entropy"] for r in src] for b in baths])
        s_k = np.array([[r[b]["mode_entropy_sum"] for r in src] for b in baths])
        d_star = np.array([[r[b]["local_athermality"] for r in src] for b in baths])
        mi_ab = s_nu.sum(axis=0) - s_b
        total = s_sys + s_b - p.s_total + mi_ab + (s_k - s_nu).sum(axis=0) + d_star.sum(axis=0)
        return mi_ab, total

    mi_ab, x_t = x_terms(rows)
    _, x_0 = x_terms([first])
    d0 = float(sum(first[b]["local_athermality"] for b in baths))
    sigma_big = data["entropy_production"][1]
    with np.errstate(invalid="ignore"):
        residual = sigma_big - (x_t - x_0[0])
    data.update(
        inter_bath_mi=("time", mi_ab),
        inter_bath_mi_normalised=(
            "time",
            mi_ab / ((k_nu.sum() - k_nu.max()) * LN2) if len(baths) > 1 else np.zeros(len(rows)),
        ),
        decomposition_sum=("time", x_t),
        decomposition_residual=("time", residual),
        pure_state_expression=("time", x_t - d0),
    )
    params["initial_decomposition_sum"] = float(x_0[0])
