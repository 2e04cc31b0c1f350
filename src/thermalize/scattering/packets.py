"""Momentum density matrix rho_U(p, p') of the incident packet and its positivity audit."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..distributions import effusion_momentum_1d, maxwell_momentum_1d
from ..errors import ParameterError, as_float_array
from .model import IncidentPacket

__all__ = ["PositivityAudit", "momentum_law", "packet_density_matrix", "packet_positivity"]


def _require_packet(packet) -> None:
    if not isinstance(packet, IncidentPacket):
        raise ParameterError(f"packet must be an IncidentPacket, got {type(packet).__name__}")


def momentum_law(packet: IncidentPacket, p) -> np.ndarray:
    r"""Diagonal :math:`\rho_U(p,p)`: effusion Eq. (18) or half-Maxwell, zero for p <= 0.

    Effusion: :math:`\mu_{\rm eff}(p) = (\beta p/m)e^{-\beta p^2/2m}` (Eq. (18) of
    Tabanera-Bravo et al. 2023). Maxwell: :math:`2\sqrt{\beta/2\pi m}\,e^{-\beta p^2/2m}`,
    the Maxwell law of particles moving towards the scatterer, normalised on p > 0.

    Parameters
    ----------
    packet : IncidentPacket
    p : array_like
        Momenta (any shape).

    Returns
    -------
    ndarray, same shape as p, float64

    Examples
    --------
    >>> pk = IncidentPacket.example()
    >>> round(float(momentum_law(pk, 1.0)), 6)  # beta p/m exp(-beta p^2/2m) at p = 1
    0.606531
    """
    _require_packet(packet)
    p = as_float_array("p", p)
    if packet.distribution == "effusion":
        law = effusion_momentum_1d(packet.beta, packet.mass)
        return np.where(p > 0, law.pdf(np.abs(p)), 0.0)
    law = maxwell_momentum_1d(packet.beta, packet.mass)
    return np.where(p > 0, 2.0 * law.pdf(p), 0.0)


def packet_density_matrix(packet: IncidentPacket, p, p_prime) -> np.ndarray:
    r"""Momentum density matrix of the packet, Eq. (23) of Tabanera-Bravo et al. (2023).

    :math:`\rho_U(p,p') = \mu\big(\tfrac{p+p'}2\big)
    \exp\!\big[-\Delta x^2(p-p')^2/2\hbar^2 - i(p-p')x_0/\hbar\big]`.

    Parameters
    ----------
    packet : IncidentPacket
    p, p_prime : array_like
        Broadcast against each other.

    Returns
    -------
    ndarray, broadcast shape, complex128

    Examples
    --------
    >>> pk = IncidentPacket.example()
    >>> r = packet_density_matrix(pk, 1.0, 1.2)
    >>> round(abs(complex(r)), 6), round(float(np.angle(r)), 6)
    (0.588788, -2.0)
    """
    _require_packet(packet)
    p = as_float_array("p", p)
    q = as_float_array("p_prime", p_prime)
    dp = p - q
    phase = -0.5 * (packet.delta_x * dp / packet.hbar) ** 2 - 1j * dp * packet.x0 / packet.hbar
    return momentum_law(packet, 0.5 * (p + q)) * np.exp(phase)


@dataclass(frozen=True)
class PositivityAudit:
    """Spectrum of rho_U discretised on a momentum grid (two resolutions).

    Attributes
    ----------
    min_eigenvalue : float
        Smallest eigenvalue of the operator (fine grid); negative means Eq. (23) is not a
        state for these parameters.
    max_eigenvalue : float
        Largest eigenvalue (fine grid).
    negative_weight : float
        Sum of |negative eigenvalues| (fine grid): trace norm minus one, half of it.
    min_eigenvalue_coarse : float
        Smallest eigenvalue on the grid with half the points (its difference to
        `min_eigenvalue` estimates the discretisation error).
    trace : float
        Trace on the fine grid (1 up to quadrature error).
    """

    min_eigenvalue: float
    max_eigenvalue: float
    negative_weight: float
    min_eigenvalue_coarse: float
    trace: float

    @property
    def is_positive(self) -> bool:
        """True if no eigenvalue is below -(discretisation error + 1e-12)."""
        err = abs(self.min_eigenvalue - self.min_eigenvalue_coarse)
        return self.min_eigenvalue >= -(err + 1e-12)


def _spectrum(packet: IncidentPacket, n: int, p_max: float) -> tuple[np.ndarray, float]:
    # midpoint grid on [-p_max, p_max]: rho_U is an operator on L^2(R) (the mean momentum
    # (p+p')/2 must be positive, p alone need not be)
    h = 2 * p_max / n
    p = -p_max + h * (np.arange(n) + 0.5)
    m = h * packet_density_matrix(packet, p[:, None], p[None, :])
    m = 0.5 * (m + m.conj().T)
    return np.linalg.eigvalsh(m), float(np.trace(m).real)


def packet_positivity(packet: IncidentPacket, *, n: int = 600, width: float = 8.0) -> PositivityAudit:
    r"""Audit positivity of :math:`\rho_U` of Eq. (23) on a momentum grid.

    Eq. (23) is the Weyl transform of the product Wigner function Eq. (22); a product of a
    non-Gaussian momentum law with a Gaussian in x is not guaranteed to be a positive
    operator, so its smallest eigenvalue is reported.

    Parameters
    ----------
    packet : IncidentPacket
    n : int
        Grid points of the fine grid (>= 20); the coarse grid has n // 2.
    width : float
        Grid half-width in units of sqrt(mass/beta) + hbar/delta_x (> 0).

    Returns
    -------
    PositivityAudit

    Examples
    --------
    >>> audit = packet_positivity(IncidentPacket.example(), n=200)
    >>> round(audit.trace, 2), round(audit.min_eigenvalue, 2)  # Eq. (23) is not positive here
    (1.0, -0.05)
    """
    if int(n) < 20:
        raise ParameterError(f"n={n!r} is outside the allowed range [20, inf)")
    if not (np.isfinite(width) and width > 0):
        raise ParameterError(f"width={width!r} is outside the allowed range (0, inf)")
    p_max = width * (np.sqrt(packet.mass / packet.beta) + packet.hbar / packet.delta_x)
    fine, trace = _spectrum(packet, int(n), p_max)
    coarse, _ = _spectrum(packet, int(n) // 2, p_max)
    return PositivityAudit(
        min_eigenvalue=float(fine[0]), max_eigenvalue=float(fine[-1]),
        negative_weight=float(-fine[fine < 0].sum()), min_eigenvalue_coarse=float(coarse[0]),
        trace=trace,
    )
