"""Everything one Sanad process needs, built once from the settings."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING
from datetime import datetime
from pathlib import Path

from bot.content import Content, load_content
from bot.crypto import Vault
from bot.engine import Engine
from bot.hours import OpeningHours
from bot.outbox import Outbox
from bot.settings import Settings
from bot.state import StateStore, open_store
from bot.storage import Database, utcnow
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
        outbox = Outbox(db, vault, content.renderer, adapters, clock)
        engine = Engine(content, db, store, vault, parse, normalise, hours, clock, outbox=outbox)
        return cls(settings, content, db, store, vault, hours, engine, outbox, adapters)

    def workers(self) -> dict[str, Callable[[], Awaitable[None]]]:
        """Background loops of one process (`sanad run` starts them; `sanad worker` runs only them)."""
        return {"outbox": self.outbox.run}

    async def aclose(self) -> None:
        await self.store.close()
        self.db.dispose()
