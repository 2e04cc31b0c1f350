"""Core reproduction: Gibbs states are fixed points of detailed-balance Lindblad dynamics."""

from __future__ import annotations

import numpy as np
import xarray as xr

from ...io import DIMENSIONLESS
from ...plotting import annotate_checks, new_figure, place_legend
from ...quantum import gibbs_state, relative_entropy
from ...superop import detailed_balance_generator, evolve, steady_state
from .._registry import CORE, Check, register

__all__ = ["gibbs_fixed_point"]

DIM, BETA, SEED = 5, 0.7, 20261125


def _random_state(d: int, rng: np.random.Generator) -> np.ndarray:
    g = rng.standard_normal((d, d)) + 1j * rng.standard_normal((d, d))
    rho = g @ g.conj().T
    return rho / np.trace(rho)


def _qutip_steady_state(generator: np.ndarray) -> np.ndarray | None:
    try:
        import qutip
    except ImportError:
        return None
    from ...superop import _to_qobj_super

    return np.asarray(qutip.steadystate(_to_qobj_super(generator)).full())


def _model(quick: bool):
    rng = np.random.default_rng(SEED)
    energies = np.sort(rng.uniform(0.0, 3.0, DIM))
    rates = rng.uniform(0.2, 1.0, (DIM, DIM))
    return energies, rates, rng


def compute(quick: bool) -> xr.Dataset:
    """Steady state vs Gibbs, relative-entropy decay, and the QuTiP cross-check."""
    energies, rates, rng = _model(quick)
    gen = detailed_balance_generator(energies, BETA, rates)
    rho_ss = steady_state(gen)
    gibbs = gibbs_state(energies, BETA)
    times = np.concatenate([[0.0], np.logspace(-2, 1.5, 60 if quick else 400)])
    rho0 = _random_state(DIM, rng)
    traj = evolve(gen, rho0, times)
    rel = np.array([relative_entropy(r, gibbs) for r in traj])
    q = _qutip_steady_state(gen)
    level = np.arange(DIM)
    ds = xr.Dataset(
        {
            "steady_state": (("level", "level_b"), rho_ss),
            "gibbs": (("level", "level_b"), gibbs),
            "energies": ("level", energies),
            "relative_entropy": ("time", rel),
            "qutip_steady_state": (("level", "level_b"), q if q is not None else np.full((DIM, DIM), np.nan)),
        },
        coords={"level": level, "level_b": level, "time": times},
        attrs={
            "parameters": {"dimension": DIM, "beta": BETA, "seed": SEED, "quick": quick},
            "qutip_available": int(q is not None),
        },
    )
    return ds


def checks(ds: xr.Dataset) -> list[Check]:
    """Gibbs fixed point to 1e-10, monotone relative entropy, agreement with QuTiP."""
    rho, gibbs = ds["steady_state"].values, ds["gibbs"].values
    rel = ds["relative_entropy"].values
    out = [
        # LU solve of a 25x25 well-conditioned system: error ~1e-15; 1e-10 is the bound
        Check.close("steady state = Gibbs state (max entry error)", np.max(np.abs(rho - gibbs)),
                    0.0, 1e-10, "law: detailed balance => Gibbs is the fixed point"),
        # D(rho_t||pi) is a Lyapunov function; evaluation rounding ~1e-13 per point
        Check.at_least("entropy production -dD/dt >= 0 (min over steps)", -np.max(np.diff(rel)),
                       0.0, "law: Spohn's inequality", tolerance=1e-12),
        Check.close("relative entropy decays to 0 at late time", rel[-1], 0.0, 1e-6,
                    "law: relaxation to the unique fixed point"),
    ]
    if ds.attrs.get("qutip_available"):
        q = ds["qutip_steady_state"].values
        # both are direct sparse/dense LU solves of the same system: agreement ~1e-12
        out.append(Check.close("agrees with qutip.steadystate", np.max(np.abs(q - rho)), 0.0,
                               1e-10, "independent tool: QuTiP"))
    else:
        out.append(Check.skipped("agrees with qutip.steadystate", "independent tool: QuTiP",
                                 "QuTiP not installed (pip install 'thermalize[qutip]')"))
    return out


def plot(ds: xr.Dataset):
    """Left: populations of the steady state and Gibbs; right: D(rho_t || Gibbs)."""
    fig, (a, b) = new_figure(1, 2)
    lv = ds["level"].values
    a.bar(lv - 0.18, np.diag(ds["steady_state"].values).real, 0.36, label="steady state")
    a.bar(lv + 0.18, np.diag(ds["gibbs"].values).real, 0.36, label="Gibbs")
    a.set_xlabel("level j")
    a.set_ylabel("population")
    place_legend(a)
    t = ds["time"].values[1:]
    b.loglog(t, np.maximum(ds["relative_entropy"].values[1:], 1e-300))
    b.set_xlabel("time")
    b.set_ylabel(r"$D(\rho_t\|\pi_\beta)$")
    annotate_checks(b, "monotone decay = entropy production >= 0")
    return fig


gibbs_fixed_point = register(
    "core.gibbs-fixed-point",
    title="Gibbs state is the fixed point of detailed-balance Lindblad dynamics (5 levels)",
    paper=CORE,
    runtime_estimate_s=1.0,
    plot=plot,
    checks=checks,
    cf={
        "level": ("energy level (row)", DIMENSIONLESS, "j"),
        "level_b": ("energy level (column)", DIMENSIONLESS, "k"),
        "time": ("time", "1/energy", "t"),
        "gibbs": ("Gibbs state", DIMENSIONLESS, r"\pi_\beta"),
        "energies": ("level energy", "energy", r"E_j"),
        "relative_entropy": ("relative entropy to the Gibbs state", DIMENSIONLESS,
                             r"D(\rho_t\|\pi_\beta)"),
        "steady_state": ("steady state of the generator", DIMENSIONLESS, r"\rho_\infty"),
        "qutip_steady_state": ("steady state from qutip.steadystate", DIMENSIONLESS,
                               r"\rho_\infty^{\mathrm{QuTiP}}"),
    },
)(compute)
