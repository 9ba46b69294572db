"""Everything one Sanad process needs, built once from the settings."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy.orm import Session

from bot.checkins import Checkins, CheckinSettings, Scheduler, conversation_for
from bot.content import Content, load_content
from bot.crypto import Vault
from bot.engine import ConsoleEvent, Engine
from bot.errors import ConfigError
from bot.escalation import open_ticket
from bot.hours import OpeningHours
from bot.outbox import Outbox
from bot.settings import Settings
from bot.state import StateStore, open_store
from bot.storage import Contact, Database, utcnow
from nlu.normalise import normalise
from nlu.types import Parse

if TYPE_CHECKING:
    from bot.channels import Adapter

KEY_FILE = Path(".sanad.key")


@dataclass
class Runtime:
    settings: Settings
    content: Content
    db: Database
    store: StateStore
    vault: Vault
    hours: OpeningHours
    engine: Engine
    outbox: Outbox
    adapters: dict[str, Adapter] = field(default_factory=dict)  # by channel name, set by the app
    scheduler: Scheduler | None = None

    @classmethod
    def create(
        cls,
        settings: Settings,
        *,
        parse: Callable[[str], Parse] | None = None,
        clock: Callable[[], datetime] = utcnow,
        store: StateStore | None = None,
        migrate: bool = False,
        key_file: Path = KEY_FILE,
    ) -> Runtime:
        """Load content (refusing to start on any problem), open the database and the store."""
        if not settings.production:
            settings = settings.with_local_secrets(key_file)
        content = load_content(settings.content_dir)
        db = Database(settings.database_url)
        if migrate:
            db.upgrade()
        vault = Vault(settings.data_key)
        hours = OpeningHours.parse(settings.opening_hours, settings.timezone)
        store = store or open_store(settings.redis_url)
        if parse is None:
            import nlu  # loads (or trains) the model: only when no parser is given

            parse = nlu.get_model().parse
        adapters: dict[str, Adapter] = {}  # filled by the app with the adapters it finds
        renderer = content.renderer
        outbox = Outbox(db, vault, renderer, adapters, clock)
        checkins = (
            Checkins(
                content.questionnaires,
                hours.zone,
                checkin_settings(settings),
                normalise,
                lambda code, text: renderer.text(text, code),
            )
            if content.questionnaires
            else None
        )
        engine = Engine(
            content,
            db,
            store,
            vault,
            parse,
            normalise,
            hours,
            clock,
            outbox=outbox,
            checkins=checkins,
        )
        runtime = cls(settings, content, db, store, vault, hours, engine, outbox, adapters)
        if checkins is not None:
            runtime.scheduler = Scheduler(
                db, outbox, checkins, clock, runtime._follow_up, runtime._publish
            )
        return runtime

    def workers(self) -> dict[str, Callable[[], Coroutine[Any, Any, None]]]:
        """Background loops of one process (`sanad run` starts them; `sanad worker` runs
        only them)."""
        loops: dict[str, Callable[[], Coroutine[Any, Any, None]]] = {"outbox": self.outbox.run}
        if self.scheduler is not None:
            loops["checkins"] = self.scheduler.run
        return loops

    def _follow_up(self, session: Session, contact_id: int, now: datetime) -> ConsoleEvent | None:
        """Several check-ins missed in a row: a ticket so a counsellor can follow up."""
        contact = session.get(Contact, contact_id)
        if contact is None:
            return None
        conversation = conversation_for(session, contact_id, now)
        ticket, changed = open_ticket(
            session, conversation, contact, "normal", "checkins_missed", contact.language, now
        )
        return (
            ConsoleEvent("ticket", ticket.id, conversation.id, ticket.priority, ticket.language)
            if changed
            else None
        )

    async def _publish(self, event: ConsoleEvent) -> None:
        await self.store.publish("console", event.to_json())

    async def aclose(self) -> None:
        await self.store.close()
        self.db.dispose()


def checkin_settings(settings: Settings) -> CheckinSettings:
    """SANAD_CHECKIN_* settings (hours, a count): see the README's table."""

    def hours(name: str, default: float) -> timedelta:
        raw = settings.setting(name)
        try:
            return timedelta(hours=float(raw)) if raw else timedelta(hours=default)
        except ValueError as exc:
            raise ConfigError(f"{name}={raw!r}: write a number of hours, e.g. 6") from exc

    raw_follow_up = settings.setting("SANAD_CHECKIN_FOLLOWUP_AFTER") or "0"
    if not raw_follow_up.isdigit():
        raise ConfigError(
            f"SANAD_CHECKIN_FOLLOWUP_AFTER={raw_follow_up!r}: write a whole number (0: never)"
        )
    return CheckinSettings(
        questionnaire=settings.setting("SANAD_CHECKIN_QUESTIONNAIRE") or "wellbeing",
        reminder_after=hours("SANAD_CHECKIN_REMINDER_HOURS", 6),
        close_after=hours("SANAD_CHECKIN_CLOSE_HOURS", 24),
        stale_after=hours("SANAD_CHECKIN_STALE_HOURS", 6),
        follow_up_after=int(raw_follow_up),
    )
