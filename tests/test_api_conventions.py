"""Issue 17 item 2 across the families: the conventions of docs/conventions.md ("One public API
across the families") checked on every public signature, plus the behaviour of the keyword forms
and their deprecated positional forms.

* every public callable that takes an inverse temperature ``beta[_x]`` also takes
  ``temperature[_x]`` and vice versa (never both: ParameterError);
* no public callable takes two temperatures or two states positionally (they could be swapped
  silently), except the commented entries of ``SAME_KIND_ALLOWED``.
"""

from __future__ import annotations

import importlib
import inspect
import re
import warnings

import numpy as np
import pytest

from thermalize import fermions, gas, scattering
from thermalize.errors import ParameterError

from _api_walk import public_callables

PACKAGES = ["quantum", "superop", "distributions", "classical", "scattering", "gas", "fermions"]
if importlib.util.find_spec("thermalize.counting") is not None:
    PACKAGES.append("counting")

#: result containers record the beta they were computed at; they are read, not called
RESULT_TYPES = {"classical.DiskAudit", "classical.ScattererAudit", "scattering.MapAudit",
                "classical.DiskMonteCarlo", "gas.CollisionRates", "gas.SpinExchangeStatistics",
                "scattering.CollisionEnergyStatistics", "scattering.TrajectoryHeatStatistics"}
#: known gaps, reported to the owner of the module (helper `flucta`, issue 19 items 1-3, whose
#: files were being edited when this test was written); strict: a fix makes them fail here
#: until the entry is removed
KNOWN_TEMPERATURE_GAPS: dict[str, str] = {}


def _with_gaps(names):
    return [
        pytest.param(n, marks=pytest.mark.xfail(strict=True, reason=KNOWN_TEMPERATURE_GAPS[n]))
        if n in KNOWN_TEMPERATURE_GAPS else n
        for n in names
    ]

KINDS = {
    "temperature": re.compile(r"^(beta|temperature)(_|$)"),
    "state": re.compile(r"^(rho|sigma|state|states|c0|p0)(\d|_|$)"),
    "energy": re.compile(r"(energies|energy|^omega|^eps|^gap$|^detuning$)"),
}
#: two positional parameters of one kind, allowed because the order is the mathematics' own
SAME_KIND_ALLOWED = {
    # D(rho || sigma): the order of the notation (asymmetric, documented)
    ("quantum.relative_entropy", "state"),
    # symmetric in its arguments: a swap changes nothing
    ("quantum.trace_distance", "state"),
    # transitions: initial state first, then final (the convention itself)
    ("classical.RotatingDisk.kernel", "energy"),
    ("classical.RotatingDisk.detailed_balance_ratio", "energy"),
    ("classical.RotatingDisk.detailed_balance_ratio_closed_form", "energy"),
    ("classical.RotatingDisk.gibbs_ratio", "energy"),
    # the level sets of S and A in the order of the product space S x A that the coupling
    # matrix is written in (index i*d_A + k), as dims are for partial_trace
    ("gas.GasModel", "energy"),
    ("gas.GasModel.born_gaussian", "energy"),
    # the paper's (J, omega_S, Delta); omega_S > 0 is checked, the temperatures that follow
    # are keyword-only
    ("gas.SpinGasModel", "energy"),
    ("gas.RepeatedInteractionModel", "energy"),
}


def _public_callables():
    for package in PACKAGES:
        yield from public_callables(package)


def _signatures():
    out = {}
    for qualname, obj in _public_callables():
        try:
            out[qualname] = inspect.signature(obj).parameters
        except (TypeError, ValueError):
            continue
    return out


SIGNATURES = _signatures()


def test_the_scan_sees_the_api():
    assert {"quantum.gibbs_state", "gas.SpinGasModel", "classical.RotatingDisk.kernel",
            "scattering.IncidentPacket", "fermions.gibbs_correlation_matrix"} <= set(SIGNATURES)


