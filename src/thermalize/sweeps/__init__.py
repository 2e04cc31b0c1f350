"""Internals of `thermalize.sweep`: specs, quantity registry, executors, checkpoints, runner.

Use the public module `thermalize.sweep`; this package is split by job (R1 of STYLE.md).
"""
