"""What one cascade reads and writes on the database (``store.SqlView``), on both databases."""

from __future__ import annotations

import datetime as dt
import gc

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from conftest import MakeCase, MakePerson
from cordon.events import TiersMoved
from cordon.exposures.enums import Closeness, Setting
from cordon.exposures.schemas import ContactIn
from cordon.exposures.service import record_contacts
from cordon.isolation.proposals import last_exposures
from cordon.tracing import service
from cordon.tracing.incremental import Label, TierMove
from cordon.tracing.models import TierChange
from cordon.tracing.store import day
from eventkit import recording

MARCH_1 = dt.date(2020, 3, 1)


def contact(who: int, *, days: int = 0, closeness: Closeness = Closeness.close) -> ContactIn:
    return ContactIn(
        contact_id=who,
        first_on=MARCH_1,
        last_on=MARCH_1 + dt.timedelta(days=days),
        setting=Setting.household,
        closeness=closeness,
    )


def test_contacts_come_with_isolation_days(
    session: Session, make_person: MakePerson, make_case: MakeCase
) -> None:
    a, b, c, d = (make_person(f"Nguyễn Văn {n}") for n in "ABCD")
    record_contacts(session, person_id=a, contacts=[contact(b, days=2)])
    record_contacts(session, person_id=a, contacts=[contact(c, closeness=Closeness.casual)])
    record_contacts(session, person_id=d, contacts=[contact(a)])
    isolated = dt.date(2020, 3, 8)
    make_case("BN1", person_id=a, onset_on=MARCH_1, isolated_on=isolated)

    asked_together = service.view(session)
    edges = asked_together.edges_of([a])
    assert {(e.a, e.b, e.first, e.last) for e in edges} == {
        (a, b, day(MARCH_1), day(MARCH_1) + 2),
        (d, a, day(MARCH_1), day(MARCH_1)),
    }  # the casual contact does not count
    assert asked_together.ends_of([a, b]) == {a: day(isolated)}
    assert asked_together.edges_of([a, b]) == edges  # the same exposure once
    assert service.view(session).ends_of([a, b]) == {a: day(isolated)}


def test_saving_writes_over_and_deletes_single_labels(
    session: Session, make_person: MakePerson, make_case: MakeCase
) -> None:
    case = make_case("BN1", onset_on=MARCH_1)
    f0, f1 = case.person_id, make_person("Trần Thị Bình")
    view = service.view(session)
    view.save([], [Label(f1, 1, 10, case.id, f0), Label(f1, 2, 8, case.id, f0)])
    view.save([(f1, 2)], [Label(f1, 1, 9, case.id, f0)])
    assert service.view(session).labels_of([f1]) == {f1: [Label(f1, 1, 9, case.id, f0)]}


def test_moves_are_recorded_at_one_moment_with_their_path(
    session: Session, make_person: MakePerson, make_case: MakeCase
) -> None:
    case = make_case("BN1", onset_on=MARCH_1)
    f0, f1 = case.person_id, make_person("Trần Thị Bình")
    at = dt.datetime(2020, 3, 6, 9, 30, tzinfo=dt.UTC)
    service.view(session).record(
        [
            TierMove(f1, None, Label(f1, 1, 9, case.id, f0, 77)),
            TierMove(f0, Label(f0, 2, 3, case.id, f1, 77), None),
        ],
        cause="case BN1 confirmed",
        at=at,
    )
    rows = session.execute(
        select(
            TierChange.person_id,
            TierChange.old_tier,
            TierChange.new_tier,
            TierChange.changed_at,
            TierChange.cause,
            TierChange.source_case_id,
            TierChange.via_person_id,
            TierChange.via_exposure_id,
        ).order_by(TierChange.id)
    ).all()
    assert [tuple(r) for r in rows][-2:] == [
        (f1, None, 1, at, "case BN1 confirmed", case.id, f0, 77),
        (f0, 2, None, at, "case BN1 confirmed", None, None, None),
    ]


def test_cascades_run_with_the_cycle_collector_paused() -> None:
    seen: list[bool] = []

    @service.collector_paused
    def cascade() -> None:
        seen.append(gc.isenabled())
        raise RuntimeError("rolled back")

    with pytest.raises(RuntimeError):
        cascade()
    assert seen == [False]
    assert gc.isenabled()


def test_a_cascade_tells_each_moved_persons_last_exposure_to_a_lower_tier(
    session: Session,
    make_person: MakePerson,
    make_case: MakeCase,
) -> None:
    """The days isolation orders count from, as the cascade hands them over, equal what a read
    of every exposure and the stored tiers gives."""
    a, b, c, d, e = (make_person(f"Lê Văn {n}") for n in "ABCDE")

    def met(x: int, y: int, first: int, last: int, closeness: Closeness = Closeness.close) -> None:
        on = MARCH_1 + dt.timedelta(days=first)
        span = ContactIn(
            contact_id=y,
            first_on=on,
            last_on=on + dt.timedelta(days=last - first),
            setting=Setting.household,
            closeness=closeness,
        )
        record_contacts(session, person_id=x, contacts=[span])

    met(a, b, 0, 2)  # b: F1 until 3 March
    met(a, c, 1, 1)  # c: F1 on 2 March
    met(b, c, 0, 8)  # F1 with F1: not to a lower tier
    met(b, d, 3, 5)  # d: F2 …
    met(d, c, 4, 6)  # … last with an F1 on 7 March
    met(d, e, 7, 7)  # e: F3 on 8 March
    met(a, b, 9, 9, Closeness.casual)  # does not count
    session.commit()
    with recording(TiersMoved) as seen:
        make_case("BN1", person_id=a, onset_on=MARCH_1)

    (moved,) = seen
    march = {p: MARCH_1 + dt.timedelta(days=n) for p, n in ((b, 2), (c, 1), (d, 6), (e, 7))}
    assert moved.last_exposed == march
    tiers = {p: k for p, k in moved.moves if k}
    assert last_exposures(session, tiers, on=dt.date(2020, 12, 31)) == march
