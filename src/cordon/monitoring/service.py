"""Daily monitoring of people in isolation: their reports, and the flags that land on the
ward health worker's list.

A report with a temperature of 37.5 °C or more raises a *fever* flag; two or more symptoms a
*symptoms* flag; a symptomatic F1 also becomes a suspected case with a sample to take today.
``check_missed`` raises a *missed report* flag for everyone in isolation who has not reported
in 24 hours (run by ``cordon monitoring check``, e.g. every hour). A flag of a kind is raised
once a day per order; the ward worker closes it saying what was done.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Sequence
from dataclasses import dataclass

from sqlalchemy import exists, insert, literal, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from cordon.cases import service as cases
from cordon.cases.enums import Symptom
from cordon.core.config import get_settings
from cordon.core.dates import today
from cordon.core.db import atomic, set_ward_copies
from cordon.core.errors import N_, Conflict, InvalidInput, NotFound
from cordon.core.models import UtcDateTime, utcnow
from cordon.core.pagination import paged
from cordon.core.scope import CITY, Scope
from cordon.events import LabTested, PersonMoved, PersonsMerged
from cordon.isolation import service as isolation
from cordon.isolation.enums import OrderStatus
from cordon.isolation.models import IsolationOrder
from cordon.monitoring import alerts, links
from cordon.monitoring.enums import FlagKind, FlagStatus, Reporter
from cordon.monitoring.models import Flag, SelfReport
from cordon.outbox import service as outbox
from cordon.outbox.enums import Channel, MessageKind
from cordon.people import service as people
from cordon.people.models import Person

FEVER_AT = 37.5  # °C (docs/domain.md §6)
SYMPTOMS_AT = 2
TEMPERATURE_RANGE = (34.0, 43.0)
SYMPTOMATIC = N_("symptomatic contact")


@dataclass(frozen=True)
class Reported:
    report: SelfReport
    flags: list[Flag]
    new: bool  # False: the same submission was stored before


def _checked(
    temperature: float | None, symptoms: Collection[str], note: str | None, submission: str
) -> list[str]:
    low, high = TEMPERATURE_RANGE
    if temperature is not None and not low <= temperature <= high:
        raise InvalidInput.on(
            "temperature", N_("must be from %(low)s to %(high)s °C"), low=low, high=high
        )
    unknown = sorted(set(symptoms) - {s.value for s in Symptom})
    if unknown:
        raise InvalidInput.on("symptoms", N_("%(name)s is not a symptom we know"), name=unknown[0])
    if note is not None and len(note) > 2000:
        raise InvalidInput.on("note", N_("keep it under 2,000 characters"))
    if not 8 <= len(submission) <= 64:
        raise InvalidInput.on("submission", N_("the form's key must be 8 to 64 characters"))
    return sorted(set(symptoms))


@atomic
def report(
    session: Session,
    order_id: int,
    *,
    temperature: float | None,
    symptoms: Collection[str],
    note: str | None,
    reporter: Reporter,
    by_user_id: int | None,
    submission: str,
) -> Reported:
    """Store a daily report for the order's person (once per ``submission``) and raise the
    flags it calls for."""
    said = _checked(temperature, symptoms, note, submission)
    before = session.scalar(select(SelfReport).where(SelfReport.submission == submission))
    if before is not None:
        return Reported(before, [], new=False)
    order = isolation.get(session, order_id)
    if order.status is not OrderStatus.confirmed:
        raise Conflict.of(N_("This person has no isolation order in force."))
    entry = SelfReport(
        person_id=order.person_id,
        order_id=order.id,
        reported_on=today(),
        temperature=temperature,
        symptoms=said,
        note=note,
        reporter=reporter,
        by_user_id=by_user_id,
        submission=submission,
        ward_id=order.ward_id,
    )
    try:
        with session.begin_nested():
            session.add(entry)
    except IntegrityError:  # the same submission, sent twice at once
        stored = session.scalar(select(SelfReport).where(SelfReport.submission == submission))
        assert stored is not None
        return Reported(stored, [], new=False)
    isolation.mark_reported(session, order_id=order.id, day=entry.reported_on)
    kinds = flags_called_for(temperature, said)
    flags = [f for k in kinds if (f := _raise(session, order, k, entry)) is not None]
    if kinds and order.tier == 1:
        _suspect(session, order)
    return Reported(entry, flags, new=True)


def flags_called_for(temperature: float | None, symptoms: Collection[str]) -> list[FlagKind]:
    kinds = []
    if temperature is not None and temperature >= FEVER_AT:
        kinds.append(FlagKind.fever)
    if len(symptoms) >= SYMPTOMS_AT:
        kinds.append(FlagKind.symptoms)
    return kinds


def _raise(
    session: Session, order: IsolationOrder, kind: FlagKind, reading: SelfReport | None = None
) -> Flag | None:
    """Raise a flag of ``kind`` on the order (once a day a kind), saying the ``reading`` that
    raised it when a reading did."""
    day = today()
    held = session.scalar(
        select(Flag).where(Flag.order_id == order.id, Flag.kind == kind, Flag.raised_on == day)
    )
    if held is not None:
        return None
    flag = Flag(
        person_id=order.person_id,
        order_id=order.id,
        kind=kind,
        status=FlagStatus.open,
        raised_on=day,
        ward_id=order.ward_id,
        report_id=reading.id if reading is not None else None,
    )
    session.add(flag)
    session.flush()
    alerts.alert(session, flag)
    return flag


def on_lab_tested(session: Session, event: LabTested) -> None:
    """A positive test of someone under an order in force raises a flag for the ward (the
    case it made, or confirmed, moves the tiers through the cases service)."""
    if not event.positive:
        return
    orders = session.scalars(
        select(IsolationOrder).where(
            IsolationOrder.person_id == event.person_id,
            IsolationOrder.status == OrderStatus.confirmed,
        )
    )
    for order in orders:
        _raise(session, order, FlagKind.positive_test)


def on_person_moved(session: Session, event: PersonMoved) -> None:
    """The person's flags land on the list of the ward the person lives in now."""
    set_ward_copies(session, Flag, person_id=event.person_id, ward_id=event.to_ward)


