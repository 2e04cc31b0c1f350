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
]


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
    if arr is None or not (np.all(np.isfinite(arr)) and np.all(arr > 0)):
        raise ParameterError(f"{name}={_short(value)} is outside the allowed range (0, inf)")


def require_nonnegative(name: str, value) -> None:
    """Raise ParameterError unless every entry of `value` is finite and >= 0."""
    arr = np.asarray(value, dtype=float) if _is_numeric(value) else None
    if arr is None or not (np.all(np.isfinite(arr)) and np.all(arr >= 0)):
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


class NonUniqueSteadyStateError(ParameterError):
    """The generator has more than one stationary state; `kernel_dimension` says how many."""

    def __init__(self, message: str, kernel_dimension: int):
        super().__init__(message)
        self.kernel_dimension = kernel_dimension
