"""Kill the worker (SIGKILL, a real ``cordon worker`` process) in the middle of a batch and
start another: every message reaches the SMS centre, none is lost, and only the one that was
on the wire when the worker died — received, its answer not yet back — comes twice, with the
same reference, so an SMS centre that honours it drops the copy (ADR 0010)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from cordon.outbox import service
from cordon.outbox.enums import MessageStatus
from cordon.outbox.models import OutboxMessage

from .conftest import Configure
from .smsc import FakeSmsc

ROOT = Path(__file__).resolve().parents[2]
MESSAGES = 600
KILLED_AT = 250  # the SMS centre holds its answer to this submit_sm: the worker waits


def worker(env: dict[str, str], *args: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "cordon", "worker", "--batch-size", "100", "--poll", "0.1", *args],
        cwd=ROOT,
        env={**os.environ, **env, "PYTHONPATH": str(ROOT / "src")},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def test_a_worker_killed_mid_batch_loses_nothing_and_sends_nothing_twice(
    engine: Engine, session: Session, smsc: FakeSmsc, configure: Configure
) -> None:
    smsc.hold_at = KILLED_AT
    env = configure(smsc=smsc, outbox_lease_seconds=1)
    env["CORDON_DATABASE_URL"] = engine.url.render_as_string(hide_password=False)
    for n in range(MESSAGES):
        service.enqueue(
            session,
            channel="sms",
            recipient=f"+84912{n:06d}",
            kind="report_link",
            params={"link": f"https://c.example/r/{n}"},
            language="en",
            idempotency_key=f"link:{n}:sms",
        )
    session.commit()

    first = worker(env)
    assert smsc.holding.wait(timeout=60), first.communicate()[1].decode()
    first.send_signal(signal.SIGKILL)  # mid-batch, mid-send
    first.wait(timeout=10)
    smsc.release.set()
    assert len(smsc.received) == KILLED_AT

    time.sleep(1.1)  # the dead worker's lease runs out
    second = worker(env, "--once")
    _, err = second.communicate(timeout=60)
    assert second.returncode == 0, err.decode()

    counts = smsc.delivered()
    expected = {(f"84912{n:06d}", n + 1) for n in range(MESSAGES)}
    assert set(counts) == expected  # nothing lost
    twice = [key for key, times in counts.items() if times > 1]
    assert twice == [(f"84912{KILLED_AT - 1:06d}", KILLED_AT)]  # the one on the wire, twice
    assert counts[twice[0]] == 2
    session.expire_all()
    statuses = dict(
        session.execute(
            select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status)
        ).all()
    )
    assert statuses == {MessageStatus.sent: MESSAGES}
    retaken = session.scalar(
        select(func.count()).select_from(OutboxMessage).where(OutboxMessage.attempts == 2)
    )
    assert retaken is not None
    assert retaken == 51  # the rest of the dead worker's batch (200…300), the held one too
