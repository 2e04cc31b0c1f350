"""Deprecated alias of `thermalize.papers.usui2024.common` (old flat layout; tests/fermions imports it)."""

import importlib

_module = importlib.import_module("thermalize.papers.usui2024.common")
globals().update({k: v for k, v in vars(_module).items() if not k.startswith("__")})
