"""Deprecated alias of `thermalize.papers.usui2024.common` (old flat layout; tests/fermions imports it)."""

import importlib
import sys

sys.modules[__name__] = importlib.import_module("thermalize.papers.usui2024.common")
