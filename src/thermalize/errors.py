"""Exceptions, warnings and the shared input checks of thermalize."""

from __future__ import annotations

import numpy as np

__all__ = [
    "ParameterError",
    "ConvergenceError",
    "PhysicsWarning",
    "NonUniqueSteadyStateError",
    "require_finite",
    "require_positive",
    "require_nonnegative",
    "require_in_range",
    "require_shape",
    "require_square",
    "require_hermitian",
    "as_float_array",
    "require_real",
    "require_int",
    "require_dense_size",
    "MAX_DENSE_BYTES",
    "beta_or_temperature",
]

#: Largest dense array (bytes) any function allocates without ``sparse=True`` or an explicit
#: opt-in; above it a ParameterError states the size in GiB (issue 14, item 6).
MAX_DENSE_BYTES = 2 * 1024**3


class ParameterError(ValueError):
    """Bad physical input: the message names the parameter, its value and what is allowed."""


class ConvergenceError(RuntimeError):
    """A numerical method did not converge; the message gives iterations and last residual."""


class PhysicsWarning(UserWarning):
    """A model is used outside the validity conditions its paper states."""


def _short(value) -> str:
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


def require_finite(name: str, value) -> None:
    """Raise ParameterError unless every entry of `value` is finite (no NaN, no inf)."""
    arr = np.asarray(value)
    if arr.dtype == object or not np.all(np.isfinite(arr)):
        raise ParameterError(f"{name}={_short(value)} must be finite (no NaN or inf)")


def require_positive(name: str, value) -> None:
    """Raise ParameterError unless every entry of `value` is finite and > 0."""
    arr = np.asarray(value, dtype=float) if _is_numeric(value) else None
    if arr is None or arr.size == 0 or not (np.all(np.isfinite(arr)) and np.all(arr > 0)):
        raise ParameterError(f"{name}={_short(value)} is outside the allowed range (0, inf)")


def require_nonnegative(name: str, value) -> None:
    """Raise ParameterError unless every entry of `value` is finite and >= 0."""
    arr = np.asarray(value, dtype=float) if _is_numeric(value) else None
    if arr is None or arr.size == 0 or not (np.all(np.isfinite(arr)) and np.all(arr >= 0)):
        raise ParameterError(f"{name}={_short(value)} is outside the allowed range [0, inf)")


def require_in_range(
    name: str, value, low: float, high: float, *, low_open: bool = False, high_open: bool = False
) -> None:
    """Raise ParameterError unless low <= value <= high (open ends as requested)."""
    arr = np.asarray(value, dtype=float) if _is_numeric(value) else None
    ok = arr is not None and not np.any(np.isnan(arr))
    if ok:
        ok = np.all(arr > low) if low_open else np.all(arr >= low)
        ok = ok and (np.all(arr < high) if high_open else np.all(arr <= high))
    if not ok:
        lb = "(" if low_open else "["
        hb = ")" if high_open else "]"
        raise ParameterError(
            f"{name}={_short(value)} is outside the allowed range {lb}{low}, {high}{hb}"
        )


def require_shape(name: str, value: np.ndarray, shape: str) -> None:
    """Check `value.shape` against a pattern such as ``"(n, n)"`` or ``"(..., n, n)"``.

    Letters must agree between axes with the same letter; ``...`` matches any leading axes.
    """
    arr = np.asarray(value)
    spec = [s.strip() for s in shape.strip("()").split(",") if s.strip()]
    leading = bool(spec) and spec[0] == "..."
    if leading:
        spec = spec[1:]
    actual = arr.shape[len(arr.shape) - len(spec) :] if leading else arr.shape
    ok = (len(arr.shape) >= len(spec)) if leading else (len(arr.shape) == len(spec))
    sizes: dict[str, int] = {}
    if ok:
        for sym, size in zip(spec, actual):
            if sym.isdigit():
                ok = ok and int(sym) == size
            else:
                ok = ok and sizes.setdefault(sym, size) == size
    if not ok:
        raise ParameterError(f"{name} must have shape {shape}, got shape {arr.shape}")


def require_square(name: str, value: np.ndarray) -> np.ndarray:
    """Return `value` as a finite square 2D complex-or-real array, or raise ParameterError."""
    arr = np.asarray(value)
    require_shape(name, arr, "(n, n)")
    if arr.shape[0] == 0:
        raise ParameterError(f"{name} must be a non-empty square matrix, got shape {arr.shape}")
    if not np.issubdtype(arr.dtype, np.number):
        raise ParameterError(f"{name} must be numeric, got dtype {arr.dtype}")
    require_finite(name, arr)
    return arr


