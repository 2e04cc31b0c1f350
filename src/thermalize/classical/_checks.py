"""Input handling shared by thermalize.classical: temperatures, numbers, counts and size caps.

Issue 15 (one validation layer) and issue 17 (``beta=`` with ``temperature=`` as an
alternative, never both) for the classical family.
"""

from __future__ import annotations

import functools
import inspect
import warnings

import numpy as np

from ..errors import (
    ParameterError,
    as_float_array,
    beta_or_temperature,
    require_dense_size,
    require_int,
    require_real,
)

__all__ = [
    "MAX_PARTICLES",
    "MAX_SAMPLES",
    "beta_from",
    "check_mc_counts",
    "check_samples",
    "finite_result",
    "positive_array",
    "positive_real",
    "real_array",
    "warn_positional",
    "with_temperature",
]

#: Largest `n_particles` of one `simulate_collisions` call (2^28 ~ 2.7e8 particles, 10-20 s at
#: the measured 1.5e7-3e7 particles/s); above it, split the run into chunks with independent
#: generators (``numpy.random.SeedSequence(seed).spawn(k)``) and add the counts.
MAX_PARTICLES = 1 << 28

#: Largest number of samples (n_steps x n_replicas, or n_cycles x n_replicas x (collisions
#: per cycle + 1)) of one Monte Carlo call: 2^32 ~ 4.3e9, five times the largest paper
#: reproduction (8e8 particle-steps). Measured rates (2-core VM, shared): thinned explicit
#: particles 1.5e7-1.5e8/s (30 s - 5 min at the cap), kick chain 1.8e7/s (4 min), disk
#: 1e7/s (7 min). Above it, run chunks of replicas with independent generators and average.
MAX_SAMPLES = 1 << 32


def positive_real(name: str, value) -> float:
    """`value` as a finite float > 0; strings, None, arrays: "expected a real number"."""
    x = require_real(name, value)
    if x <= 0:
        raise ParameterError(f"{name}={x!r} is outside the allowed range (0, inf)")
    return x


def real_array(name: str, value) -> np.ndarray:
    """`value` as a finite float array; strings, None, booleans: "expected a real number"."""
    if isinstance(value, (str, bytes, bool, np.bool_)) or value is None:
        require_real(name, value)  # raises "expected a real number, got ..."
    try:
        kind = np.asarray(value).dtype.kind
    except Exception:  # noqa: BLE001 - as_float_array below reports what is wrong
        kind = "O"
    if kind == "b":
        raise ParameterError(f"{name}: expected real numbers, got booleans {value!r}")
    return as_float_array(name, value)


def positive_array(name: str, value) -> np.ndarray:
    """`value` as a finite float array with every entry > 0 (a scalar gives a 0-d array)."""
    arr = real_array(name, value)
    if not np.all(arr > 0):
        raise ParameterError(f"{name}={value!r} is outside the allowed range (0, inf)")
    return arr


def beta_from(beta, temperature, *, beta_name: str = "beta", temperature_name: str = "temperature"):
    """Inverse temperature from ``beta`` or ``temperature`` (exactly one), checked > 0.

    Returns a float; a temperature so small or large that 1/T is not a positive finite
    float is a ParameterError naming `temperature_name` (``errors.beta_or_temperature``).
    """
    return beta_or_temperature(beta, temperature, beta_name=beta_name,
                               temperature_name=temperature_name, positive=True)


def with_temperature(func):
    """Add a keyword-only ``temperature=`` (T = 1/beta) to a function taking ``beta``.

    Passing both is a ParameterError; the wrapped function sees only ``beta``.
    """
    sig = inspect.signature(func)

    @functools.wraps(func)
    def wrapper(*args, temperature=None, **kwargs):
        if temperature is not None:
            given = sig.bind_partial(*args, **kwargs).arguments.get("beta")
            kwargs["beta"] = beta_from(given, temperature)  # both given: ParameterError
        return func(*args, **kwargs)

    params = list(sig.parameters.values())
    extra = inspect.Parameter("temperature", inspect.Parameter.KEYWORD_ONLY, default=None)
    at = len(params) - (params and params[-1].kind is inspect.Parameter.VAR_KEYWORD)
    wrapper.__signature__ = sig.replace(parameters=[*params[:at], extra, *params[at:]])
    return wrapper


def warn_positional(what: str, instead: str, stacklevel: int = 3) -> None:
    """DeprecationWarning for a call form kept for one release."""
    warnings.warn(
        f"{what} is deprecated and will be removed in the next release; {instead}",
        DeprecationWarning,
        stacklevel=stacklevel,
    )


def check_samples(name: str, *counts: int, per_sample_bytes: int = 0, rows: int = 0) -> None:
    """Raise ParameterError if prod(counts) exceeds `MAX_SAMPLES`, or if `rows` x
    `per_sample_bytes` of work arrays exceed `errors.MAX_DENSE_BYTES`, before any work."""
    total = 1
    for c in counts:
        total *= int(c)
    if total > MAX_SAMPLES:
        raise ParameterError(
            f"{name}: {' x '.join(_count_text(int(c), exact=True) for c in counts)} = "
            f"{_count_text(total)} samples exceed the limit MAX_SAMPLES = 2^32 = {MAX_SAMPLES:.3g} of one call (minutes of work); "
            "run chunks of replicas with independent generators "
            "(numpy.random.SeedSequence(seed).spawn(k)) and average them"
        )
    if rows and per_sample_bytes:
        require_dense_size(name, (rows,), itemsize=per_sample_bytes)


def _count_text(total: int, *, exact: bool = False) -> str:
    """``%.3g`` of a count (all digits if `exact` and below 1e15), also beyond the float
    range: n_replicas=1e308 is an integral float, so an integer of 309 digits."""
    if exact and total < 10**15:
        return str(total)
    return f"{total:.3g}" if total < 10**300 else f"~10^{len(str(total)) - 1}"


def check_count(name: str, value, *, low: int = 0) -> int:
    """`value` as an int >= `low` (strings, floats with a fraction, bools: ParameterError)."""
    return require_int(name, value, low=low)


def finite_result(what: str, out, **params):
    """Return `out` if every entry is finite, else a ParameterError naming the parameters.

    The guard of issue 15 against silent NaN/inf at extreme but valid parameters.
    """
    arr = np.asarray(out)
    if arr.dtype.kind in "fc" and not np.all(np.isfinite(arr)):
        given = ", ".join(f"{k}={v!r}" for k, v in params.items())
        raise ParameterError(
            f"{what} is not representable in float64 at {given}: a result over- or "
            "underflows; move these parameters towards order one"
        )
    return out


def check_mc_counts(steps_name: str, n_steps, n_replicas, burn_in) -> tuple[int, int, int]:
    """Validated (n_steps, n_replicas, burn_in) of a replica Monte Carlo; burn_in default n/5.

    Needs n_steps >= 1, n_replicas >= 2 (for a standard error) and burn_in < n_steps.
    """
    n_steps = check_count(steps_name, n_steps)
    n_replicas = check_count("n_replicas", n_replicas)
    if n_steps < 1 or n_replicas < 2:
        raise ParameterError(
            f"need {steps_name} >= 1 and n_replicas >= 2, got {n_steps}, {n_replicas}"
        )
    burn_in = n_steps // 5 if burn_in is None else check_count("burn_in", burn_in)
    if burn_in >= n_steps:
        raise ParameterError(f"burn_in={burn_in} must be smaller than {steps_name}={n_steps}")
    return n_steps, n_replicas, burn_in
