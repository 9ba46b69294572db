"""Psychosocial check-ins: consented plans, questionnaires as content, answers, the scheduler.

A person opts in (after being told what is kept, why, for how long and how to erase it), picks a
frequency and a time of day; the scheduler sends each due check-in exactly once — even with many
workers (`SELECT … FOR UPDATE SKIP LOCKED` on PostgreSQL) — skips the stale ones after downtime,
reminds once, then closes it as missed. Answers are scored; a distress answer offers a counsellor,
a danger answer opens a critical ticket.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from pathlib import Path
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

import yaml
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from bot.domain import Answer, Option, Plural, Reply, Text
from bot.errors import ContentError
from bot.storage import CheckIn, CheckInAnswer, CheckInPlan, Contact, Conversation
from bot.yamlio import load_yaml

if TYPE_CHECKING:
    from bot.crypto import Vault
    from bot.engine import ConsoleEvent
    from bot.outbox import Outbox
    from bot.storage import Database

log = logging.getLogger(__name__)

OPEN = ("open", "reminded")
RETENTION = timedelta(days=180)  # what the consent text promises: erased 6 months after
OUTCOMES = ("offer", "critical")
QUESTIONNAIRE_FIELDS = {"checkin", "intro", "items", "offer_at", "thanks", "resources", "reminder"}
ITEM_FIELDS = {"id", "ask", "options", "safety"}
CHOICE_FIELDS = {"id", "label", "score", "outcome"}

SUBSCRIBED = Plural(
    "checkin.subscribed",
    "Done. Your first check-in will come on {when}, then every day. Write “stop” at any time "
    "to stop them.",
    "Done. Your first check-in will come on {when}, then every {days} days. Write “stop” at "
    "any time to stop them.",
    "days",
)
NOT_SUBSCRIBED = Text(
    "checkin.not_subscribed",
    "You do not receive check-ins, so there is nothing to stop. You can still write to me at "
    "any time.",
)
STOPPED = Text(
    "checkin.stopped",
    "Check-ins are stopped: you will not receive any more. Your past answers are erased after "
    "6 months, or at once if you write “delete my data”.",
)
PAUSED = Text(
    "checkin.paused",
    "Check-ins are paused. Write “resume check-ins” or use the menu to start them again.",
)
RESUMED = Text("checkin.resumed", "Check-ins are on again. The next one will come on {when}.")
BACK = Text("checkin.back", "Back to your check-in:")
REASK = Text("checkin.reask", "Please answer with the number of one of the options:")
MISSING_CHOICE = Text(
    "checkin.missing_choice",
    "I need the frequency and the time of day for your check-ins: write “check-ins” to start "
    "again.",
)


# --- questionnaires (content/checkins/*.yml) -------------------------------------------------


@dataclass(frozen=True)
class Choice:
    id: str
    label: Text
    score: int
    outcome: str | None  # None | "offer" | "critical"


@dataclass(frozen=True)
class Item:
    id: str
    ask: Text
    choices: tuple[Choice, ...]
    safety: bool

    def option_id(self, name: str, choice: Choice) -> str:
        return f"checkin.{name}.{self.id}:{choice.id}"


@dataclass(frozen=True)
class Questionnaire:
    name: str
    intro: Text
    items: tuple[Item, ...]
    offer_at: int
    thanks: Text
    reminder: Text
    resources: str | None  # a knowledge-base key shown with the thanks
    file: Path

    def texts(self) -> list[Text]:
        texts = [self.intro, self.thanks, self.reminder]
        for item in self.items:
            texts.append(item.ask)
            texts.extend(c.label for c in item.choices)
        return texts

    def question(self, index: int) -> Reply:
        item = self.items[index]
        return Reply(
            item.ask, tuple(Option(item.option_id(self.name, c), c.label) for c in item.choices)
        )


def load_questionnaires(directory: Path) -> dict[str, Questionnaire]:
    problems: list[str] = []
    found: dict[str, Questionnaire] = {}
    for path in sorted(directory.glob("*.yml")):
        try:
            data = load_yaml(path)
        except (yaml.YAMLError, ContentError) as exc:
            problems.append(f"{path}: not valid YAML: {exc}")
            continue
        questionnaire = _questionnaire(path, data, problems)
        if questionnaire is not None:
            if questionnaire.name in found:
                problems.append(f"{path}: duplicate check-in {questionnaire.name!r}")
            found[questionnaire.name] = questionnaire
    if problems:
        raise ContentError(problems)
    return found


def _questionnaire(path: Path, data: object, problems: list[str]) -> Questionnaire | None:
    if not isinstance(data, dict) or not isinstance(data.get("checkin"), str):
        problems.append(
            f"{path}: expected `checkin: <name>`, `intro`, `items`, `thanks`, `reminder`"
        )
        return None
    name = data["checkin"]
    unknown = set(data) - QUESTIONNAIRE_FIELDS
    if unknown:
        problems.append(f"{path}: unknown field(s) {', '.join(sorted(unknown))}")
    before = len(problems)

    def text(key: str, value: object, ctx: str) -> Text:
        if not isinstance(value, str) or not value.strip():
            problems.append(f"{path}: {key}: a text is missing")
            return Text.from_content(ctx, "")
        return Text.from_content(ctx, value.strip())

    items: list[Item] = []
    seen: set[str] = set()
    for raw in data.get("items") or []:
        if not isinstance(raw, dict) or set(raw) - ITEM_FIELDS or not raw.get("id"):
            problems.append(f"{path}: each item has id, ask, options (and optional safety: true)")
            continue
        item_id = str(raw["id"])
        if item_id in seen:
            problems.append(f"{path}: item {item_id}: duplicate item id")
        seen.add(item_id)
        choices: list[Choice] = []
        for option in raw.get("options") or []:
            if not isinstance(option, dict) or set(option) - CHOICE_FIELDS or not option.get("id"):
                problems.append(
                    f"{path}: item {item_id}: each option has id, label, score (and outcome)"
                )
                continue
            outcome = option.get("outcome")
            if outcome is not None and outcome not in OUTCOMES:
                problems.append(
                    f"{path}: item {item_id}: outcome must be one of {', '.join(OUTCOMES)}"
                )
            choices.append(
                Choice(
                    str(option["id"]),
                    text(
                        f"item {item_id} option {option['id']}",
                        option.get("label"),
                        f"checkin.{name}.{item_id}.{option['id']}",
                    ),
                    int(option.get("score", 0)),
                    outcome,
                )
            )
        if len(choices) < 2:
            problems.append(f"{path}: item {item_id}: give at least two options")
        if len(choices) > 8:
            problems.append(f"{path}: item {item_id}: at most 8 options (phone keypad: 1 to 8)")
        items.append(
            Item(
                item_id,
                text(f"item {item_id}", raw.get("ask"), f"checkin.{name}.{item_id}"),
                tuple(choices),
                bool(raw.get("safety", False)),
            )
        )
    if not any(item.safety for item in items):
        problems.append(f"{path}: a check-in must have a safety item (`safety: true`)")
    safety_outcomes = {c.outcome for item in items if item.safety for c in item.choices}
    if items and "critical" not in safety_outcomes:
        problems.append(f"{path}: the safety item needs an option with `outcome: critical`")
    resources = data.get("resources")
    result = Questionnaire(
        name=name,
        intro=text("intro", data.get("intro"), f"checkin.{name}.intro"),
        items=tuple(items),
        offer_at=int(data.get("offer_at", 0) or 0),
        thanks=text("thanks", data.get("thanks"), f"checkin.{name}.thanks"),
        reminder=text("reminder", data.get("reminder"), f"checkin.{name}.reminder"),
        resources=str(resources) if resources else None,
        file=path,
    )
    if result.offer_at <= 0:
        problems.append(
            f"{path}: `offer_at` (the score from which a counsellor is offered) must be > 0"
        )
    return result if len(problems) == before else None


# --- scheduling arithmetic -------------------------------------------------------------------


def next_occurrence(after: datetime, time_of_day: str, zone: ZoneInfo) -> datetime:
    """The first moment strictly after `after` that is `time_of_day` in the helpline's zone."""
    hour, minute = (int(part) for part in time_of_day.split(":"))
    local = after.astimezone(zone)
    candidate = datetime.combine(local.date(), time(hour, minute), zone)
    if candidate <= local:
        candidate = datetime.combine(local.date() + timedelta(days=1), time(hour, minute), zone)
    return candidate


