"""Errors of the sweep machinery."""

from __future__ import annotations

from ..errors import ParameterError

__all__ = ["SpecError", "SweepError"]


class SpecError(ParameterError):
    """A sweep spec is invalid (unknown key, unknown quantity, bad grid); raised before any work."""


class SweepError(RuntimeError):
    """The sweep cannot run: executor unavailable, scheduler unreachable, output unusable."""
