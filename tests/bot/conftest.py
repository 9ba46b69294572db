"""A keyword parser standing in for the NLU in engine tests, so these tests check the engine's
decisions and not the model's (the NLU has its own tests, and golden transcripts use it)."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from anyio.from_thread import BlockingPortal

from bot.runtime import Runtime
from bot.testing import TestBot
from nlu.types import Entity, Parse

INTENT_WORDS = {
    "legal_aid": ("avocat", "lawyer", "محامي"),
    "talk_to_human": ("conseiller", "counsellor", "human", "مستشار"),
    "help_menu": ("menu", "القائمة"),
    "change_language": ("langue", "language", "لغة"),
    "delete_my_data": ("effacer", "erase my data", "احذف"),
    "greet": ("bonjour", "hello", "مرحبا"),
    "goodbye": ("au revoir", "bye"),
    "affirm": ("oui", "yes", "نعم"),
    "deny": ("non", "no thanks", "لا"),
    "psychosocial": ("triste", "sad"),
    "checkin_subscribe": ("check on me", "suivi"),
    "checkin_unsubscribe": ("stop",),
}
FRENCH = (
    "j'ai",
    "je",
    "besoin",
    "un",
    "bonjour",
    "oui",
    "non",
    "au revoir",
    "langue",
    "effacer",
    "triste",
    "suis",
    "conseiller",
    "veux",
    "mes",
)
ENGLISH = ("i", "need", "a", "lawyer", "hello", "yes", "the", "my", "bye", "want", "sad", "am")
CRITICAL = ("me tuer", "kill myself", "أقتل نفسي")
ELEVATED = ("désespéré", "hopeless")
CITIES = {
    "oujda": ("Oujda", "L'Oriental"),
    "casa": ("Casablanca", "Casablanca-Settat"),
    "casablanca": ("Casablanca", "Casablanca-Settat"),
}


class KeywordParser:
    """Deterministic: a keyword gives the intent, common words give the language."""

    def __init__(self) -> None:
        self.seen: list[str] = []

    def __call__(self, text: str) -> Parse:
        self.seen.append(text)
        low = text.lower()
        words = re.findall(r"[\w']+", low)
        intent = next((i for i, keys in INTENT_WORDS.items() if any(k in low for k in keys)), None)
        if re.search(r"[\u0600-\u06ff]", text):
            language, sure = "ar", True
        elif sum(w in FRENCH for w in words) >= 1 and sum(w in FRENCH for w in words) > sum(
            w in ENGLISH for w in words
        ):
            language, sure = "fr", True
        elif any(w in ENGLISH for w in words):
            language, sure = "en", True
        else:
            language, sure = "fr", False
        risk = (
            "critical"
            if any(k in low for k in CRITICAL)
            else "elevated"
            if any(k in low for k in ELEVATED)
            else "none"
        )
        entities = tuple(Entity("city", *CITIES[w]) for w in words if w in CITIES)
        return Parse(
            text=text,
            language=language,
            language_confidence=0.99 if sure else 0.4,  # type: ignore[arg-type]
            intent=intent or "out_of_scope",
            confidence=0.9 if intent else 0.2,
            entities=entities,
            risk=risk,
            language_sure=sure,
            understood=intent is not None,  # type: ignore[arg-type]
        )


@pytest.fixture
def parser() -> KeywordParser:
    return KeywordParser()


@pytest.fixture
def runtime(make_runtime: Callable[..., Runtime], parser: KeywordParser) -> Runtime:
    return make_runtime(parse=parser)


@pytest.fixture
def bot(runtime: Runtime, portal: BlockingPortal) -> TestBot:
    return TestBot(runtime, portal)
