"""Momentum density matrix rho_U(p, p') of the incident packet and its positivity audit."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import linalg

from ..errors import ParameterError, as_float_array, require_dense_size, require_int, require_real
from .model import IncidentPacket

__all__ = ["PositivityAudit", "momentum_law", "packet_density_matrix", "packet_positivity"]

#: Largest trace grid (points) summed directly; beyond it the law's own quadrature is used.
_TRACE_POINTS = 1_000_000


def _require_packet(packet) -> None:
    if not isinstance(packet, IncidentPacket):
        raise ParameterError(f"packet must be an IncidentPacket, got {type(packet).__name__}")


def momentum_law(packet: IncidentPacket, p) -> np.ndarray:
    r"""Diagonal :math:`\rho_U(p,p)`: effusion Eq. (18), half-Maxwell, or the packet's user law.

    Effusion: :math:`\mu_{\rm eff}(p) = (\beta p/m)e^{-\beta p^2/2m}` (Eq. (18) of
    Tabanera-Bravo et al. 2023). Maxwell: :math:`2\sqrt{\beta/2\pi m}\,e^{-\beta p^2/2m}`,
    the Maxwell law of particles moving towards the scatterer, normalised on p > 0; both
    vanish for p <= 0.

    Parameters
    ----------
    packet : IncidentPacket
        With a mass (given, or bound to a model with `IncidentPacket.bind`).
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
    return packet.law(as_float_array("p", p))


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
    hbar = packet.hbar_value
    phase = -0.5 * (packet.delta_x * dp / hbar) ** 2 - 1j * dp * packet.x0 / hbar
    return packet.law(0.5 * (p + q)) * np.exp(phase)


@dataclass(frozen=True)
class PositivityAudit:
    r"""Spectrum of rho_U of Eq. (23) discretised with a resolved grid (two resolutions).

    Attributes
    ----------
    min_eigenvalue : float
        Smallest eigenvalue (fine grid); negative means Eq. (23) is not a state.
    max_eigenvalue : float
        Largest eigenvalue of the discretised operator (in window mode: of the window, a lower
        bound of the operator's largest eigenvalue by interlacing).
    negative_weight : float
        Sum of |negative eigenvalues| (fine grid).
    min_eigenvalue_coarse : float
        Smallest eigenvalue with twice the grid spacing.
    trace : float
        Trace of the operator on the fine spacing (1 up to quadrature error).
    error : float
        Error estimate of `min_eigenvalue`: max of |fine - coarse| and, in window mode,
        |window - half window|. Both grids resolve the coherence scale hbar/delta_x, so an
        under-resolved spectrum shows up here instead of as a false "positive".
    spacing : float
        Fine grid spacing; at most min(hbar/delta_x, law scale)/resolution.
    coherence_scale : float
        hbar/delta_x, the momentum width of the off-diagonal Gaussian of Eq. (23).
    window : float or None
        Half-width of the windows around the law's kinks (window mode: wide packets, whose
        negativity lives within a few hbar/delta_x of the kinks), None for the whole line.
    """

    min_eigenvalue: float
    max_eigenvalue: float
    negative_weight: float
    min_eigenvalue_coarse: float
    trace: float
    error: float = 0.0
    spacing: float = 0.0
    coherence_scale: float = 0.0
    window: float | None = None

    @property
    def is_positive(self) -> bool:
        """True if no eigenvalue is below -(error estimate + 1e-12)."""
        return self.min_eigenvalue >= -(self.error + 1e-12)

    @property
    def passed(self) -> bool:
        """Alias of `is_positive` (the verdict of this audit)."""
        return self.is_positive


def _grid(lo: float, hi: float, anchor: float, h: float) -> np.ndarray:
    """Midpoints of cells of width h covering [lo, hi], with `anchor` on a cell edge."""
    i0 = int(np.floor((lo - anchor) / h))
    i1 = int(np.ceil((hi - anchor) / h))
    return anchor + h * (np.arange(i0, i1) + 0.5)


def _eigenvalues(packet: IncidentPacket, p: np.ndarray, h: float) -> np.ndarray:
    """Spectrum of h rho_U on the nodes p, without the phase e^{-i(p-p')x0/hbar}.

    That phase is the diagonal unitary similarity D K D^dagger, D = diag(e^{-i p x0/hbar}),
    so it changes no eigenvalue; the rest is real symmetric.
    """
    require_dense_size("packet grid", (p.size, p.size), itemsize=8 * 4)
    mid = 0.5 * (p[:, None] + p[None, :])
    g = np.exp(-0.5 * (packet.delta_x * (p[:, None] - p[None, :]) / packet.hbar_value) ** 2)
    return linalg.eigvalsh(h * packet.law(mid) * g, check_finite=False)


