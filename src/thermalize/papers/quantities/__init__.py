"""Registrations of sweepable quantities, one module per family (auto-discovered).

Physics modules never import the sweep machinery; these modules import physics and
register its main quantities with `thermalize.sweep.register_quantity`; the engine
(`thermalize.sweep`) knows no family and imports this package by name on the first lookup.
"""
