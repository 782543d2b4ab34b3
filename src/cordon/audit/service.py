"""Reading the audit log: by person ("who looked at this person?"), by user, by time; export."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator, Sequence
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from cordon.audit import chain
from cordon.audit.models import AuditEntry, AuditSubject
from cordon.audit.read_log import reads
from cordon.core.pagination import paged


def _query(
    *,
    person_id: int | None,
    actor_user_id: int | None,
    since: dt.datetime | None,
    until: dt.datetime | None,
) -> Select[AuditEntry]:
    query = select(AuditEntry)
    if person_id is not None:
        query = query.where(
            AuditEntry.seq.in_(select(AuditSubject.seq).where(AuditSubject.person_id == person_id))
        )
    if actor_user_id is not None:
        query = query.where(AuditEntry.actor_user_id == actor_user_id)
    if since is not None:
        query = query.where(AuditEntry.at >= since)
    if until is not None:
        query = query.where(AuditEntry.at < until)
    return query


def entries(
    session: Session,
    *,
    person_id: int | None = None,
    actor_user_id: int | None = None,
    since: dt.datetime | None = None,
    until: dt.datetime | None = None,
    limit: int = 100,
    offset: int = 0,
) -> tuple[Sequence[AuditEntry], int]:
    """Newest first (the reads this process has still to append come first into the log)."""
    reads.flush()
    query = _query(person_id=person_id, actor_user_id=actor_user_id, since=since, until=until)
    return paged(session, query, AuditEntry.seq.desc(), limit=limit, offset=offset)


def subjects_of(session: Session, seqs: Sequence[int]) -> dict[int, list[int]]:
    found: dict[int, list[int]] = {s: [] for s in seqs}
    if seqs:
        rows = session.execute(
            select(AuditSubject.seq, AuditSubject.person_id)
            .where(AuditSubject.seq.in_(seqs))
            .order_by(AuditSubject.seq, AuditSubject.person_id)
        )
        for seq, person in rows:
            found[seq].append(person)
    return found


def export_lines(session: Session, **filters: Any) -> Iterator[str]:
    """The whole log (or the filtered part) as JSON lines, in chain order, hashes included,
    so an auditor can re-check the chain outside Cordon."""
    reads.flush()
    conn = session.connection()
    wanted = None
    if any(v is not None for v in filters.values()):
        wanted = set(session.scalars(_query(**filters).with_only_columns(AuditEntry.seq)))
    for seq, draft, prev_hash, hash_ in chain.stored(conn):
        if wanted is not None and seq not in wanted:
            continue
        record = chain.as_row(seq, draft, prev_hash, hash_) | {
            "at": draft.at.astimezone(dt.UTC).isoformat(timespec="microseconds"),
            "subjects": sorted(set(draft.subjects)),
        }
        yield json.dumps(record, ensure_ascii=False, sort_keys=True) + "\n"


def verify(session: Session, anchors: Sequence[tuple[int, str]] = ()) -> chain.Verdict:
    reads.flush()
    return chain.verify(session.connection(), anchors)