def on_persons_merged(session: Session, event: PersonsMerged) -> None:
    """The kept person's flags carry their ward (which the merge may have given them); the
    duplicate's stay as they were."""
    ward = people.ward_of(session, event.kept_id)
    set_ward_copies(session, Flag, person_id=event.kept_id, ward_id=ward)


def _suspect(session: Session, order: IsolationOrder) -> None:
    """A symptomatic F1 becomes a suspected case (unless one is under way) with a sample to
    take today."""
    if cases.open_case(session, order.person_id) is None:
        cases.create_case(  # suspected
            session,
            person_id=order.person_id,
            created_by="monitoring",
            reason="symptomatic F1 in isolation",
        )
    isolation.schedule_sample(
        session, order_id=order.id, person_id=order.person_id, due_on=today(), reason=SYMPTOMATIC
    )


def check_missed(session: Session, *, now: dt.datetime | None = None) -> int:
    """Raise a *missed report* flag for every order in force whose person has not reported
    in the last 24 hours (and was placed more than 24 hours ago). One statement; run it as
    often as you like: a flag of the day is raised once."""
    moment = now or utcnow()
    day = today()
    since = moment - dt.timedelta(hours=24)
    o = IsolationOrder
    reported = exists().where(SelfReport.order_id == o.id, SelfReport.reported_at >= since)
    flagged = exists().where(
        Flag.order_id == o.id, Flag.kind == FlagKind.missed_report, Flag.raised_on == day
    )
    rows = select(
        o.person_id,
        o.id,
        literal(FlagKind.missed_report.name),
        literal(FlagStatus.open.name),
        literal(day),
        literal(moment, UtcDateTime()),
        o.ward_id,
    ).where(
        o.status == OrderStatus.confirmed,
        o.starts_on <= day,
        or_(o.ends_on >= day, o.monitor_until >= day),
        o.decided_at <= since,
        ~reported,
        ~flagged,
    )
    columns = ["person_id", "order_id", "kind", "status", "raised_on", "raised_at", "ward_id"]
    raised = session.execute(insert(Flag).from_select(columns, rows).returning(Flag.id))
    return len(raised.all())


