"""NLU benchmark: prints figures, asserts nothing (timings belong here, never in tests).

    .venv/bin/python bench/nlu.py                 # in-process + HTTP + language-id comparison
    .venv/bin/python bench/nlu.py --rasa          # also start rasa/ (built by `make rasa`) and
                                                  # measure it side by side on the held-out sets
    .venv/bin/python bench/nlu.py --rasa --rasa-train  # also time `rasa train nlu` (~7 min)
    .venv/bin/python bench/nlu.py --write-report  # also write the figures into reports/nlu.md

Measured: model load time and process RSS (in a fresh process), parse latency p50/p99 and
throughput pinned to one core, the same over HTTP (a tiny local server wrapping
`get_model().parse`, one keep-alive client), language-id accuracy of ours against off-the-shelf
detectors, and with --rasa: Rasa's start-up time, RSS, HTTP parse latency and held-out accuracy.

Bench-only dependencies, installed into .venv by hand and NOT runtime dependencies:
    .venv/bin/pip install langid lingua-language-detector
(each is skipped with a note when missing).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from nlu.data import TrainingData, load_nlu, load_risk  # noqa: E402
from nlu.loader import get_model, model_dir  # noqa: E402
from nlu.report import BENCH_END, BENCH_START  # noqa: E402

HELDOUT = ROOT / "tests" / "nlu" / "heldout"
RASA_BIN = ROOT / "rasa" / "venv" / "bin" / "rasa"
RASA_MODEL = ROOT / "rasa" / "models" / "sanad.tar.gz"


def pct(values: Sequence[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def rss_mb(pid: int | str = "self") -> float:
    """Resident set size of a process and its children (MB)."""
    total = 0
    pids = [str(pid)]
    if pid != "self":
        pids += _children(int(pid))
    for p in pids:
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            continue
    return total / 1024


def _children(pid: int) -> list[str]:
    out: list[str] = []
    try:
        kids = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        return out
    for kid in kids:
        out += [kid, *_children(int(kid))]
    return out


def texts_from_heldout() -> tuple[list[str], list[str], list[str], list[str]]:
    data = load_risk(HELDOUT, load_nlu(HELDOUT, TrainingData()))
    return (
        [e.text for e in data.examples],
        [e.intent for e in data.examples],
        [e.language for e in data.examples],
        [r.text for r in data.risk],
    )


# ---- in-process --------------------------------------------------------------------------------
def load_figures() -> dict[str, float]:
    """Import + load time and RSS, measured in a fresh single-threaded process."""
    code = (
        "import time, json, resource;t=time.perf_counter();import numpy;t_np=time.perf_counter();"
        "from nlu.model import Model;from nlu.loader import model_dir;t1=time.perf_counter();"
        "m=Model.load(model_dir());t2=time.perf_counter();m.parse('bonjour');"
        "rss=[l for l in open('/proc/self/status') if l.startswith('VmRSS')][0].split()[1];"
        "print(json.dumps({'import_s':t1-t,'numpy_import_s':t_np-t,'load_s':t2-t1,"
        "'rss_mb':int(rss)/1024}))"
    )
    env = {**os.environ, "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1"}
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=ROOT, check=True
    )
    return json.loads(out.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def latency(fn: Callable[[str], object], texts: Sequence[str], rounds: int) -> dict[str, float]:
    for t in texts[:50]:
        fn(t)  # warm-up
    times: list[float] = []
    walls: list[float] = []
    for _ in range(rounds):
        start = time.perf_counter()
        for t in texts:
            t0 = time.perf_counter()
            fn(t)
            times.append(time.perf_counter() - t0)
        walls.append(time.perf_counter() - start)
    # Throughput from the fastest pass, as timeit does: on a shared machine noise only ever
    # slows a pass down (consecutive passes here differed by up to 50 %). The mean is kept too.
    return {
        "n": len(times),
        "p50_ms": 1000 * statistics.median(times),
        "p99_ms": 1000 * pct(times, 0.99),
        "max_ms": 1000 * max(times),
        "per_s": len(texts) / min(walls),
        "per_s_mean": len(times) / sum(walls),
    }


# ---- HTTP --------------------------------------------------------------------------------------
SERVER = """
import json, sys
from http.server import BaseHTTPRequestHandler, HTTPServer
from nlu import get_model
model = get_model()
class H(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True
    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        out = json.dumps(model.parse(body["text"]).to_dict()).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(out)))
        self.end_headers()
        self.wfile.write(out)
    def log_message(self, *a):
        pass