def require_hermitian(name: str, value: np.ndarray, *, rtol: float = 1e-10) -> np.ndarray:
    """Return `value` if it is Hermitian within ``rtol * max(1, max|value|)``.

    The tolerance scales with the matrix norm as in kwant's Hermiticity check.
    """
    arr = require_square(name, value)
    scale = max(1.0, float(np.max(np.abs(arr))))
    err = float(np.max(np.abs(arr - arr.conj().T)))
    if err > rtol * scale:
        raise ParameterError(
            f"{name} must be Hermitian: max|{name} - {name}^dagger| = {err:.3g} exceeds "
            f"{rtol:g} * {scale:.3g}"
        )
    return arr


def as_float_array(name: str, value, *, ndim: int | None = None) -> np.ndarray:
    """Convert to a finite float64 array (checked), optionally of a given number of dimensions."""
    if not _is_numeric(value):
        raise ParameterError(f"{name}={_short(value)} must be a real number or array of them")
    arr = np.asarray(value, dtype=float)
    if ndim is not None and arr.ndim != ndim:
        raise ParameterError(f"{name} must be {ndim}-dimensional, got shape {arr.shape}")
    require_finite(name, arr)
    return arr


def _is_numeric(value) -> bool:
    try:
        arr = np.asarray(value)
    except Exception:  # noqa: BLE001 - any conversion failure means "not numeric"
        return False
    return arr.dtype != object and (
        np.issubdtype(arr.dtype, np.number) or np.issubdtype(arr.dtype, np.bool_)
    ) and not np.iscomplexobj(arr)


class NonUniqueSteadyStateError(ParameterError, ConvergenceError):
    """The generator has more than one stationary state; `kernel_dimension` says how many.

    Both a ParameterError (the generator admits no unique answer) and a ConvergenceError (the
    solver could not converge to one state), so either ``except`` catches it.
    """

    def __init__(self, message: str, kernel_dimension: int):
        super().__init__(message)
        self.kernel_dimension = kernel_dimension


def _type_text(value) -> str:
    text = repr(value) if isinstance(value, str) else _short(value)
    return f"{text} ({type(value).__name__})"


def require_real(name: str, value, *, allow_inf: bool = False) -> float:
    """Return `value` as a Python float, or raise ParameterError.

    Accepts Python and NumPy real scalars (and 0-d arrays); rejects strings, booleans, None,
    complex numbers, arrays with more than one entry and NaN (and +-inf unless `allow_inf`):
    ``require_real("beta", "hot")`` raises "beta: expected a real number, got 'hot' (str)".
    """
    if isinstance(value, (str, bytes, bool, np.bool_)) or value is None:
        raise ParameterError(f"{name}: expected a real number, got {_type_text(value)}")
    try:
        arr = np.asarray(value)
    except Exception:  # noqa: BLE001 - any conversion failure means "not a number"
        arr = None
    if (
        arr is None
        or arr.ndim != 0
        or arr.dtype == object
        or not (np.issubdtype(arr.dtype, np.integer) or np.issubdtype(arr.dtype, np.floating))
    ):
        raise ParameterError(f"{name}: expected a real number, got {_type_text(value)}")
    out = float(arr)
    if np.isnan(out) or (np.isinf(out) and not allow_inf):
        allowed = "a real number (not NaN)" if allow_inf else "a finite real number"
        raise ParameterError(f"{name}={out!r} is not allowed: expected {allowed}")
    return out


def require_int(name: str, value, *, low: int | None = None, high: int | None = None) -> int:
    """Return `value` as a Python int within [low, high], or raise ParameterError.

    Integral floats such as ``3.0`` are accepted; ``3.5``, strings, booleans and None are not.
    """
    if isinstance(value, (str, bytes, bool, np.bool_)) or value is None:
        raise ParameterError(f"{name}: expected an integer, got {_type_text(value)}")
    try:
        arr = np.asarray(value)
        ok = arr.ndim == 0 and arr.dtype != object and (
            np.issubdtype(arr.dtype, np.integer)
            or (np.issubdtype(arr.dtype, np.floating) and np.isfinite(arr) and float(arr) == int(arr))
        )
    except Exception:  # noqa: BLE001 - any conversion failure means "not an integer"
        ok = False
    if not ok:
        raise ParameterError(f"{name}: expected an integer, got {_type_text(value)}")
    out = int(arr)
    if (low is not None and out < low) or (high is not None and out > high):
        lo = "-inf" if low is None else str(low)
        hi = "inf" if high is None else str(high)
        raise ParameterError(f"{name}={out} is outside the allowed range [{lo}, {hi}]")
    return out


