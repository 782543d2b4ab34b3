"""What goes into the audit log, collected per unit of work and chained at commit.

- **Writes** through the ORM are captured automatically after each flush, with the changed
  columns before and after; bulk writes (imports, the demo) record one entry each with the
  people they concern (``core/bulk.py`` reports them here).
- **Reads** of personal records are recorded by the routes that show them (``read``).
- Everything is appended to the chain in ``before_commit``, in the same transaction as the
  change itself: a rolled-back change leaves no entry; a committed one cannot lack its entry.

Who acts is ``session.info["actor"]`` (set by authentication for a request), else the actor
of the running context (``acting_as``: the CLI for its command); ``system`` otherwise.

The listeners on every SQLAlchemy session are put in place by ``install`` (called by
``cordon.wiring.start``), not by importing this module.
"""

from __future__ import annotations

import getpass
from array import array
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy import event, inspect
from sqlalchemy.orm import Session

from cordon.audit.chain import Draft, append
from cordon.audit.read_log import reads
from cordon.core.models import utcnow

SECRET_COLUMNS = frozenset(
    {
        "password_hash",
        "totp_secret",
        "totp_pending_secret",
        "token_hash",
        "totp_last_step",
        "code_hash",
    }
)


@dataclass(frozen=True)
class Actor:
    user_id: int | None
    name: str
    client_address: str | None = None

    @classmethod
    def system(cls) -> Actor:
        return cls(None, "system")

    @classmethod
    def cli(cls) -> Actor:
        return cls(None, f"cli:{getpass.getuser()}")


# Who acts when a session names no one: the system, or the operator of a CLI command.
_acting: ContextVar[Actor | None] = ContextVar("acting", default=None)


@contextmanager
def acting_as(actor: Actor) -> Iterator[Actor]:
    """Within this context, changes whose session names no actor are ``actor``'s. A thread
    started inside does not inherit it: a background job names its actor on its session
    (``act_as``), as the import jobs do."""
    token = _acting.set(actor)
    try:
        yield actor
    finally:
        _acting.reset(token)


def acting() -> Actor:
    """Who acts in this context when a session names no one."""
    return _acting.get() or Actor.system()


# table → the people a row concerns; tables not listed here are not audited (derived data
# such as tier labels, the name index, sessions, and the audit log itself).
Subjects = Callable[[Any], Iterable[int | None]]
AUDITED: dict[str, Subjects] = {
    "people": lambda r: [r.id],
    "households": lambda r: [],
    "cases": lambda r: [r.person_id],
    "lab_tests": lambda r: [r.person_id],
    "case_investigations": lambda r: [r.person_id],
    "case_visits": lambda r: [r.person_id],
    "infection_sources": lambda r: [],
    "exposures": lambda r: [r.person_id, r.contact_id],
    "event_exposures": lambda r: [r.person_id],
    "clusters": lambda r: [],
    "cluster_cases": lambda r: [],
    "admin_units": lambda r: [],
    "handovers": lambda r: [r.person_id],
    "reach_attempts": lambda r: [r.person_id],
    "facilities": lambda r: [],
    "isolation_orders": lambda r: [r.person_id],
    "lab_tasks": lambda r: [r.person_id],
    "self_reports": lambda r: [r.person_id],
    "monitoring_flags": lambda r: [r.person_id],
    "users": lambda r: [],
    "api_tokens": lambda r: [],
}


def act_as(session: Session, actor: Actor) -> None:
    session.info["actor"] = actor


def read(
    session: Session, resource: str, resource_id: object, people: Iterable[int | None], **what: Any
) -> None:
    """Record that the acting user was shown these people's records."""
    _draft(session, "read", resource, resource_id, people, what)


def note(
    session: Session,
    action: str,
    resource: str,
    resource_id: object = None,
    people: Iterable[int | None] = (),
    **what: Any,
) -> None:
    """Record anything else worth an entry (an export, a sign-in, a denied attempt …)."""
    _draft(session, action, resource, resource_id, people, what)


