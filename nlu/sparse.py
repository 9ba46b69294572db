"""A minimal compressed-sparse-row matrix in plain numpy, and the training products over it.

Our texts have a few hundred active features out of ~10^5, so dense design matrices would not fit
in memory. Parsing needs only this numpy CSR; training multiplies with scipy (see Operator).
Rows are documents, columns are vocabulary ids, values are the (L2-normalised) feature weights.
Every row has at least one entry (the bias feature), which keeps `np.add.reduceat` exact.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

F32 = npt.NDArray[np.float32]
I64 = npt.NDArray[np.int64]


@dataclass(frozen=True)
class CSR:
    """Rows of (column, value) pairs; `indptr[i]:indptr[i+1]` slices row i."""

    indptr: I64
    indices: I64
    data: F32
    n_cols: int

    @property
    def n_rows(self) -> int:
        return len(self.indptr) - 1

    @classmethod
    def from_rows(
        cls,
        rows: Sequence[Sequence[int]],
        n_cols: int,
        scale: F32 | None = None,
        extra_sq: F32 | None = None,
    ) -> CSR:
        """Build from per-row column ids (deduplicated, non-empty). Values are `scale[col]`
        (1 when absent), each row divided by its L2 length, to which `extra_sq[row]` adds (the
        weight of the row's features that have no column)."""
        lengths = np.fromiter((len(r) for r in rows), dtype=np.int64, count=len(rows))
        indptr = np.zeros(len(rows) + 1, dtype=np.int64)
        np.cumsum(lengths, out=indptr[1:])
        indices = np.fromiter((c for r in rows for c in r), dtype=np.int64, count=int(indptr[-1]))
        values = np.ones(len(indices), np.float32) if scale is None else scale[indices]
        sq = np.add.reduceat(values * values, indptr[:-1]) if len(indices) else values
        norms = np.sqrt(sq + (0.0 if extra_sq is None else extra_sq))
        data = (values / np.repeat(np.maximum(norms, 1e-12), lengths)).astype(np.float32)
        return cls(indptr, indices, data, n_cols)

    def take(self, rows: I64) -> CSR:
        """The sub-matrix of the given rows, in the given order."""
        starts, ends = self.indptr[rows], self.indptr[rows + 1]
        lengths = ends - starts
        indptr = np.zeros(len(rows) + 1, dtype=np.int64)
        np.cumsum(lengths, out=indptr[1:])
        # Position of each kept value: its row's start in self, plus its offset in the row.
        pos = np.repeat(starts - indptr[:-1], lengths) + np.arange(indptr[-1], dtype=np.int64)
        return CSR(indptr, self.indices[pos], self.data[pos], self.n_cols)


class Operator:
    """X @ W.T and (X.T @ G).T for class-major weights W of shape (k, n_cols), for training.

    Training multiplies the design matrix by the weights twice per L-BFGS step. In numpy that
    was a gather of k x nnz values plus a segment sum, about 1 s a step for the intent head
    (18k examples, 155k features, 28 classes) and most of `sanad nlu train`; scipy's compiled
    sparse product does the same in one pass without temporaries, several times faster
    (bench/nlu.py prints the training time). scipy is imported here only: parsing a message
    never loads it, so the helpline's memory and start-up time do not pay for it.
    """

    def __init__(self, x: CSR) -> None:
        from scipy.sparse import csr_matrix

        self.x = x
        self.m = csr_matrix((x.data, x.indices, x.indptr), shape=(x.n_rows, x.n_cols))
        self.mt = self.m.T.tocsr()

    def product(self, w_t: F32) -> F32:
        """X @ V for a feature-major V (n_cols, k): logits (n_rows, k)."""
        return np.asarray(self.m @ w_t, dtype=np.float32)

    def transpose_product(self, g: F32) -> F32:
        """X.T @ G for G (n_rows, k): feature-major (n_cols, k)."""
        return np.asarray(self.mt @ np.asarray(g, dtype=np.float32), dtype=np.float32)

    def scores(self, w: F32) -> F32:
        """Logits (n_rows, k) = X @ W.T for class-major W (k, n_cols)."""
        return self.product(np.ascontiguousarray(w.T))

    def gradient(self, g: F32) -> F32:
        """(X.T @ G).T, class-major (k, n_cols), for G of shape (n_rows, k)."""
        return np.ascontiguousarray(self.transpose_product(g).T)
