"""Core reproductions: laws of Lindblad dynamics that no single paper owns."""

from .gibbs import gibbs_fixed_point

__all__ = ["gibbs_fixed_point"]
