"""Reproductions of the papers' results: one subpackage per paper, each result registered by id.

The expensive work of a reproduction runs as tasks on the sweep engine (`run_reproductions`).
"""

from ._registry import (
    CORE,
    EHRICH2020,
    GAIDA2025,
    TABANERA2023,
    USUI2024,
    Check,
    Reproduction,
    get,
    register,
    registry,
    suggest,
)
from ._runner import ReproductionResult, result_json, run_reproduction, run_reproductions

__all__ = [
    "CORE",
    "EHRICH2020",
    "GAIDA2025",
    "TABANERA2023",
    "USUI2024",
    "Check",
    "Reproduction",
    "ReproductionResult",
    "get",
    "register",
    "registry",
    "result_json",
    "run_reproduction",
    "run_reproductions",
    "suggest",
]