def open_flags(
    session: Session, *, scope: Scope = CITY, limit: int = 50, offset: int = 0
) -> tuple[list[Flag], int]:
    query = select(Flag).where(Flag.status == FlagStatus.open)
    if not scope.whole_city:
        query = query.where(scope.where(Flag.ward_id, Flag.person_id))
    return paged(session, query, Flag.raised_at.desc(), Flag.id.desc(), limit=limit, offset=offset)


FLAG_OPEN = N_("a monitoring flag is still open")


def orders_flagged(session: Session, order_ids: Sequence[int]) -> set[int]:
    """Which of these orders have a flag still open: their release waits until the ward worker
    has acted on it and closed it (a hold on the release rule, ``cordon.reactions``)."""
    found = select(Flag.order_id).where(
        Flag.order_id.in_(order_ids), Flag.status == FlagStatus.open
    )
    return set(session.scalars(found))


def get_flag(session: Session, flag_id: int) -> Flag:
    flag = session.get(Flag, flag_id)
    if flag is None:
        raise NotFound.of(N_("No flag with id %(id)s."), id=flag_id)
    return flag


@atomic
def close_flag(session: Session, flag_id: int, *, by_user_id: int | None, note: str) -> Flag:
    flag = get_flag(session, flag_id)
    if flag.status is FlagStatus.closed:
        raise Conflict.of(N_("This flag is closed already."))
    if not note.strip():
        raise InvalidInput.on("note", N_("say what was done"))
    if len(note.strip()) > 2000:
        raise InvalidInput.on("note", N_("keep it under 2,000 characters"))
    flag.status = FlagStatus.closed
    flag.closed_at = utcnow()
    flag.closed_by = by_user_id
    flag.note = note.strip()
    session.flush()
    return flag


def reports_of(session: Session, order_id: int, *, limit: int = 60) -> list[SelfReport]:
    return list(
        session.scalars(
            select(SelfReport)
            .where(SelfReport.order_id == order_id)
            .order_by(SelfReport.reported_at.desc())
            .limit(limit)
        )
    )


def not_reported(
    session: Session,
    *,
    scope: Scope = CITY,
    on: dt.date | None = None,
    limit: int = 50,
    offset: int = 0,
) -> tuple[list[IsolationOrder], int]:
    """Orders in force in ``scope`` whose person has not reported today (the city's day)."""
    day = on or today()
    o = IsolationOrder
    query = select(o).where(
        o.status == OrderStatus.confirmed,
        o.last_report_on < day,
        o.starts_on <= day,
        or_(o.ends_on >= day, o.monitor_until >= day),
    )
    if not scope.whole_city:
        query = query.where(scope.where(o.ward_id, o.person_id))
    return paged(session, query, o.id, limit=limit, offset=offset)


def send_links(session: Session, *, on: dt.date | None = None) -> int:
    """Today's self-report link by SMS to everyone under an order in force who has a phone,
    through the outbox (once a day: the key names the order and the day). Returns how many
    messages were queued."""
    day = on or today()
    o = IsolationOrder
    rows = session.execute(
        select(o, Person.phone)
        .join(Person, Person.id == o.person_id)
        .where(
            o.status == OrderStatus.confirmed,
            o.starts_on <= day,
            or_(o.ends_on >= day, o.monitor_until >= day),
            Person.phone.is_not(None),
        )
    ).all()
    language = get_settings().default_language
    for order, phone in rows:
        outbox.enqueue(
            session,
            channel=Channel.sms,
            recipient=str(phone),
            kind=MessageKind.report_link,
            params={"link": links.url_of(order)},
            idempotency_key=f"order:{order.id}:report_link:{day.isoformat()}:sms",
            language=language,
            person_id=order.person_id,
        )
    return len(rows)
