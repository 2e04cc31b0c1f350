"""Sparse Lindblad generator of the spin-J gas model, Eq. (18) (issue 14): equal to the dense
one where both fit, and its steady state is the Gibbs state at T_eff (Eq. (21)) for spins
beyond the dense limit 2J + 1 <= 101."""

import numpy as np
import pytest
import scipy.sparse as sp

from thermalize.errors import ParameterError
from thermalize.gas import SpinGasModel
from thermalize.superop import GMRES, evolve, steady_state


@pytest.mark.parametrize("spin", [0.5, 3, 12.5])
def test_sparse_generator_equals_dense(spin):
    """Both built from the same ladder elements: equal to rounding (1e-12 of the rates)."""
    m = SpinGasModel.example(spin=spin)
    ls = m.generator(sparse=True)
    assert sp.issparse(ls)
    ld = m.generator()
    assert isinstance(ld, np.ndarray)  # the default stays dense
    np.testing.assert_allclose(ls.toarray(), ld, rtol=0, atol=1e-12 * np.abs(ld).max())


def test_sparse_evolution_equals_dense():
    """A state with coherences evolves identically under both forms (Krylov vs dense expm)."""
    m = SpinGasModel.example(spin=3)
    d = m.dimension
    rng = np.random.default_rng(3)
    g = rng.standard_normal((d, d)) + 1j * rng.standard_normal((d, d))
    rho0 = g @ g.conj().T
    rho0 /= np.trace(rho0)
    t = np.array([0.0, 0.5, 2.0])
    np.testing.assert_allclose(evolve(m.generator(sparse=True), rho0, t),
                               evolve(m.generator(), rho0, t), atol=1e-10)


@pytest.mark.parametrize("spin", [60, 150])
def test_large_spin_steady_state_is_gibbs_at_eq21(spin):
    """d = 121 and 301 (dense generator 1.7 GB / 130 GB): the sparse steady state is the
    Gibbs state at T_eff of Eq. (21), an independent closed form; 1e-10 in each entry
    (the Krylov solve's rtol is 1e-12, the ladder's condition number adds two decades)."""
    m = SpinGasModel.example(spin=spin)
    L = m.generator(sparse=True)
    assert sp.issparse(L) and L.shape == (m.dimension**2,) * 2
    rho = steady_state(L)
    np.testing.assert_allclose(rho, m.steady_state(), atol=1e-10)


def test_dense_beyond_limit_rejected():
    with pytest.raises(ParameterError, match="sparse=True"):
        SpinGasModel.example(spin=60).generator()
    with pytest.raises(ParameterError, match="sparse"):
        SpinGasModel.example(spin=1).generator(sparse=1)
