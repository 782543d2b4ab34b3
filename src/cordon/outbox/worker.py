"""``cordon worker``: delivers the outbox (ADR 0010).

Each round claims a batch of due messages (one statement, committed), then for each message:
send it, record the outcome, commit — so a worker that dies leaves at most the message it
was sending without its outcome. The rest of its batch stays ``sending`` until the lease
runs out, then the next worker takes it up, with the same idempotency key.
"""

from __future__ import annotations

import logging
import os
import secrets
import signal
import socket
import time
from dataclasses import dataclass
from types import FrameType

from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from cordon.core.config import get_settings
from cordon.outbox import jobs, service
from cordon.outbox.channels import DeliveryError, Outgoing, Sender, configured
from cordon.outbox.enums import Channel, MessageStatus
from cordon.outbox.models import OutboxMessage

log = logging.getLogger("cordon.outbox")


@dataclass
class Tally:
    sent: int = 0
    retried: int = 0
    failed: int = 0


class Worker:
    def __init__(
        self,
        engine: Engine,
        *,
        batch_size: int = 100,
        senders: dict[Channel, Sender] | None = None,
    ) -> None:
        self.engine = engine
        self.batch_size = batch_size
        self.senders = configured(get_settings()) if senders is None else senders
        self.name = f"{socket.gethostname()[:40]}:{os.getpid()}:{secrets.token_hex(3)}"
        self.stopping = False
        self.tally = Tally()

    def stop(self, *_: object) -> None:
        """Finish the message being sent, then stop (SIGTERM, Ctrl-C)."""
        self.stopping = True

    def run(self, *, once: bool = False, poll: float = 1.0) -> Tally:
        """Deliver until stopped; with ``once``, until nothing is due. The installed jobs
        (``outbox.jobs``) run between rounds, each at its own interval."""
        try:
            # Every move of the worker is one statement: it runs in autocommit on one
            # connection held throughout — one round trip per message on PostgreSQL, where a
            # pooled session's check-out ping, BEGIN and COMMIT made four.
            with (
                self.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn,
                Session(bind=conn) as session,
            ):
                if conn.dialect.name == "postgresql":
                    conn.exec_driver_sql("SET synchronous_commit TO off")
                clock = jobs.Clock(self.engine)
                while not self.stopping:
                    clock.run_due()
                    if self.round(session) == 0:
                        if once:
                            break
                        time.sleep(poll)
        finally:
            for sender in self.senders.values():
                sender.close()
        return self.tally

    def round(self, session: Session) -> int:
        """Claim a batch and deliver it; the number of messages claimed."""
        ids = service.claim(
            session, worker=self.name, channels=self.senders.keys(), limit=self.batch_size
        )
        session.commit()
        if not ids:
            return 0
        rows = session.scalars(
            select(OutboxMessage).where(OutboxMessage.id.in_(ids)).order_by(OutboxMessage.id)
        ).all()
        batch = [(_outgoing(m), m.channel, m.attempts) for m in rows]
        session.rollback()
        session.expunge_all()
        lease = get_settings().outbox_lease_seconds
        renewed, held = time.monotonic(), set(ids)
        for number, (message, channel, attempts) in enumerate(batch):
            if self.stopping:
                service.release(session, worker=self.name, ids=[m.id for m, _, _ in batch[number:]])
                session.commit()
                break
            if time.monotonic() - renewed > lease / 3:
                held = service.renew(session, worker=self.name, ids=[m.id for m, _, _ in batch])
                session.commit()
                renewed = time.monotonic()
            if message.id in held:
                self.deliver(session, message, channel, attempts)
                session.commit()
        return len(ids)

    def deliver(self, session: Session, message: Outgoing, channel: Channel, attempts: int) -> None:
        try:
            provider_id = self.senders[channel].send(message)
        except DeliveryError as exc:
            self._failed(session, message, channel, attempts, exc.reason, permanent=exc.permanent)
        except Exception as exc:  # a fault of ours: its message could hold the text
            reason = f"error {type(exc).__name__}"
            self._failed(session, message, channel, attempts, reason, permanent=False)
        else:
            service.mark_sent(
                session, message_id=message.id, worker=self.name, provider_id=provider_id
            )
            self.tally.sent += 1

    def _failed(
        self,
        session: Session,
        message: Outgoing,
        channel: Channel,
        attempts: int,
        reason: str,
        *,
        permanent: bool,
    ) -> None:
        status = service.mark_failed(
            session,
            message_id=message.id,
            worker=self.name,
            attempts=attempts,
            reason=reason,
            permanent=permanent,
            channel=channel,
        )
        if status is MessageStatus.failed:
            self.tally.failed += 1
            log.warning("message %s failed for good: %s", message.id, reason)
        else:
            self.tally.retried += 1
            log.info("message %s will be tried again: %s", message.id, reason)


def _outgoing(m: OutboxMessage) -> Outgoing:
    return Outgoing(
        id=m.id,
        key=m.idempotency_key,
        recipient=m.recipient,
        language=m.language.value,
        kind=m.kind.value,
        subject=m.subject,
        body=m.body,
    )


def install_signals(worker: Worker) -> None:
    def handler(_signum: int, _frame: FrameType | None) -> None:
        worker.stop()

    signal.signal(signal.SIGTERM, handler)
    signal.signal(signal.SIGINT, handler)
