"""The engine, conversation by conversation (test content in tests/fixtures/content)."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from anyio.from_thread import BlockingPortal
from sqlalchemy import func, select

from bot.domain import Inbound
from bot.runtime import Runtime
from bot.storage import Contact, Conversation, Message, Ticket
from bot.testing import TestBot

from .conftest import KeywordParser


def count(runtime: Runtime, model: type) -> int:
    with runtime.db.session() as s:
        return int(s.scalar(select(func.count()).select_from(model)) or 0)


def test_a_first_question_is_answered_at_once_after_one_welcome_line(bot: TestBot) -> None:
    said = bot.say("j'ai besoin d'un avocat")
    assert said.language == "fr"
    assert [r.text for r in said.replies] == [
        "Bienvenue sur la ligne de test.",
        "L'aide judiciaire donne un avocat.",
    ]
    assert said.labels == ["Où ?", "Menu principal"]


def test_a_greeting_gets_the_welcome_and_the_menu(bot: TestBot) -> None:
    said = bot.say("hello")
    assert said.replies[0].text == "Welcome to the test helpline."
    assert said.labels == ["Legal aid", "Talk to someone", "Change language", "Delete my data"]


def test_unsure_language_is_asked_once_in_every_language_and_remembered(bot: TestBot) -> None:
    said = bot.say("ok")
    assert "Choisissez votre langue" in said.text and "اختر لغتك" in said.text
    assert "Choose your language" in said.text
    assert said.labels == ["Français", "العربية", "English"]
    said = bot.choose("العربية")
    assert said.language == "ar"
    assert said.replies[0].text == "تم اختيار اللغة."
    assert said.replies[0].direction == "rtl"
    assert bot.say("1").text == "المساعدة القضائية توفر محامياً."  # still Arabic: remembered


def test_the_language_is_asked_only_once(bot: TestBot) -> None:
    bot.say("ok")
    said = bot.say("zzz")  # neither a choice nor a confident language: go on in the best guess
    assert "Choisissez" not in said.text
    assert said.language == "fr"


def test_a_question_asked_before_the_language_is_answered_once_it_is_chosen(
    bot: TestBot, parser: KeywordParser
) -> None:
    said = bot.say("avocat")  # a keyword, but no sure language
    assert said.labels == ["Français", "العربية", "English"]
    said = bot.choose("English")
    assert said.text == "Legal aid gives a lawyer."


def test_the_person_can_switch_language_at_any_time(bot: TestBot) -> None:
    bot.say("bonjour")
    said = bot.say("changer de langue")
    assert said.labels == ["Français", "العربية", "English"]
    said = bot.choose(3)
    assert said.language == "en"
    assert said.text.startswith("Language set.")
    assert bot.say("1").text == "Legal aid gives a lawyer."


def test_options_are_chosen_by_number_by_label_or_by_button(bot: TestBot) -> None:
    bot.say("hello")
    assert bot.say("1").text == "Legal aid gives a lawyer."
    bot.say("menu")
    assert bot.say("legal aid").text == "Legal aid gives a lawyer."
    said = bot.choose("Where?")
    assert said.text.startswith("Associations help.")


def test_an_old_button_still_works_after_the_conversation_moved_on(bot: TestBot) -> None:
    bot.say("hello")
    menu_legal = bot.last.options[0][0] if bot.last else ""
    bot.say("bye")  # the conversation ends
    assert bot.say(option=menu_legal).text.startswith("Legal aid gives a lawyer.")


def test_an_unknown_option_id_is_treated_as_text(bot: TestBot) -> None:
    bot.say("hello")
    said = bot.say("lawyer", option="no.such:option")
    assert said.text == "Legal aid gives a lawyer."


def test_after_two_messages_not_understood_the_menu_and_a_counsellor_are_offered(
    bot: TestBot,
) -> None:
    bot.say("hello")
    first = bot.say("blablabla qwerty")
    assert first.replies[0].text == "Not understood."
    assert first.labels == ["Legal aid", "Talk to someone", "Change language", "Delete my data"]
    second = bot.say("zzzz yyyy")
    assert second.text == "Still not understood. Menu or counsellor?"
    assert second.labels == ["Menu", "Counsellor"]
    said = bot.choose("Counsellor")
    assert said.state == "queued" and said.ticket.priority == "normal"


def test_an_empty_message_gets_a_short_prompt_and_the_conversation_keeps_its_place(
    bot: TestBot,
) -> None:
    bot.say("hello")
    assert bot.say("   \n\t ").text == "Please write something."
    assert bot.say("1").text == "Legal aid gives a lawyer."


def test_control_characters_are_stripped_and_long_messages_cut(
    bot: TestBot, parser: KeywordParser
) -> None:
    bot.say("hello")
    assert bot.say("i need a law\x00yer\x07 \ufffd").text == "Legal aid gives a lawyer."
    assert parser.seen[-1] == "i need a lawyer"
    bot.say("lawyer " * 2000)
    assert len(parser.seen[-1]) == 4096


def test_a_redelivered_message_is_processed_once_and_answered_once(
    bot: TestBot, runtime: Runtime
) -> None:
    first = bot.say("hello", provider_id="wamid.1")
    again = bot.say("hello", provider_id="wamid.1")
    assert first.replies and not again.replies and again.result.duplicate
    with runtime.db.session() as s:
        assert s.scalar(select(func.count()).where(Message.direction == "in")) == 1


def test_messages_of_one_contact_are_processed_one_at_a_time_in_order(
    make_runtime: Callable[..., Runtime], portal: BlockingPortal
) -> None:
    inside: list[str] = []
    overlaps: list[str] = []
    guard = threading.Lock()
    keyword = KeywordParser()

    def slow_parse(text: str):  # type: ignore[no-untyped-def]
        with guard:
            if inside:
                overlaps.append(text)
            inside.append(text)
        time.sleep(0.05 if text == "hello" else 0)
        with guard:
            inside.remove(text)
        return keyword(text)

    runtime = make_runtime(parse=slow_parse)

    async def both() -> None:
        first = asyncio.create_task(runtime.engine.handle(Inbound("sms", "+212600000001", "hello")))
        await asyncio.sleep(0)  # "hello" arrives first, "1" a moment later
        second = asyncio.create_task(runtime.engine.handle(Inbound("sms", "+212600000001", "1")))
        await asyncio.gather(first, second)

    portal.call(both)
    assert overlaps == []
    assert keyword.seen == ["hello", "1"]
    with runtime.db.session() as s:
        bodies = [
            runtime.vault.decrypt(b)
            for b in s.scalars(
                select(Message.body).where(Message.direction == "in").order_by(Message.id)
            )
        ]
    assert bodies == ["hello", "1"]


def test_conversation_state_survives_a_restart(
    make_runtime: Callable[..., Runtime], parser: KeywordParser, portal: BlockingPortal
) -> None:
    first = make_runtime(parse=parser)
    TestBot(first, portal).say("hello")  # waits at the main menu
    portal.call(first.aclose)
    second = make_runtime(parse=parser)  # same database, new process state
    assert TestBot(second, portal).say("1").text == "Legal aid gives a lawyer."


def test_a_town_makes_the_answer_name_the_services_of_its_region(bot: TestBot) -> None:
    bot.say("i need a lawyer")
    bot.choose("Where?")
    assert bot.choose("In my town").text == "Which town?"
    said = bot.say("Oujda")
    assert said.replies[0].text == "Associations help."
    assert "Services in Oriental:" in said.replies[1].text
    assert "OMDH Oujda (Oujda)" in said.replies[1].text
    assert "UNHCR Rabat" in said.replies[1].text and "+212 (0)5 37 54 54 00" in said.replies[1].text
    assert "ask a counsellor" in said.replies[1].text  # OMDH has no verified contact


def test_a_town_named_in_the_question_is_remembered(bot: TestBot) -> None:
    bot.say("i need a lawyer in casablanca")
    said = bot.choose("Where?")
    assert "Services in Casablanca-Settat:" in said.text
    assert "OMDH" not in said.text and "UNHCR Rabat" in said.text


def test_a_town_that_is_not_recognised_is_asked_again_once(bot: TestBot) -> None:
    bot.say("i need a lawyer")
    bot.choose("Where?")
    bot.choose("In my town")
    assert "did not recognise a town" in bot.say("Lagos").text
    assert bot.say("Lagos").text.startswith("Associations help.")  # second miss: go on without


def test_a_critical_message_gets_the_safety_reply_and_an_urgent_ticket_even_mid_flow(
    bot: TestBot, runtime: Runtime
) -> None:
    bot.say("i need a lawyer")
    said = bot.say("i want to kill myself tonight")
    assert said.text == "You are not alone. Police: 19."
    assert said.state == "queued"
    assert said.ticket.priority == "critical" and said.ticket.reason == "critical_risk"


def test_an_elevated_message_offers_a_counsellor_once(bot: TestBot) -> None:
    bot.say("hello")
    said = bot.say("i am hopeless, i need a lawyer")
    assert said.replies[0].text == "Legal aid gives a lawyer."
    assert said.replies[-1].text == "Do you want a counsellor?"
    said = bot.say("yes")
    assert said.state == "queued" and said.ticket.priority == "elevated"


def test_talking_to_someone_opens_a_ticket_and_tells_the_place_in_the_queue(bot: TestBot) -> None:
    said = bot.say("i want a human counsellor")
    assert said.state == "queued" and said.ticket.priority == "normal"
    assert "You are number 1 in the queue." in said.text
    other = TestBot(bot.runtime, bot.portal, sender="someone-else")
    assert "You are number 2 in the queue." in other.say("i want a human counsellor").text


def test_while_waiting_for_a_counsellor_the_bot_answers_only_commands(bot: TestBot) -> None:
    bot.say("i want a human counsellor")
    assert bot.say("i need a lawyer").replies == ()
    assert bot.say("menu").labels[0] == "Legal aid"


def test_outside_opening_hours_the_person_hears_when_and_gets_the_emergency_numbers(
    make_runtime: Callable[..., Runtime], parser: KeywordParser, portal: BlockingPortal
) -> None:
    saturday_night = datetime(2026, 11, 28, 22, 0, tzinfo=UTC)
    runtime = make_runtime(
        parse=parser, opening_hours="mon-fri 09:00-17:00", clock=lambda: saturday_night
    )
    said = TestBot(runtime, portal).say("i want a human counsellor")
    assert said.state == "queued"
    assert "not here right now" in said.text
    assert "11/30/26, 9:00" in said.text.replace("\u202f", " ")  # Monday 09:00 Casablanca time
    assert said.replies[-1].text == "Emergency: police 19, child line 2511."


def test_deleting_my_data_erases_everything_after_a_confirmation(
    bot: TestBot, runtime: Runtime
) -> None:
    bot.say("i want a human counsellor")
    said = bot.say("erase my data")
    assert said.text == "Erase everything?"
    said = bot.say("yes")
    assert said.text == "Erased." and said.result.erased
    for model in (Contact, Conversation, Message, Ticket):
        assert count(runtime, model) == 0


def test_message_text_and_identities_are_not_stored_in_clear(
    make_runtime: Callable[..., Runtime], parser: KeywordParser, portal: BlockingPortal, tmp_path
) -> None:
    runtime = make_runtime(parse=parser)
    TestBot(runtime, portal, sender="+212612345678", channel="sms").say("i need a lawyer in oujda")
    raw = (tmp_path / "sanad.db").read_bytes()
    for wal in tmp_path.glob("sanad.db-wal"):
        raw += wal.read_bytes()
    assert b"lawyer" not in raw and b"oujda" not in raw.lower()
    assert b"212612345678" not in raw and b"Legal aid gives" not in raw
    with runtime.db.session() as s:
        contact = s.scalars(select(Contact)).one()
        assert runtime.vault.decrypt(contact.address) == "+212612345678"


def test_goodbye_ends_the_conversation_and_the_next_message_starts_a_new_one(
    bot: TestBot, runtime: Runtime
) -> None:
    assert bot.say("hello").state == "bot"
    assert bot.say("bye").state == "closed"
    bot.say("hello")
    assert count(runtime, Conversation) == 2


def test_a_production_start_without_secrets_is_a_clear_error() -> None:
    from bot.errors import ConfigError
    from bot.settings import Settings

    with pytest.raises(ConfigError, match="SANAD_SECRET_KEY, SANAD_DATA_KEY is not set"):
        Settings.from_mapping({"SANAD_ENV": "production"})
    settings = Settings.from_mapping(
        {"SANAD_ENV": "production", "SANAD_SECRET_KEY": "a", "SANAD_DATA_KEY": "b"}
    )
    assert replace(settings).production


def test_someone_waiting_who_writes_again_hears_they_are_still_in_the_queue_now_and_then(
    make_runtime: Callable[..., Runtime], parser: KeywordParser, portal: BlockingPortal
) -> None:
    now = [datetime(2026, 11, 30, 10, 0, tzinfo=UTC)]
    bot = TestBot(make_runtime(parse=parser, clock=lambda: now[0]), portal)
    bot.say("i need a lawyer")
    assert bot.say("i want a human counsellor").state == "queued"
    assert bot.say("hello?").replies == ()  # just told
    now[0] += timedelta(minutes=11)
    assert (
        bot.say("hello??").text
        == "A counsellor will answer you here as soon as possible. You are number 1 in the queue."
    )
    assert bot.say("please").replies == ()


def test_a_town_alone_while_a_topic_offers_local_services_shows_them(bot: TestBot) -> None:
    bot.say("i need a lawyer")
    said = bot.say("Oujda")
    assert said.replies[0].text == "Associations help."
    assert "OMDH Oujda" in said.replies[1].text


def test_erased_rows_do_not_linger_in_the_database_file(
    make_runtime: Callable[..., Runtime], parser: KeywordParser, portal: BlockingPortal, tmp_path
) -> None:
    runtime = make_runtime(parse=parser)
    bot = TestBot(runtime, portal, sender="+212611111111", channel="sms")
    bot.say("i need a lawyer", provider_id="SMdeadbeef01")
    key = runtime.engine.contact_key("sms", "+212611111111").encode()
    bot.say("erase my data")
    assert bot.say("yes").result.erased
    raw = b"".join(p.read_bytes() for p in tmp_path.glob("sanad.db*"))
    assert key not in raw and b"SMdeadbeef01" not in raw
