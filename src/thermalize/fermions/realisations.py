"""Entropy production over many sampled pure Fock states, stacked along ``realisation``."""

from __future__ import annotations

import numpy as np
import xarray as xr
from tqdm import tqdm

from ..errors import ConvergenceError, ParameterError
from .entropy import Eigvalsh, SecularEquation
from .model import require_model
from .production import entropy_production
from .states import sample_fock_correlation_matrix

__all__ = ["pure_state_realisations"]


def pure_state_realisations(
    model,
    beta=None,
    mu=None,
    times=None,
    *,
    n_realisations: int,
    rng,
    system_occupation=0.0,
    joint_bath: SecularEquation | Eigvalsh | None = None,
    quantities=None,
    progress: bool = False,
    temperature=None,
) -> xr.Dataset:
    r"""`entropy_production` from independent pure Fock states, one per realisation.

    Each realisation draws its initial state with :func:`sample_fock_correlation_matrix`
    (bath occupations from the Fermi functions, Sec. IV C and Figs. 7-8 of Usui et al. 2024)
    and evolves it; the datasets are stacked along a new leading dimension ``realisation``,
    so averages and error bars over pure states are one line, e.g.
    ``ds.entropy_production.mean("realisation")`` and
    ``ds.entropy_production.std("realisation") / np.sqrt(ds.sizes["realisation"])``.

    A cold bath with few levels is often sampled in its ground state at the drawn N; its
    beta* is then +inf (``ground_state_limit`` = 1): Sigma and the decomposition stay finite,
    sigma and D_env^eq are +inf for that realisation (see :func:`entropy_production`), so
    average those over the realisations with ``ground_state_limit`` 0 at t = 0.

    Because C(t) is linear in C(0) and the Fock draws average to the Gibbs correlation
    matrix, realisation means of every quantity linear in C(t) (energies, particle numbers,
    heats) converge to the grand-canonical ensemble's; entropic quantities need not.

    Parameters
    ----------
    model : QuadraticModel
    beta, mu : float, sequence or dict
        Per-bath Fermi functions the occupations are drawn from (``temperature=`` instead of
        `beta`, never both).
    times : array_like, shape (nt,)
    n_realisations : int
        Number of independent pure states (>= 1).
    rng : numpy.random.Generator, SeedSequence or int
        Source of all draws: the same seed gives the same dataset. Realisation r is the
        r-th call of :func:`sample_fock_correlation_matrix` with this generator (each call
        takes four 64-bit numbers from it and spawns one child per part).
    system_occupation : float or ndarray
        Occupation probabilities of the system modes (as in `sample_fock_correlation_matrix`).
    joint_bath, quantities, progress
        As in :func:`entropy_production` (the bar runs over realisations).

    Returns
    -------
    xarray.Dataset
        The variables of :func:`entropy_production` with a leading ``realisation``
        dimension (coordinate 0 .. n-1), plus ``initial_occupation`` (realisation, mode): the
        drawn 0/1 occupation of every local mode (rebuild a realisation's C(0) with
        :func:`fock_correlation_matrix`); ``attrs["parameters"]`` of the first realisation
        plus ``n_realisations`` and the Fermi parameters.

    Examples
    --------
    >>> from thermalize.fermions import single_electron_transistor
    >>> m = single_electron_transistor(40, bandwidth=10.0, coupling=3.0)
    >>> ds = pure_state_realisations(m, [0.5, 0.3], [1.0, -1.0], [1.0, 5.0],
    ...                              n_realisations=3, rng=np.random.default_rng(0))
    >>> dict(ds.entropy_production.sizes)
    {'realisation': 3, 'time': 2}
    """
    require_model(model)
    if (
        isinstance(n_realisations, bool)
        or not isinstance(n_realisations, (int, np.integer))
        or n_realisations < 1
    ):
        raise ParameterError(
            f"n_realisations={n_realisations!r} is outside the allowed range: integers >= 1"
        )
    if isinstance(rng, (np.random.SeedSequence, int, np.integer)) and not isinstance(rng, bool):
        if not isinstance(rng, np.random.SeedSequence) and rng < 0:
            raise ParameterError(f"rng={rng!r} must be a non-negative integer seed")
        rng = np.random.default_rng(rng)
    if not isinstance(rng, np.random.Generator):
        raise ParameterError(
            f"rng must be a numpy.random.Generator, a SeedSequence or a non-negative integer "
            f"seed, got {rng!r} ({type(rng).__name__})"
        )
    parts, drawn = [], []
    draws = range(int(n_realisations))
    for k in tqdm(draws, desc="pure states", unit="state", disable=not progress):
        c0, occ = sample_fock_correlation_matrix(
            model, beta, mu, system_occupation, rng=rng, return_occupations=True,
            temperature=temperature,
        )
        drawn.append(occ)
        try:
            parts.append(
                entropy_production(
                    model, c0, times, joint_bath=joint_bath, quantities=quantities, check=False
                )
            )
        except ConvergenceError as err:
            raise ConvergenceError(f"realisation {k} of {n_realisations}: {err}") from err
    ds = xr.concat(parts, dim="realisation", combine_attrs="override")
    ds = ds.assign_coords(realisation=np.arange(len(parts)))
    ds["initial_occupation"] = xr.DataArray(
        np.array(drawn),
        dims=("realisation", "mode"),
        attrs={
            "long_name": "drawn occupation of each local mode at t = 0",
            "units": "dimensionless (hbar = k_B = 1)",
            "symbol": r"$n_k(0)$",
        },
    )
    ds = ds.assign_coords(mode=("mode", np.arange(model.n_modes), {
        "long_name": "mode index", "units": "dimensionless (hbar = k_B = 1)", "symbol": "$k$"}))
    ds["realisation"].attrs.update(
        long_name="pure-state realisation", units="dimensionless (hbar = k_B = 1)", symbol="$r$"
    )
    params = dict(parts[0].attrs.get("parameters", {}))
    params.update(
        n_realisations=int(n_realisations),
        initial_state="pure Fock states from Fermi functions",
        **({"beta": _plain(beta)} if temperature is None else
           {"temperature": _plain(temperature)}),
        mu=_plain(mu),
    )
    ds.attrs["parameters"] = params
    return ds


def _plain(value):
    """Per-bath Fermi parameters (number, sequence or dict) as JSON-ready floats."""
    if isinstance(value, dict):
        return {k: float(v) for k, v in value.items()}
    return np.atleast_1d(np.asarray(value, dtype=float)).tolist()
