"""Exact many-body (own Jordan-Wigner) cross-checks of the Gaussian correlation-matrix method."""

import itertools

import numpy as np
import pytest

from thermalize.fermions import (
    QuadraticModel,
    entropy_production,
    evolve_correlations,
    gibbs_correlation_matrix,
    single_electron_transistor,
    subset_entropy,
)
from thermalize.quantum import mutual_information, partial_trace, von_neumann_entropy

# Gaussian vs exact agree to rounding (~1e-13 for these 2^7-dimensional problems); 1e-9 is the
# issue's bound and leaves a 1e4 margin.
ATOL = 1e-9


def _jw_annihilators(n: int) -> list[np.ndarray]:
    """c_j = Z x ... x Z x sigma^- x 1 ...; qubit state |1> = occupied, mode 0 is the first factor."""
    z = np.diag([1.0, -1.0])
    lower = np.array([[0.0, 1.0], [0.0, 0.0]])  # |0><1|
    ops = []
    for j in range(n):
        factors = [z] * j + [lower] + [np.eye(2)] * (n - j - 1)
        op = factors[0]
        for f in factors[1:]:
            op = np.kron(op, f)
        ops.append(op)
    return ops


def _exact_state(h: np.ndarray, occupations: np.ndarray, order: list[int], t: float):
    """rho(t) of the Fock-diagonal product state, modes relabelled so that `order` comes first."""
    n = h.shape[0]
    hp = h[np.ix_(order, order)]
    c = _jw_annihilators(n)
    big_h = sum(hp[i, j] * c[i].conj().T @ c[j] for i in range(n) for j in range(n))
    rho = np.array([[1.0]])
    for j in order:
        rho = np.kron(rho, np.diag([1.0 - occupations[j], occupations[j]]))
    e, v = np.linalg.eigh(big_h)
    u = (v * np.exp(-1j * e * t)) @ v.conj().T
    return u @ rho @ u.conj().T, c


@pytest.mark.parametrize("levels", [2, 3])
@pytest.mark.parametrize("t", [0.37, 4.0, 1e3])
def test_correlations_match_exact_many_body(levels, t):
    """Eqs. (18)-(19): Gaussian C(t) equals tr[c_i^dag c_j rho(t)] of the exact Fock dynamics."""
    m = single_electron_transistor(levels, bandwidth=4.0, coupling=2.0, dot_energy=0.3)
    c0 = gibbs_correlation_matrix(m, beta=[3.0, 0.7], mu=[0.5, -0.4], system_occupation=0.2)
    n = m.n_modes
    rho, c = _exact_state(m.single_particle_hamiltonian, np.diag(c0), list(range(n)), t)
    exact = np.array([[np.trace(c[i].conj().T @ c[j] @ rho) for j in range(n)] for i in range(n)])
    gauss = evolve_correlations(m, c0, [t])[0]
    np.testing.assert_allclose(gauss, exact, rtol=0, atol=ATOL)


def _random_model(rng, sizes=(2, 2, 3)):
    n = sum(sizes)
    a = rng.normal(size=(n, n)) + 1j * rng.normal(size=(n, n))
    h = (a + a.conj().T) / 2
    bounds = np.cumsum((0,) + sizes)
    labels = ["system", "A", "B"]
    part = {lab: list(range(bounds[i], bounds[i + 1])) for i, lab in enumerate(labels)}
    return QuadraticModel(h, part)


def test_subset_entropies_match_exact_many_body():
    """Eq. (21) for every subset of a complex 7-mode model against exact reduced density matrices."""
    rng = np.random.default_rng(7)
    m = _random_model(rng)
    occ = rng.uniform(0.05, 0.95, m.n_modes)
    c0 = np.diag(occ)
    t = 1.3
    ct = evolve_correlations(m, c0, [t])[0]
    n = m.n_modes
    for size in (1, 2, 3, 5):
        for subset in list(itertools.combinations(range(n), size))[:4]:
            order = list(subset) + [j for j in range(n) if j not in subset]
            rho, _ = _exact_state(m.single_particle_hamiltonian, occ, order, t)
            red = partial_trace(rho, [2] * n, list(range(size)))
            assert abs(subset_entropy(ct, subset) - von_neumann_entropy(red)) < ATOL


def test_entropy_production_terms_match_exact_many_body():
    """I_S-B (Eq. 8), I_L-R (Eq. 9) and S_nu of entropy_production vs exact density matrices (K=2)."""
    m = single_electron_transistor(2, bandwidth=3.0, coupling=1.5)
    c0 = gibbs_correlation_matrix(m, beta=[2.0, 0.5], mu=[0.3, -0.3])
    t = 2.1
    ds = entropy_production(m, c0, [t])
    rho, _ = _exact_state(m.single_particle_hamiltonian, np.diag(c0), list(range(5)), t)
    dims = [2] * 5
    i_sb = mutual_information(rho, dims, [0], [1, 2, 3, 4])
    rho_b = partial_trace(rho, dims, [1, 2, 3, 4])
    i_lr = mutual_information(rho_b, [2] * 4, [0, 1], [2, 3])
    s_l = von_neumann_entropy(partial_trace(rho, dims, [1, 2]))
    assert abs(float(ds.system_bath_mi[0]) - i_sb) < ATOL
    assert abs(float(ds.inter_bath_mi[0]) - i_lr) < ATOL
    assert abs(float(ds.bath_entropy.sel(bath="L")[0]) - s_l) < ATOL