srv = HTTPServer(("127.0.0.1", int(sys.argv[1])), H)
print("ready", flush=True)
srv.serve_forever()
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def http_figures(url: str, texts: Sequence[str], rounds: int, path: str) -> dict[str, float]:
    import httpx

    with httpx.Client(timeout=30) as client:

        def call(t: str) -> object:
            r = client.post(url + path, json={"text": t})
            r.raise_for_status()
            return r.json()

        return latency(call, texts, rounds)


def our_http(texts: Sequence[str], rounds: int) -> dict[str, float]:
    port = free_port()
    env = {**os.environ, "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1"}
    proc = subprocess.Popen(
        ["taskset", "-c", "0", sys.executable, "-c", SERVER, str(port)],
        stdout=subprocess.PIPE,
        cwd=ROOT,
        env=env,
        text=True,
    )
    try:
        assert proc.stdout is not None
        proc.stdout.readline()
        figures = http_figures(f"http://127.0.0.1:{port}", texts, rounds, "/")
        figures["server_rss_mb"] = rss_mb(proc.pid)
        return figures
    finally:
        proc.terminate()
        proc.wait(timeout=10)


# ---- language id comparison ------------------------------------------------------------------
def language_comparison(texts: Sequence[str], gold: Sequence[str]) -> dict[str, dict[str, float]]:
    model = get_model()
    short = [i for i, t in enumerate(texts) if len(t.split()) <= 3]
    detectors: dict[str, Callable[[str], str]] = {"sanad": lambda t: model.parse(t).language}
    try:
        import langid  # type: ignore[import-not-found]

        langid.set_languages(["fr", "en", "ar"])
        detectors["langid"] = lambda t: str(langid.classify(t)[0])
    except ImportError:
        print("langid not installed: .venv/bin/pip install langid", file=sys.stderr)
    try:
        from lingua import Language, LanguageDetectorBuilder  # type: ignore[import-not-found]

        lingua = LanguageDetectorBuilder.from_languages(
            Language.FRENCH, Language.ENGLISH, Language.ARABIC
        ).build()
        codes = {Language.FRENCH: "fr", Language.ENGLISH: "en", Language.ARABIC: "ar"}

        def lingua_detect(t: str) -> str:
            lang = lingua.detect_language_of(t)
            return codes.get(lang, "?") if lang is not None else "?"

        detectors["lingua"] = lingua_detect
    except ImportError:
        print(
            "lingua not installed: .venv/bin/pip install lingua-language-detector", file=sys.stderr
        )
    out = {}
    for name, detect in detectors.items():
        pred = [detect(t) for t in texts]
        t0 = time.perf_counter()
        for t in texts[:200]:
            detect(t)
        per = (time.perf_counter() - t0) / min(200, len(texts))
        out[name] = {
            "accuracy": sum(p == g for p, g in zip(pred, gold, strict=True)) / len(texts),
            "short_accuracy": sum(pred[i] == gold[i] for i in short) / max(1, len(short)),
            "short_n": len(short),
            "ms_per_text": 1000 * per,
        }
    return out


def train_seconds() -> float:
    """Wall time of one full training of our model (into a temporary directory)."""
    import tempfile

    from nlu.trainer import train

    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        train(out=Path(tmp) / "model")
        return time.perf_counter() - t0


