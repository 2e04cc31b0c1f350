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
    """Return `array` as a Qobj with the dims of `template` if `template` is a Qobj, else
    unchanged.

    An operator template of the same shape gives its dims; a superoperator template gives an
    operator (state) on its operator space its operator dims (e.g. the steady state of a super
    Qobj on two qubits has dims [[2, 2], [2, 2]]); any other shape gets QuTiP's default dims.
    """
    if not is_qobj(template):
        return array
    import qutip  # optional extra; only reached when the caller passed a Qobj

    arr = np.asarray(array)
    dims = template.dims
    if getattr(template, "issuper", False):
        dims = dims[0]  # [[rows], [cols]] of the operator space the superoperator acts on
    if arr.ndim == 2 and arr.shape == (int(np.prod(dims[0])), int(np.prod(dims[1]))):
        return qutip.Qobj(arr, dims=dims)
    return qutip.Qobj(arr)
