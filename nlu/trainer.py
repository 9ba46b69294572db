"""Training: data → features → three softmax heads → calibration → a saved model directory.

Calibration uses out-of-fold predictions (stratified k-fold): one temperature per head makes the
probabilities honest, and the thresholds the engine relies on (`understood`, `language_sure`,
risk levels) are chosen on those same held-out predictions, never on training fits. Everything
is deterministic: sorted files, fixed fold assignment from a fixed seed, full-batch L-BFGS.
"""

from __future__ import annotations

import hashlib
import time
from collections import Counter
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

from nlu.cities import CityMatcher
from nlu.data import DEFAULT_DATA_DIR, TrainingData, fingerprint, load_all
from nlu.features import Vocabulary, featurise
from nlu.linear import FitOptions, fit, fit_temperature, naive_bayes, softmax
from nlu.model import FORMAT, Head, Meta, Model
from nlu.normalise import normalise
from nlu.risk import Thresholds, combine, pool, signals, windows
from nlu.script import count_scripts
from nlu.sparse import CSR, F32, Operator
from nlu.types import INTENTS, LANGUAGES, RISK_LEVELS

FEATURE_VERSION = "features-10"
# The model is stale when any module that shapes features, labels or thresholds changes.
_TRAINING_CODE = (
    "normalise.py",
    "features.py",
    "concepts.py",
    "intent_lexicon.py",
    "risk_lexicon.py",
    "risk.py",
    "linear.py",
    "sparse.py",
    "trainer.py",
    "cities.py",
    "patterns.py",
)


def code_version() -> str:
    """FEATURE_VERSION plus a hash of the training code, mixed into the model fingerprint."""
    h = hashlib.sha256(FEATURE_VERSION.encode())
    here = Path(__file__).resolve().parent
    for name in _TRAINING_CODE:
        h.update((here / name).read_bytes())
    return f"{FEATURE_VERSION}:{h.hexdigest()[:16]}"


SEED = 20240601
DEFAULT_MODEL_DIR = Path(__file__).resolve().parent / "_model"
# Intents whose ordinary messages describe a hard situation (taught to the risk head as "none
# or elevated, not critical"); every other intent's messages teach it what calm traffic is.
CONCERN_INTENTS = frozenset(
    {
        "arrest_detention",
        "child_protection",
        "violence_women",
        "trafficking",
        "health",
        "shelter",
        "work_rights",
        "psychosocial",
    }
)
# Total weight of the calm intents' examples and of the other intents' examples in the risk
# head, relative to the labelled `none` examples, and the latter's soft label (none, elevated,
# critical). 2 and 2 with risk.NO_DANGER_CRITICAL 0.45, rather than 1, 1 and 0.6 (5-fold CV,
# 17954 intent / 4170 risk examples): critical recall 93.3 % against 93.0 %, precision 86.3
# against 87.0 %, ordinary messages called critical 5.1 % against 5.8 %.
CALM_SHARE = 2.0
CONCERN_SHARE = 2.0
CONCERN_TARGET = np.array([0.5, 0.5, 0.0], dtype=np.float32)
# The risk head's logits are the logistic model's plus RISK_NB_MIX times a multinomial naive
# Bayes's (smoothing RISK_NB_ALPHA). Measured in 5-fold CV: at the same critical recall, fewer
# ordinary messages called critical and a higher precision (see reports/nlu.md).
RISK_NB_MIX = 1.5
RISK_NB_ALPHA = 0.03
# Relative cost of a wrong intent versus answering "not understood" (threshold choice).
WRONG_INTENT_COST = 1.0
LANGUAGE_TARGET_ACCURACY = 0.99
CRITICAL_MIN_PRECISION = 0.8
# Never below this: a lower threshold fits the cross-validation folds, not new messages.
# 0.1 since the risk head learns from the non-calm intents and mixes in naive Bayes, which push
# critical probabilities down (5-fold CV, 9041 intent / 1435 risk examples: critical P/R
# 87.3/92.3 % with 5.2 % of ordinary messages critical, against 86.2/91.7 % and 6.1 % before).
# 0.05 since the risk penalty is 3e-6 (below): its sharper probabilities put fewer ordinary
# messages between 0.05 and 0.1 (5-fold CV, 6,010 risk examples: +0.5 points of critical recall,
# -1.3 of precision).
CRITICAL_MIN_THRESHOLD = 0.05

