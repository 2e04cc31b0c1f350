"""Example model shared by the tests and benchmarks/core.py: the dissipative XX spin chain.

Private (not in ``thermalize.superop.__all__``): ``tests/test_superop_chain.py`` and
``benchmarks/core.py`` import `xx_chain` and `xx_chain_qutip` from here, so that the test
that checks the model against QuTiP and the benchmark that times it use one definition.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

__all__ = ["xx_chain", "xx_chain_qutip", "CHAIN_DEFAULTS"]

#: Hopping J, field scale h, decay and pumping rates of the benchmark chain (issue 14).
CHAIN_DEFAULTS = {"coupling": 1.0, "field": 0.5, "decay": 0.3, "pump": 0.1}


def xx_chain(n: int, *, coupling: float = 1.0, field: float = 0.5, decay: float = 0.3,
             pump: float = 0.1):
    r"""n-qubit XX chain with site fields, local decay and local pumping (d = 2**n).

    :math:`H = \sum_i h (i+1)/n\,\sigma^z_i + J\sum_i (\sigma^-_i\sigma^+_{i+1} + \sigma^+_i
    \sigma^-_{i+1})`, jump operators :math:`\sigma^-_i` (rate `decay`) and
    :math:`\sigma^+_i` (rate `pump`) on every site: 2n jump operators. The site fields are
    all different, so the chain has no reflection symmetry; with decay and pump > 0 the
    steady state is unique and of full rank.

    Parameters
    ----------
    n : int
        Number of qubits (>= 1).
    coupling, field, decay, pump : float
        J, h, and the two rates (defaults: `CHAIN_DEFAULTS`).

    Returns
    -------
    hamiltonian : scipy.sparse CSR, shape (d, d), float64
    jump_ops : list of 2n CSR matrices, shape (d, d)
        :math:`\sigma^-_0, ..., \sigma^-_{n-1}, \sigma^+_0, ..., \sigma^+_{n-1}` with
        :math:`\sigma^- = |0\rangle\langle 1|` (as ``qutip.destroy(2)``); site 0 is the most
        significant bit of the basis index.
    rates : list of 2n floats
        ``[decay] * n + [pump] * n``.

    Examples
    --------
    >>> from thermalize.superop import liouvillian, steady_state
    >>> h, ops, rates = xx_chain(1)  # one qubit: populations pump : decay
    >>> np.round(steady_state(liouvillian(h, ops, rates)).diagonal().real, 12)
    array([0.75, 0.25])
    """
    sm = sp.csr_matrix(np.array([[0.0, 1.0], [0.0, 0.0]]))
    sz = sp.csr_matrix(np.diag([1.0, -1.0]))

    def site(op, i):
        return sp.kron(sp.kron(sp.identity(2**i), op), sp.identity(2 ** (n - i - 1)),
                       format="csr")

    h = sum(field * (i + 1) / n * site(sz, i) for i in range(n))
    for i in range(n - 1):
        h = h + coupling * (site(sm, i) @ site(sm.T, i + 1) + site(sm.T, i) @ site(sm, i + 1))
    ops = [site(sm, i) for i in range(n)] + [site(sm.T, i) for i in range(n)]
    return sp.csr_matrix(h), ops, [decay] * n + [pump] * n


def xx_chain_qutip(n: int, *, coupling: float = 1.0, field: float = 0.5, decay: float = 0.3,
                   pump: float = 0.1):
    """The same chain built from QuTiP's own operators (``qutip.destroy``, ``qutip.tensor``):
    (H, c_ops) with the rates folded in as ``sqrt(rate) * op``. Imports QuTiP when called."""
    import qutip  # optional extra: only the QuTiP twin needs it

    sm, sz = qutip.destroy(2), qutip.sigmaz()

    def site(op, i):
        return qutip.tensor([op if k == i else qutip.qeye(2) for k in range(n)])

    h = sum(field * (i + 1) / n * site(sz, i) for i in range(n))
    for i in range(n - 1):
        h = h + coupling * (site(sm, i) * site(sm.dag(), i + 1)
                            + site(sm.dag(), i) * site(sm, i + 1))
    c_ops = [np.sqrt(decay) * site(sm, i) for i in range(n)]
    c_ops += [np.sqrt(pump) * site(sm.dag(), i) for i in range(n)]
    return h, c_ops
