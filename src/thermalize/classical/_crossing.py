"""Exact thinned sampling of the gas particles that cross the scatterer (Ehrich 2020, Eq. 22).

Box units: a particle of the equilibrium gas has position y / (2 L) uniform on [-1/2, 1/2]
and velocity z = v / sigma standard normal (Eq. 24, sigma = 1 / sqrt(beta m)). In one time
step it crosses the scatterer at 0 iff it moves towards 0 and its distance r = |y| / (2 L)
is below its flight a s, with speed s = |z| and reach a = sigma dt / (2 L). The particles
moving towards 0 have the law psi(s) dr ds on [0, 1/2] x [0, inf) (psi(s) = sqrt(2/pi)
exp(-s^2/2), the half-normal density, times 2 dr for |y| and 1/2 for the direction), so

    pi_c = P(cross) = int_0^inf psi(s) min(a s, 1/2) ds                  (Eq. 25)

Most particles start too far away to reach 0 in dt; drawing their velocities is wasted.
The sampler covers the crossing region {r < min(a s, 1/2)} by cells: speed strata
[s_i, s_{i+1}) times r in [0, R_i), R_i = min(a s_{i+1}, 1/2), on which psi(s) <= psi(s_i),
plus a tail cell s >= s_M, r in [0, 1/2). A particle-step is a *candidate* when it falls
under the envelope psi(s_i) of a cell; the cells are built with equal masses
A = psi(s_i) (s_{i+1} - s_i) R_i (the tail cell: erfc(s_M / sqrt 2) / 2 <= A). Then

1. a particle-step is a candidate with probability Q = M A + tail (independently from step
   to step): the steps between candidates are geometric, drawn as 1 + floor(E / lambda),
   E standard exponential, lambda = -log(1 - Q);
2. a candidate picks its cell (uniformly among the M equal ones, or the tail), its speed s
   uniform in the cell's stratum and its distance r uniform on [0, R_i); it is a particle
   of the gas with probability psi(s) / psi(s_i) (rejection: one uniform against
   exp((s_i^2 - s^2) / 2)); in the tail cell s is drawn from the Maxwell tail exactly,
   s = -ndtri(w ndtr(-s_M));
3. a particle crosses iff r < a s, the same crossing test as the direct simulation.

Accepted candidates have exactly the law psi(s) dr ds restricted to the cells, which
contain every crossing, so the crossings and the speeds of the crossing particles have
exactly the distribution of the direct simulation: no velocity law (Eqs. 26-27) is
imposed, the effusion law still emerges from the position test. With 256 cells about 97 %
of the candidates cross.
"""

from __future__ import annotations

import math

import numpy as np
from scipy import special

from .gas import collision_probability

#: Number of equal-mass cells; more cells bring Q closer to pi_c at no cost per particle.
N_CELLS = 256

#: Candidates processed at once (three float64 temporaries of this size fit in L2 cache).
_CHUNK = 8192


class CrossingSampler:
    """Candidates and crossings of one gas particle per replica and time step.

    Parameters
    ----------
    reach : float
        a = sigma dt / (2 L) > 0: the thermal flight in one step in units of the box.
    n_cells : int
        Number of equal-mass cells covering the crossing region.

    Attributes
    ----------
    candidate_probability : float
        Q, the probability that a particle-step is a candidate (Q >= pi_c).
    """

    def __init__(self, reach: float, n_cells: int = N_CELLS):
        a = self.reach = float(reach)
        # A; pi_c of Eq. (25) in box units: sigma = dt = 1, L = 1 / (2 a)
        mass = float(collision_probability(1.0, 1.0, 0.5 / a, 1.0)) / n_cells
        starts, widths, heights = [], [], []
        s = 0.0
        while 0.5 * math.erfc(s / math.sqrt(2.0)) > mass:  # else the tail cell takes the rest
            psi = math.sqrt(2.0 / math.pi) * math.exp(-0.5 * s * s)
            # psi w min(a (s + w), 1/2) = A, increasing in w: the root below a(s + w) = 1/2,
            # else the one above
            w = 0.5 * (math.sqrt(s * s + 4.0 * mass / (psi * a)) - s)
            if a * (s + w) > 0.5:
                w = 2.0 * mass / psi
            starts.append(s)
            widths.append(w)
            heights.append(min(a * (s + w), 0.5))
            s += w
        # one more row for the tail cell (index M): s and r are redrawn there in `_cross_chunk`
        self._start = np.array([*starts, s])
        self._width = np.array([*widths, 0.0])
        self._height = np.array([*heights, 0.5])
        self._half_start_sq = 0.5 * self._start**2
        self._n_cells = len(starts)
        self._tail_ndtr = float(special.ndtr(-s))  # P(z > s_M), s_M = s = self._start[-1]
        tail_mass = self._tail_ndtr  # erfc(s_M / sqrt 2) x 1/2 (r in [0, 1/2)): <= A
        self._n_equivalent = len(starts) + tail_mass / mass  # Q / A, in [M, M + 1]
        self.candidate_probability = self._n_equivalent * mass
        self._rate = -math.log1p(-self.candidate_probability)  # lambda of the geometric gaps

    def gaps(self, shape, rng: np.random.Generator) -> np.ndarray:
        """Steps from one candidate to the next: geometric(Q) on {1, 2, ...}, int64."""
        e = rng.standard_exponential(shape)
        e /= self._rate
        return e.astype(np.int64) + 1  # P(gap > k) = P(E >= k lambda) = (1 - Q)^k

    def cross(self, n: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
        """For n candidates: the mask of those that cross and the speeds s = |v| / sigma.

        Processed in chunks of `_CHUNK` (the temporaries then stay in the CPU cache).
        """
        crossed = np.empty(n, dtype=bool)
        speed = np.empty(n)
        for lo in range(0, n, _CHUNK):
            hi = min(lo + _CHUNK, n)
            crossed[lo:hi], speed[lo:hi] = self._cross_chunk(hi - lo, rng)
        return crossed, speed

    def _cross_chunk(self, n: int, rng: np.random.Generator):
        w = rng.random((3, n))
        x = w[0] * self._n_equivalent
        cell = x.astype(np.intp)
        np.minimum(cell, self._n_cells, out=cell)  # x < Q / A <= M + 1; guards rounding
        s = self._start[cell] + (x - cell) * self._width[cell]  # uniform in the stratum
        r = w[1] * self._height[cell]  # uniform under the cell
        # rejection to the Maxwell law: accept with psi(s) / psi(s_i) = exp(s_i^2/2 - s^2/2)
        gas = w[2] < np.exp(self._half_start_sq[cell] - 0.5 * s * s)
        if cell.max() == self._n_cells:  # tail cell (probability < 1 / M per candidate)
            tail = np.flatnonzero(cell == self._n_cells)
            u = 1.0 - w[2][tail]  # (0, 1]: ndtri(0) would be -inf
            s[tail] = -special.ndtri(u * self._tail_ndtr)  # Maxwell tail s > s_M, exact
            gas[tail] = True
        return gas & (r < self.reach * s), s
