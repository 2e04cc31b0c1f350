"""Dynamics of the spin-J case study (Gaida et al. 2025, Eqs. 11, 18, 23) for `SpinGasModel`.

Energy-diagonal initial states use the tridiagonal rate equation (uniformization, J up to
1000+); states with coherences use the band-by-band solution of Eq. (18) (`_bands`).
A `qutip.Qobj` state in gives Qobj states out (`thermalize._qutip`).
"""

from __future__ import annotations

import numpy as np

from .._qutip import is_qobj, like, to_array
from ..errors import ParameterError, as_float_array, require_dense_size, require_nonnegative
from ..quantum import DENSITY_MATRIX_ATOL, validate_density_matrix
from ..quantum import ergotropy as _ergotropy
from ._bands import evolve_bands
from ._spin_ops import ladder_coefficients, populations_ergotropy
from .ladder import birth_death_evolve

#: Largest dimension for the density-matrix (band-by-band) path: d expms of sizes d, d-1, ...,
#: 1 per distinct time step (~d^4/4 flops: seconds at J = 200) and a (nt, d, d) result.
MAX_BAND_DIMENSION = 401


def _times(times) -> np.ndarray:
    t = as_float_array("times", times if np.ndim(times) else [times], ndim=1)
    require_nonnegative("times", t)
    return t


class SpinDynamics:
    """Time evolution of a `SpinGasModel`; its methods are bound into that class (they need
    dimension, spin, omega_s, energies, ladder_rates and _absolute_rates)."""

    def _initial(self, rho0) -> np.ndarray:
        d = self.dimension
        if rho0 is None:
            r = np.zeros((d, d))
            r[0, 0] = 1.0
            return r
        r = np.asarray(to_array(rho0))
        if r.shape == (d,):
            r = np.diag(r)
        if r.shape != (d, d):
            raise ParameterError(f"rho0 must have shape ({d},) or ({d}, {d}), got {r.shape}")
        if not np.issubdtype(r.dtype, np.number):
            raise ParameterError(f"rho0 must be a numeric array, got dtype {r.dtype}")
        if not np.all(np.isfinite(r)):
            raise ParameterError("rho0 must be finite (no NaN or inf entries)")
        return validate_density_matrix(r, name="rho0")

    def _diagonal_populations(self, rho0) -> np.ndarray | None:
        """Validated populations of an energy-diagonal rho0 (None, (d,) or diagonal (d, d)).

        Returns None when rho0 has coherences. A diagonal state's eigenvalues are its
        populations, so positivity and normalisation are checked on them in O(d), not by
        an O(d^3) eigendecomposition (d = 2001 at J = 1000).
        """
        d = self.dimension
        if rho0 is None:
            p = np.zeros(d)
            p[0] = 1.0
            return p
        r = np.asarray(to_array(rho0))
        if not np.issubdtype(r.dtype, np.number):
            raise ParameterError(f"rho0 must be a numeric array, got dtype {r.dtype}")
        if r.shape == (d, d):
            if not np.all(np.isfinite(r)):
                raise ParameterError("rho0 must be finite (no NaN or inf entries)")
            if np.count_nonzero(r[~np.eye(d, dtype=bool)]):
                return None
            r = np.diagonal(r)
        if r.shape != (d,):
            raise ParameterError(f"rho0 must have shape ({d},) or ({d}, {d}), got {r.shape}")
        if not np.all(np.isfinite(r)):
            raise ParameterError("rho0 must be finite (no NaN or inf entries)")
        if np.iscomplexobj(r) and np.any(r.imag != 0):
            raise ParameterError("rho0 must have real populations (a Hermitian state)")
        p = np.real(r).astype(float)
        if p.min() < -DENSITY_MATRIX_ATOL:
            raise ParameterError(
                f"rho0 is not positive semidefinite: smallest population {p.min():.3g}"
            )
        if abs(p.sum() - 1.0) > DENSITY_MATRIX_ATOL:
            raise ParameterError(f"rho0 must have unit trace, got trace {p.sum():.12g}")
        return p

    def populations(self, times, rho0=None) -> np.ndarray:
        r"""Populations P(m, t) from the tridiagonal rate equation (fast path, Eq. 11).

        Parameters
        ----------
        times : array_like, shape (nt,)
            Times >= 0.
        rho0 : ndarray, shape (d,) or (d, d), or qutip.Qobj, optional
            Initial populations or state (only its diagonal matters: populations decouple
            from coherences, Appendix C). Default: ground state m = -J.

        Returns
        -------
        ndarray, shape (nt, d)
            Populations sum to one to rounding at every time.
        """
        t = _times(times)
        require_dense_size("populations result (times, d)", (t.size, self.dimension), itemsize=8)
        p = self._diagonal_populations(rho0)
        if p is None:  # coherences present: validate the full state, keep its diagonal
            p = np.real(np.diag(self._initial(rho0)))
        up, down = self.ladder_rates()
        return birth_death_evolve(up, down, p, t)

    def evolve(self, times, rho0=None):
        """Full density-matrix evolution under Eq. (18), shape (nt, d, d).

        Band by band at every J <= 200 (2J + 1 <= 401): each superdiagonal of rho evolves
        on its own under a tridiagonal generator (exact for Eq. (18), see
        `thermalize.gas._bands`), one expm of size d - q per band and distinct time step.
        The dense (d^2 x d^2) Lindblad route it replaces for J <= 20 agrees to ~1e-13 but
        cost seconds to minutes (issue 18 item 2: ~470 s at J = 20 for 5 times).
        A `qutip.Qobj` rho0 gives a list of Qobj (one per time, same dims).
        """
        t = _times(times)
        d = self.dimension
        if d > MAX_BAND_DIMENSION:  # a documented limit of the method, not a bad parameter
            raise NotImplementedError(
                f"spin={self.spin!r}: the density-matrix path is limited to 2J+1 <= "
                f"{MAX_BAND_DIMENSION} (got {d}: the (nt, d, d) result and d^4 work grow too "
                "large); use an energy-diagonal rho0 with `populations` (J up to 1000+)"
            )
        require_dense_size("evolve result (times, d, d)", (t.size, d, d))
        r = self._initial(rho0).astype(complex)
        gp, gm = self._absolute_rates()
        out = evolve_bands(ladder_coefficients(self.spin), gp, gm, self.omega_s, r, t)
        if is_qobj(rho0):
            return [like(rho0, x) for x in out]
        return out

    def ergotropy(self, times, rho0=None) -> np.ndarray:
        r"""Ergotropy W(t) along the evolution, shape (nt,).

        Energy-diagonal initial states (default: ground state) use the rate equation and
        Eq. (23); states with coherences use the band-by-band path and the general
        ergotropy (core `thermalize.quantum.ergotropy`).
        """
        p = self._diagonal_populations(rho0)
        if p is not None:
            return populations_ergotropy(self.populations(times, p), self.energies())
        h = self.energies()
        return np.array([_ergotropy(x, h) for x in self.evolve(times, np.asarray(to_array(rho0)))])
