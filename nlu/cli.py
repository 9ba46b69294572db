"""`sanad nlu train | parse | evaluate` (mounted by bot/cli.py; also `python -m nlu.cli`)."""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add the train / parse / evaluate subcommands to the `nlu` group's subparsers."""
    p = sub.add_parser("train", help="train the model from nlu/data (deterministic)")
    p.add_argument("--data", type=Path, default=None, help="Rasa NLU data dir (default nlu/data)")
    p.add_argument(
        "--out", type=Path, default=None, help="model dir (default $SANAD_NLU_MODEL or nlu/_model)"
    )
    p.add_argument(
        "--if-stale",
        action="store_true",
        help="do nothing when the model is already trained on the current data",
    )
    p.set_defaults(func=_train)

    p = sub.add_parser("parse", help="parse texts: arguments, or stdin lines with --jsonl")
    p.add_argument("text", nargs="*", help="text to parse (words are joined by spaces)")
    p.add_argument(
        "--jsonl",
        action="store_true",
        help='read stdin lines (plain text or {"text": ...}), print one JSON line each',
    )
    p.set_defaults(func=_parse)

    p = sub.add_parser("evaluate", help="cross-validate and test on the held-out sets")
    p.add_argument("--data", type=Path, default=None)
    p.add_argument("--heldout", type=Path, default=None, help="default tests/nlu/heldout")
    p.add_argument("--reports", type=Path, default=None, help="default reports/")
    p.add_argument("--folds", type=int, default=5)
    p.set_defaults(func=_evaluate)


def _say(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def _train(args: argparse.Namespace) -> int:
    from nlu.data import DEFAULT_DATA_DIR
    from nlu.loader import is_fresh, model_dir, reset
    from nlu.trainer import train

    out_dir = args.out or model_dir()
    if args.if_stale and is_fresh(out_dir, args.data or DEFAULT_DATA_DIR):
        print(f"model at {out_dir} is up to date")
        return 0
    start = time.perf_counter()
    out = train(args.data, out_dir, progress=_say)
    reset()
    print(f"model written to {out} in {time.perf_counter() - start:.1f} s")
    return 0


def _line_text(line: str) -> tuple[str | None, str | None]:
    """(text, error) for one --jsonl input line."""
    stripped = line.strip()
    if stripped.startswith("{"):
        try:
            obj = json.loads(stripped)
        except json.JSONDecodeError:
            return stripped, None  # a plain text that happens to start with a brace
        if not isinstance(obj, dict) or not isinstance(obj.get("text"), str):
            return None, 'expected a plain text or {"text": "..."}'
        return obj["text"], None
    return line.rstrip("\r\n"), None


def parse_stream(lines: TextIO, out: TextIO) -> None:
    from nlu.loader import get_model

    model = get_model()
    for line in lines:
        text, error = _line_text(line)
        obj = {"error": error} if text is None else model.parse(text).to_dict()
        out.write(json.dumps(obj, ensure_ascii=False) + "\n")
        out.flush()


def _parse(args: argparse.Namespace) -> int:
    from nlu.loader import get_model

    if args.jsonl:
        sys.stdin.reconfigure(errors="replace")  # type: ignore[union-attr]
        parse_stream(sys.stdin, sys.stdout)
        return 0
    if not args.text:
        _say('give a text to parse, or use --jsonl to read stdin (e.g. sanad nlu parse "salam")')
        return 2
    print(json.dumps(get_model().parse(" ".join(args.text)).to_dict(), ensure_ascii=False))
    return 0


def _evaluate(args: argparse.Namespace) -> int:
    from nlu.evaluate import DEFAULT_REPORTS, evaluate

    result = evaluate(args.data, args.heldout, args.reports, k=args.folds, progress=_say)
    cv: dict[str, dict[str, object]] = result["cross_validation"]  # type: ignore[assignment]
    for g, block in cv["intent"].items():
        if isinstance(block, dict) and "macro_f1" in block:
            print(f"intent {g}: accuracy {block['accuracy']:.3f} macro-F1 {block['macro_f1']:.3f}")
    print(f"report written to {(args.reports or DEFAULT_REPORTS) / 'nlu.md'}")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """`python -m nlu.cli train|parse|evaluate …` (the same as `sanad nlu …`)."""
    parser = argparse.ArgumentParser(prog="sanad nlu")
    register(parser.add_subparsers(dest="nlu_command", required=True))
    args = parser.parse_args(sys.argv[1:] if argv is None else argv)
    return int(args.func(args))


if __name__ == "__main__":
    sys.exit(main())
