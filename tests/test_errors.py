"""The shared input checks of thermalize.errors (issue 15)."""

import pytest

from thermalize.errors import ParameterError, require_dense_size


def test_dense_size_message_for_sizes_beyond_the_float_range():
    """Fuzz finding: stationary_grid(n_grid=1e308) is an integral float, so require_int passed
    it on and the GiB in the message overflowed ("integer division result too large for a
    float"); the message is now built for any int and names the argument."""
    n = int(1e308)
    with pytest.raises(ParameterError, match=r"n_grid: .*\(1\.00e\+308, 1\.00e\+308\).*e\+607 GiB"):
        require_dense_size("n_grid", (n, n), itemsize=8)
    with pytest.raises(ParameterError, match=r"\(1000000, 1000000\) needs 7\.45e\+03 GiB"):
        require_dense_size("n", (10**6, 10**6), itemsize=8)
    require_dense_size("n", (1000, 1000))  # 16 MB: below the limit, no error
