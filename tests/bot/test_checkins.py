"""Check-ins with a controllable clock: consent, subscribe, due, answers, reminder, missed, stop."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
from anyio.from_thread import BlockingPortal
from sqlalchemy import func, select

from bot.runtime import Runtime
from bot.storage import CheckIn, CheckInAnswer, CheckInPlan, Contact, Outbound, Ticket
from bot.testing import Clock, TestBot

from .conftest import KeywordParser


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def runtime(make_runtime: Callable[..., Runtime], clock: Clock) -> Runtime:
    return make_runtime(parse=KeywordParser(), clock=clock)


@pytest.fixture
def bot(runtime: Runtime, portal: BlockingPortal) -> TestBot:
    return TestBot(runtime, portal, sender="+212600000009", channel="sms")


def subscribe(bot: TestBot, every: str = "Every 3 days", at: str = "18:00") -> str:
    bot.say("hello")
    assert bot.say("please check on me").text == "Keep your plan and answers?"
    assert bot.say("yes").text == "How often?"
    assert bot.choose(every).text == "What time?"
    return bot.say(at).text


def due_check_in(bot: TestBot, runtime: Runtime, clock: Clock) -> None:
    """Subscribe (every 3 days at 18:00), then let the first check-in come."""
    subscribe(bot)
    clock.advance(hours=7)
    assert tick(runtime).sent == 1


def plan(runtime: Runtime) -> CheckInPlan:
    with runtime.db.session() as s:
        return s.scalars(select(CheckInPlan)).one()


def checkins(runtime: Runtime) -> list[CheckIn]:
    with runtime.db.session() as s:
        return list(s.scalars(select(CheckIn).order_by(CheckIn.id)))


def outbox_texts(runtime: Runtime) -> list[list[str]]:
    with runtime.db.session() as s:
        rows = s.scalars(select(Outbound).order_by(Outbound.id)).all()
        return [[m["text"] for m in json.loads(runtime.vault.decrypt(r.payload))] for r in rows]


def tick(runtime: Runtime):  # type: ignore[no-untyped-def]
    assert runtime.scheduler is not None
    return runtime.scheduler.tick()


def test_consent_comes_first_and_saying_no_keeps_nothing(bot: TestBot, runtime: Runtime) -> None:
    bot.say("hello")
    assert bot.say("please check on me").text == "Keep your plan and answers?"
    assert bot.say("no").text == "Nothing is kept."
    with runtime.db.session() as s:
        assert s.scalar(select(func.count()).select_from(CheckInPlan)) == 0
    assert bot.say("i need a lawyer").text == "Legal aid gives a lawyer."  # still every answer


def test_subscribing_keeps_the_consent_frequency_and_time(
    bot: TestBot, runtime: Runtime, clock: Clock
) -> None:
    said = subscribe(bot)
    assert said.startswith("Done. Your first check-in will come on 11/30/26")
    assert "then every 3 days" in said
    kept = plan(runtime)
    assert (kept.every_days, kept.time_of_day, kept.status) == (3, "18:00", "active")
    assert kept.consent_at == clock.now
    assert kept.next_due_at == datetime(2026, 11, 30, 17, 0, tzinfo=UTC)  # 18:00 in Casablanca


def test_a_time_that_does_not_exist_is_explained(bot: TestBot) -> None:
    bot.say("hello")
    bot.say("please check on me")
    bot.say("yes")
    bot.choose("Every week")
    assert "from 00:00 to 23:59" in bot.say("25:99").text
    assert bot.say("7pm").text.startswith("Done.")


def test_a_due_check_in_is_sent_once_answered_and_scored(
    bot: TestBot, runtime: Runtime, clock: Clock
) -> None:
    subscribe(bot)
    assert tick(runtime).sent == 0  # not yet due
    clock.advance(hours=7)
    assert tick(runtime).sent == 1
    assert tick(runtime).sent == 0  # exactly once
    assert outbox_texts(runtime)[-1] == ["Check-in: 3 questions.", "Mood?"]
    assert bot.say("1").text == "Sleep?"
    assert bot.choose("Good").text == "Danger?"
    said = bot.say("no")
    assert said.text == "Thanks.\nLegal aid gives a lawyer."  # thanks and resources
    done = checkins(runtime)[-1]
    assert (done.status, done.score, done.outcome) == ("completed", 0, "fine")
    assert plan(runtime).next_due_at == datetime(2026, 12, 3, 17, 0, tzinfo=UTC)


def test_distress_answers_offer_a_counsellor(bot: TestBot, runtime: Runtime, clock: Clock) -> None:
    due_check_in(bot, runtime, clock)
    bot.say("2")
    bot.say("2")
    said = bot.say("1")
    assert said.replies[0].text == "Thanks."
    assert said.replies[-1].text == "Do you want a counsellor?"
    assert checkins(runtime)[-1].outcome == "offer"
    assert bot.say("yes").ticket.priority == "elevated"


def test_a_danger_answer_opens_a_critical_ticket(
    bot: TestBot, runtime: Runtime, clock: Clock
) -> None:
    due_check_in(bot, runtime, clock)
    bot.say("1")
    bot.say("1")
    said = bot.say("2")
    assert said.text == "You are not alone. Police: 19."
    assert said.ticket.priority == "critical" and said.state == "queued"
    assert checkins(runtime)[-1].outcome == "critical"


def test_an_answer_that_is_not_an_option_is_asked_again_once_then_kept_and_flagged(
    bot: TestBot, runtime: Runtime, clock: Clock
) -> None:
    due_check_in(bot, runtime, clock)
    again = bot.say("it is complicated")
    assert again.replies[0].text == "Please answer with the number of one of the options:"
    assert again.replies[1].text == "Mood?" and again.labels == ["Good", "Bad"]
    assert bot.say("i am hopeless, really").text == "Sleep?"  # kept as free text
    with runtime.db.session() as s:
        answer = s.scalars(select(CheckInAnswer)).one()
        assert answer.value is None and answer.flagged
        assert runtime.vault.decrypt(answer.free_text) == "i am hopeless, really"


def test_no_reply_gets_one_gentle_reminder_then_the_check_in_is_missed(
    make_runtime: Callable[..., Runtime], clock: Clock, portal: BlockingPortal
) -> None:
    runtime = make_runtime(
        parse=KeywordParser(), clock=clock, extra={"SANAD_CHECKIN_FOLLOWUP_AFTER": "2"}
    )
    bot = TestBot(runtime, portal, sender="+212600000010", channel="sms")
    subscribe(bot)
    for _ in range(2):
        clock.now = plan(runtime).next_due_at + timedelta(minutes=1)
        assert tick(runtime).sent == 1
        clock.advance(hours=6)
        assert tick(runtime).reminded == 1
        assert outbox_texts(runtime)[-1] == ["Reminder.", "Mood?"]
        assert tick(runtime).reminded == 0  # one reminder only
        clock.advance(hours=24)
        assert tick(runtime).missed == 1
    assert [c.status for c in checkins(runtime)] == ["missed", "missed"]
    assert plan(runtime).missed_in_row == 2
    with runtime.db.session() as s:  # two missed in a row: a follow-up ticket (setting)
        assert s.scalars(select(Ticket.reason)).all() == ["checkins_missed"]


def test_after_downtime_stale_check_ins_are_skipped_not_sent_in_a_burst(
    bot: TestBot, runtime: Runtime, clock: Clock
) -> None:
    subscribe(bot)
    clock.advance(days=10)  # the service was down for ten days
    result = tick(runtime)
    assert (result.sent, result.skipped) == (0, 1)
    assert outbox_texts(runtime) == []
    assert plan(runtime).next_due_at > clock.now


def test_stop_is_confirmed_in_one_message_and_stopping_twice_is_friendly(
    bot: TestBot, runtime: Runtime
) -> None:
    subscribe(bot)
    said = bot.say("stop")
    assert said.text.startswith("Check-ins are stopped")
    assert plan(runtime).status == "stopped"
    assert bot.say("stop").text.startswith("You do not receive check-ins")


def test_pause_and_resume(bot: TestBot, runtime: Runtime, clock: Clock) -> None:
    subscribe(bot)
    assert bot.say("please check on me").text == "Manage check-ins:"
    assert bot.choose("Pause").text.startswith("Check-ins are paused")
    clock.advance(hours=7)
    assert tick(runtime).sent == 0
    bot.say("please check on me")
    assert bot.choose("Resume").text.startswith("Check-ins are on again")
    assert plan(runtime).status == "active"


def test_a_command_during_a_check_in_is_a_detour_and_the_question_comes_back(
    bot: TestBot, runtime: Runtime, clock: Clock
) -> None:
    due_check_in(bot, runtime, clock)
    assert bot.say("menu").labels[0] == "Legal aid"
    assert checkins(runtime)[-1].status == "open"
    said = bot.say("2")  # "Talk to someone" in the menu, not an answer to the check-in
    assert said.state == "queued"


def test_erasing_my_data_erases_the_plan_and_the_answers(
    bot: TestBot, runtime: Runtime, clock: Clock
) -> None:
    due_check_in(bot, runtime, clock)
    bot.say("1")
    bot.say("erase my data")
    bot.say("yes")
    with runtime.db.session() as s:
        for model in (Contact, CheckInPlan, CheckIn, CheckInAnswer):
            assert s.scalar(select(func.count()).select_from(model)) == 0


def test_three_workers_on_postgresql_send_each_due_check_in_exactly_once(
    make_runtime: Callable[..., Runtime], postgres_url: str, clock: Clock, portal: BlockingPortal
) -> None:
    import threading

    runtimes = [
        make_runtime(parse=KeywordParser(), clock=clock, database_url=postgres_url)
        for _ in range(3)
    ]
    for n in range(12):
        subscribe(TestBot(runtimes[n % 3], portal, sender=f"+2126100000{n:02d}", channel="sms"))
    clock.advance(hours=7)
    barrier = threading.Barrier(3)
    sent: list[int] = []

    def work(runtime: Runtime) -> None:
        barrier.wait()
        for _ in range(3):
            sent.append(tick(runtime).sent)

    threads = [threading.Thread(target=work, args=(r,)) for r in runtimes]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(sent) == 12
    with runtimes[0].db.session() as s:
        assert s.scalar(select(func.count()).select_from(CheckIn)) == 12
        assert s.scalar(select(func.count()).select_from(Outbound)) == 12


def test_check_ins_older_than_the_retention_are_erased(
    bot: TestBot, runtime: Runtime, clock: Clock
) -> None:
    due_check_in(bot, runtime, clock)
    bot.say("1")
    bot.say("1")
    bot.say("1")
    clock.advance(days=181)
    tick(runtime)
    assert all(c.due_at > clock.now - timedelta(days=180) for c in checkins(runtime))


def test_after_a_detour_the_check_in_question_comes_back(
    bot: TestBot, runtime: Runtime, clock: Clock
) -> None:
    due_check_in(bot, runtime, clock)
    bot.say("menu")
    said = bot.say("1")  # legal aid: an answer with options, still a detour
    said = bot.choose("Main menu")
    said = bot.say("i need a lawyer")
    assert said.replies[0].text == "Legal aid gives a lawyer."
    assert bot.say("bye").replies[-2:][0].text == "Back to your check-in:"
    assert bot.say("1").text == "Sleep?"


def test_on_the_phone_line_a_due_check_in_is_asked_with_the_keypad_when_the_person_calls(
    runtime: Runtime, clock: Clock, portal: BlockingPortal
) -> None:
    caller = TestBot(runtime, portal, sender="+212600000077", channel="voice")
    subscribe(caller, at="1800")  # keys: no colon on a keypad
    clock.advance(hours=7)
    assert tick(runtime).sent == 1
    assert outbox_texts(runtime) == []  # nothing can be written to a caller
    said = caller.say(option="system.language:fr")  # the next call: the language key
    assert [r.text for r in said.replies] == ["Suivi : 3 questions.", "Humeur ?"]
    assert caller.say("2").text == "Sommeil ?"


WORDS = {  # what the fixture content says in each language
    "en": ("Check-in: 3 questions.", "Mood?", "Sleep?", "Check-ins are stopped"),
    "fr": ("Suivi : 3 questions.", "Humeur ?", "Sommeil ?", "Les messages de suivi sont arrêtés"),
    "ar": ("متابعة: 3 أسئلة.", "المزاج؟", "النوم؟", "تم إيقاف"),
}


@pytest.mark.parametrize("channel", ["webchat", "telegram", "whatsapp", "sms"])
@pytest.mark.parametrize("language", ["fr", "ar", "en"])
def test_subscribe_receive_answer_and_stop_in_each_language_on_each_text_channel(
    channel: str, language: str, runtime: Runtime, clock: Clock, portal: BlockingPortal
) -> None:
    bot = TestBot(runtime, portal, sender=f"{channel}-{language}", channel=channel)
    bot.say("ok")
    bot.say(option=f"system.language:{language}")
    bot.say("please check on me")  # the keyword parser knows the intent, not the language
    bot.say(option="checkin.consent:yes")
    bot.say(option="checkin.frequency:weekly")
    assert bot.say("18:00").language == language
    clock.advance(hours=7)
    assert tick(runtime).sent == 1
    intro, mood, sleep, stopped = WORDS[language]
    assert outbox_texts(runtime)[-1] == [intro, mood]
    with runtime.db.session() as s:
        row = s.scalars(select(Outbound).order_by(Outbound.id.desc())).first()
        assert row is not None and row.proactive and row.template == "checkin"
        assert row.channel == channel
    assert bot.say(option="checkin.wellbeing.mood:good").text == sleep
    bot.say("1")
    bot.say("1")
    assert checkins(runtime)[-1].status == "completed"
    said = bot.say("stop")
    assert said.text.startswith(stopped)


def test_check_in_answers_are_kept_with_the_check_in_not_in_the_history(
    bot: TestBot, runtime: Runtime, clock: Clock
) -> None:
    from bot.storage import Message

    due_check_in(bot, runtime, clock)
    bot.say("my husband hurts me at night")  # not an option: asked again
    bot.say("my husband hurts me at night")  # kept as the check-in's free-text answer
    with runtime.db.session() as s:
        bodies = [
            runtime.vault.decrypt(b)
            for b in s.scalars(
                select(Message.body).where(
                    Message.direction == "in", Message.media_type == "checkin_answer"
                )
            )
        ]
    assert bodies == ["", ""]