OPTIONS = {
    # 1e-6 rather than 1e-5: with 19,800 examples the weaker penalty fits the rarer phrasings
    # (5-fold CV macro-F1 fr/en/Arabic script/Arabizi 92.4/91.4/89.9/89.3 against
    # 91.5/91.1/88.7/88.2); the convergence tolerance still stops the fit early. Tolerance 3e-5
    # rather than 1e-5: 27 loss evaluations a fit instead of 30, macro-F1 the same to 0.03.
    "intent": FitOptions(l2=1e-6, max_iter=150, tol=3e-5),
    "language": FitOptions(l2=1e-4, max_iter=80),
    # 3e-6 rather than 1e-4: the weaker penalty lets the rare danger words of a few critical
    # examples keep their weight and sharpens the probabilities (5-fold CV, 20,824 intent /
    # 6,010 risk examples, both at thresholds 0.1 and 0.35 without a danger named: critical
    # recall 96.0 against 96.9 %, precision 86.5 against 83.5 %, calm messages called critical
    # 1.5 against 2.6 %; the thresholds then buy recall back, see risk.NO_DANGER_CRITICAL).
    "risk": FitOptions(l2=3e-6, max_iter=150),
}


@dataclass
class Task:
    """One head's training set: rows of the shared feature matrix, labels, weights."""

    labels: tuple[str, ...]
    rows: npt.NDArray[np.int64]
    y: npt.NDArray[np.int64]
    weight: F32
    strata: list[str]
    options: FitOptions
    targets: F32 | None = None  # soft labels (rows sum to 1), when some rows have no hard one
    scored: npt.NDArray[np.bool_] | None = None  # rows whose hard label thresholds may trust
    # The risk head also reads the word windows of long messages (risk.windows): their
    # features, and the index in `rows` of the message each window belongs to.
    windows: CSR | None = None
    window_owner: npt.NDArray[np.int64] | None = None


@dataclass
class Corpus:
    """Every text the heads learn from, normalised and featurised once."""

    data: TrainingData
    norms: list[str]
    feats: list[list[str]]
    n_intent: int  # rows [0, n_intent) are intent examples, the rest risk examples


def build_corpus(data: TrainingData) -> Corpus:
    texts = [e.text for e in data.examples] + [r.text for r in data.risk]
    norms = [normalise(t) for t in texts]
    return Corpus(data, norms, [featurise(n) for n in norms], len(data.examples))


def balanced(y: npt.NDArray[np.int64], n_classes: int) -> F32:
    counts = np.bincount(y, minlength=n_classes).astype(np.float32)
    w = len(y) / (n_classes * np.maximum(counts, 1.0))
    return w[y].astype(np.float32)


