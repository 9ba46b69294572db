from __future__ import annotations

import numpy as np

from nlu.sparse import CSR


def test_sparse_rows_are_taken_in_order_even_none() -> None:
    x = CSR.from_rows([[0, 2], [1], [], [0, 1, 2]], 3, np.ones(3, np.float32))
    picked = x.take(np.array([3, 2, 0], dtype=np.int64))
    assert picked.indptr.tolist() == [0, 3, 3, 5]
    assert picked.indices.tolist() == [0, 1, 2, 0, 2]
    assert x.take(np.array([], dtype=np.int64)).n_rows == 0