def as_array(name: str, value, dtype, what: str) -> np.ndarray:
    """`value` as an ndarray of `dtype`, or a ParameterError "NAME: expected WHAT, got ...".

    Strings, bytes and None are refused before NumPy sees them (it parses ``"2.0"`` and
    ``b"1.0"`` as numbers, and None as NaN); no finiteness or shape check here.
    """
    if isinstance(value, (str, bytes)) or value is None:
        raise ParameterError(f"{name}: expected {what}, got {_type_text(value)}")
    try:
        return np.asarray(value, dtype=dtype)
    except (TypeError, ValueError) as exc:
        raise ParameterError(f"{name}: expected {what}, got {_type_text(value)}") from exc


def require_path(name: str, value):
    """`value` as a `pathlib.Path`; a ParameterError unless it is a ``str`` or ``os.PathLike``
    (None, numbers and bytes are not file paths here)."""
    import os
    from pathlib import Path

    if isinstance(value, str) and value or isinstance(value, os.PathLike):
        return Path(value)
    raise ParameterError(f"{name}: expected a file path (str or os.PathLike), got "
                         f"{_type_text(value)}")


def require_dense_size(name: str, shape, *, itemsize: int = 16, limit: int | None = None) -> None:
    """Raise ParameterError before allocating a dense array larger than `limit` bytes.

    `limit` defaults to :data:`MAX_DENSE_BYTES`; the message states the size in GiB so that
    the caller can choose a smaller model or, where offered, a sparse path (``sparse=True``).
    """
    limit = MAX_DENSE_BYTES if limit is None else limit
    n = 1
    for s in shape:
        n *= int(s)
    nbytes = n * itemsize
    if nbytes > limit:
        raise ParameterError(
            f"{name}: a dense array of shape {_shape_text(shape)} needs "
            f"{_big(nbytes / 1024**3 if nbytes < 2**1000 else nbytes // 1024**3)} GiB, above "
            f"the limit of {limit / 1024**3:.3g} GiB "
            "(thermalize.errors.MAX_DENSE_BYTES); use a smaller model, or sparse=True where "
            "the function offers it"
        )


def _big(x) -> str:
    """``%.3g`` of a number, also of an int beyond the float range (e.g. a size from 1e308)."""
    if isinstance(x, int) and x >= 2**1000:
        digits = str(x)
        return f"{digits[0]}.{digits[1:3]}e+{len(digits) - 1}"
    return f"{x:.3g}"


def _shape_text(shape) -> str:
    dims = [int(s) for s in shape]
    if all(abs(d) < 10**15 for d in dims):
        return str(tuple(dims))
    return "(" + ", ".join(_big(d) if abs(d) >= 10**15 else str(d) for d in dims) + ")"


def beta_or_temperature(
    beta,
    temperature,
    *,
    beta_name: str = "beta",
    temperature_name: str = "temperature",
    required: bool = True,
    positive: bool = False,
    allow_inf: bool = False,
):
    """The inverse temperature given as ``beta`` or as ``temperature`` (T = 1/beta), not both.

    The single implementation of the convention "``beta=`` everywhere, ``temperature=`` as
    the alternative spelling" (docs/conventions.md). Returns a float, or None when neither is
    given and `required` is False. `positive` restricts to beta > 0; otherwise any non-zero
    finite beta (negative: population inversion) is allowed from either spelling, and a
    temperature whose inverse is not a finite non-zero float is a ParameterError naming it.
    With `allow_inf`, the limits are allowed too: beta = +-inf, temperature = 0 (beta = +inf)
    and temperature = +-inf (beta = 0).
    """
    if beta is not None and temperature is not None:
        raise ParameterError(
            f"give {beta_name}= or {temperature_name}=, not both "
            f"(got {beta_name}={_short(beta)}, {temperature_name}={_short(temperature)})"
        )
    if temperature is None:
        if beta is None:
            if required:
                raise ParameterError(f"{beta_name} is required (or give {temperature_name}=)")
            return None
        b = require_real(beta_name, beta, allow_inf=allow_inf)
        if positive and b <= 0:
            raise ParameterError(f"{beta_name}={b!r} is outside the allowed range (0, inf)")
        return b
    t = require_real(temperature_name, temperature, allow_inf=allow_inf)
    if allow_inf and (t == 0 or np.isinf(t)) and not (positive and t < 0):
        return np.inf if t == 0 else 0.0
    if t == 0 or (positive and t < 0):
        allowed = "(0, inf)" if positive else "(-inf, 0) or (0, inf)"
        raise ParameterError(f"{temperature_name}={t!r} is outside the allowed range {allowed}")
    with np.errstate(over="ignore"):
        b = float(np.float64(1.0) / t)
    if not allow_inf and not (0.0 < abs(b) < np.inf):
        raise ParameterError(
            f"{temperature_name}={t!r} is outside the representable range: 1/{temperature_name} "
            "is not a finite non-zero float"
        )
    return b
