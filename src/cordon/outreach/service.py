"""Reaching contacts: a tracer calls or visits each contact whose tier asks for it, tells
them of their exposure and what to do, and records every attempt.

A contact waits to be reached while their tier is one the tier policy in force lists in
``reach_tiers`` and no attempt since their tier last moved ended in ``reached`` (or
``refused``: they were told). Attempts that found no one (no answer, wrong number, moved
away) keep them waiting, with the count of tries shown beside them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from cordon.core.dates import today
from cordon.core.db import move_person_rows
from cordon.core.pagination import count_of, page_size
from cordon.core.scope import CITY, Scope
from cordon.events import PersonsMerged
from cordon.outreach.enums import DONE, Channel, Outcome
from cordon.outreach.models import ReachAttempt
from cordon.people.service import get_person
from cordon.tracing.models import PersonTier
from cordon.tracing.policy import get_policy
from cordon.tracing.service import in_scope


def record(
    session: Session,
    *,
    person_id: int,
    channel: Channel,
    outcome: Outcome,
    note: str | None,
    by_user_id: int | None,
) -> ReachAttempt:
    """Record one attempt to reach ``person_id``, with the tier they hold now."""
    get_person(session, person_id)
    tier = session.scalar(select(PersonTier.tier).where(PersonTier.person_id == person_id))
    attempt = ReachAttempt(
        person_id=person_id,
        channel=channel,
        outcome=outcome,
        tier=tier,
        note=note,
        by_user_id=by_user_id,
    )
    session.add(attempt)
    session.flush()
    return attempt


def attempts_of(session: Session, person_id: int, *, limit: int = 50) -> list[ReachAttempt]:
    """A person's attempts, latest first."""
    query = (
        select(ReachAttempt)
        .where(ReachAttempt.person_id == person_id)
        .order_by(ReachAttempt.at.desc(), ReachAttempt.id.desc())
        .limit(limit)
    )
    return list(session.scalars(query))


@dataclass(frozen=True)
class Waiting:
    """A contact still to reach: their tier, since when, and the tries so far."""

    person_id: int
    tier: int
    since: dt.datetime
    tries: int
    last_outcome: Outcome | None
    last_at: dt.datetime | None


def still_to_reach(
    session: Session,
    *,
    scope: Scope = CITY,
    limit: int = 50,
    offset: int = 0,
    on: dt.date | None = None,
    cap: int | None = None,
) -> tuple[list[Waiting], int]:
    """The contacts in ``scope`` waiting to be reached, longest waiting first, and how many
    (counted up to ``cap`` when given)."""
    tiers = sorted(get_policy().in_force(on or today()).reach_tiers)
    told = select(ReachAttempt.id).where(
        ReachAttempt.person_id == PersonTier.person_id,
        ReachAttempt.at >= PersonTier.since,
        ReachAttempt.outcome.in_(DONE),
    )
    waiting = in_scope(
        select(PersonTier.person_id, PersonTier.tier, PersonTier.since).where(
            PersonTier.tier.in_(tiers), ~exists(told)
        ),
        scope,
    )
    total = count_of(session, waiting.with_only_columns(PersonTier.person_id), cap=cap)
    ordered = waiting.order_by(PersonTier.since, PersonTier.person_id)
    rows = session.execute(ordered.limit(page_size(limit)).offset(offset)).all()
    tries = _tries_since(session, {int(p): s for p, _, s in rows})
    out = [
        Waiting(
            person_id=int(p),
            tier=int(k),
            since=s,
            tries=len(tries[int(p)]),
            last_outcome=tries[int(p)][-1].outcome if tries[int(p)] else None,
            last_at=tries[int(p)][-1].at if tries[int(p)] else None,
        )
        for p, k, s in rows
    ]
    return out, int(total)


def _tries_since(session: Session, since: dict[int, dt.datetime]) -> dict[int, list[ReachAttempt]]:
    """Each person's attempts since their tier last moved, oldest first."""
    tries: dict[int, list[ReachAttempt]] = {p: [] for p in since}
    if since:
        attempts = session.scalars(
            select(ReachAttempt)
            .where(ReachAttempt.person_id.in_(sorted(since)))
            .order_by(ReachAttempt.at, ReachAttempt.id)
        )
        for a in attempts:
            if a.at >= since[a.person_id]:
                tries[a.person_id].append(a)
    return tries


def on_persons_merged(session: Session, event: PersonsMerged) -> None:
    """The attempts to reach a duplicate become the kept person's."""
    move_person_rows(session, ReachAttempt, merged_id=event.merged_id, kept_id=event.kept_id)