@pytest.mark.parametrize(
    "qualname", _with_gaps(sorted(q for q in SIGNATURES if q not in RESULT_TYPES))
)
def test_beta_and_temperature_come_together(qualname):
    params = set(SIGNATURES[qualname])
    for name in params:
        m = re.fullmatch(r"(beta|temperature)(_\w+)?", name)
        if not m:
            continue
        other = ("temperature" if m.group(1) == "beta" else "beta") + (m.group(2) or "")
        assert other in params, f"{qualname} takes {name}= but not {other}= (docs/conventions.md)"


@pytest.mark.parametrize("qualname", sorted(q for q in SIGNATURES if q not in RESULT_TYPES))
def test_no_two_positional_parameters_of_one_kind(qualname):
    positional = [
        p.name for p in SIGNATURES[qualname].values()
        if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD) and p.name not in ("self", "cls")
    ]
    for kind, pattern in KINDS.items():
        same = [n for n in positional if pattern.match(n)]
        if len(same) >= 2 and (qualname, kind) not in SAME_KIND_ALLOWED:
            pytest.fail(f"{qualname} takes the {kind}s {same} positionally: make them keyword-only")


# ------------------------------------------------------------------ keyword forms and shims
def test_repeated_interaction_model_takes_its_temperature_as_a_keyword():
    new = gas.RepeatedInteractionModel(1, 1.0, 0.5, beta=0.8, coupling=1.0, duration=0.7)
    alt = gas.RepeatedInteractionModel(1, 1.0, 0.5, temperature=1.25, coupling=1.0, duration=0.7)
    with pytest.warns(DeprecationWarning, match="beta="):
        old = gas.RepeatedInteractionModel(1, 1.0, 0.5, 1.25, 1.0, 0.7)
    assert new == alt == old and new.beta == 0.8
    # same collision map whichever spelling (one expm of the same matrix)
    np.testing.assert_array_equal(new.channel(), old.channel())
    with pytest.raises(ParameterError, match="only one of beta"):
        gas.RepeatedInteractionModel(1, 1.0, 0.5, beta=1.0, temperature=1.0, coupling=1.0,
                                     duration=0.7)
    with pytest.raises(ParameterError, match="coupling"):
        gas.RepeatedInteractionModel(1, 1.0, 0.5, beta=1.0, duration=0.7)
    with pytest.raises(ParameterError, match="temperature"):
        gas.RepeatedInteractionModel(1, 1.0, 0.5, temperature=-1.0, coupling=1.0, duration=0.7)


def _amp(j, l, p, i, k, q, cos_theta):
    c = np.array([[0.3, 0.8], [0.8, 0.1]])
    return c[i, j] * c[k, l] * np.exp(-(p**2 + q**2) / 4)


def test_gas_model_takes_its_temperatures_as_keywords():
    es, ea = np.array([0.0, 1.0]), np.array([0.0, 0.6])
    common = dict(mass=1.0, density=0.1, amplitude=_amp, amplitude_order="initial_first")
    new = gas.GasModel(es, ea, beta_motional=0.5, beta_internal=2.0, **common)
    alt = gas.GasModel(es, ea, temperature_motional=2.0, temperature_internal=0.5, **common)
    with pytest.warns(DeprecationWarning, match="beta_motional="):
        old = gas.GasModel(es, ea, 2.0, 1.0, 0.1, _amp, 0.5, amplitude_order="initial_first")
    for m in (alt, old):
        assert (m.temperature_motional, m.temperature_internal) == (2.0, 0.5)
    assert new.beta_motional == 0.5 and new.beta_internal == 2.0
    np.testing.assert_array_equal(new.rates().channel_rates, old.rates().channel_rates)
    with pytest.raises(ParameterError, match="only one of beta_motional"):
        gas.GasModel(es, ea, beta_motional=1.0, temperature_motional=1.0,
                     temperature_internal=1.0, **common)
    with pytest.raises(ParameterError, match="mass given both"):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            gas.GasModel(es, ea, 2.0, 1.0, mass=1.0, density=0.1, amplitude=_amp,
                         temperature_internal=1.0)


