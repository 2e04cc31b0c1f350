"""The QuTiP boundary: Qobj in, Qobj out (QuTiP is imported only when a Qobj is passed)."""

from __future__ import annotations

import numpy as np

__all__ = ["is_qobj", "to_array", "like"]


def is_qobj(x) -> bool:
    """True for a ``qutip.Qobj`` (checked by type name, so QuTiP is never imported here)."""
    return type(x).__name__ == "Qobj" and type(x).__module__.startswith("qutip")


def to_array(x):
    """An operator or state as a dense ndarray: a Qobj becomes ``x.full()``, anything else is
    returned unchanged (validation is the caller's job)."""
    return np.asarray(x.full()) if is_qobj(x) else x


def like(template, array):
    """Return `array` as a Qobj with the dims of `template` if `template` is a Qobj (an
    operator of the same shape), else unchanged."""
    if not is_qobj(template):
        return array
    import qutip  # optional extra; only reached when the caller passed a Qobj

    arr = np.asarray(array)
    if arr.shape == tuple(template.shape):
        return qutip.Qobj(arr, dims=template.dims)
    return qutip.Qobj(arr)