def following(due: datetime, every_days: int, now: datetime) -> datetime:
    """The next due time after `now` on the plan's rhythm (periods missed while down are
    skipped)."""
    step = timedelta(days=every_days)
    nxt = due + step
    if nxt <= now:
        nxt += step * ((now - nxt) // step + 1)
    return nxt


# --- what the conversation does --------------------------------------------------------------


@dataclass
class Done:
    """What a check-in action or answer produced, for the engine to carry out."""

    replies: list[Reply] = field(default_factory=list)
    goto: str | None = None  # a flow node to run next
    critical: bool = False  # open a critical ticket (a danger answer)


@dataclass(frozen=True)
class CheckinSettings:
    questionnaire: str = "wellbeing"
    reminder_after: timedelta = timedelta(hours=6)
    close_after: timedelta = timedelta(hours=24)  # after the reminder
    stale_after: timedelta = timedelta(hours=6)  # a check-in later than this is skipped
    follow_up_after: int = 0  # missed in a row before a follow-up ticket; 0: never


class Checkins:
    """Check-in operations inside a turn (sync, in the turn's transaction)."""

    def __init__(
        self,
        questionnaires: dict[str, Questionnaire],
        zone: ZoneInfo,
        settings: CheckinSettings,
        normalise: Callable[[str], str],
        label_of: Callable[[str, Text], str],
    ) -> None:
        self.questionnaires, self.zone, self.settings = questionnaires, zone, settings
        self.normalise, self.label_of = normalise, label_of

    @property
    def default(self) -> Questionnaire:
        return self.questionnaires[self.settings.questionnaire]

    def plan_of(self, session: Session, contact: Contact) -> CheckInPlan | None:
        return session.scalar(select(CheckInPlan).where(CheckInPlan.contact_id == contact.id))

    def open_checkin(self, session: Session, contact: Contact) -> CheckIn | None:
        return session.scalar(
            select(CheckIn)
            .where(CheckIn.contact_id == contact.id, CheckIn.status.in_(OPEN))
            .order_by(CheckIn.id.desc())
        )

    # actions named in content/flows/checkin.yml

    def subscribe(
        self, session: Session, contact: Contact, slots: dict[str, str], now: datetime
    ) -> Done:
        every, at = slots.pop("every_days", None), slots.pop("checkin_time", None)
        if not every or not at:
            return Done([Reply(MISSING_CHOICE)])
        plan = self.plan_of(session, contact)
        if plan is None:
            plan = CheckInPlan(
                contact_id=contact.id,
                questionnaire=self.settings.questionnaire,
                every_days=int(every),
                time_of_day=at,
                consent_at=now,
                created_at=now,
            )
            session.add(plan)
        plan.every_days, plan.time_of_day, plan.status, plan.consent_at = (
            int(every),
            at,
            "active",
            now,
        )
        plan.next_due_at, plan.missed_in_row = next_occurrence(now, at, self.zone), 0
        when = plan.next_due_at.astimezone(self.zone)
        return Done([Reply(SUBSCRIBED.with_params(when=when, days=plan.every_days))])

    def pause(self, session: Session, contact: Contact) -> Done:
        plan = self.plan_of(session, contact)
        if plan is None or plan.status == "stopped":
            return Done([Reply(NOT_SUBSCRIBED)])
        plan.status = "paused"
        self._close_open(session, contact, "skipped")
        return Done([Reply(PAUSED)])

    def resume(self, session: Session, contact: Contact, now: datetime) -> Done:
        plan = self.plan_of(session, contact)
        if plan is None or plan.status == "stopped":
            return Done([Reply(NOT_SUBSCRIBED)])
        plan.status = "active"
        plan.next_due_at = next_occurrence(now, plan.time_of_day, self.zone)
        return Done([Reply(RESUMED.with_params(when=plan.next_due_at.astimezone(self.zone)))])

    def stop(self, session: Session, contact: Contact) -> Done:
        plan = self.plan_of(session, contact)
        if plan is None or plan.status == "stopped":
            return Done([Reply(NOT_SUBSCRIBED)])  # a friendly confirmation, not an error
        plan.status, plan.next_due_at = "stopped", None
        self._close_open(session, contact, "skipped")
        return Done([Reply(STOPPED)])

    def _close_open(self, session: Session, contact: Contact, status: str) -> None:
        checkin = self.open_checkin(session, contact)
        if checkin is not None:
            checkin.status = status

    # answers

    def questionnaire_of(self, session: Session, checkin: CheckIn) -> Questionnaire:
        plan = session.get(CheckInPlan, checkin.plan_id)
        return self.questionnaires.get(plan.questionnaire if plan else "") or self.default

    def opening(self, session: Session, checkin: CheckIn) -> list[Reply]:
        """The check-in's introduction and first question."""
        questionnaire = self.questionnaire_of(session, checkin)
        return [
            Reply(questionnaire.intro.with_params(count=len(questionnaire.items))),
            questionnaire.question(0),
        ]

    def current_question(self, session: Session, checkin: CheckIn) -> list[Reply]:
        questionnaire = self.questionnaire_of(session, checkin)
        return [
            Reply(BACK),
            questionnaire.question(min(checkin.item, len(questionnaire.items) - 1)),
        ]

    def answer(
        self,
        session: Session,
        checkin: CheckIn,
        text: str,
        option: str | None,
        language: str,
        risky: bool,
        slots: dict[str, str],
        vault: Vault,
        now: datetime,
    ) -> Done:
        plan = session.get(CheckInPlan, checkin.plan_id)
        questionnaire = self.questionnaires.get(plan.questionnaire if plan else "") or self.default
        item = questionnaire.items[min(checkin.item, len(questionnaire.items) - 1)]
        choice = self._choice(questionnaire, item, text, option, language)
        key = f"{checkin.id}:{checkin.item}"
        if choice is None:
            if slots.get("_reask") != key:  # not an option: ask again once, with the options
                slots["_reask"] = key
                return Done([Reply(REASK), questionnaire.question(checkin.item)])
            # Twice not an option: keep the words, flagged for a counsellor when they are risky.
            session.add(
                CheckInAnswer(
                    checkin_id=checkin.id,
                    contact_id=checkin.contact_id,
                    item=item.id,
                    free_text=vault.encrypt(text),
                    flagged=risky,
                    created_at=now,
                )
            )
        else:
            session.add(
                CheckInAnswer(
                    checkin_id=checkin.id,
                    contact_id=checkin.contact_id,
                    item=item.id,
                    value=choice.score,
                    created_at=now,
                )
            )
            if choice.outcome == "critical":
                return self._finish(session, checkin, plan, questionnaire, now, "critical")
        slots.pop("_reask", None)
        checkin.item += 1
        if checkin.item < len(questionnaire.items):
            return Done([questionnaire.question(checkin.item)])
        return self._finish(session, checkin, plan, questionnaire, now, None)

    def _choice(
        self, questionnaire: Questionnaire, item: Item, text: str, option: str | None, language: str
    ) -> Choice | None:
        if option is not None:
            return next(
                (c for c in item.choices if item.option_id(questionnaire.name, c) == option), None
            )
        typed = self.normalise(text)
        if typed.isdigit() and 1 <= int(typed) <= len(item.choices):
            return item.choices[int(typed) - 1]
        for choice in item.choices:
            labels = {choice.id, choice.label.source, self.label_of(language, choice.label)}
            if typed in {self.normalise(label) for label in labels}:
                return choice
        return None

    def _finish(
        self,
        session: Session,
        checkin: CheckIn,
        plan: CheckInPlan | None,
        questionnaire: Questionnaire,
        now: datetime,
        outcome: str | None,
    ) -> Done:
        values = session.scalars(
            select(CheckInAnswer.value).where(
                CheckInAnswer.checkin_id == checkin.id, CheckInAnswer.value.is_not(None)
            )
        ).all()
        checkin.score = sum(v for v in values if v is not None)
        flagged = session.scalar(
            select(func.count()).where(
                CheckInAnswer.checkin_id == checkin.id, CheckInAnswer.flagged.is_(True)
            )
        )
        if outcome is None:
            offer = (
                checkin.score >= questionnaire.offer_at
                or bool(flagged)
                or self._chose_offer(session, checkin, questionnaire)
            )
            outcome = "offer" if offer else "fine"
        checkin.status, checkin.completed_at, checkin.outcome = "completed", now, outcome
        if plan is not None:
            plan.missed_in_row = 0
        if outcome == "critical":
            return Done(critical=True)
        replies = [Reply(questionnaire.thanks)]
        if outcome == "fine" and questionnaire.resources:
            replies.append(Reply(Answer(questionnaire.resources)))
        return Done(replies, goto="system.offer_counsellor" if outcome == "offer" else None)

    def _chose_offer(
        self, session: Session, checkin: CheckIn, questionnaire: Questionnaire
    ) -> bool:
        answers = session.execute(
            select(CheckInAnswer.item, CheckInAnswer.value).where(
                CheckInAnswer.checkin_id == checkin.id
            )
        ).all()
        for item_id, value in answers:
            item = next((i for i in questionnaire.items if i.id == item_id), None)
            if item and any(c.outcome == "offer" and c.score == value for c in item.choices):
                return True
        return False


# --- the scheduler ---------------------------------------------------------------------------


@dataclass
class Tick:
    sent: int = 0
    skipped: int = 0
    reminded: int = 0
    missed: int = 0
    events: list[ConsoleEvent] = field(default_factory=list)


class Scheduler:
    """Sends due check-ins, reminders, and closes missed ones; safe with many workers."""

    def __init__(
        self,
        db: Database,
        outbox: Outbox,
        checkins: Checkins,
        clock: Callable[[], datetime],
        open_ticket: Callable[[Session, int, datetime], ConsoleEvent | None],
        publish: Callable[[ConsoleEvent], Awaitable[None]],
    ) -> None:
        self.db, self.outbox, self.checkins, self.clock = db, outbox, checkins, clock
        self.open_ticket, self.publish = open_ticket, publish

    def _locked(self, query):  # type: ignore[no-untyped-def]
        return query if self.db.is_sqlite else query.with_for_update(skip_locked=True)

    def tick(self) -> Tick:
        tick = Tick()
        self._start_due(tick)
        self._remind(tick)
        self._close_missed(tick)
        self._purge()
        return tick

    def _purge(self) -> None:
        """Erase check-ins (and their answers) older than the retention promised at consent."""
        limit = self.clock() - RETENTION
        with self.db.session() as session:
            old = select(CheckIn.id).where(CheckIn.due_at < limit, CheckIn.status.not_in(OPEN))
            session.execute(delete(CheckInAnswer).where(CheckInAnswer.checkin_id.in_(old)))
            session.execute(
                delete(CheckIn).where(CheckIn.due_at < limit, CheckIn.status.not_in(OPEN))
            )
            session.execute(
                delete(CheckInPlan).where(
                    CheckInPlan.status == "stopped", CheckInPlan.updated_at < limit
                )
            )

    def _start_due(self, tick: Tick) -> None:
        now, settings = self.clock(), self.checkins.settings
        with self.db.session() as session:
            plans = session.scalars(
                self._locked(
                    select(CheckInPlan)
                    .where(CheckInPlan.status == "active", CheckInPlan.next_due_at <= now)
                    .order_by(CheckInPlan.next_due_at)
                    .limit(100)
                )
            ).all()
            for plan in plans:
                due = plan.next_due_at or now
                plan.next_due_at = following(due, plan.every_days, now)
                contact = session.get(Contact, plan.contact_id)
                if contact is None:
                    continue
                previous = self.checkins.open_checkin(session, contact)
                if previous is not None:  # the last one was never finished
                    previous.status = "missed"
                    plan.missed_in_row += 1
                if now - due > settings.stale_after:  # after downtime: skip, do not burst
                    session.add(
                        CheckIn(
                            plan_id=plan.id, contact_id=contact.id, due_at=due, status="skipped"
                        )
                    )
                    tick.skipped += 1
                    continue
                # On the phone line nothing can be sent: the check-in waits (sent_at empty) and
                # is asked, on the keypad, when the person next calls.
                by_phone = contact.channel == "voice"
                checkin = CheckIn(
                    plan_id=plan.id,
                    contact_id=contact.id,
                    due_at=due,
                    status="open",
                    item=0,
                    sent_at=None if by_phone else now,
                )
                session.add(checkin)
                session.flush()
                if not by_phone:
                    self.outbox.enqueue(
                        session,
                        contact,
                        self.checkins.opening(session, checkin),
                        contact.language or "fr",
                        proactive=True,
                        template="checkin",
                    )
                tick.sent += 1

    def _remind(self, tick: Tick) -> None:
        now = self.clock()
        with self.db.session() as session:
            rows = session.scalars(
                self._locked(
                    select(CheckIn).where(
                        CheckIn.status == "open",
                        CheckIn.sent_at <= now - self.checkins.settings.reminder_after,
                    )
                )
            ).all()
            for checkin in rows:
                contact = session.get(Contact, checkin.contact_id)
                if contact is None:
                    continue
                questionnaire = self.checkins.questionnaire_of(session, checkin)
                checkin.status, checkin.reminded_at = "reminded", now
                if contact.channel != "voice":  # a caller cannot be written to
                    self.outbox.enqueue(
                        session,
                        contact,
                        [Reply(questionnaire.reminder), questionnaire.question(checkin.item)],
                        contact.language or "fr",
                        proactive=True,
                        template="checkin",
                    )
                tick.reminded += 1

    def _close_missed(self, tick: Tick) -> None:
        now, settings = self.clock(), self.checkins.settings
        with self.db.session() as session:
            rows = session.scalars(
                self._locked(
                    select(CheckIn).where(
                        CheckIn.status == "reminded",
                        CheckIn.reminded_at <= now - settings.close_after,
                    )
                )
            ).all()
            for checkin in rows:
                checkin.status = "missed"
                tick.missed += 1
                plan = session.get(CheckInPlan, checkin.plan_id)
                if plan is None:
                    continue
                plan.missed_in_row += 1
                if settings.follow_up_after and plan.missed_in_row == settings.follow_up_after:
                    event = self.open_ticket(session, plan.contact_id, now)
                    if event is not None:
                        tick.events.append(event)

    async def run(self, interval: float = 30.0) -> None:
        """The scheduler loop of `sanad run` / `sanad worker`; cancel to stop."""
        import asyncio

        import anyio

        while True:
            try:
                tick = await anyio.to_thread.run_sync(self.tick)
                if tick.sent or tick.reminded:
                    self.outbox.wake()
                for event in tick.events:
                    await self.publish(event)
            except Exception:
                log.exception("check-in scheduler: a round failed")
            await asyncio.sleep(interval)


def conversation_for(session: Session, contact_id: int, now: datetime) -> Conversation:
    conversation = session.scalar(
        select(Conversation)
        .where(Conversation.contact_id == contact_id, Conversation.state != "closed")
        .order_by(Conversation.id.desc())
    )
    if conversation is None:
        conversation = Conversation(
            contact_id=contact_id, state="bot", started_at=now, updated_at=now
        )
        session.add(conversation)
        session.flush()
    return conversation
