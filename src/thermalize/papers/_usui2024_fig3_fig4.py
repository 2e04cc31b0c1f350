"""Deprecated alias of `thermalize.papers.usui2024.fig3_fig4` (old flat layout; tests/fermions imports it)."""

import importlib

_module = importlib.import_module("thermalize.papers.usui2024.fig3_fig4")
globals().update({k: v for k, v in vars(_module).items() if not k.startswith("__")})
