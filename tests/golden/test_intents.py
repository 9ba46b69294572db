"""Every one of the 28 intents, in French, Arabic and English, reaches its answer (real content,
real NLU): the reply is the one of the flow node the intent starts."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from anyio.from_thread import BlockingPortal

from bot import dialogue as dlg
from bot.runtime import Runtime
from bot.settings import DEFAULT_CONTENT_DIR
from bot.testing import TestBot
from nlu.types import INTENTS

GREETING = {"fr": "bonjour", "ar": "السلام عليكم", "en": "hello"}
MESSAGES: dict[str, dict[str, str]] = {
    "greet": {"fr": "salut, bonsoir", "ar": "مرحبا، مساء الخير", "en": "hi good evening"},
    "goodbye": {
        "fr": "au revoir, à bientôt",
        "ar": "مع السلامة، إلى اللقاء",
        "en": "bye, see you later",
    },
    "thanks": {
        "fr": "merci beaucoup pour votre aide",
        "ar": "شكرا جزيلا على المساعدة",
        "en": "thank you so much for the help",
    },
    "affirm": {"fr": "oui d'accord", "ar": "نعم موافق", "en": "yes ok"},
    "deny": {"fr": "non merci", "ar": "لا شكرا", "en": "no thanks"},
    "help_menu": {"fr": "montre moi le menu", "ar": "أرني القائمة", "en": "show me the menu"},
    "change_language": {
        "fr": "je veux changer de langue",
        "ar": "أريد تغيير اللغة",
        "en": "i want to change the language",
    },
    "legal_aid": {
        "fr": "j'ai besoin d'un avocat gratuit",
        "ar": "أحتاج محامي مجاني",
        "en": "i need a free lawyer",
    },
    "asylum": {
        "fr": "comment demander l'asile au HCR",
        "ar": "كيف أطلب اللجوء عند المفوضية",
        "en": "how do i apply for asylum with unhcr",
    },
    "residence_papers": {
        "fr": "j'ai perdu ma carte de séjour",
        "ar": "ضاعت مني بطاقة الإقامة",
        "en": "i lost my residence card",
    },
    "arrest_detention": {
        "fr": "la police a arrêté mon frère hier",
        "ar": "الشرطة اعتقلت أخي البارحة",
        "en": "the police arrested my brother yesterday",
    },
    "child_protection": {
        "fr": "comment protéger un enfant migrant non accompagné",
        "ar": "كيف أحمي طفلاً مهاجراً بدون عائلة",
        "en": "how can an unaccompanied migrant child get protection",
    },
    "violence_women": {
        "fr": "mon mari me frappe",
        "ar": "زوجي يضربني",
        "en": "my husband beats me",
    },
    "trafficking": {
        "fr": "mon patron a pris mon passeport et je ne peux pas partir",
        "ar": "المشغل أخذ جواز سفري ولا أستطيع المغادرة",
        "en": "my boss took my passport and i cannot leave",
    },
    "disability": {
        "fr": "mon fils est handicapé, il est en fauteuil roulant",
        "ar": "ابني معاق ويستعمل كرسي متحرك",
        "en": "my son is disabled and uses a wheelchair",
    },
    "health": {
        "fr": "je suis malade, je dois voir un médecin",
        "ar": "أنا مريض وأحتاج طبيب",
        "en": "i am sick and need a doctor",
    },
    "shelter": {
        "fr": "je dors dehors, je cherche un logement",
        "ar": "أنام في الشارع وأبحث عن سكن",
        "en": "i am sleeping outside and need housing",
    },
    "food_hygiene": {
        "fr": "on n'a rien à manger, il nous faut un panier alimentaire",
        "ar": "ليس لدينا طعام، نحتاج سلة غذائية",
        "en": "we have no food, we need a food basket",
    },
    "cash_assistance": {
        "fr": "est-ce que vous donnez une aide financière",
        "ar": "هل تقدمون مساعدة مالية",
        "en": "do you give cash assistance",
    },
    "education_training": {
        "fr": "je veux inscrire ma fille à l'école",
        "ar": "أريد تسجيل ابنتي في المدرسة",
        "en": "i want to register my daughter at school",
    },
    "work_rights": {
        "fr": "mon employeur ne me paie pas mon salaire",
        "ar": "صاحب العمل لا يدفع لي أجري",
        "en": "my employer does not pay my salary",
    },
    "voluntary_return": {
        "fr": "je veux rentrer dans mon pays avec l'OIM",
        "ar": "أريد العودة إلى بلدي مع المنظمة الدولية للهجرة",
        "en": "i want to go back to my country with iom",
    },
    "psychosocial": {
        "fr": "je suis très triste et je n'arrive pas à dormir",
        "ar": "أنا حزين جدا ولا أستطيع النوم",
        "en": "i feel very sad and i cannot sleep",
    },
    "talk_to_human": {
        "fr": "je veux parler à un conseiller",
        "ar": "أريد التحدث مع مستشار",
        "en": "i want to talk to a counsellor",
    },
    "checkin_subscribe": {
        "fr": "prenez de mes nouvelles chaque semaine svp",
        "ar": "أريد أن تطمئنوا علي كل أسبوع",
        "en": "please check on me every week",
    },
    "checkin_unsubscribe": {
        "fr": "arrêtez les messages de suivi",
        "ar": "أوقفوا رسائل المتابعة",
        "en": "stop the check in messages",
    },
    "delete_my_data": {
        "fr": "supprimez mes données",
        "ar": "احذفوا بياناتي",
        "en": "delete my data",
    },
    "out_of_scope": {
        "fr": "qui a gagné le match de foot hier",
        "ar": "من ربح مباراة كرة القدم أمس",
        "en": "who won the football match yesterday",
    },
}
CASES = [(intent, lang) for intent in INTENTS for lang in ("fr", "ar", "en")]


@pytest.fixture(scope="module")
def runtime(tmp_path_factory: pytest.TempPathFactory, portal: BlockingPortal) -> Runtime:
    from dataclasses import replace

    from bot.settings import Settings

    from ..conftest import TEST_KEY

    tmp = tmp_path_factory.mktemp("intents")
    settings = Settings(
        database_url=f"sqlite:///{tmp}/sanad.db",
        secret_key="s",
        data_key=TEST_KEY,
        content_dir=DEFAULT_CONTENT_DIR,
    )
    runtime = Runtime.create(
        replace(settings),
        migrate=True,
        key_file=tmp / "key",
        clock=lambda: datetime(2026, 11, 30, 10, 0, tzinfo=UTC),
    )
    yield runtime
    portal.call(runtime.aclose)


def test_every_intent_has_a_message_in_every_language() -> None:
    assert set(MESSAGES) == set(INTENTS)


@pytest.mark.parametrize(("intent", "language"), CASES, ids=[f"{i}-{lang}" for i, lang in CASES])
def test_each_intent_reaches_its_answer(
    intent: str, language: str, runtime: Runtime, portal: BlockingPortal
) -> None:
    bot = TestBot(runtime, portal, sender=f"{intent}-{language}")
    bot.say(GREETING[language])
    said = bot.say(MESSAGES[intent][language])
    assert said.result.parse is not None and said.result.parse.intent == intent
    assert said.language == language
    entry = runtime.content.flows.by_intent[intent]
    expected = runtime.engine.dialogue.goto(entry, dlg.State(), language).replies
    if not expected:  # an action node (e.g. stop check-ins): its words come from the action
        assert said.text
        return
    first = runtime.engine.renderer.render(expected[0], language, bot.capabilities).text
    assert first in said.text
