"""Optional tqdm progress bars over the time steps of the classical Monte Carlos."""

from __future__ import annotations

import numpy as np
from tqdm import tqdm

from ..errors import ParameterError

__all__ = ["bar", "steps"]

#: One look for every bar: on stderr, unit "step", removed when done, at most 2 updates/s.
_STYLE = {"unit": "step", "leave": False, "mininterval": 0.5}


def bar(n: int, progress: bool, desc: str) -> tqdm:
    """A bar over n steps, advanced by the caller; disabled unless `progress`."""
    _check(progress)
    return tqdm(total=n, desc=desc, disable=not progress, **_STYLE)


def steps(n: int, progress: bool, desc: str) -> range | tqdm:
    """``range(n)``, wrapped in a bar if `progress`."""
    _check(progress)
    return tqdm(range(n), desc=desc, **_STYLE) if progress else range(n)


def _check(progress) -> None:
    """`progress` is a flag: True or False (an array's truth value is ambiguous)."""
    flag = isinstance(progress, (bool, np.bool_)) or (
        isinstance(progress, (int, np.integer)) and progress in (0, 1))
    if not flag:
        raise ParameterError(f"progress: expected True or False, got {progress!r} "
                             f"({type(progress).__name__})")