def tasks(corpus: Corpus) -> dict[str, Task]:
    ex, risk = corpus.data.examples, corpus.data.risk
    n = corpus.n_intent
    out: dict[str, Task] = {}
    yi = np.array([INTENTS.index(e.intent) for e in ex], dtype=np.int64)
    out["intent"] = Task(
        INTENTS,
        np.arange(n, dtype=np.int64),
        yi,
        balanced(yi, len(INTENTS)),
        [f"{e.group}/{e.intent}" for e in ex],
        OPTIONS["intent"],
    )
    langs = [e.language for e in ex] + [r.language for r in risk]
    yl = np.array([LANGUAGES.index(x) for x in langs], dtype=np.int64)
    groups = [e.group for e in ex] + [r.group for r in risk]
    out["language"] = Task(
        LANGUAGES,
        np.arange(len(langs), dtype=np.int64),
        yl,
        _group_balanced(groups),
        groups,
        OPTIONS["language"],
    )
    # Risk: the labelled risk data, plus calm intent examples as `none` with a total weight
    # CALM_SHARE times that of the labelled `none` examples (they must not drown the traps),
    # plus the other intents' examples (shelter, health, violence, ...) with the soft label
    # CONCERN_TARGET, "none or elevated, not critical": ordinary requests about a hard
    # situation, which the risk head otherwise never sees and flagged critical by the dozen.
    # Examples that repeat a risk text or hold a live critical phrase stay out of both.
    risk_norms = {corpus.norms[n + i] for i in range(len(risk))}
    usable = [
        i
        for i, norm in enumerate(corpus.norms[:n])
        if norm not in risk_norms and not signals(norm).critical
    ]
    calm = [i for i in usable if ex[i].intent not in CONCERN_INTENTS]
    concern = [i for i in usable if ex[i].intent in CONCERN_INTENTS]
    rrows = np.array([n + i for i in range(len(risk))] + calm + concern, dtype=np.int64)
    yr = np.array(
        [RISK_LEVELS.index(r.level) for r in risk] + [0] * (len(calm) + len(concern)),
        dtype=np.int64,
    )
    w = np.ones(len(rrows), dtype=np.float32)
    n_none = max(1, sum(1 for r in risk if r.level == "none"))
    if calm:
        w[len(risk) : len(risk) + len(calm)] = CALM_SHARE * n_none / len(calm)
    if concern:
        w[len(risk) + len(calm) :] = CONCERN_SHARE * n_none / len(concern)
    targets = np.zeros((len(rrows), len(RISK_LEVELS)), dtype=np.float32)
    targets[np.arange(len(rrows)), yr] = 1.0
    targets[len(risk) + len(calm) :] = CONCERN_TARGET
    counts = targets.T @ w
    wr = (w * (w.sum() / (3 * np.maximum(counts, 1e-6)))[yr]).astype(np.float32)
    strata = (
        [f"{r.group}/{r.level}" for r in risk] + ["calm"] * len(calm) + ["concern"] * len(concern)
    )
    scored = np.arange(len(rrows)) < len(risk) + len(calm)
    out["risk"] = Task(RISK_LEVELS, rrows, yr, wr, strata, OPTIONS["risk"], targets, scored)
    return out


def _group_balanced(groups: Sequence[str]) -> F32:
    counts = Counter(groups)
    return np.array([len(groups) / (len(counts) * counts[g]) for g in groups], dtype=np.float32)


def folds(strata: Sequence[str], k: int, seed: int = SEED) -> npt.NDArray[np.int64]:
    """Stratified fold number of each row: each stratum is dealt round-robin after a shuffle."""
    rng = np.random.default_rng(seed)
    fold = np.zeros(len(strata), dtype=np.int64)
    by: dict[str, list[int]] = {}
    for i, s in enumerate(strata):
        by.setdefault(s, []).append(i)
    offset = 0
    for s in sorted(by):
        idx = np.array(by[s], dtype=np.int64)[rng.permutation(len(by[s]))]
        fold[idx] = (np.arange(len(idx)) + offset) % k
        offset += len(idx)  # rotate so small strata do not all start in fold 0
    return fold


def scores(x: CSR, w: F32) -> F32:
    """Raw logits of every row of x under class-major weights w."""
    return Operator(x).scores(w)


def fit_task(x: CSR, task: Task, rows: npt.NDArray[np.int64]) -> F32:
    sub = x.take(task.rows[rows])
    targets = None if task.targets is None else task.targets[rows]
    return fit(sub, task.y[rows], len(task.labels), task.weight[rows], task.options, targets)


@dataclass
class Fitted:
    """A head's final weights, its out-of-fold logits and the fold of each row."""

    weights: F32
    oof: F32
    fold: npt.NDArray[np.int64]
    window_oof: F32 | None = None  # out-of-fold logits of the task's windows


def add_windows(task: Task, corpus: Corpus, vocab: Vocabulary) -> None:
    """Give the risk task the windows of its long messages (see risk.windows)."""
    owner, feats = [], []
    for i, row in enumerate(task.rows):
        for part in windows(corpus.norms[row]):
            owner.append(i)
            feats.append(featurise(part))
    task.windows = vocab.matrix(feats)
    task.window_owner = np.array(owner, dtype=np.int64)


def _window_rows(task: Task, fold: npt.NDArray[np.int64], f: int) -> npt.NDArray[np.int64]:
    assert task.window_owner is not None
    return np.flatnonzero(fold[task.window_owner] == f)


