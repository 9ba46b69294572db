"""Classification metrics without dependencies: accuracy, per-label precision/recall/F1,
macro-F1 and confusion counts. Labels never seen in gold nor predicted are left out of the
macro average (a fold with no example of an intent says nothing about it)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class LabelScore:
    precision: float
    recall: float
    f1: float
    support: int


def per_label(
    gold: Sequence[str], pred: Sequence[str], labels: Sequence[str]
) -> dict[str, LabelScore]:
    tp: Counter[str] = Counter()
    fp: Counter[str] = Counter()
    fn: Counter[str] = Counter()
    for g, p in zip(gold, pred, strict=True):
        if g == p:
            tp[g] += 1
        else:
            fp[p] += 1
            fn[g] += 1
    out = {}
    for lab in labels:
        t, f_p, f_n = tp[lab], fp[lab], fn[lab]
        if t + f_p + f_n == 0:
            continue
        precision = t / (t + f_p) if t + f_p else 0.0
        recall = t / (t + f_n) if t + f_n else 0.0
        f1 = 2 * t / (2 * t + f_p + f_n)
        out[lab] = LabelScore(precision, recall, f1, t + f_n)
    return out


def accuracy(gold: Sequence[str], pred: Sequence[str]) -> float:
    return sum(g == p for g, p in zip(gold, pred, strict=True)) / len(gold) if gold else 0.0


def macro_f1(scores: dict[str, LabelScore]) -> float:
    return sum(s.f1 for s in scores.values()) / len(scores) if scores else 0.0


def confusion(gold: Sequence[str], pred: Sequence[str]) -> dict[str, dict[str, int]]:
    """gold label → predicted label → count (off-diagonal and diagonal)."""
    out: dict[str, dict[str, int]] = {}
    for g, p in zip(gold, pred, strict=True):
        row = out.setdefault(g, {})
        row[p] = row.get(p, 0) + 1
    return out
