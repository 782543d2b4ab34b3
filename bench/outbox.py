"""Issue 5: the outbox delivers ≥ 500 SMS a second to a local SMS centre.

Enqueues N SMS (Vietnamese, order_created, two or three UCS-2 parts each … or --short for a
one-part English report link), then times a worker draining them (``Worker.run(once=True)``,
what ``cordon worker --once`` runs) against the test suite's SMPP server in a process of its
own, so the two do not share one interpreter.

    .venv/bin/python bench/outbox.py --backend sqlite --messages 20000
    .venv/bin/python bench/outbox.py --backend postgresql --messages 20000 --short
"""

from __future__ import annotations

import argparse
import datetime as dt
import multiprocessing as mp
import os
import sys
import time
from pathlib import Path

from sqlalchemy import func, select, text

sys.path[:0] = [
    str(Path(__file__).resolve().parent),
    str(Path(__file__).resolve().parents[1] / "tests" / "outbox"),
]

from common import PG_BASE, RESULTS, machine, use_database  # noqa: E402


def serve(port_out: mp.Queue[int], done: mp.Queue[int], stop: object) -> None:  # type: ignore[type-arg]
    from smsc import FakeSmsc

    smsc = FakeSmsc().start()
    port_out.put(smsc.port)
    stop.wait()  # type: ignore[attr-defined]
    done.put(len(smsc.received))
    done.put(len(smsc.messages()))
    smsc.stop()


def fresh_database(backend: str) -> str:
    if backend == "sqlite":
        RESULTS.mkdir(parents=True, exist_ok=True)
        path = RESULTS / "outbox.db"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        return f"sqlite:///{path}"
    from cordon.core.db import make_engine

    admin = make_engine(PG_BASE)
    with admin.begin() as conn:
        conn.execute(text("DROP SCHEMA IF EXISTS bench_outbox CASCADE"))
        conn.execute(text("CREATE SCHEMA bench_outbox"))
    admin.dispose()
    return f"{PG_BASE}?options=-csearch_path%3Dbench_outbox"


def enqueue(n: int, short: bool) -> float:
    from cordon.core.db import session_scope
    from cordon.outbox import service

    started = time.perf_counter()
    for first in range(0, n, 1000):
        with session_scope() as session:
            for i in range(first, min(n, first + 1000)):
                if short:
                    kind, lang = "report_link", "en"
                    params: dict[str, service.templates.Param] = {
                        "link": f"https://c.example/r/{i}"
                    }
                else:
                    kind, lang = "order_created", "vi"
                    params = {
                        "place": "Khách sạn Mường Thanh, 1 Phạm Văn Đồng",
                        "start": dt.date(2021, 7, 20),
                        "end": dt.date(2021, 8, 2),
                    }
                service.enqueue(
                    session,
                    channel="sms",
                    recipient=f"+8491{i:07d}",
                    kind=kind,
                    params=params,
                    language=lang,
                    idempotency_key=f"bench:{i}",
                )
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--backend", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--messages", type=int, default=20_000)
    parser.add_argument("--batch-size", type=int, default=100)
    parser.add_argument("--short", action="store_true", help="one-part English SMS")
    args = parser.parse_args()

    ctx = mp.get_context("spawn")
    ports: mp.Queue[int] = ctx.Queue()
    done: mp.Queue[int] = ctx.Queue()
    stop = ctx.Event()
    server = ctx.Process(target=serve, args=(ports, done, stop), daemon=True)
    server.start()
    port = ports.get(timeout=30)

    use_database(fresh_database(args.backend))
    os.environ |= {
        "CORDON_SMPP_HOST": "127.0.0.1",
        "CORDON_SMPP_PORT": str(port),
        "CORDON_SMPP_SYSTEM_ID": "cordon",
        "CORDON_SMPP_PASSWORD": "secret",
    }
    from cordon.core.config import get_settings
    from cordon.core.db import get_engine, session_scope
    from cordon.core.migrate import upgrade
    from cordon.outbox.enums import MessageStatus
    from cordon.outbox.models import OutboxMessage
    from cordon.outbox.worker import Worker

    get_settings.cache_clear()
    upgrade(get_engine())
    enqueue_s = enqueue(args.messages, args.short)
    worker = Worker(get_engine(), batch_size=args.batch_size)
    started = time.perf_counter()
    tally = worker.run(once=True)
    elapsed = time.perf_counter() - started
    stop.set()
    pdus, whole = done.get(timeout=60), done.get(timeout=60)
    server.join(timeout=30)
    with session_scope() as session:
        sent = session.scalar(
            select(func.count())
            .select_from(OutboxMessage)
            .where(OutboxMessage.status == MessageStatus.sent)
        )
    print(f"machine: {machine()}; load average {os.getloadavg()[0]:.1f}")
    print(
        f"backend {args.backend}, {args.messages} SMS ({'short' if args.short else 'Vietnamese'})"
    )
    print(f"enqueue: {enqueue_s:.1f} s ({args.messages / enqueue_s:,.0f} messages/s)")
    print(
        f"deliver: {elapsed:.1f} s, {tally.sent / elapsed:,.0f} messages/s "
        f"({pdus / elapsed:,.0f} submit_sm/s); sent {sent}, SMS centre got {whole} messages "
        f"in {pdus} PDUs"
    )
    assert sent == args.messages == whole == tally.sent


if __name__ == "__main__":
    main()
