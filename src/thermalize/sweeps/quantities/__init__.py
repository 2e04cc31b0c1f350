"""Registrations of sweepable quantities, one module per family (auto-discovered).

Physics modules never import the sweep machinery; these modules import physics and
register its main quantities with `thermalize.sweeps._registry.register_quantity`.
"""
