"""Types the NLU hands to its callers. Shared contract: see ../shared/CONTRACTS.md."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Language = Literal["fr", "ar", "en"]
Risk = Literal["none", "elevated", "critical"]

LANGUAGES: tuple[Language, ...] = ("fr", "ar", "en")
RISK_LEVELS: tuple[Risk, ...] = ("none", "elevated", "critical")

INTENTS: tuple[str, ...] = (
    "greet",
    "goodbye",
    "thanks",
    "affirm",
    "deny",
    "help_menu",
    "change_language",
    "legal_aid",
    "asylum",
    "residence_papers",
    "arrest_detention",
    "child_protection",
    "violence_women",
    "trafficking",
    "disability",
    "health",
    "shelter",
    "food_hygiene",
    "cash_assistance",
    "education_training",
    "work_rights",
    "voluntary_return",
    "psychosocial",
    "talk_to_human",
    "checkin_subscribe",
    "checkin_unsubscribe",
    "delete_my_data",
    "out_of_scope",
)


@dataclass(frozen=True)
class Entity:
    """A recognised entity; for cities `value` is the canonical French name."""

    entity: str
    value: str
    region: str | None = None

    def to_dict(self) -> dict[str, str | None]:
        out: dict[str, str | None] = {"entity": self.entity, "value": self.value}
        if self.region is not None:
            out["region"] = self.region
        return out


@dataclass(frozen=True)
class Parse:
    """What the NLU understood of one message."""

    text: str
    language: Language
    language_confidence: float
    intent: str
    confidence: float
    entities: tuple[Entity, ...] = field(default_factory=tuple)
    risk: Risk = "none"
    # Set by the model from its calibrated thresholds; callers never compare floats themselves.
    language_sure: bool = False
    understood: bool = False

    def to_dict(self) -> dict[str, object]:
        """The `sanad nlu parse --jsonl` / `POST /api/nlu/parse` object, exactly."""
        return {
            "text": self.text,
            "language": self.language,
            "language_confidence": round(self.language_confidence, 4),
            "intent": self.intent,
            "confidence": round(self.confidence, 4),
            "entities": [e.to_dict() for e in self.entities],
            "risk": self.risk,
        }

    def city(self) -> Entity | None:
        return next((e for e in self.entities if e.entity == "city"), None)
