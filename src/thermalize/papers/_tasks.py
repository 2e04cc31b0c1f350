"""Expensive work of the reproductions as engine tasks (`thermalize.sweep.Task`).

A function decorated with `shared_task` is an ordinary function inside a reproduction's
``compute``: its result is looked up by the task key (function, arguments, package version)
among the results the runner computed on the executor, else computed here and kept for the
rest of the process. Its ``.task(...)`` builds the `Task` a reproduction declares, so the
runner can compute every declared task once, on any executor, before assembling.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable

from ..sweep import Task, function_reference

__all__ = ["RESULTS", "MISSES", "shared_task", "whole_compute"]

#: key -> value of the tasks known to this process (filled by the runner and by inline calls).
RESULTS: dict[str, object] = {}
#: Keys computed inline by a ``compute`` because no declared task provided them (tests read it).
MISSES: list[str] = []


def shared_task(function: Callable) -> Callable:
    """Decorator: calls are served from `RESULTS` by task key, else computed and kept.

    The wrapper has ``.task(*args, **kwargs) -> Task`` (arguments bound to names with the
    defaults applied, so positional and keyword calls give the same key) and
    ``.task_function`` (the undecorated function, which workers run).
    """
    sig = inspect.signature(function)

    def make_task(*args, **kwargs) -> Task:
        bound = sig.bind(*args, **kwargs)
        bound.apply_defaults()
        label = f"{function.__name__}(" + ", ".join(
            f"{k}={v}" for k, v in bound.arguments.items() if not isinstance(v, (tuple, list))
        ) + ")"
        return Task(ref, dict(bound.arguments), label)

    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        t = make_task(*args, **kwargs)
        key = t.key()
        if key not in RESULTS:
            MISSES.append(key)
            RESULTS[key] = function(**t.kwargs)
        return RESULTS[key]

    wrapper.task = make_task
    wrapper.task_function = function
    ref = function_reference(function)
    return wrapper


def whole_compute(id: str, quick: bool):
    """Task function of a reproduction that declares no tasks: its whole ``compute``."""
    from ._registry import get

    return get(id).compute(quick)