def fit_all(x: CSR, all_tasks: dict[str, Task], k: int, workers: int = 2) -> dict[str, Fitted]:
    """Every head's k fold fits and final fit, as independent jobs on `workers` threads (numpy
    releases the GIL in the heavy loops). Results do not depend on the scheduling."""
    jobs: list[tuple[str, int]] = [(n, f) for n in all_tasks for f in [-1, *range(k)]]

    # Longest first, so that no long fit is left to run alone at the end (the intent head's
    # 28 classes dominate; a full fit is longer than a fold's).
    def cost(job: tuple[str, int]) -> float:
        task = all_tasks[job[0]]
        share = 1.0 if job[1] < 0 else (k - 1) / k
        return len(task.rows) * len(task.labels) * task.options.max_iter * share

    jobs.sort(key=cost, reverse=True)
    fold_of = {n: folds(t.strata, k) for n, t in all_tasks.items()}

    def run(job: tuple[str, int]) -> tuple[F32, F32 | None]:
        name, f = job
        task, fold = all_tasks[name], fold_of[name]
        if f < 0:
            return fit_task(x, task, np.arange(len(task.rows))), None
        w = fit_task(x, task, np.flatnonzero(fold != f))
        test = scores(x.take(task.rows[np.flatnonzero(fold == f)]), w)
        if task.windows is None:
            return test, None
        return test, scores(task.windows.take(_window_rows(task, fold, f)), w)

    with ThreadPoolExecutor(max_workers=workers) as executor:
        results = dict(zip(jobs, executor.map(run, jobs), strict=True))
    out = {}
    for name, task in all_tasks.items():
        n_labels = len(task.labels)
        oof = np.zeros((len(task.rows), n_labels), dtype=np.float32)
        window_oof = (
            None
            if task.windows is None
            else np.zeros((task.windows.n_rows, n_labels), dtype=np.float32)
        )
        for f in range(k):
            test, parts = results[(name, f)]
            oof[fold_of[name] == f] = test
            if window_oof is not None and parts is not None:
                window_oof[_window_rows(task, fold_of[name], f)] = parts
        out[name] = Fitted(results[(name, -1)][0], oof, fold_of[name], window_oof)
    if "risk" in out:
        _mix_naive_bayes(x, all_tasks["risk"], out["risk"], k)
    return out


def _mix_naive_bayes(x: CSR, task: Task, fitted: Fitted, k: int) -> None:
    """Add RISK_NB_MIX x naive Bayes scores to the risk head, out of fold and in the final fit."""
    sub = x.take(task.rows)
    targets = task.targets
    if targets is None:
        targets = np.zeros((len(task.rows), len(task.labels)), dtype=np.float32)
        targets[np.arange(len(task.rows)), task.y] = 1.0

    def nb(rows: npt.NDArray[np.int64]) -> F32:
        return naive_bayes(sub.take(rows), targets[rows], task.weight[rows], RISK_NB_ALPHA)

    # The mix is defined on the logistic model's calibrated scale (logits / its temperature).
    hard = np.ones(len(task.rows), bool) if task.scored is None else task.scored
    mix = np.float32(RISK_NB_MIX * fit_temperature(fitted.oof[hard], task.y[hard]))
    for f in range(k):
        train_rows, test_rows = np.flatnonzero(fitted.fold != f), np.flatnonzero(fitted.fold == f)
        w = nb(train_rows)
        fitted.oof[test_rows] += mix * scores(sub.take(test_rows), w)
        if task.windows is not None and fitted.window_oof is not None:
            parts = _window_rows(task, fitted.fold, f)
            fitted.window_oof[parts] += mix * scores(task.windows.take(parts), w)
    fitted.weights = fitted.weights + mix * nb(np.arange(len(task.rows)))


def pool_windows(probs: F32, parts: F32, task: Task) -> F32:
    """Each message's probabilities pooled with its windows' (risk.pool), as a parse does."""
    assert task.window_owner is not None
    out = probs.copy()
    # Windows are listed message by message, so each message's are one slice.
    owners, starts, counts = np.unique(task.window_owner, return_index=True, return_counts=True)
    for i, start, n in zip(owners, starts, counts, strict=True):
        out[i] = pool(probs[i], parts[start : start + n])
    return out