def packet_positivity(packet: IncidentPacket, *, n: int = 600, width: float = 8.0,
                      resolution: int = 16, window: float = 10.0,
                      max_points: int = 2000) -> PositivityAudit:
    r"""Audit positivity of :math:`\rho_U` of Eq. (23) with a grid that resolves hbar/delta_x.

    Eq. (23) is the Weyl transform of the product Wigner function Eq. (22); a product of a
    non-Gaussian momentum law with a Gaussian in x is not guaranteed to be a positive
    operator. Its off-diagonal Gaussian has the width :math:`s=\hbar/\Delta x`, and for the
    effusion law the negative eigenvalue lives within a few s of the kink at p = 0, where it
    tends to :math:`(\beta/m)s^2\lambda_0`, :math:`\lambda_0 \approx -0.04156`, for wide
    packets. The grid spacing is therefore at most min(s, law scale)/`resolution` (never
    coarser for wide packets); when the whole line would need more than `max_points` points,
    windows of half-width `window` s around the law's kinks are diagonalised instead (a
    compression: its smallest eigenvalue bounds the operator's from above, so a negative one
    is certain), and the window is halved to estimate its own error.

    Parameters
    ----------
    packet : IncidentPacket
        With a mass (bound to a model or given).
    n : int
        Minimum number of fine grid points on the whole line (>= 20).
    width : float
        The line covers the law's support plus width/2 coherence widths s on each side (> 0).
    resolution : int
        Fine grid points per min(s, law scale) (>= 8); the coarse grid has half as many.
    window : float
        Window half-width in units of s (>= 4), window mode only.
    max_points : int
        Largest fine grid (20 .. 20000) before window mode.

    Returns
    -------
    PositivityAudit

    Raises
    ------
    ParameterError
        If even the windows need more than `max_points` points (a packet narrow in x whose
        law has kinks), naming `max_points`.

    Examples
    --------
    >>> audit = packet_positivity(IncidentPacket.example(), n=200)
    >>> round(audit.trace, 2), round(audit.min_eigenvalue, 2)  # Eq. (23) is not positive here
    (1.0, -0.05)
    >>> wide = packet_positivity(IncidentPacket(beta=0.1, mass=0.1, delta_x=100.0, x0=0.0))
    >>> wide.window is not None, round(wide.min_eigenvalue * 1e6, 2), wide.error < 4e-8
    (True, -4.17, True)
    """
    _require_packet(packet)
    n = require_int("n", n, low=20)
    res = require_int("resolution", resolution, low=8, high=1024)
    cap = require_int("max_points", max_points, low=20, high=20000)
    width = require_real("width", width)
    window = require_real("window", window)
    if width <= 0:
        raise ParameterError(f"width={width!r} is outside the allowed range (0, inf)")
    if window < 4:
        raise ParameterError(f"window={window!r} is outside the allowed range [4, inf)")
    law = packet.law
    s = packet.hbar_value / packet.delta_x
    lo = min((law.support[0], *law.kinks)) - 0.5 * width * s
    hi = max((law.support[1], *law.kinks)) + 0.5 * width * s
    anchor = law.kinks[0] if law.kinks else 0.0
    h = min((hi - lo) / n, min(s, law.scale) / res)
    trace_h = h if (hi - lo) / h <= _TRACE_POINTS else None
    trace = (float(h * np.sum(law(_grid(lo, hi, anchor, h)))) if trace_h
             else law.normalisation())
    if (hi - lo) / h <= cap:
        fine = _eigenvalues(packet, _grid(lo, hi, anchor, h), h)
        coarse = _eigenvalues(packet, _grid(lo, hi, anchor, 2 * h), 2 * h)
        err = abs(fine[0] - coarse[0])
        half = None
    else:
        half = window * s
        if not law.kinks or 2 * half / h > cap:
            raise ParameterError(
                f"max_points={cap} is too small: the packet needs {int((hi - lo) / h)} grid "
                f"points on the whole line"
                + (f" and {int(2 * half / h)} in each window" if law.kinks else "")
                + f" (spacing {h:.3g}); raise max_points (at most 20000)"
            )
        fines, coarses, halves = [], [], []
        for k in law.kinks:
            fines.append(_eigenvalues(packet, _grid(k - half, k + half, k, h), h))
            coarses.append(_eigenvalues(packet, _grid(k - half, k + half, k, 2 * h), 2 * h))
            halves.append(_eigenvalues(packet, _grid(k - half / 2, k + half / 2, k, h), h))
        fine = np.sort(np.concatenate(fines))
        coarse = np.sort(np.concatenate(coarses))
        err = max(abs(fine[0] - coarse[0]), abs(fine[0] - min(x[0] for x in halves)))
    return PositivityAudit(
        min_eigenvalue=float(fine[0]), max_eigenvalue=float(fine[-1]),
        negative_weight=float(-fine[fine < 0].sum()), min_eigenvalue_coarse=float(coarse[0]),
        trace=trace, error=float(err), spacing=float(h), coherence_scale=float(s),
        window=half,
    )
