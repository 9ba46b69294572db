"""The trained model at run time: loading, saving, and `parse`.

One vocabulary and one weight matrix serve the three learned heads (language, intent, risk), so a
parse featurises the text once and gathers each active feature's row once: a few microseconds of
numpy after the Python feature extraction. Files are plain (JSON, text, `.npy`) and written
byte-for-byte deterministically, so two trainings on the same data give identical bytes.
"""

from __future__ import annotations

import json
import logging
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np

from nlu.cities import CityMatcher
from nlu.features import Vocabulary, featurise
from nlu.linear import softmax
from nlu.normalise import normalise
from nlu.risk import GIBBERISH_KNOWN_SHARE, Thresholds, decide, pool, windows
from nlu.script import count_scripts
from nlu.sparse import F32
from nlu.types import INTENTS, LANGUAGES, RISK_LEVELS, Entity, Language, Parse, Risk

log = logging.getLogger(__name__)

FORMAT = 1
MAX_CHARS = 4096
# Arabic-script share of the letters above which the message is Arabic, whatever the model says.
ARABIC_SCRIPT_SHARE = 0.5
FALLBACK_LANGUAGE: Language = "fr"


class ModelError(RuntimeError):
    """A model directory that cannot be loaded; retrain with `sanad nlu train`."""


@dataclass(frozen=True)
class Head:
    """One softmax head: its labels, its columns in the weight matrix, its calibration."""

    labels: tuple[str, ...]
    offset: int
    temperature: float = 1.0
    threshold: float = 0.5


@dataclass
class Meta:
    format: int
    fingerprint: str
    heads: dict[str, Head]
    risk: Thresholds
    unknown_idf: float = 1.0
    report: dict[str, object] = field(default_factory=dict)

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False, indent=1, sort_keys=True) + "\n"

    @classmethod
    def from_json(cls, text: str) -> Meta:
        raw = json.loads(text)
        heads = {
            name: Head(tuple(h["labels"]), h["offset"], h["temperature"], h["threshold"])
            for name, h in raw["heads"].items()
        }
        return cls(
            raw["format"],
            raw["fingerprint"],
            heads,
            Thresholds(**raw["risk"]),
            float(raw["unknown_idf"]),
            raw.get("report", {}),
        )