def test_two_temperature_entropy_production_takes_keywords():
    r = gas.GasModel.example(temperature_internal=2.0).rates()
    p = [0.5, 0.3, 0.2]
    new = gas.two_temperature_entropy_production(r, p, beta_internal=0.5, beta_motional=1.0)
    alt = gas.two_temperature_entropy_production(
        r, p, temperature_internal=2.0, temperature_motional=1.0
    )
    with pytest.warns(DeprecationWarning, match="beta_internal="):
        old = gas.two_temperature_entropy_production(r, p, 2.0, 1.0)
    # 1/(1/2) is exact, so the three spellings give identical numbers
    assert new == alt == old
    with pytest.raises(ParameterError, match="only one of beta_internal"):
        gas.two_temperature_entropy_production(r, p, beta_internal=0.5, temperature_internal=2.0,
                                               beta_motional=1.0)


def test_temperature_is_an_alternative_spelling_everywhere():
    """Functions that gained ``temperature=`` in this change: same numbers at T = 1/beta (powers
    of two, so 1/T is exact), ParameterError for both."""
    spin = gas.SpinGasModel.example(spin=1)
    rates = gas.GasModel.example().rates()
    rho = np.diag([0.2, 0.3, 0.5])
    model = fermions.QuadraticModel.example()
    smodel = scattering.ScatteringModel.example()
    pairs = [
        (lambda **kw: gas.local_detailed_balance_residual(rates, **kw)),
        (lambda **kw: gas.entropy_production_rate(spin.generator(), spin.energies(), states=rho,
                                                  **kw)),
        (lambda **kw: scattering.coherence_estimate(5.0, 0.6, 1.0, mass=0.1, **kw)),
        (lambda **kw: scattering.quadrature_nodes(smodel, nodes=8, **kw)[0]),
        (lambda **kw: fermions.grand_canonical_entropy(np.array([-1.0, 0.5]), mu=0.1, **kw)),
        (lambda **kw: gas.SpinGasModel.from_paper(spin=2, D=1.0, A=0.5,
                                                  **{k + "_motional": v for k, v in kw.items()})
         .temperature_motional),
    ]
    for call in pairs:
        np.testing.assert_array_equal(call(beta=0.5), call(temperature=2.0))
        with pytest.raises(ParameterError):
            call(beta=0.5, temperature=2.0)
    beta = {b: 0.5 for b in model.bath_labels}
    mu = {b: 0.0 for b in model.bath_labels}
    kw = dict(n_realisations=2, rng=np.random.default_rng(1), quantities=["sigma"])
    a = fermions.pure_state_realisations(model, beta, mu, [0.5], **kw)
    kw["rng"] = np.random.default_rng(1)
    b = fermions.pure_state_realisations(model, mu=mu, times=[0.5], temperature=2.0, **kw)
    np.testing.assert_array_equal(a["sigma"].values, b["sigma"].values)


def test_a_single_rate_applies_to_every_jump_operator():
    """`liouvillian(H, J, 0.1)` (issue 17: was "rates has 1 entries but there are 3 jump_ops")
    equals the generator written out by hand with rate 0.1 on each jump operator."""
    from thermalize.superop import liouvillian

    rng = np.random.default_rng(5)
    h = np.diag([0.0, 0.7, 1.5])
    jumps = [rng.normal(size=(3, 3)) for _ in range(3)]
    eye = np.eye(3)
    ref = -1j * (np.kron(h, eye) - np.kron(eye, h.T))  # row-major vec(A X B) = (A x B^T) vec X
    for j in jumps:
        jdj = j.conj().T @ j
        ref = ref + 0.1 * (np.kron(j, j.conj()) - 0.5 * (np.kron(jdj, eye) + np.kron(eye, jdj.T)))
    # same sums in a different order: rounding only
    np.testing.assert_allclose(liouvillian(h, jumps, 0.1), ref, atol=1e-14)
