"""Multinomial logistic regression (softmax) trained with L-BFGS (numpy; scipy's sparse product
and BLAS when training).

Why this model: for short texts with sparse word and character n-gram features a regularised
linear model is as accurate as far heavier ones, trains in seconds, parses in microseconds (a
gather and a sum) and gives probabilities that a single temperature makes well calibrated.
Training is full-batch and deterministic: no random initialisation, no shuffling.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from nlu.sparse import CSR, F32, Operator

F64 = npt.NDArray[np.float64]


def softmax(z: F32) -> F32:
    """Row-wise softmax, stable for large logits."""
    z = z - z.max(axis=-1, keepdims=True)
    e = np.exp(z)
    out: F32 = e / e.sum(axis=-1, keepdims=True)
    return out


@dataclass(frozen=True)
class FitOptions:
    l2: float = 1e-4
    max_iter: int = 150
    tol: float = 1e-5
    # L-BFGS memory. 5 rather than 10 halves the intent head's fit (12 s -> 6 s: the two-loop
    # recursion over 4-million-weight vectors is memory-bound) with the same cross-validated
    # figures to a tenth of a point.
    history: int = 5


def fit(
    x: CSR,
    y: npt.NDArray[np.int64],
    n_classes: int,
    sample_weight: F32 | None = None,
    options: FitOptions = FitOptions(),
    targets: F32 | None = None,
) -> F32:
    """Return class-major weights W (n_classes, n_cols) minimising weighted cross-entropy
    + l2/2 ||W||^2. `targets` (n_rows, n_classes), rows summing to 1, replaces the one-hot
    labels where given: a soft label ("none or elevated, not critical") for rows whose exact
    class nobody wrote down."""
    op = Operator(x)
    n = x.n_rows
    sw = np.ones(n, dtype=np.float32) if sample_weight is None else sample_weight.astype(np.float32)
    sw = sw / sw.sum()
    onehot = np.zeros((n, n_classes), dtype=np.float32)
    onehot[np.arange(n), y] = 1.0
    if targets is not None:
        onehot = targets.astype(np.float32)
    # Feature-major during the fit: both sparse products then read and write contiguous rows.
    shape = (x.n_cols, n_classes)
    w = np.empty(shape, dtype=np.float32)  # float32 copy of the weights, reused every step
    from scipy.linalg.blas import daxpy

    def loss_grad(flat: F64, grad: F64) -> float:
        """The loss at `flat`; its gradient is written into `grad`."""
        np.copyto(w, flat.reshape(shape), casting="same_kind")
        z = op.product(w)
        z -= z.max(axis=1, keepdims=True)
        logsum = np.log(np.exp(z).sum(axis=1))
        ll = float(np.dot(sw, logsum - (z * onehot).sum(axis=1)))
        p = np.exp(z - logsum[:, None])
        np.copyto(grad.reshape(shape), op.transpose_product((p - onehot) * sw[:, None]))
        daxpy(flat, grad.reshape(-1), a=options.l2)  # grad += l2 * flat, in place
        return ll + 0.5 * options.l2 * float(np.dot(flat, flat))

    w0 = np.zeros(x.n_cols * n_classes, dtype=np.float64)
    out: F32 = np.ascontiguousarray(lbfgs(loss_grad, w0, options).reshape(shape).T, np.float32)
    return out


def naive_bayes(x: CSR, targets: F32, sample_weight: F32, alpha: float) -> F32:
    """Class-major log-likelihood weights (n_classes, n_cols) of a multinomial naive Bayes on
    the (TF-IDF) rows of x: log of each class's weighted feature mass, smoothed by `alpha`.

    A second model family for the risk head: it counts evidence instead of fitting a boundary,
    so rare danger words seen in a handful of critical examples keep their weight where the
    regularised logistic model shrinks them. X @ W is linear, so a mixture of its scores with
    the logistic logits is one weight matrix, and a parse costs nothing more.
    """
    counts = Operator(x).gradient((targets * sample_weight[:, None]).astype(np.float32))
    mass = counts.astype(np.float64) + alpha
    out: F32 = np.log(mass / mass.sum(axis=1, keepdims=True)).astype(np.float32)
    return out


def lbfgs(fun: Callable[[F64, F64], float], x0: F64, options: FitOptions) -> F64:
    """Limited-memory BFGS with Armijo backtracking; deterministic (no randomness, fixed order).

    `fun(x, grad)` returns the loss and writes the gradient into `grad`. Every vector of the
    size of the weights (4 million for the intent head) lives in a buffer allocated once:
    allocating them afresh each step cost more in page faults than the arithmetic.
    """
    n, m = len(x0), options.history
    x, x_new = x0.copy(), np.empty_like(x0)
    g, g_new = np.empty_like(x0), np.empty_like(x0)
    q = np.empty_like(x0)
    s_hist, y_hist = np.empty((m, n)), np.empty((m, n))
    rho = np.zeros(m)
    used: list[int] = []  # history slots, oldest first
    loss = fun(x, g)

    from scipy.linalg.blas import daxpy  # y += a * x in place, one pass (training only)

    for _ in range(options.max_iter):
        # Two-loop recursion for the search direction (q ends up as minus the direction).
        np.copyto(q, g)
        alphas: list[float] = []
        for i in reversed(used):
            a = rho[i] * float(np.dot(s_hist[i], q))
            alphas.append(a)
            daxpy(y_hist[i], q, a=-a)
        if used:
            last = used[-1]
            q *= float(np.dot(s_hist[last], y_hist[last])) / float(
                np.dot(y_hist[last], y_hist[last])
            )
        else:
            q *= 1.0 / max(float(np.linalg.norm(g)), 1e-12)
        for i, a in zip(used, reversed(alphas), strict=True):
            b = rho[i] * float(np.dot(y_hist[i], q))
            daxpy(s_hist[i], q, a=a - b)
        slope = -float(np.dot(g, q))
        if slope >= 0:  # not a descent direction: restart from steepest descent
            used.clear()
            np.multiply(g, 1.0 / max(float(np.linalg.norm(g)), 1e-12), out=q)
            slope = -float(np.dot(g, q))
        step = 1.0
        for _ls in range(30):
            np.multiply(q, -step, out=x_new)
            x_new += x
            loss_new = fun(x_new, g_new)
            if loss_new <= loss + 1e-4 * step * slope:
                break
            step *= 0.5
        else:
            break
        # The newest pair goes into the oldest slot once the history is full.
        slot = used.pop(0) if len(used) == m else next(i for i in range(m) if i not in used)
        np.subtract(x_new, x, out=s_hist[slot])
        np.subtract(g_new, g, out=y_hist[slot])
        sy = float(np.dot(s_hist[slot], y_hist[slot]))
        if sy > 1e-12:
            rho[slot] = 1.0 / sy
            used.append(slot)
        converged = abs(loss - loss_new) <= options.tol * max(1.0, abs(loss))
        x, x_new = x_new, x
        g, g_new = g_new, g
        loss = loss_new
        if converged:
            break
    return x


def fit_temperature(logits: F32, y: npt.NDArray[np.int64]) -> float:
    """The temperature T minimising the log-loss of softmax(logits / T) (grid + refinement)."""

    def nll(t: float) -> float:
        p = softmax(logits / t)
        return float(-np.mean(np.log(np.maximum(p[np.arange(len(y)), y], 1e-12))))

    grid = np.exp(np.linspace(np.log(0.05), np.log(20.0), 60))
    best = min(grid, key=nll)
    lo, hi = best / 1.2, best * 1.2
    for _ in range(40):  # golden-section search on the bracket around the grid optimum
        m1, m2 = lo + (hi - lo) * 0.382, lo + (hi - lo) * 0.618
        if nll(m1) < nll(m2):
            hi = m2
        else:
            lo = m1
    return float((lo + hi) / 2)
