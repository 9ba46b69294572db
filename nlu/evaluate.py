"""`sanad nlu evaluate`: cross-validated and held-out figures, written to reports/nlu.{md,json}.

Cross-validation is stratified 5-fold over (language group, label); every figure is computed on
predictions for examples the model did not train on, for each language group (fr, en, ar in
Arabic script, ar in Arabizi). The held-out sets in tests/nlu/heldout/ were written separately
and are never trained on: they are the fairer estimate of how the model meets new people.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict
from pathlib import Path

import numpy as np

from nlu.data import (
    DEFAULT_DATA_DIR,
    PACKAGE_DIR,
    Example,
    TrainingData,
    fingerprint,
    load_all,
    load_nlu,
    load_risk,
)
from nlu.metrics import accuracy, confusion, macro_f1, per_label
from nlu.model import ARABIC_SCRIPT_SHARE, Model
from nlu.normalise import normalise
from nlu.risk import decide, signals
from nlu.script import count_scripts
from nlu.trainer import Trained, build, code_version
from nlu.types import INTENTS, LANGUAGES, RISK_LEVELS

GROUPS = ("fr", "en", "ar", "ar_arabizi")
DEFAULT_HELDOUT = PACKAGE_DIR.parent / "tests" / "nlu" / "heldout"
DEFAULT_REPORTS = PACKAGE_DIR.parent / "reports"
SHORT_WORDS = 3


def _intent_block(gold: Sequence[str], pred: Sequence[str]) -> dict[str, object]:
    scores = per_label(gold, pred, INTENTS)
    return {
        "n": len(gold),
        "accuracy": round(accuracy(gold, pred), 4),
        "macro_f1": round(macro_f1(scores), 4),
        "per_intent_f1": {k: round(v.f1, 4) for k, v in scores.items()},
    }


def _risk_block(gold: Sequence[str], pred: Sequence[str]) -> dict[str, object]:
    scores = per_label(gold, pred, RISK_LEVELS)
    return {
        "n": len(gold),
        "accuracy": round(accuracy(gold, pred), 4),
        **{
            lvl: {
                "precision": round(s.precision, 4),
                "recall": round(s.recall, 4),
                "support": s.support,
            }
            for lvl, s in scores.items()
        },
    }


def _language_decision(text: str, probs: np.ndarray) -> str:
    scripts = count_scripts(text)
    if scripts.letters and scripts.arabic_share >= ARABIC_SCRIPT_SHARE:
        return "ar"
    return LANGUAGES[int(np.argmax(probs))]


def _gold_cities(e: Example, model: Model) -> list[str]:
    out = []
    for s in e.spans:
        if s.entity != "city":
            continue
        if s.value:
            out.append(s.value)
            continue
        surface = e.text[s.start : s.end]
        out.append(model.cities.resolve(surface) or f"?{surface}")
    return out


def _city_block(examples: Sequence[Example], model: Model) -> dict[str, object]:
    with_city = exact = mentions = found_mentions = false_pos = without = 0
    unresolved: list[str] = []
    misses: list[str] = []
    for e in examples:
        gold = _gold_cities(e, model)
        pred = [m.value for m in model.cities.find(e.text)]
        if gold:
            with_city += 1
            exact += sorted(set(gold)) == sorted(set(pred))
            mentions += len(gold)
            found_mentions += sum(g in pred for g in gold)
            unresolved += [g[1:] for g in gold if g.startswith("?")]
            if sorted(set(gold)) != sorted(set(pred)) and len(misses) < 15:
                misses.append(f"{e.text!r}: gold {gold} got {pred}")
        else:
            without += 1
            if pred:
                false_pos += 1
                if len(misses) < 30:
                    misses.append(f"{e.text!r}: no city annotated, got {pred}")
    return {
        "examples_with_city": with_city,
        "exact_accuracy": round(exact / with_city, 4) if with_city else None,
        "mention_recall": round(found_mentions / mentions, 4) if mentions else None,
        "false_positive_rate": round(false_pos / without, 4) if without else None,
        "unresolved_gold": sorted(set(unresolved)),
        "errors": misses,
    }


def cross_validation(trained: Trained) -> dict[str, object]:
    corpus, model = trained.corpus, trained.model
    ex = corpus.data.examples
    out: dict[str, object] = {}
    # Intent
    pred_i = [INTENTS[i] for i in trained.oof["intent"].argmax(axis=1)]
    gold_i = [e.intent for e in ex]
    conf = trained.oof["intent"].max(axis=1)
    th = model.intent.threshold
    intent: dict[str, object] = {"all": _intent_block(gold_i, pred_i)}
    for g in GROUPS:
        idx = [i for i, e in enumerate(ex) if e.group == g]
        if idx:
            intent[g] = _intent_block([gold_i[i] for i in idx], [pred_i[i] for i in idx])
    kept = conf >= th
    right = np.array(gold_i) == np.array(pred_i)
    intent["understood_threshold"] = th
    intent["understood_share"] = round(float(kept.mean()), 4)
    intent["accuracy_when_understood"] = round(float(right[kept].mean()), 4) if kept.any() else None
    intent["confusion"] = confusion(gold_i, pred_i)
    out["intent"] = intent
    # Language
    task = trained.tasks["language"]
    texts = [e.text for e in ex] + [r.text for r in corpus.data.risk]
    groups = [e.group for e in ex] + [r.group for r in corpus.data.risk]
    pred_l = [
        _language_decision(texts[r], p)
        for r, p in zip(task.rows, trained.oof["language"], strict=True)
    ]
    gold_l = [LANGUAGES[y] for y in task.y]
    lang: dict[str, object] = {"all": round(accuracy(gold_l, pred_l), 4), "n": len(gold_l)}
    for g in GROUPS:
        idx = [i for i, gr in enumerate(groups) if gr == g]
        if idx:
            lang[g] = round(accuracy([gold_l[i] for i in idx], [pred_l[i] for i in idx]), 4)
    short = [i for i, t in enumerate(texts) if len(normalise(t).split()) <= SHORT_WORDS]
    lang["short_messages"] = {
        "n": len(short),
        "accuracy": round(accuracy([gold_l[i] for i in short], [pred_l[i] for i in short]), 4),
    }
    lang["sure_threshold"] = model.lang.threshold
    out["language"] = lang
    # Risk
    rtask = trained.tasks["risk"]
    rows = np.flatnonzero(rtask.rows >= corpus.n_intent)
    norms = [corpus.norms[r] for r in rtask.rows[rows]]
    probs = trained.oof["risk"][rows]
    pred_r = [decide(n, p, model.meta.risk) for n, p in zip(norms, probs, strict=True)]
    rules_r = ["critical" if signals(n).critical else "none" for n in norms]
    gold_r = [RISK_LEVELS[y] for y in rtask.y[rows]]
    rgroups = [corpus.data.risk[r - corpus.n_intent].group for r in rtask.rows[rows]]
    risk: dict[str, object] = {"all": _risk_block(gold_r, pred_r)}
    for g in GROUPS:
        idx = [i for i, gr in enumerate(rgroups) if gr == g]
        if idx:
            risk[g] = _risk_block([gold_r[i] for i in idx], [pred_r[i] for i in idx])
    crit_rules = per_label(gold_r, rules_r, RISK_LEVELS).get("critical")
    risk["phrases_only_critical"] = asdict(crit_rules) if crit_rules else None
    risk["thresholds"] = asdict(model.meta.risk)
    risk["missed_critical"] = [
        corpus.data.risk[rtask.rows[rows][i] - corpus.n_intent].text
        for i in range(len(gold_r))
        if gold_r[i] == "critical" and pred_r[i] != "critical"
    ][:20]
    out["risk"] = risk
    out["cities"] = _city_block(ex, model)
    return out


def heldout(model: Model, directory: Path) -> dict[str, object]:
    data = load_risk(directory, load_nlu(directory, TrainingData()))
    out: dict[str, object] = {}
    if data.examples:
        parses = [model.parse(e.text) for e in data.examples]
        intent: dict[str, object] = {}
        lang: dict[str, object] = {}
        for g in ("all", *GROUPS):
            idx = [i for i, e in enumerate(data.examples) if g in ("all", e.group)]
            if not idx:
                continue
            intent[g] = _intent_block(
                [data.examples[i].intent for i in idx], [parses[i].intent for i in idx]
            )
            lang[g] = round(
                accuracy(
                    [data.examples[i].language for i in idx], [parses[i].language for i in idx]
                ),
                4,
            )
        out["intent"] = intent
        out["language"] = lang
        out["cities"] = _city_block(data.examples, model)
        alarms = [p.risk for p in parses]
        out["risk_on_ordinary_messages"] = {
            lvl: round(alarms.count(lvl) / len(alarms), 4) for lvl in RISK_LEVELS
        }
        out["intent_errors"] = [
            f"[{e.group}] {e.text!r}: {e.intent} → {p.intent} ({p.confidence:.2f})"
            for e, p in zip(data.examples, parses, strict=True)
            if p.intent != e.intent
        ][:40]
    if data.risk:
        pred = [model.parse(r.text).risk for r in data.risk]
        risk: dict[str, object] = {}
        for g in ("all", *GROUPS):
            idx = [i for i, r in enumerate(data.risk) if g in ("all", r.group)]
            if idx:
                risk[g] = _risk_block([data.risk[i].level for i in idx], [pred[i] for i in idx])
        risk["errors"] = [
            f"[{r.group}] {r.text!r}: {r.level} → {p}"
            for r, p in zip(data.risk, pred, strict=True)
            if r.level != p
        ][:40]
        out["risk"] = risk
    return out


def evaluate(
    data_dir: Path | None = None,
    heldout_dir: Path | None = None,
    reports: Path | None = None,
    k: int = 5,
    progress: Callable[[str], None] | None = None,
) -> dict[str, object]:
    """Run cross-validation and the held-out evaluation; write reports/nlu.md and nlu.json."""
    data_dir = (data_dir or DEFAULT_DATA_DIR).resolve()
    heldout_dir = heldout_dir or DEFAULT_HELDOUT
    reports = reports or DEFAULT_REPORTS
    start = time.perf_counter()
    data = load_all(data_dir)
    trained = build(data, fingerprint(data_dir, code_version()), k=k, progress=progress)
    result: dict[str, object] = {
        "data": {
            "examples": {g: sum(e.group == g for e in data.examples) for g in GROUPS},
            "risk_examples": {g: sum(r.group == g for r in data.risk) for g in GROUPS},
            "features": len(trained.model.vocab),
        },
        "folds": k,
        "cross_validation": cross_validation(trained),
        "heldout": heldout(trained.model, heldout_dir) if heldout_dir.is_dir() else {},
        "seconds": round(time.perf_counter() - start, 1),
    }
    reports.mkdir(parents=True, exist_ok=True)
    (reports / "nlu.json").write_text(
        json.dumps(result, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
    )
    from nlu.report import markdown

    (reports / "nlu.md").write_text(markdown(result, reports / "nlu.md"), encoding="utf-8")
    return result
