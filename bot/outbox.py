"""The outbox: replies that leave through a provider's API, not inside a webhook's answer.

Rows are written in the same transaction as the turn that produced them, claimed with a short
lease (`SELECT … FOR UPDATE SKIP LOCKED` on PostgreSQL, so many workers never send one twice),
sent in order per contact, and retried with backoff while the provider is down: none is lost.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import json
import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import and_, exists, select, update
from sqlalchemy.orm import Session, aliased

from bot.crypto import Vault
from bot.domain import Capabilities, Rendered, Reply
from bot.render import Renderer
from bot.storage import Contact, Database, Outbound, utcnow

if TYPE_CHECKING:
    from bot.channels import Adapter

log = logging.getLogger(__name__)

LEASE = timedelta(seconds=60)  # a crashed worker's claim is taken over after this
GIVE_UP_AFTER = timedelta(days=3)  # a message that could not leave in 3 days is stale
MAX_BACKOFF = timedelta(minutes=15)


class RetryLater(Exception):
    """The provider cannot take it now (outage, flood limit); `after` seconds if it said so."""

    def __init__(self, reason: str, after: float | None = None) -> None:
        super().__init__(reason)
        self.after = after


class Undeliverable(Exception):
    """This message can never be delivered (unknown number, blocked bot): do not retry."""


@dataclass(frozen=True)
class Delivery:
    """What an adapter needs to send one outbox row."""

    id: int
    channel: str
    address: str
    language: str
    messages: tuple[Rendered, ...]
    proactive: bool  # the person did not just write (WhatsApp's 24-hour window)
    template: str | None
    last_inbound_at: datetime | None
    attempt: int = 0  # the claim's lease token: only the worker holding it may send or settle


class Outbox:
    def __init__(
        self,
        db: Database,
        vault: Vault,
        renderer: Renderer,
        adapters: Mapping[str, Adapter],
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self.db, self.vault, self.renderer, self.adapters, self.clock = (
            db,
            vault,
            renderer,
            adapters,
            clock,
        )
        self._wake = asyncio.Event()

    def capabilities(self, channel: str) -> Capabilities:
        adapter = self.adapters.get(channel)
        return adapter.capabilities(channel) if adapter is not None else Capabilities()

    def enqueue(
        self,
        session: Session,
        contact: Contact,
        replies: Sequence[Reply],
        language: str,
        *,
        proactive: bool = False,
        template: str | None = None,
    ) -> Outbound | None:
        """Render the replies for the contact's channel and queue them, in this transaction."""
        if not replies:
            return None
        caps = self.capabilities(contact.channel)
        rendered = [self.renderer.render(r, language, caps).to_dict() for r in replies]
        row = Outbound(
            contact_id=contact.id,
            channel=contact.channel,
            payload=self.vault.encrypt(json.dumps(rendered, ensure_ascii=False)),
            language=language,
            proactive=proactive,
            template=template,
            next_attempt_at=self.clock(),
            created_at=self.clock(),
        )
        session.add(row)
        session.flush()
        return row

    def wake(self) -> None:
        """Something was queued: deliver now rather than at the next poll."""
        self._wake.set()

    # --- delivery -----------------------------------------------------------------------------

    def _claim(self, limit: int) -> list[Delivery]:
        now = self.clock()
        earlier = aliased(Outbound)
        with self.db.session() as session:
            query = (
                select(Outbound, Contact)
                .join(Contact, Contact.id == Outbound.contact_id)
                .where(
                    Outbound.status == "pending",
                    Outbound.next_attempt_at <= now,
                    Outbound.channel.in_(list(self.adapters)),
                    # In order per contact: nothing leaves while an older one waits.
                    ~exists().where(
                        and_(
                            earlier.contact_id == Outbound.contact_id,
                            earlier.status == "pending",
                            earlier.id < Outbound.id,
                        )
                    ),
                )
                .order_by(Outbound.id)
                .limit(limit)
            )
            if not self.db.is_sqlite:
                query = query.with_for_update(of=Outbound, skip_locked=True)
            rows = session.execute(query).all()
            deliveries = []
            for row, contact in rows:
                row.next_attempt_at = now + LEASE
                row.attempts += 1
                deliveries.append(
                    Delivery(
                        id=row.id,
                        channel=row.channel,
                        address=self.vault.decrypt(contact.address),
                        language=row.language,
                        messages=tuple(
                            Rendered(
                                m["text"],
                                tuple((o["id"], o["label"]) for o in m["options"]),
                                row.language,
                            )
                            for m in json.loads(self.vault.decrypt(row.payload))
                        ),
                        proactive=row.proactive,
                        template=row.template,
                        last_inbound_at=contact.last_inbound_at,
                        attempt=row.attempts,
                    )
                )
            return deliveries

    def _renew(self, delivery: Delivery) -> bool:
        """Renew the lease just before sending: False when another worker took the row over
        (our lease ran out while earlier rows were being sent), so it must not be sent twice."""
        with self.db.session() as session:
            result = session.execute(
                update(Outbound)
                .where(
                    Outbound.id == delivery.id,
                    Outbound.status == "pending",
                    Outbound.attempts == delivery.attempt,
                )
                .values(next_attempt_at=self.clock() + LEASE)
            )
            return bool(result.rowcount)  # type: ignore[attr-defined]

    def _done(
        self,
        delivery: Delivery,
        *,
        provider_ids: Sequence[str] = (),
        error: str | None = None,
        retry_after: float | None = None,
        dead: bool = False,
    ) -> None:
        now = self.clock()
        with self.db.session() as session:
            row = session.get(Outbound, delivery.id)
            if row is None or row.attempts != delivery.attempt:  # erased, or taken over
                return
            if error is None:
                row.status, row.sent_at, row.error = "sent", now, None
                row.provider_ids = ",".join(provider_ids)[:400] or None
                return
            row.error = error[:200]
            if dead or now - row.created_at > GIVE_UP_AFTER:
                row.status = "dead"
                log.warning("outbox %s: given up after %s attempts", row.id, row.attempts)
                return
            backoff = (
                timedelta(seconds=retry_after)
                if retry_after is not None
                else min(timedelta(seconds=5 * 2 ** min(row.attempts, 10)), MAX_BACKOFF)
            )
            row.next_attempt_at = now + backoff

    async def deliver_due(self, limit: int = 20) -> int:
        """Try to send what is due; returns how many were tried (0: nothing is due)."""
        import anyio

        deliveries = await anyio.to_thread.run_sync(self._claim, limit)
        for delivery in deliveries:
            adapter = self.adapters.get(delivery.channel)
            if adapter is None or not await anyio.to_thread.run_sync(self._renew, delivery):
                continue
            outcome: dict[str, object] = {}
            try:
                outcome["provider_ids"] = await adapter.send(delivery) or ()
            except RetryLater as exc:
                log.info("outbox %s: %s; retrying", delivery.id, exc)
                outcome = {"error": str(exc), "retry_after": exc.after}
            except Undeliverable as exc:
                outcome = {"error": str(exc), "dead": True}
            except Exception as exc:  # a bug or an unexpected provider answer: retry, and say so
                log.exception("outbox %s: unexpected error from %s", delivery.id, delivery.channel)
                outcome = {"error": type(exc).__name__}
            await anyio.to_thread.run_sync(functools.partial(self._done, delivery, **outcome))  # type: ignore[arg-type]
        return len(deliveries)

    async def run(self, interval: float = 1.0) -> None:
        """Deliver forever (a task of `sanad run` and `sanad worker`); cancel to stop."""
        while True:
            try:
                while await self.deliver_due() > 0:
                    pass
            except Exception:
                log.exception("outbox: delivery round failed")
            self._wake.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), interval)

    def record_status(self, provider_id: str, status: str) -> bool:
        """A provider's delivery status callback (Twilio `MessageStatus`)."""
        with self.db.session() as session:
            result = session.execute(
                update(Outbound)
                .where(Outbound.provider_ids.contains(provider_id))
                .values(delivery_status=status[:20])
            )
            return bool(result.rowcount)  # type: ignore[attr-defined]