def rasa_train_seconds() -> float | None:
    """Wall time of `rasa train nlu` on the same data and config, into a temporary directory."""
    import tempfile

    if not RASA_BIN.exists():
        return None
    with tempfile.TemporaryDirectory() as tmp:
        # A fresh cache: Rasa would otherwise reuse the components `make rasa` trained.
        env = {
            **os.environ,
            "RASA_TELEMETRY_ENABLED": "false",
            "RASA_CACHE_DIRECTORY": str(Path(tmp) / "cache"),
        }
        t0 = time.perf_counter()
        subprocess.run(
            [
                str(RASA_BIN),
                "train",
                "nlu",
                "--nlu",
                "nlu/data",
                "--config",
                "nlu/rasa/config.yml",
                "--out",
                tmp,
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            check=True,
        )
        return time.perf_counter() - t0


# ---- Rasa --------------------------------------------------------------------------------------
def rasa_side_by_side(
    texts: Sequence[str], intents: Sequence[str], rounds: int
) -> dict[str, object]:
    import httpx

    if not RASA_BIN.exists() or not RASA_MODEL.exists():
        return {"skipped": "rasa/ not built: run `make rasa-train` first"}
    port = free_port()
    env = {
        **os.environ,
        "RASA_TELEMETRY_ENABLED": "false",
        "RASA_CACHE_DIRECTORY": str(ROOT / "rasa" / "cache"),
    }
    t0 = time.perf_counter()
    proc = subprocess.Popen(
        [
            str(RASA_BIN),
            "run",
            "--enable-api",
            "-i",
            "127.0.0.1",
            "-p",
            str(port),
            "--model",
            str(RASA_MODEL),
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        while True:
            if proc.poll() is not None:
                return {"skipped": "rasa server exited during start-up"}
            try:
                if httpx.get(url + "/status", timeout=1).status_code == 200:
                    # /status answers before the model is loaded; wait for a real parse.
                    httpx.post(url + "/model/parse", json={"text": "salam"}, timeout=30)
                    break
            except httpx.HTTPError:
                pass
            if time.perf_counter() - t0 > 600:
                return {"skipped": "rasa server not ready after 600 s"}
            time.sleep(0.5)
        startup = time.perf_counter() - t0
        with httpx.Client(timeout=30) as client:
            pred = [
                client.post(url + "/model/parse", json={"text": t}).json()["intent"]["name"]
                for t in texts
            ]
        figures: dict[str, object] = {
            "startup_s": startup,
            "rss_mb": rss_mb(proc.pid),
            "heldout_intent_accuracy": sum(p == g for p, g in zip(pred, intents, strict=True))
            / len(texts),
        }
        figures.update(http_figures(url, texts, rounds, "/model/parse"))
        return figures
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()


def earlier_rasa_figures() -> dict[str, object]:
    """The Rasa figures of the last run that measured Rasa (reports/bench_nlu.json), so a run
    without --rasa keeps them, marked as earlier, instead of blanking the Rasa column."""
    path = ROOT / "reports" / "bench_nlu.json"
    try:
        old = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    rasa = old.get("rasa") if isinstance(old, dict) else None
    if not isinstance(rasa, dict) or "p50_ms" not in rasa:
        return {}
    out: dict[str, object] = {"rasa": {**rasa, "earlier_run": True}}
    if old.get("rasa_train_s"):
        out["rasa_train_s"] = old["rasa_train_s"]
    return out


def _mean_rate(figures: object) -> float:
    d: dict[str, float] = figures if isinstance(figures, dict) else {}
    return float(d.get("per_s_mean", d.get("per_s", 0.0)))


def render(results: dict[str, object]) -> str:
    r = results
    load, inproc, http = r["load"], r["in_process"], r["http"]  # type: ignore[index]
    lines = [
        BENCH_START,
        "## Benchmark (`bench/nlu.py`)",
        "",
        f"Measured on this machine ({os.cpu_count()} cores), one core for parsing "
        f"(`taskset -c 0`), {inproc['n']} parses of the held-out texts.",  # type: ignore[index]
        "",
        "| | Sanad in-process | Sanad over HTTP | Rasa 3.6.21 over HTTP |",
        "|---|---:|---:|---:|",
    ]
    rasa = r.get("rasa") or {}
    has_rasa = isinstance(rasa, dict) and "p50_ms" in rasa

    def rv(key: str, fmt: str) -> str:
        return format(rasa[key], fmt) if has_rasa else "–"  # type: ignore[index]

    def row(name: str, ours: str, http_cell: str, rasa_cell: str) -> str:
        return f"| {name} | {ours} | {http_cell} | {rasa_cell} |"

    # The latency and throughput rows: (label, key, our format, HTTP format, Rasa format).
    timing = [
        ("parse p50 (ms)", "p50_ms", ".3f", ".2f", ".1f"),
        ("parse p99 (ms)", "p99_ms", ".3f", ".2f", ".1f"),
        ("throughput (parses/s, 1 client, fastest pass)", "per_s", ".0f", ".0f", ".0f"),
    ]
    lines += [
        row(label, format(inproc[key], f_in), format(http[key], f_http), rv(key, f_rasa))  # type: ignore[index]
        for label, key, f_in, f_http, f_rasa in timing
    ]
    lines += [
        row(
            "resident memory (MB)",
            f"{load['rss_mb']:.0f}",  # type: ignore[index]
            f"{http['server_rss_mb']:.0f}",
            rv("rss_mb", ".0f"),
        ),  # type: ignore[index]
        row(
            "training (s, 2 cores)",
            f"{r['train_s']:.1f}",
            "–",
            f"{r['rasa_train_s']:.0f}" if r.get("rasa_train_s") else "–",
        ),
        row(
            "load / start-up (s)",
            f"{load['load_s']:.2f} (+{load['import_s']:.2f} import)",  # type: ignore[index]
            "–",
            rv("startup_s", ".1f"),
        ),
    ]
    if has_rasa:
        ours_acc = 100 * float(r["heldout_accuracy"])  # type: ignore[arg-type]
        rasa_acc = 100 * float(rasa["heldout_intent_accuracy"])  # type: ignore[index]
        # Ratios on mean throughputs (Rasa's earlier figures are means too): conservative.
        ratio = _mean_rate(http) / _mean_rate(rasa)
        in_ratio = _mean_rate(inproc) / _mean_rate(rasa)
        lines += [row("held-out intent accuracy (%)", f"{ours_acc:.1f}", "", f"{rasa_acc:.1f}")]
        lines += [
            "",
            f"Throughput ratio against Rasa over HTTP (mean throughputs): Sanad in-process (how "
            f"the helpline calls it) {in_ratio:.0f}×, Sanad over HTTP {ratio:.0f}×.",
        ]
        if isinstance(rasa, dict) and rasa.get("earlier_run"):
            lines += [
                "",
                "The Rasa column is kept from an earlier run with `--rasa` (Rasa trained "
                "on the data of that time); this run did not start Rasa.",
            ]
    elif rasa:
        lines += ["", f"Rasa: {rasa.get('skipped')}"]  # type: ignore[union-attr]
    lines += [
        "",
        "Language identification on the held-out intent sets (all / messages of ≤ 3 "
        "words), detectors restricted to fr/en/ar:",
        "",
        "| detector | accuracy % | short messages % | ms per text |",
        "|---|---:|---:|---:|",
    ]
    for name, f in r["language"].items():  # type: ignore[union-attr]
        lines.append(
            f"| {name} | {100 * f['accuracy']:.1f} | {100 * f['short_accuracy']:.1f} "
            f"(n={f['short_n']}) | {f['ms_per_text']:.3f} |"
        )
    lines += ["", BENCH_END]
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--rounds", type=int, default=7, help="passes over the held-out texts")
    ap.add_argument("--rasa", action="store_true", help="start rasa/ and measure it too")
    ap.add_argument("--rasa-train", action="store_true", help="also time `rasa train nlu`")
    ap.add_argument("--write-report", action="store_true", help="update reports/nlu.md")
    args = ap.parse_args(argv)

    print(f"model: {model_dir()}")
    texts, intents, langs, risk_texts = texts_from_heldout()
    results_train = train_seconds()
    print(f"training: {results_train:.1f} s")
    results: dict[str, object] = {"load": load_figures(), "train_s": results_train}
    print("load:", json.dumps(results["load"]))
    with contextlib.suppress(AttributeError, OSError):
        os.sched_setaffinity(0, {0})  # one core for the in-process figures
    model = get_model()
    results["in_process"] = latency(model.parse, texts + risk_texts, args.rounds)
    print("in-process:", json.dumps(results["in_process"]))
    results["heldout_accuracy"] = sum(
        model.parse(t).intent == g for t, g in zip(texts, intents, strict=True)
    ) / len(texts)
    big = ("je cherche un avocat " * 6000)[:100_000]
    t0 = time.perf_counter()
    model.parse(big)
    results["parse_100kb_ms"] = 1000 * (time.perf_counter() - t0)
    print(f"100 KB message: {results['parse_100kb_ms']:.2f} ms")
    results["http"] = our_http(texts, max(1, args.rounds // 2))
    print("http:", json.dumps(results["http"]))
    results["language"] = language_comparison(texts, langs)
    print("language id:", json.dumps(results["language"]))
    if args.rasa:
        with contextlib.suppress(AttributeError, OSError):
            os.sched_setaffinity(0, set(range(os.cpu_count() or 1)))
        if args.rasa_train:
            results["rasa_train_s"] = rasa_train_seconds()
            print(f"rasa training: {results['rasa_train_s']} s")
        results["rasa"] = rasa_side_by_side(texts, intents, 1)
        print("rasa:", json.dumps(results["rasa"]))
    else:
        results.update(earlier_rasa_figures())
    section = render(results)
    print()
    print(section)
    if args.write_report:
        report = ROOT / "reports" / "nlu.md"
        old = report.read_text(encoding="utf-8") if report.exists() else "# NLU evaluation\n"
        if BENCH_START in old and BENCH_END in old:
            old = old[: old.index(BENCH_START)] + old[old.index(BENCH_END) + len(BENCH_END) :]
        report.parent.mkdir(exist_ok=True)
        report.write_text(old.rstrip() + "\n\n" + section + "\n", encoding="utf-8")
        (ROOT / "reports" / "bench_nlu.json").write_text(json.dumps(results, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
