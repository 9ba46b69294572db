"""A minimal compressed-sparse-row matrix in plain numpy.

Our texts have a few hundred active features out of ~10^5, so dense design matrices would not fit
in memory; numpy has no sparse type and scipy would be a 40 MB dependency for three operations.
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
        pos = np.concatenate([np.arange(s, e) for s, e in zip(starts, ends, strict=True)])
        return CSR(indptr, self.indices[pos], self.data[pos], self.n_cols)


class Operator:
    """X @ W.T and (X.T @ G).T for class-major weights W of shape (k, n_cols).

    Class-major layout keeps both products as one gather plus one contiguous segment sum per
    class (`np.add.reduceat` along the last axis), several times faster in numpy than row-major.
    """

    def __init__(self, x: CSR) -> None:
        self.x = x
        lengths = np.diff(x.indptr)
        row_of = np.repeat(np.arange(x.n_rows, dtype=np.int64), lengths)
        order = np.argsort(x.indices, kind="stable")
        self.t_rows = row_of[order]
        self.t_data = x.data[order]
        cols = x.indices[order]
        change = np.flatnonzero(np.diff(cols)) + 1
        self.t_starts = np.concatenate([[0], change]).astype(np.int64)
        self.t_cols = cols[self.t_starts]

    def scores(self, w: F32) -> F32:
        """Logits (n_rows, k) = X @ W.T."""
        x = self.x
        gathered = np.take(w, x.indices, axis=1) * x.data
        return np.add.reduceat(gathered, x.indptr[:-1], axis=1).T

    def gradient(self, g: F32) -> F32:
        """(X.T @ G).T, shape (k, n_cols), for G of shape (n_rows, k)."""
        out = np.zeros((g.shape[1], self.x.n_cols), dtype=g.dtype)
        if len(self.t_cols):
            gathered = np.take(np.ascontiguousarray(g.T), self.t_rows, axis=1) * self.t_data
            out[:, self.t_cols] = np.add.reduceat(gathered, self.t_starts, axis=1)
        return out
