"""Sparse collision generator of Eq. (8) (issue 14): equal to the dense one, and its sparse
steady state obeys Eq. (9) and the weak-collision limit Eqs. (3)-(4)."""

import numpy as np
import pytest
import scipy.sparse as sp

from thermalize.errors import ParameterError
from thermalize.quantum import gibbs_state, trace_distance
from thermalize.scattering import (
    IncidentPacket,
    ScatteringModel,
    collision_generator,
    collision_steady_state,
    scattering_map,
)
from thermalize.superop import GMRES, SparseLU, steady_state

BETA = 0.5


@pytest.fixture(scope="module")
def map4():
    """d = 4 with a random real V (detailed balance, Eq. (2)) and an effusion packet."""
    rng = np.random.default_rng(5)
    g = rng.standard_normal((4, 4))
    model = ScatteringModel(np.array([-0.5, -0.1, 0.3, 0.8]), 0.6 * (g + g.T), length=1.0,
                            mass=0.2)
    return scattering_map(model, IncidentPacket(BETA, 0.2, 0.8, -6.0), nodes=24)


@pytest.mark.parametrize("rate", [0.05, 2.0])
def test_sparse_generator_equals_dense(map4, rate):
    """The same numbers, summed in another order (g S - g vs g (S - 1)): a few ulp of the
    largest entry."""
    ls = collision_generator(map4, rate=rate, sparse=True)
    assert sp.issparse(ls) and ls.format == "csr"
    ld = collision_generator(map4, rate=rate)
    np.testing.assert_allclose(ls.toarray(), ld, rtol=0, atol=1e-15 * np.abs(ld).max())


@pytest.mark.parametrize("method", [SparseLU(), GMRES()])
def test_sparse_steady_state_equals_eq9(map4, method):
    """Both solve Eq. (9) on a 16 x 16 system: agreement to 1e-10 (issue 14)."""
    rho = steady_state(collision_generator(map4, rate=1.0, sparse=True), method=method)
    np.testing.assert_allclose(rho, collision_steady_state(map4, rate=1.0), atol=1e-10)


def test_sparse_steady_state_tends_to_gibbs_at_weak_collisions(map4):
    """Gamma -> 0: the steady state is the fixed point of the dephased map, Gibbs at the gas
    temperature under detailed balance (Eq. (4)); the coherences and population shifts are
    first order in Gamma / (Bohr frequency), so the distance falls tenfold per decade."""
    gibbs = gibbs_state(map4.energies, BETA)
    dist = [trace_distance(steady_state(collision_generator(map4, rate=g, sparse=True)), gibbs)
            for g in (1e-2, 1e-3)]
    assert dist[1] < 1e-3  # first-order term: the smallest Bohr frequency is 0.4 > Gamma
    assert 0.08 < dist[1] / dist[0] < 0.12  # linear in Gamma to 20 % at this size


def test_sparse_batch_rejected(map4):
    with pytest.raises(ParameterError, match="one map and one rate"):
        collision_generator(map4, rate=[1.0, 2.0], sparse=True)
    with pytest.raises(ParameterError, match="sparse"):
        collision_generator(map4, rate=1.0, sparse="yes")
