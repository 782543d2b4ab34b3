"""People to follow up (``/contacts``): the contacts of the jurisdiction by tier, ward,
exposure day, reached or not and isolation order; sorted, paged, exported with its filters;
a ward worker sees their ward's contacts only, an analyst pseudonyms."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from conftest import MakePerson
from cordon.access.pseudonyms import pseudonym
from cordon.core.dates import today
from cordon.geography.models import AdminUnit
from cordon.web import filters
from pagekit import Browser, csrf_of

pytestmark = pytest.mark.usefixtures("city_regime")


def _day(days_ago: int) -> str:
    return str(today() - dt.timedelta(days=days_ago))


@pytest.fixture
def contacts(client: TestClient, hanoi: Session, make_person: MakePerson) -> dict[str, int]:
    """A case in Phúc Xá (00001) with two F1s there (exposed 5 and 2 days ago), an F2
    behind the first, and an F1 in Trúc Bạch (00004). F1s are proposed an order (the city's
    regime); F2s stay at home, proposed too."""
    ward = {
        c: hanoi.scalar(select(AdminUnit.id).where(AdminUnit.code == c)) for c in ("00001", "00004")
    }
    people = {
        "f0": make_person("Ca Bệnh Một", ward_id=ward["00001"]),
        "early": make_person("Gần Sớm", ward_id=ward["00001"]),
        "late": make_person("Gần Muộn", ward_id=ward["00001"]),
        "second": make_person("Xa Hai", ward_id=ward["00001"]),
        "other": make_person("Phường Khác", ward_id=ward["00004"]),
    }
    for a, b, ago in (
        ("f0", "early", 5),
        ("f0", "late", 2),
        ("early", "second", 3),
        ("f0", "other", 4),
    ):
        body = {"person_id": people[a], "contact_id": people[b], "setting": "household"}
        body |= {"first_on": _day(ago), "last_on": _day(ago)}
        assert client.post("/api/v1/exposures", json=body).is_success
    case = {"person_id": people["f0"], "status": "confirmed", "confirmed_on": _day(1)}
    case["onset_on"] = _day(6)
    assert client.post("/api/v1/cases", json=case).status_code == 201
    return people


def _names(page: str) -> list[str]:
    body = page.split("<tbody>")[1].split("</tbody>")[0] if "<tbody>" in page else ""
    cells = re.findall(r"<tr>\s*<td>(.*?)</td>", body, flags=re.S)
    return [re.sub(r"<[^>]+>", "", c).strip() for c in cells]


def test_people_to_follow_up_by_tier_ward_and_exposure_day(
    browser: Browser, contacts: dict[str, int]
) -> None:
    tracer = browser("epidemiologist", "01", lang="en")
    assert 'href="/contacts"' in tracer.get("/").text
    page = tracer.get("/contacts")
    assert page.status_code == 200
    assert _names(page.text) == ["Gần Sớm", "Gần Muộn", "Phường Khác", "Xa Hai"]  # by tier
    assert "Ca Bệnh Một" not in page.text  # the case is on the case list
    assert _names(tracer.get("/contacts", params={"tier": "2"}).text) == ["Xa Hai"]
    ward = {"unit": str(contacts_ward(tracer, "Phường Khác"))}
    assert _names(tracer.get("/contacts", params=ward).text) == ["Phường Khác"]
    window = {"exposed_from": _day(4), "exposed_to": _day(2), "tier": "1"}
    assert _names(tracer.get("/contacts", params=window).text) == ["Gần Muộn", "Phường Khác"]
    newest = tracer.get("/contacts", params={"sort": "-exposed_on", "tier": "1"}).text
    assert _names(newest) == ["Gần Muộn", "Phường Khác", "Gần Sớm"]


def contacts_ward(client: TestClient, name: str) -> int:
    """The id of the ward of Trúc Bạch, as the filter offers it."""
    page = client.get("/contacts").text
    return int(page.split(">Trúc Bạch</option>")[0].rsplit('value="', 1)[1].split('"')[0])


def test_reached_or_not_and_the_order(browser: Browser, contacts: dict[str, int]) -> None:
    worker = browser("ward_worker", "00001", lang="en")
    person = worker.get(f"/people/{contacts['late']}")
    done = worker.post(
        f"/people/{contacts['late']}/reach",
        data={"channel": "phone", "outcome": "reached", "csrf_token": csrf_of(person.text)},
    )
    assert done.status_code == 200
    reached = worker.get("/contacts", params={"reached": "yes"}).text
    assert _names(reached) == ["Gần Muộn"]
    waiting = worker.get("/contacts", params={"reached": "no"}).text
    assert _names(waiting) == ["Gần Sớm", "Xa Hai"]
    proposed = worker.get("/contacts", params={"order": "proposed"}).text
    assert _names(proposed) == ["Gần Sớm", "Gần Muộn", "Xa Hai"]
    assert _names(worker.get("/contacts", params={"order": "none"}).text) == []
    assert "proposed" in proposed.split("<tbody>")[1]
    bad = worker.get("/contacts", params={"reached": "maybe", "exposed_from": "x"})
    assert bad.status_code == 422
    assert "Choose one of the values offered." in bad.text
    assert "Enter a date as YYYY-MM-DD." in bad.text


def test_a_ward_worker_sees_their_ward_and_an_analyst_pseudonyms(
    browser: Browser, contacts: dict[str, int]
) -> None:
    worker = browser("ward_worker", "00001", lang="en").get("/contacts").text
    assert _names(worker) == ["Gần Sớm", "Gần Muộn", "Xa Hai"]
    analyst = browser("analyst", "01", lang="en").get("/contacts").text
    assert _names(analyst) == [pseudonym(contacts[k]) for k in ("early", "late", "other", "second")]
    assert "Gần Sớm" not in analyst
    assert 'href="/people/' not in analyst.split("<tbody>")[1]


def test_pages_and_export_carry_the_filters(
    browser: Browser, contacts: dict[str, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(filters, "PER_PAGE", 2)
    officer = browser("district_officer", "001", lang="en")
    first = officer.get("/contacts", params={"tier": "1"}).text
    assert _names(first) == ["Gần Sớm", "Gần Muộn"]
    assert 'href="/contacts?tier=1&amp;page=2"' in first
    assert _names(officer.get("/contacts", params={"tier": "1", "page": "2"}).text) == [
        "Phường Khác"
    ]
    link = first.split('href="/exports/contacts.csv?')[1].split('"')[0].replace("&amp;", "&")
    assert link == "tier=1"
    export = officer.get(f"/exports/contacts.csv?{link}")
    assert export.status_code == 200
    rows = list(csv.reader(io.StringIO(export.content.decode("utf-8-sig"))))
    header, body = rows[0], rows[1:]
    named = sorted(r[header.index("contact_full_name")] for r in body)
    assert named == ["Gần Muộn", "Gần Sớm", "Phường Khác"]  # F1s only; not the F2
    second = officer.get("/exports/contacts.xlsx", params={"tier": "2"})
    assert second.status_code == 200


def test_a_district_by_exposure_day_reads_the_day_first_and_keeps_its_wards(
    browser: Browser, contacts: dict[str, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A district (more than a few wards) sorted by exposure day, without a tier or days: read
    along the day's index city-wide, keeping the district's rows — the same rows, in the same
    order, page after page, as the wards' own reading gives."""
    monkeypatch.setattr(filters, "PER_PAGE", 3)
    officer = browser("district_officer", "001", lang="en")
    newest = officer.get("/contacts", params={"sort": "-exposed_on"}).text
    assert _names(newest) == ["Gần Muộn", "Xa Hai", "Phường Khác"]
    rest = officer.get("/contacts", params={"sort": "-exposed_on", "page": "2"}).text
    assert _names(rest) == ["Gần Sớm"]
    oldest = officer.get("/contacts", params={"sort": "exposed_on"}).text
    assert _names(oldest) == ["Gần Sớm", "Phường Khác", "Xa Hai"]
    elsewhere = browser("district_officer", "002", lang="en")
    assert _names(elsewhere.get("/contacts", params={"sort": "-exposed_on"}).text) == []
