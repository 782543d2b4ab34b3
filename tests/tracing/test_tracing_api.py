"""Tiers through the real API and database: a tracer's day with the tier engine."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Table, func, select
from sqlalchemy.orm import Session

from cordon.people.bulk import PersonRow, insert_people
from cordon.people.models import Person
from cordon.tracing import service
from cordon.tracing.models import PersonTier, TierLabel


@pytest.fixture(autouse=True)
def tiers_kept_with_labels(session: Session) -> Iterator[None]:
    """After every scenario here, each person's stored tier is their lowest label, with that
    label's day: what the tier counts, *my work today* and the people to follow up read
    agrees with what the engine explains."""
    yield
    session.expire_all()
    labels = session.execute(select(TierLabel.person_id, TierLabel.level, TierLabel.exposed_on))
    lowest: dict[int, tuple[int, Any]] = {}
    for person, level, day in labels:
        if person not in lowest or level < lowest[person][0]:
            lowest[person] = (level, day)
    stored = session.execute(select(PersonTier.person_id, PersonTier.tier, PersonTier.exposed_on))
    assert {p: (k, d) for p, k, d in stored} == lowest
    moved_away = session.scalar(
        select(func.count())
        .select_from(PersonTier)
        .join(Person, Person.id == PersonTier.person_id)
        .where(PersonTier.ward_id.is_distinct_from(Person.ward_id))
    )
    assert moved_away == 0  # each stored tier carries its person's ward


@pytest.fixture
def people(session: Session) -> dict[str, int]:
    names = ["An", "Bình", "Chi", "Dũng", "Em", "Giang"]
    ids = insert_people(session, [PersonRow(full_name=f"Nguyễn Văn {n}") for n in names])
    session.commit()
    return dict(zip("ABCDEG", ids, strict=True))


def contact(client: TestClient, a: int, b: int, first: str, last: str, **extra: Any) -> int:
    body = {
        "person_id": a,
        "contact_id": b,
        "first_on": first,
        "last_on": last,
        "setting": "household",
        "closeness": "close",
        **extra,
    }
    response = client.post("/api/v1/exposures", json=body)
    assert response.status_code == 201, response.text
    return int(response.json()["id"])


def confirm(
    client: TestClient, person: int, onset: str, confirmed: str, **dates: str
) -> dict[str, Any]:
    body = {
        "person_id": person,
        "status": "confirmed",
        "onset_on": onset,
        "confirmed_on": confirmed,
        **dates,
    }
    response = client.post("/api/v1/cases", json=body)
    assert response.status_code == 201, response.text
    return dict(response.json())


def tiers(client: TestClient, people: dict[str, int]) -> dict[str, int | None]:
    return {
        k: client.get(f"/api/v1/tracing/people/{pid}").json()["tier"] for k, pid in people.items()
    }


@pytest.fixture
def chain(client: TestClient, people: dict[str, int]) -> dict[str, int]:
    """A–B household, B–C work, C–D a visit, D–E a casual meeting."""
    p = people
    return {
        "AB": contact(client, p["A"], p["B"], "2020-03-01", "2020-03-10"),
        "BC": contact(client, p["B"], p["C"], "2020-03-05", "2020-03-06", setting="workplace"),
        "CD": contact(client, p["C"], p["D"], "2020-03-07", "2020-03-07"),
        "DE": contact(client, p["D"], p["E"], "2020-03-08", "2020-03-08", closeness="casual"),
    }


def test_confirmed_case_puts_tiers_on_everyone_downstream(
    client: TestClient, people: dict[str, int], chain: dict[str, int]
) -> None:
    confirm(client, people["A"], "2020-03-08", "2020-03-10", isolated_on="2020-03-10")
    assert tiers(client, people) == {"A": 0, "B": 1, "C": 2, "D": 3, "E": None, "G": None}
    why = client.get(f"/api/v1/tracing/people/{people['D']}").json()
    assert [s["person_id"] for s in why["why"]] == [
        people["D"],
        people["C"],
        people["B"],
        people["A"],
    ]
    assert why["exposed_on"] == "2020-03-07"


def test_f1_testing_positive_moves_everyone_downstream_up_one(
    client: TestClient, people: dict[str, int], chain: dict[str, int]
) -> None:
    confirm(client, people["A"], "2020-03-08", "2020-03-10", isolated_on="2020-03-10")
    confirm(client, people["B"], "2020-03-07", "2020-03-11")
    assert tiers(client, people) == {"A": 0, "B": 0, "C": 1, "D": 2, "E": None, "G": None}
    # B's own window (from the 5th) opens before A's contact reached them (the 6th): the
    # tiers below B now come through B, not A.
    assert client.get(f"/api/v1/tracing/trace/{people['A']}").json()["nodes"] == []
    # … and A too was exposed to B on the 5th, before A's own window: an earlier F1 label.
    tree = client.get(f"/api/v1/tracing/trace/{people['B']}").json()
    assert [(n["person_id"], n["level"], n["tier"]) for n in tree["nodes"]] == [
        (people["A"], 1, 0),
        (people["C"], 1, 1),
        (people["D"], 2, 2),
    ]
    history = client.get(f"/api/v1/tracing/people/{people['C']}/history").json()
    assert [(h["old_tier"], h["new_tier"]) for h in history] == [(None, 2), (2, 1)]
    assert "confirmed" in history[-1]["cause"]


def test_contact_before_the_f1_was_exposed_does_not_count(
    client: TestClient, people: dict[str, int]
) -> None:
    p = people
    contact(client, p["A"], p["B"], "2020-03-09", "2020-03-09")
    contact(client, p["B"], p["C"], "2020-03-01", "2020-03-02")  # before B met A
    confirm(client, p["A"], "2020-03-08", "2020-03-10")
    assert tiers(client, p)["C"] is None


def test_contact_after_isolation_does_not_count(client: TestClient, people: dict[str, int]) -> None:
    p = people
    contact(client, p["A"], p["B"], "2020-03-12", "2020-03-12")  # A already isolated on the 10th
    confirm(client, p["A"], "2020-03-08", "2020-03-10", isolated_on="2020-03-10")
    assert tiers(client, p)["B"] is None


def test_removing_an_exposure_lets_tiers_fall_back(
    client: TestClient, people: dict[str, int], chain: dict[str, int]
) -> None:
    confirm(client, people["A"], "2020-03-08", "2020-03-10", isolated_on="2020-03-10")
    assert client.delete(f"/api/v1/exposures/{chain['BC']}").status_code == 204
    assert tiers(client, people) == {"A": 0, "B": 1, "C": None, "D": None, "E": None, "G": None}


def test_lowest_tier_wins_when_there_are_several_paths(
    client: TestClient, people: dict[str, int], chain: dict[str, int]
) -> None:
    confirm(client, people["A"], "2020-03-08", "2020-03-10")
    contact(client, people["A"], people["D"], "2020-03-09", "2020-03-09")
    assert tiers(client, people)["D"] == 1


def test_correcting_an_exposure_date_retraces(
    client: TestClient, people: dict[str, int], chain: dict[str, int]
) -> None:
    confirm(client, people["A"], "2020-03-08", "2020-03-10", isolated_on="2020-03-10")
    response = client.patch(
        f"/api/v1/exposures/{chain['AB']}",
        json={"version": 1, "first_on": "2020-03-01", "last_on": "2020-03-02"},
    )
    assert response.status_code == 200
    # A's window opens on the 6th: the household contact ended before it.
    assert tiers(client, people)["B"] is None


def test_trace_tree_lists_everyone_below_a_case(
    client: TestClient, people: dict[str, int], chain: dict[str, int]
) -> None:
    confirm(client, people["A"], "2020-03-08", "2020-03-10")
    tree = client.get(f"/api/v1/tracing/trace/{people['A']}").json()
    assert tree["counts"] == {"1": 1, "2": 1, "3": 1}
    assert [(n["person_id"], n["level"], n["tier"]) for n in tree["nodes"]] == [
        (people["B"], 1, 1),
        (people["C"], 2, 2),
        (people["D"], 3, 3),
    ]
    counts = client.get("/api/v1/tracing/tiers").json()
    assert counts == [{"tier": t, "people": 1} for t in range(4)]
    f2 = client.get("/api/v1/tracing/tiers/2/people").json()
    assert [r["person_id"] for r in f2["items"]] == [people["C"]]


def test_full_recomputation_agrees_with_the_cascades(
    client: TestClient, session: Session, people: dict[str, int], chain: dict[str, int]
) -> None:
    confirm(client, people["A"], "2020-03-08", "2020-03-10")
    confirm(client, people["C"], "2020-03-09", "2020-03-12")
    before = {
        tuple(row)
        for row in session.execute(
            select(TierLabel.person_id, TierLabel.level, TierLabel.exposed_on)
        )
    }
    result = client.post("/api/v1/tracing/recompute").json()
    assert result["written"] == 0
    assert result["deleted"] == 0
    session.expire_all()
    after = {
        tuple(row)
        for row in session.execute(
            select(TierLabel.person_id, TierLabel.level, TierLabel.exposed_on)
        )
    }
    assert before == after


def test_recompute_from_scratch_rebuilds_lost_labels(
    client: TestClient, session: Session, people: dict[str, int], chain: dict[str, int]
) -> None:
    confirm(client, people["A"], "2020-03-08", "2020-03-10")
    labels = TierLabel.__table__
    assert isinstance(labels, Table)  # deleted as a table, past the ORM
    session.execute(labels.delete())
    session.commit()
    result = service.recompute_all(session)
    session.commit()
    assert result.tiered == 4
    assert session.scalar(select(func.count()).select_from(TierLabel)) == 4
    assert tiers(client, people)["D"] == 3


def test_unknown_person_tier_is_404(client: TestClient) -> None:
    assert client.get("/api/v1/tracing/people/123456").status_code == 404


def test_a_discarded_case_lets_everyone_downstream_fall_back(
    client: TestClient, people: dict[str, int], chain: dict[str, int]
) -> None:
    confirm(client, people["A"], "2020-03-08", "2020-03-10", isolated_on="2020-03-10")
    b_case = confirm(client, people["B"], "2020-03-07", "2020-03-11")
    assert tiers(client, people)["D"] == 2
    body = {"to": "discarded", "changed_by": "CDC", "reason": "false positive", "on": "2020-03-12"}
    assert client.post(f"/api/v1/cases/{b_case['id']}/status", json=body).status_code == 200
    assert tiers(client, people) == {"A": 0, "B": 1, "C": 2, "D": 3, "E": None, "G": None}


def test_isolating_an_f0_earlier_drops_contacts_after_isolation(
    client: TestClient, people: dict[str, int], chain: dict[str, int]
) -> None:
    case = confirm(client, people["A"], "2020-03-08", "2020-03-10")
    assert tiers(client, people)["B"] == 1
    contact(client, people["A"], people["G"], "2020-03-09", "2020-03-09")
    assert tiers(client, people)["G"] == 1
    patch = {"isolated_on": "2020-03-08", "version": case["version"]}
    assert client.patch(f"/api/v1/cases/{case['id']}", json=patch).status_code == 200
    after = tiers(client, people)
    assert after["G"] is None  # met on the 9th, after A's isolation on the 8th
    assert after["B"] == 1  # the household contact overlaps the window before isolation


def test_merging_a_duplicate_carries_their_contacts_and_tiers(
    client: TestClient, people: dict[str, int], chain: dict[str, int]
) -> None:
    """G is the same person as C, entered twice: G's contact with E (close) only shows once
    the two records are merged."""
    contact(client, people["G"], people["E"], "2020-03-08", "2020-03-08")
    confirm(client, people["A"], "2020-03-08", "2020-03-10")
    assert tiers(client, people)["E"] is None
    body = {"merge_id": people["G"], "keep_version": 1, "merge_version": 1}
    response = client.post(f"/api/v1/people/{people['C']}/merge", json=body)
    assert response.status_code == 200, response.text
    after = tiers(client, {k: p for k, p in people.items() if k != "G"})
    assert after == {"A": 0, "B": 1, "C": 2, "D": 3, "E": 3}
    assert client.get(f"/api/v1/tracing/people/{people['G']}").json()["tier"] is None