# ---- thresholds -------------------------------------------------------------------------------
def intent_threshold(probs: F32, y: npt.NDArray[np.int64]) -> float:
    """Confidence above which answering beats saying "not understood" (utility on OOF)."""
    conf = probs.max(axis=1)
    right = probs.argmax(axis=1) == y
    best_t, best_u = 0.0, -1e9
    for t in np.round(np.arange(0.05, 0.951, 0.01), 2):
        keep = conf >= t
        u = float(right[keep].sum() - WRONG_INTENT_COST * (~right[keep]).sum())
        if u > best_u + 1e-9:
            best_t, best_u = float(t), u
    return best_t


def language_threshold(probs: F32, y: npt.NDArray[np.int64]) -> float:
    """Smallest confidence at which the accepted Latin-script guesses are 99 % right."""
    conf = probs.max(axis=1)
    right = probs.argmax(axis=1) == y
    for t in np.round(np.arange(0.34, 0.991, 0.01), 2):
        keep = conf >= t
        if keep.any() and right[keep].mean() >= LANGUAGE_TARGET_ACCURACY:
            return float(t)
    return 0.99


def risk_thresholds(
    norms: Sequence[str], probs: F32, y: npt.NDArray[np.int64], labelled: npt.NDArray[np.bool_]
) -> Thresholds:
    """Critical: on the labelled risk data, the threshold with the best OOF critical recall among
    those keeping precision >= CRITICAL_MIN_PRECISION (ties: the higher); if none does, the best
    F2. Elevated: the threshold maximising the three-level macro-F1 over the labelled data and
    the calm everyday messages together, so that ordinary traffic is not flagged."""
    gold = np.array(RISK_LEVELS)[y]
    sigs = [signals(n) for n in norms]

    def levels(th: Thresholds) -> npt.NDArray[np.str_]:
        return np.array([combine(s, p, th) for s, p in zip(sigs, probs, strict=True)])

    is_crit = (gold == "critical") & labelled
    n_crit = max(1, int(is_crit.sum()))
    candidates = []
    for t in np.round(np.arange(0.9, CRITICAL_MIN_THRESHOLD - 0.001, -0.025), 3):
        pred = (levels(Thresholds(critical=float(t), elevated=0.5)) == "critical") & labelled
        tp = float((pred & is_crit).sum())
        recall, precision = tp / n_crit, tp / max(1.0, float(pred.sum()))
        f2 = 5 * precision * recall / max(1e-9, 4 * precision + recall)
        candidates.append((float(t), recall, precision, f2))
    ok = [c for c in candidates if c[2] >= CRITICAL_MIN_PRECISION]
    if ok:
        best_c = max(ok, key=lambda c: (c[1], c[0]))[0]
    else:
        best_c = max(candidates, key=lambda c: c[3])[0]
    best_e, best_f = 0.5, -1.0
    for t in np.round(np.arange(0.2, 0.81, 0.05), 2):
        pred_l = levels(Thresholds(critical=best_c, elevated=float(t)))
        f = macro_f1(gold, pred_l, RISK_LEVELS)
        if f > best_f + 1e-9:
            best_e, best_f = float(t), f
    return Thresholds(critical=best_c, elevated=best_e)


def macro_f1(
    gold: npt.NDArray[np.str_], pred: npt.NDArray[np.str_], labels: Sequence[str]
) -> float:
    f1s = []
    for lab in labels:
        tp = float(((pred == lab) & (gold == lab)).sum())
        fp = float(((pred == lab) & (gold != lab)).sum())
        fn = float(((pred != lab) & (gold == lab)).sum())
        if tp + fp + fn:
            f1s.append(2 * tp / (2 * tp + fp + fn))
    return float(np.mean(f1s)) if f1s else 0.0


# ---- cities -----------------------------------------------------------------------------------
def city_data(data: TrainingData, norms: Sequence[str]) -> dict[str, object]:
    """Gazetteer variants, and the words the data uses as ordinary words (never typo-fixed)."""
    counts: Counter[str] = Counter()
    for e, norm in zip(data.examples, norms, strict=False):
        plain = e.text
        for s in e.spans:
            plain = plain[: s.start] + " " * (s.end - s.start) + plain[s.end :]
        counts.update(set(normalise(plain).split()) if e.spans else set(norm.split()))
    known = sorted(w for w, c in counts.items() if c >= 2 and len(w) >= 5)
    return {"variants": dict(sorted(data.synonyms.items())), "known_words": known}