class Model:
    """Language, intent, cities and risk for one message. Immutable; safe across threads."""

    def __init__(
        self,
        vocab: Vocabulary,
        weights: F32,
        meta: Meta,
        cities: CityMatcher,
        city_data: dict[str, object],
    ) -> None:
        self.vocab = vocab
        self.weights = np.ascontiguousarray(weights, dtype=np.float32)  # (features, columns)
        self.meta = meta
        self.cities = cities
        self.city_data = city_data
        self.lang = meta.heads["language"]
        self.intent = meta.heads["intent"]
        self.risk = meta.heads["risk"]
        # Optional: asks another engine for the intent (the Rasa backend); set by get_model().
        self.intent_backend: IntentBackend | None = None

    # ---- inference -----------------------------------------------------------------------
    def logits(self, feats: list[str]) -> F32:
        """All heads' raw scores for a text's features (`featurise` of the normalised text)."""
        ids, values = self.vocab.vector(feats)
        if not ids:
            return np.zeros(self.weights.shape[1], dtype=np.float32)
        out: F32 = values @ np.take(self.weights, ids, axis=0)
        return out

    def known_share(self, feats: list[str]) -> float:
        """Share of the text's distinct words that the vocabulary holds."""
        words = [f for f in feats if f.startswith("w ")]
        index = self.vocab.index
        return sum(w in index for w in words) / len(words) if words else 1.0

    def head_probs(self, logits: F32, head: Head) -> F32:
        part = logits[head.offset : head.offset + len(head.labels)]
        return softmax(part / np.float32(head.temperature))

    def parse(self, text: str) -> Parse:
        """Understand one message; never raises (an internal error gives an empty parse)."""
        try:
            return self._parse(text)
        except Exception:
            log.exception("nlu parse failed; answering out_of_scope")
            return Parse(
                text if isinstance(text, str) else "", FALLBACK_LANGUAGE, 0.0, "out_of_scope", 0.0
            )

    def _parse(self, text: str) -> Parse:
        if not isinstance(text, str):
            text = "" if text is None else str(text)
        head = text[:MAX_CHARS]
        norm = normalise(head)
        if not norm:
            return Parse(text, FALLBACK_LANGUAGE, 0.0, "out_of_scope", 0.0)
        feats = featurise(norm)
        logits = self.logits(feats)
        language, lang_conf = self._language(head, logits)
        intent, conf = self._intent(head, logits)
        probs = self.head_probs(logits, self.risk)
        known = self.known_share(feats)
        if known >= GIBBERISH_KNOWN_SHARE:  # (noise is judged on phrases alone)
            parts = [self.head_probs(self.logits(featurise(p)), self.risk) for p in windows(norm)]
            if parts:
                probs = pool(probs, np.array(parts))
        risk: Risk = decide(norm, probs, self.meta.risk, known)  # type: ignore[assignment]
        entities: tuple[Entity, ...] = self.cities.entities(head, norm)
        return Parse(
            text=text,
            language=language,
            language_confidence=lang_conf,
            intent=intent,
            confidence=conf,
            entities=entities,
            risk=risk,
            language_sure=lang_conf >= self.lang.threshold,
            understood=conf >= self.intent.threshold,
        )

    def _language(self, text: str, logits: F32) -> tuple[Language, float]:
        scripts = count_scripts(text)
        if scripts.letters == 0:
            return FALLBACK_LANGUAGE, 0.0
        if scripts.arabic_share >= ARABIC_SCRIPT_SHARE:
            return "ar", round(min(0.999, 0.5 + scripts.arabic_share / 2), 4)
        probs = self.head_probs(logits, self.lang)
        best = int(np.argmax(probs))
        return self.lang.labels[best], float(probs[best])  # type: ignore[return-value]

    def _intent(self, text: str, logits: F32) -> tuple[str, float]:
        if self.intent_backend is not None:
            answer = self.intent_backend.intent(text)
            if answer is not None:
                return answer
        probs = self.head_probs(logits, self.intent)
        best = int(np.argmax(probs))
        return self.intent.labels[best], float(probs[best])

    # ---- persistence ---------------------------------------------------------------------
    def save(self, out: Path) -> Path:
        out.mkdir(parents=True, exist_ok=True)
        (out / "vocab.txt").write_text("\n".join(self.vocab.names), encoding="utf-8")
        with open(out / "weights.npy", "wb") as fh:
            np.save(fh, self.weights, allow_pickle=False)
        with open(out / "idf.npy", "wb") as fh:
            np.save(fh, self.vocab.idf, allow_pickle=False)
        (out / "cities.json").write_text(
            json.dumps(self.city_data, ensure_ascii=False, sort_keys=True, indent=0) + "\n",
            encoding="utf-8",
        )
        # meta.json last: its presence marks a complete model.
        (out / "meta.json").write_text(self.meta.to_json(), encoding="utf-8")
        return out

    @classmethod
    def load(cls, path: Path) -> Model:
        try:
            meta = Meta.from_json((path / "meta.json").read_text(encoding="utf-8"))
            if meta.format != FORMAT:
                raise ModelError(f"{path}: model format {meta.format}, expected {FORMAT}")
            names = (path / "vocab.txt").read_text(encoding="utf-8").split("\n")
            weights = np.load(path / "weights.npy", allow_pickle=False)
            idf = np.load(path / "idf.npy", allow_pickle=False)
            city_data = json.loads((path / "cities.json").read_text(encoding="utf-8"))
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise ModelError(
                f"{path}: cannot load the NLU model ({exc}); run `sanad nlu train`"
            ) from exc
        if weights.shape[0] != len(names) or idf.shape[0] != len(names):
            raise ModelError(f"{path}: vocabulary and weights disagree; run `sanad nlu train`")
        _check_heads(meta)
        cities = CityMatcher(city_data["variants"], city_data["known_words"])
        return cls(Vocabulary(names, idf, meta.unknown_idf), weights, meta, cities, city_data)


def _check_heads(meta: Meta) -> None:
    expected = {"language": LANGUAGES, "intent": INTENTS, "risk": RISK_LEVELS}
    for name, labels in expected.items():
        head = meta.heads.get(name)
        if head is None or set(head.labels) != set(labels):
            raise ModelError(f"model head {name!r} does not match nlu.types; retrain")


class IntentBackend:
    """Something that may answer (intent, confidence) for a text, or None to fall back."""

    def intent(self, text: str) -> tuple[str, float] | None:  # pragma: no cover - interface
        raise NotImplementedError
