"""The hash chain: how an entry's hash is made, how entries are appended, how it is verified.

hash(n) = SHA-256(hash(n-1) ‖ canonical JSON of entry n's content, its subjects included),
with hash(0) = 64 zeros. Positions are contiguous, so a deleted entry leaves a gap; an
edited one no longer matches its hash; a rewritten tail no longer matches an *anchor* (a
position and hash recorded elsewhere, e.g. by ``cordon audit verify`` in an auditor's
report) — nothing inside one database can prove its own tail was not cut off.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt
from sqlalchemy import bindparam, insert, select, text, update
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from cordon.audit.models import AuditEntry, AuditHead, AuditSubject

GENESIS = "0" * 64


@dataclass
class Draft:
    """An entry not yet in the chain."""

    at: dt.datetime
    actor_user_id: int | None
    actor: str
    client_address: str | None
    action: str
    resource: str
    resource_id: str | None
    subjects: Sequence[int] = ()
    detail: dict[str, Any] = field(default_factory=dict)


def plain(value: Any) -> Any:
    """``value`` as JSON gives it back: dates and enums as text, tuples as lists."""
    return json.loads(json.dumps(value, default=str, ensure_ascii=False))


MANY = 1_000  # subjects past which an entry's people are sorted as an int64 array


def entry_hash(prev: str, seq: int, draft: Draft) -> str:
    """SHA-256 of ``prev`` and the canonical JSON of the entry (a list, its people sorted).
    An entry naming many people (a bulk load's) is hashed piece by piece, the same bytes
    without the whole text at once."""
    head = [
        seq,
        draft.at.astimezone(dt.UTC).isoformat(timespec="microseconds"),
        draft.actor_user_id,
        draft.actor,
        draft.client_address,
        draft.action,
        draft.resource,
        draft.resource_id,
    ]
    digest = hashlib.sha256(prev.encode())
    digest.update(_json(head)[:-1].encode() + b",")  # the list open: "[seq,…,resource_id,"
    for piece in _subjects_json(draft.subjects):
        digest.update(piece.encode())
    digest.update(b"," + _json(draft.detail).encode() + b"]")
    return digest.hexdigest()


def _json(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def people_of(subjects: Sequence[int]) -> list[int] | npt.NDArray[np.int64]:
    """The people of an entry, each once, in order."""
    if len(subjects) < MANY:
        return sorted(set(subjects))
    return np.unique(np.fromiter(subjects, dtype=np.int64, count=len(subjects)))


def _subjects_json(subjects: Sequence[int]) -> Iterator[str]:
    """``json.dumps(sorted(set(subjects)))``, in pieces of ``SUBJECTS_AT_ONCE`` people."""
    people = people_of(subjects)
    yield "["
    for start in range(0, len(people), SUBJECTS_AT_ONCE):
        part = people[start : start + SUBJECTS_AT_ONCE]
        listed = part.tolist() if isinstance(part, np.ndarray) else part
        yield ("," if start else "") + ",".join(map(str, listed))
    yield "]"


# Built once: an audit entry is written on every request, so the statements are not
# rebuilt each time (ADR 0006, bench/README.md).
_TAKE_HEAD = (
    update(AuditHead)
    .where(AuditHead.id == 1)
    .values(seq=AuditHead.seq + bindparam("n"))
    .returning(AuditHead.seq, AuditHead.hash)
)
_SET_HEAD = update(AuditHead).where(AuditHead.id == 1).values(hash=bindparam("new_hash"))
_ADD_ENTRIES = insert(AuditEntry)
_ADD_SUBJECTS = insert(AuditSubject)
# PostgreSQL takes a list of any length as two arrays in one statement (an executemany is a
# round trip per row: 2 ms for a page of 50 people).
_ADD_SUBJECTS_PG = text(
    "INSERT INTO audit_subjects (seq, person_id) "
    "SELECT * FROM unnest(CAST(:seqs AS bigint[]), CAST(:people AS bigint[]))"
)


def append(session: Session, drafts: Sequence[Draft]) -> None:
    """Add ``drafts`` to the chain inside the session's transaction. Taking the head row by
    an UPDATE first locks it until commit, so concurrent appenders queue here briefly."""
    conn = session.connection()
    head = conn.execute(_TAKE_HEAD, {"n": len(drafts)}).one_or_none()
    if head is None:  # an empty log: the genesis head
        conn.execute(insert(AuditHead).values(id=1, seq=len(drafts), hash=GENESIS))
        last, prev = len(drafts), GENESIS
    else:
        last, prev = head
    first = seq = last - len(drafts)
    entries: list[dict[str, Any]] = []
    for draft in drafts:
        seq += 1
        draft.detail = plain(draft.detail)
        before, prev = prev, entry_hash(prev, seq, draft)
        entries.append(as_row(seq, draft, before, prev))
    conn.execute(_ADD_ENTRIES, entries)
    _add_subjects(conn, first, drafts)
    conn.execute(_SET_HEAD, {"new_hash": prev})


SUBJECTS_AT_ONCE = 10_000


def _add_subjects(conn: Connection, first: int, drafts: Sequence[Draft]) -> None:
    """The people of each entry, ``SUBJECTS_AT_ONCE`` rows a statement: a bulk load's
    entries name every person it wrote, and their rows are not all built at once."""
    seqs: list[int] = []
    people: list[int] = []
    for seq, draft in enumerate(drafts, start=first + 1):
        named = people_of(draft.subjects)
        for start in range(0, len(named), SUBJECTS_AT_ONCE):
            part = named[start : start + SUBJECTS_AT_ONCE]
            listed: list[int] = part.tolist() if isinstance(part, np.ndarray) else list(part)
            seqs += [seq] * len(listed)
            people += listed
            if len(people) >= SUBJECTS_AT_ONCE:
                _write_subjects(conn, seqs, people)
                seqs, people = [], []
    if people:
        _write_subjects(conn, seqs, people)


def _write_subjects(conn: Connection, seqs: list[int], people: list[int]) -> None:
    if conn.dialect.name == "postgresql":
        conn.execute(_ADD_SUBJECTS_PG, {"seqs": seqs, "people": people})
    else:
        rows = [{"seq": s, "person_id": p} for s, p in zip(seqs, people, strict=True)]
        conn.execute(_ADD_SUBJECTS, rows)


def as_row(seq: int, draft: Draft, prev: str, hash_: str) -> dict[str, Any]:
    """An entry as the columns of ``audit_entries``."""
    return {
        "seq": seq,
        "at": draft.at,
        "actor_user_id": draft.actor_user_id,
        "actor": draft.actor,
        "client_address": draft.client_address,
        "action": draft.action,
        "resource": draft.resource,
        "resource_id": draft.resource_id,
        "detail": draft.detail,
        "prev_hash": prev,
        "hash": hash_,
    }


@dataclass
class Verdict:
    entries: int
    head_seq: int
    head_hash: str
    problems: list[str]

    @property
    def intact(self) -> bool:
        return not self.problems


def stored(conn: Connection, batch: int = 10_000) -> Iterator[tuple[int, Draft, str, str]]:
    """Every entry in chain order with its subjects: (seq, content, prev_hash, hash)."""
    after = 0
    while True:
        rows = conn.execute(
            select(AuditEntry).where(AuditEntry.seq > after).order_by(AuditEntry.seq).limit(batch)
        ).all()
        if not rows:
            return
        first, last = rows[0].seq, rows[-1].seq
        subjects: dict[int, list[int]] = {}
        for s, p in conn.execute(
            select(AuditSubject.seq, AuditSubject.person_id).where(
                AuditSubject.seq.between(first, last)
            )
        ):
            subjects.setdefault(s, []).append(p)
        for r in rows:
            draft = Draft(
                at=r.at,
                actor_user_id=r.actor_user_id,
                actor=r.actor,
                client_address=r.client_address,
                action=r.action,
                resource=r.resource,
                resource_id=r.resource_id,
                subjects=subjects.get(r.seq, []),
                detail=r.detail,
            )
            yield r.seq, draft, r.prev_hash, r.hash
        after = last


def verify(conn: Connection, anchors: Sequence[tuple[int, str]] = ()) -> Verdict:
    """Walk the whole chain; name every entry that was edited, removed or reordered."""
    problems: list[str] = []
    expected_seq, prev, count = 1, GENESIS, 0
    known = dict(anchors)
    for seq, draft, prev_hash, hash_ in stored(conn):
        count += 1
        if seq != expected_seq:
            problems.append(f"entries {expected_seq}–{seq - 1} are missing")
        if prev_hash != prev:
            problems.append(f"entry {seq}: does not follow the entry before it")
        if entry_hash(prev, seq, draft) != hash_:
            problems.append(f"entry {seq}: content does not match its hash (edited)")
        if seq in known and known.pop(seq) != hash_:
            problems.append(f"entry {seq}: differs from the anchor recorded earlier")
        prev, expected_seq = hash_, seq + 1
    head = conn.execute(select(AuditHead.seq, AuditHead.hash).where(AuditHead.id == 1)).first()
    head_seq, head_hash = (head[0], head[1]) if head else (0, GENESIS)
    if head_seq != expected_seq - 1 or head_hash != prev:
        problems.append(f"the head says entry {head_seq}; the chain ends at {expected_seq - 1}")
    for seq in sorted(known):
        problems.append(f"entry {seq} of an anchor is no longer in the log (cut off)")
    return Verdict(entries=count, head_seq=head_seq, head_hash=head_hash, problems=problems)
