"""What one cascade reads and writes on the database (``store.SqlView``), on both databases."""

from __future__ import annotations

import datetime as dt
import gc
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from cordon.exposures.enums import Closeness, Setting
from cordon.exposures.schemas import ContactIn
from cordon.exposures.service import record_contacts
from cordon.tracing import service
from cordon.tracing.incremental import Label, TierMove
from cordon.tracing.models import TierChange
from cordon.tracing.store import day

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
    session: Session, make_person: Callable[..., int], make_case: Callable[..., Any]
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
    session: Session, make_person: Callable[..., int], make_case: Callable[..., Any]
) -> None:
    case = make_case("BN1", onset_on=MARCH_1)
    f0, f1 = case.person_id, make_person("Trần Thị Bình")
    view = service.view(session)
    view.save([], [Label(f1, 1, 10, case.id, f0), Label(f1, 2, 8, case.id, f0)])
    view.save([(f1, 2)], [Label(f1, 1, 9, case.id, f0)])
    assert service.view(session).labels_of([f1]) == {f1: [Label(f1, 1, 9, case.id, f0)]}


def test_moves_are_recorded_at_one_moment_with_their_path(
    session: Session, make_person: Callable[..., int], make_case: Callable[..., Any]
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