# ---- the whole thing --------------------------------------------------------------------------
@dataclass
class Trained:
    model: Model
    oof: dict[str, F32]  # calibrated out-of-fold probabilities per head
    tasks: dict[str, Task]
    corpus: Corpus
    folds: dict[str, npt.NDArray[np.int64]]


def build(
    data: TrainingData, fp: str, k: int = 3, progress: Callable[[str], None] | None = None
) -> Trained:
    """Train all heads on `data`, calibrating on k-fold out-of-fold predictions."""
    say = progress or (lambda _msg: None)
    start = time.perf_counter()
    corpus = build_corpus(data)
    vocab = Vocabulary.build(corpus.feats)
    x = vocab.matrix(corpus.feats)
    say(
        f"{len(data.examples)} intent and {len(data.risk)} risk examples, "
        f"{len(vocab)} features ({time.perf_counter() - start:.1f}s)"
    )
    all_tasks = tasks(corpus)
    add_windows(all_tasks["risk"], corpus, vocab)
    heads: dict[str, Head] = {}
    blocks: list[F32] = []
    oof_probs: dict[str, F32] = {}
    fold_of: dict[str, npt.NDArray[np.int64]] = {}
    offset = 0
    risk_th = Thresholds()
    fitted = fit_all(x, all_tasks, k)
    say(f"fitted {len(all_tasks)} heads x {k + 1} fits ({time.perf_counter() - start:.1f}s)")
    for name in ("language", "intent", "risk"):
        task = all_tasks[name]
        oof, fold = fitted[name].oof, fitted[name].fold
        hard = np.ones(len(task.rows), bool) if task.scored is None else task.scored
        temperature = fit_temperature(oof[hard], task.y[hard])
        probs = softmax(oof / np.float32(temperature))
        window_oof = fitted[name].window_oof
        if window_oof is not None and task.window_owner is not None:
            probs = pool_windows(probs, softmax(window_oof / np.float32(temperature)), task)
        if name == "intent":
            threshold = intent_threshold(probs, task.y)
        elif name == "language":
            latin = np.array([count_scripts(corpus.norms[r]).arabic_share < 0.5 for r in task.rows])
            threshold = language_threshold(probs[latin], task.y[latin])
        else:
            # Thresholds are chosen on the labelled risk data and the calm everyday messages
            # together, so that precision reflects real traffic, not a risk-heavy sample.
            keep = np.ones(len(task.rows), bool) if task.scored is None else task.scored
            risk_th = risk_thresholds(
                [corpus.norms[r] for r in task.rows[keep]],
                probs[keep],
                task.y[keep],
                task.rows[keep] >= corpus.n_intent,
            )
            threshold = risk_th.critical
        w = fitted[name].weights
        heads[name] = Head(task.labels, offset, round(temperature, 6), threshold)
        blocks.append(w)
        offset += len(task.labels)
        oof_probs[name] = probs
        fold_of[name] = fold
        say(
            f"{name}: T={temperature:.3f} threshold={threshold} "
            f"({time.perf_counter() - start:.1f}s)"
        )
    weights = np.ascontiguousarray(np.concatenate(blocks, axis=0).T)
    meta = Meta(
        FORMAT,
        fp,
        heads,
        risk_th,
        round(vocab.unknown_idf, 6),
        {
            "examples": len(data.examples),
            "risk_examples": len(data.risk),
            "features": len(vocab),
            "seconds": 0.0,
        },
    )
    cities_json = city_data(data, corpus.norms)
    cities = CityMatcher(cities_json["variants"], cities_json["known_words"])  # type: ignore[arg-type]
    model = Model(vocab, weights, meta, cities, cities_json)
    return Trained(model, oof_probs, all_tasks, corpus, fold_of)


def train(
    data_dir: Path | None = None,
    out: Path | None = None,
    progress: Callable[[str], None] | None = None,
) -> Path:
    """Train from `data_dir` (default nlu/data, risk data beside it) into `out`; return `out`."""
    data_dir = (data_dir or DEFAULT_DATA_DIR).resolve()
    out = out or DEFAULT_MODEL_DIR
    data = load_all(data_dir)
    if not data.examples:
        from nlu.data import DataError

        raise DataError(f"{data_dir}: no intent examples found; add nlu.yml files per language")
    trained = build(data, fingerprint(data_dir, code_version()), progress=progress)
    return trained.model.save(out)