def _draft(
    session: Session,
    action: str,
    resource: str,
    resource_id: object,
    people: Iterable[int | None],
    detail: dict[str, Any],
) -> None:
    actor: Actor = session.info.get("actor") or acting()
    session.info.setdefault("audit", []).append(
        Draft(
            at=utcnow(),
            actor_user_id=actor.user_id,
            actor=actor.name,
            client_address=actor.client_address,
            action=action,
            resource=resource,
            resource_id=None if resource_id is None else str(resource_id),
            subjects=[p for p in people if p is not None],
            detail=detail,
        )
    )


def _columns(obj: Any) -> dict[str, Any]:
    state = inspect(obj)
    return {
        a.key: ("***" if a.key in SECRET_COLUMNS else getattr(obj, a.key))
        for a in state.mapper.column_attrs
    }


def _changes(obj: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    before, after = {}, {}
    for attr in inspect(obj).attrs:
        history = attr.history
        if not history.has_changes() or attr.key in ("updated_at", "version"):
            continue
        hidden = attr.key in SECRET_COLUMNS
        before[attr.key] = "***" if hidden else (history.deleted or [None])[0]
        after[attr.key] = "***" if hidden else (history.added or [None])[0]
    return before, after


def _capture_writes(session: Session, _context: Any) -> None:
    for action, objects in (
        ("create", session.new),
        ("update", session.dirty),
        ("delete", session.deleted),
    ):
        for obj in objects:
            table = getattr(obj, "__tablename__", None)
            if table not in AUDITED:
                continue
            if action == "update":
                before, after = _changes(obj)
                if not after:
                    continue
            else:
                before, after = ({}, _columns(obj)) if action == "create" else (_columns(obj), {})
            key = inspect(obj).identity
            resource_id = key[0] if key and len(key) == 1 else key
            people = AUDITED[table](obj)
            _draft(session, action, table, resource_id, people, {"before": before, "after": after})


def _chain_pending(session: Session) -> None:
    session.flush()  # so the last changes are captured too
    drafts: list[Draft] = session.info.pop("audit", [])
    if not drafts:
        return
    if (
        reads.running
        and session.info.get("safe_request")
        and all(d.action == "read" for d in drafts)
    ):
        reads.submit(drafts)  # a read changes nothing: its entries go in the next batch
        return
    append(session, drafts)


def _forget(session: Session) -> None:
    session.info.pop("audit", None)


def bulk_written(session: Session, table: str, rows: int, people: Sequence[int]) -> None:
    """A bulk insert (``core.bulk``): one entry for its rows, with the people they concern."""
    if table in AUDITED:
        note(session, "create", table, None, people, rows=rows, bulk=True)


_LISTENERS = (
    ("after_flush", _capture_writes),
    ("before_commit", _chain_pending),
    ("after_rollback", _forget),
)


def install() -> None:
    """Capture every session's writes and chain them at commit (``cordon.wiring.start``);
    installing twice changes nothing."""
    for name, listener in _LISTENERS:
        if not event.contains(Session, name, listener):
            event.listen(Session, name, listener)


def merge_bulk(session: Session, since: int = 0) -> None:
    """The bulk writes recorded since the ``since``-th entry of the unit of work made one
    entry per table, their people in a compact array: a load written in many parts (an
    import's chunks) is recorded as one write per table, as if written at once, without a
    list of ids per part in memory until the commit."""
    drafts: list[Draft] | None = session.info.get("audit")
    if not drafts or len(drafts) <= since:
        return
    merged: dict[tuple[str, str, str], Draft] = {}
    kept: list[Draft] = []
    for draft in drafts[since:]:
        key = (draft.action, draft.resource, draft.actor)
        if not draft.detail.get("bulk"):
            kept.append(draft)
        elif key in merged:
            into = merged[key]
            assert isinstance(into.subjects, array)
            into.subjects.extend(draft.subjects)
            into.detail["rows"] += draft.detail.get("rows", 0)
        else:
            merged[key] = replace(
                draft, subjects=array("q", draft.subjects), detail={**draft.detail}
            )
            kept.append(merged[key])
    drafts[since:] = kept


def forget_since(session: Session, since: int) -> None:
    """The entries recorded since the ``since``-th forgotten (their writes rolled back to a
    SAVEPOINT)."""
    drafts: list[Draft] | None = session.info.get("audit")
    if drafts is not None:
        del drafts[since:]
