"""The daily self-report through the personal link, in a browser's shoes: the form opens
without an account, a fever is reported and lands as a flag, the same form sent twice is
stored once, a household head reports for a dependent, and a forged or altered link opens
nothing."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from cordon.core.dates import today
from cordon.isolation.models import IsolationOrder
from cordon.monitoring import links
from cordon.monitoring.models import Flag, SelfReport
from cordon.people.bulk import PersonRow, insert_people
from cordon.people.models import Household

pytestmark = pytest.mark.usefixtures("city_regime")


@pytest.fixture
def household(client: TestClient, hanoi: Session) -> dict[str, Any]:
    """A mother and her son, both F1 of a case, in one household, confirmed at home."""
    home = Household(address="12 Hàng Bông")
    hanoi.add(home)
    hanoi.flush()
    f0, mother, son = insert_people(
        hanoi,
        [
            PersonRow("Ca Bệnh"),
            PersonRow("Nguyễn Thị Lan", household_id=home.id),
            PersonRow("Trần Văn Minh", household_id=home.id),
        ],
    )
    hanoi.commit()
    day = str(today() - dt.timedelta(days=2))
    for c in (mother, son):
        body = {"person_id": f0, "contact_id": c, "first_on": day, "last_on": day}
        assert client.post("/api/v1/exposures", json={**body, "setting": "household"}).is_success
    case = {"person_id": f0, "status": "confirmed", "confirmed_on": day}
    assert client.post("/api/v1/cases", json=case).status_code == 201
    out: dict[str, Any] = {}
    for name, person in (("mother", mother), ("son", son)):
        (order,) = client.get(f"/api/v1/people/{person}/isolation-orders").json()
        confirmed = client.post(
            f"/api/v1/isolation/orders/{order['id']}/confirm",
            json={"version": order["version"], "place": "home"},
        )
        assert confirmed.status_code == 200
        row = hanoi.get(IsolationOrder, order["id"])
        assert row is not None
        hanoi.refresh(row)
        out[name] = {"order": order["id"], "token": links.token_of(row)}
    return out


def test_a_fever_reported_through_the_link_raises_a_flag(
    anonymous: TestClient, household: dict[str, Any], session: Session
) -> None:
    token = household["mother"]["token"]
    page = anonymous.get(f"/r/{token}", headers={"accept-language": "vi"})
    assert page.status_code == 200
    assert "Khai báo y tế hằng ngày" in page.text
    assert "Nguyễn Thị Lan" not in page.text  # the given names only
    submission = page.text.split('name="submission" value="')[1].split('"')[0]
    body = {
        "temperature": "38,4",
        "symptoms": ["cough", "fatigue"],
        "submission": submission,
        "for_order": str(household["mother"]["order"]),
    }
    sent = anonymous.post(f"/r/{token}", data=body, follow_redirects=False)
    assert sent.status_code == 303
    again = anonymous.post(f"/r/{token}", data=body, follow_redirects=False)  # a double tap
    assert again.status_code == 303
    assert session.scalar(select(func.count()).select_from(SelfReport)) == 1
    kinds = sorted(f.kind.value for f in session.scalars(select(Flag)))
    assert kinds == ["fever", "symptoms"]
    thanks = anonymous.get(f"/r/{token}?sent=1", headers={"accept-language": "vi"})
    assert "đã được ghi nhận" in thanks.text


def test_a_household_head_reports_for_a_dependent(
    anonymous: TestClient, household: dict[str, Any], session: Session
) -> None:
    token = household["mother"]["token"]
    page = anonymous.get(f"/r/{token}", headers={"accept-language": "vi"})
    assert "Khai báo cho ai?" in page.text
    assert "Minh" in page.text
    body = {"temperature": "36.7", "submission": "report-son-0001"}
    sent = anonymous.post(f"/r/{token}", data={**body, "for_order": str(household["son"]["order"])})
    assert sent.status_code == 200
    (report,) = session.scalars(select(SelfReport)).all()
    assert (report.order_id, report.reporter.value) == (household["son"]["order"], "household")


def test_a_bad_temperature_is_refused_next_to_its_field(
    anonymous: TestClient, household: dict[str, Any], session: Session
) -> None:
    token = household["son"]["token"]
    body = {"temperature": "93", "note": "đo bằng tay", "submission": "report-son-0002"}
    refused = anonymous.post(f"/r/{token}", data=body, headers={"accept-language": "vi"})
    assert refused.status_code == 422
    assert 'id="e-temperature"' in refused.text
    assert "đo bằng tay" in refused.text  # what was typed is kept
    assert session.scalar(select(func.count()).select_from(SelfReport)) == 0


def test_a_forged_or_altered_link_opens_nothing(
    anonymous: TestClient, household: dict[str, Any], session: Session
) -> None:
    order_id, until, signature = household["mother"]["token"].split(".")
    for token in (
        f"{household['son']['order']}.{until}.{signature}",  # another order, same signature
        f"{order_id}.{int(until) + 30}.{signature}",  # a later expiry
        "1.2.3",
        "nothing",
    ):
        page = anonymous.get(f"/r/{token}", headers={"accept-language": "vi"})
        assert page.status_code == 404, token
        assert "Đường dẫn này không còn dùng được" in page.text
        posted = anonymous.post(f"/r/{token}", data={"temperature": "36.5", "submission": "x" * 10})
        assert posted.status_code == 404
    assert session.scalar(select(func.count()).select_from(SelfReport)) == 0
