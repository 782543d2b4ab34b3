"""The case list (``/cases``): filters, sortable columns and pages over the same service as
``GET /api/v1/cases``; a ward worker sees their ward's cases only; an analyst sees
pseudonyms; *export what is shown* carries the filters; a filter that cannot be read is a
message on its field, in the user's language."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from conftest import MakeCase, MakePerson
from cordon.access.pseudonyms import pseudonym
from cordon.cases.enums import CaseStatus, Classification
from cordon.geography.models import AdminUnit
from cordon.web import filters
from pagekit import Browser

D = dt.date


def _ward(session: Session, code: str) -> int:
    ward = session.scalar(select(AdminUnit.id).where(AdminUnit.code == code))
    assert ward is not None
    return ward


@pytest.fixture
def registry(hanoi: Session, make_person: MakePerson, make_case: MakeCase) -> dict[str, Any]:
    """Four cases: two in Phúc Xá (00001), one in Trúc Bạch (00004, same district), one in
    Phúc Tân (00037, another district); one of them in a cluster."""
    phuc_xa, truc_bach, phuc_tan = (_ward(hanoi, c) for c in ("00001", "00004", "00037"))
    people = {
        "A1": make_person("Trần Văn Một", ward_id=phuc_xa),
        "A2": make_person("Lê Thị Hai", ward_id=phuc_xa),
        "B1": make_person("Phạm Văn Ba", ward_id=truc_bach),
        "C1": make_person("Vũ Thị Bốn", ward_id=phuc_tan),
    }
    make_case(
        "A1",
        person_id=people["A1"],
        confirmed_on=D(2020, 3, 6),
        onset_on=D(2020, 3, 2),
        classification=Classification.imported,
    )
    make_case("A2", CaseStatus.suspected, person_id=people["A2"], onset_on=D(2020, 3, 9))
    make_case(
        "B1",
        person_id=people["B1"],
        confirmed_on=D(2020, 3, 10),
        onset_on=D(2020, 3, 1),
        classification=Classification.community,
    )
    make_case("C1", person_id=people["C1"], confirmed_on=D(2020, 3, 20), onset_on=D(2020, 3, 15))
    return {"people": people, "wards": (phuc_xa, truc_bach, phuc_tan)}


def _codes(page: str) -> list[str]:
    """The first column of the list's rows (case codes), in order."""
    body = page.split("<tbody>")[1].split("</tbody>")[0] if "<tbody>" in page else ""
    cells = re.findall(r"<tr>\s*<td>(.*?)</td>", body, flags=re.S)
    return [re.sub(r"<[^>]+>", "", c).strip() for c in cells]


def test_the_case_list_is_in_the_navigation_and_on_the_home_page(
    browser: Browser, registry: dict[str, Any]
) -> None:
    tracer = browser("epidemiologist", "01", lang="en")
    home = tracer.get("/").text
    assert 'href="/cases"' in home.split("<main")[0]  # the navigation
    assert 'href="/cases"' in home.split("<main")[1]  # my work today
    page = tracer.get("/cases")
    assert page.status_code == 200
    assert _codes(page.text) == ["C1", "B1", "A2", "A1"]  # newest first
    assert "Trần Văn Một" in page.text


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"status": "suspected"}, ["A2"]),
        ({"classification": "community"}, ["B1"]),
        ({"confirmed_from": "2020-03-07", "confirmed_to": "2020-03-15"}, ["B1"]),
        ({"onset_from": "2020-03-02", "onset_to": "2020-03-09"}, ["A2", "A1"]),
        ({"onset_from": "", "onset_to": "", "status": ""}, ["C1", "B1", "A2", "A1"]),
        ({"tier": "0"}, ["C1", "B1", "A1"]),  # confirmed: F0; a suspected case is not
    ],
)
def test_filters(
    browser: Browser, registry: dict[str, Any], query: dict[str, str], expected: list[str]
) -> None:
    page = browser("epidemiologist", "01", lang="en").get("/cases", params=query)
    assert page.status_code == 200
    assert _codes(page.text) == expected


def test_filter_by_district_ward_and_cluster(
    browser: Browser, client: TestClient, registry: dict[str, Any], hanoi: Session
) -> None:
    phuc_xa, _, _ = registry["wards"]
    district = hanoi.scalar(select(AdminUnit.parent_id).where(AdminUnit.id == phuc_xa))
    tracer = browser("epidemiologist", "01", lang="en")
    assert _codes(tracer.get("/cases", params={"unit": phuc_xa}).text) == ["A2", "A1"]
    assert _codes(tracer.get("/cases", params={"unit": district}).text) == ["B1", "A2", "A1"]
    made = client.post("/api/v1/clusters", json={"code": "BM", "name": "Bạch Mai", "kind": "place"})
    assert made.status_code == 201, made.text
    b1 = client.get("/api/v1/cases/by-code/B1").json()["id"]
    added = client.post(f"/api/v1/clusters/{made.json()['id']}/cases", json={"case_id": b1})
    assert added.is_success, added.text
    page = tracer.get("/cases", params={"cluster": made.json()["id"]})
    assert _codes(page.text) == ["B1"]
    assert "BM" in page.text.split("<tbody>")[1]


def test_sort_by_columns_and_pages(
    browser: Browser, registry: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    tracer = browser("epidemiologist", "01", lang="en")
    by_onset = tracer.get("/cases", params={"sort": "onset_on"}).text
    assert _codes(by_onset) == ["B1", "A1", "A2", "C1"]
    assert 'aria-sort="ascending"' in by_onset
    assert "sort=-onset_on" in by_onset  # sorting again reverses
    confirmed = _codes(tracer.get("/cases", params={"sort": "-confirmed_on"}).text)
    assert confirmed == ["C1", "B1", "A1", "A2"]  # without the date last, either way
    assert _codes(tracer.get("/cases", params={"sort": "confirmed_on"}).text)[-1] == "A2"
    assert _codes(tracer.get("/cases", params={"sort": "code"}).text) == ["A1", "A2", "B1", "C1"]

    monkeypatch.setattr(filters, "PER_PAGE", 3)
    first = tracer.get("/cases", params={"sort": "code", "status": "confirmed"}).text
    assert _codes(first) == ["A1", "B1", "C1"]
    assert "Next" not in first
    first = tracer.get("/cases", params={"sort": "code"}).text
    assert _codes(first) == ["A1", "A2", "B1"]
    assert 'href="/cases?sort=code&amp;page=2"' in first  # the filters travel with the pages
    second = tracer.get("/cases", params={"sort": "code", "page": "2"}).text
    assert _codes(second) == ["C1"]
    assert "Previous" in second


def test_a_ward_worker_sees_only_their_wards_cases(
    browser: Browser, registry: dict[str, Any]
) -> None:
    worker = browser("ward_worker", "00001", lang="en")
    page = worker.get("/cases").text
    assert _codes(page) == ["A2", "A1"]
    assert "Phạm Văn Ba" not in page
    # another ward's id in the filter shows nothing of it
    _, truc_bach, _ = registry["wards"]
    assert _codes(worker.get("/cases", params={"unit": truc_bach}).text) == []


def test_an_analyst_sees_pseudonyms(browser: Browser, registry: dict[str, Any]) -> None:
    page = browser("analyst", "01", lang="en").get("/cases").text
    assert _codes(page) == ["C1", "B1", "A2", "A1"]
    assert pseudonym(registry["people"]["A1"]) in page
    for name in ("Trần Văn Một", "Lê Thị Hai", "Phạm Văn Ba", "Vũ Thị Bốn"):
        assert name not in page
    assert 'href="/cases/' not in page.split("<tbody>")[1]


def test_a_filter_that_cannot_be_read_is_a_message_in_the_users_language(
    browser: Browser, registry: dict[str, Any]
) -> None:
    page = browser("epidemiologist", "01", lang="vi").get(
        "/cases", params={"confirmed_from": "06/03/2020", "status": "healed"}
    )
    assert page.status_code == 422
    assert page.headers["content-type"].startswith("text/html")
    assert "Nhập ngày theo dạng YYYY-MM-DD." in page.text
    assert "Hãy chọn một trong các giá trị có sẵn." in page.text


def _csv_codes(body: bytes) -> list[str]:
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    return sorted(r[0] for r in rows[1:])


def test_export_what_is_shown(browser: Browser, registry: dict[str, Any]) -> None:
    tracer = browser("epidemiologist", "01", lang="en")
    phuc_xa, _, _ = registry["wards"]
    page = tracer.get("/cases", params={"unit": phuc_xa, "status": "suspected"}).text
    link = page.split('href="/exports/cases.csv?')[1].split('"')[0].replace("&amp;", "&")
    assert "status=suspected" in link
    export = tracer.get(f"/exports/cases.csv?{link}")
    assert export.status_code == 200
    assert _csv_codes(export.content) == ["A2"]
    onset = tracer.get("/exports/cases.csv", params={"onset_from": "2020-03-05"})
    assert _csv_codes(onset.content) == ["A2", "C1"]
    xlsx = tracer.get("/exports/cases.xlsx", params={"classification": "imported"})
    assert xlsx.status_code == 200
    assert xlsx.headers["content-type"].startswith("application/vnd.openxml")


def test_a_ward_workers_export_holds_their_ward_only(
    browser: Browser, registry: dict[str, Any]
) -> None:
    officer = browser("district_officer", "001", lang="en")
    assert _csv_codes(officer.get("/exports/cases.csv").content) == ["A1", "A2", "B1"]


def test_the_export_page_with_its_dates_left_empty_exports_everything(
    browser: Browser, registry: dict[str, Any]
) -> None:
    tracer = browser("epidemiologist", "01", lang="vi")
    form = tracer.get("/exports").text
    assert 'formaction="/exports/cases.csv"' in form
    everything = tracer.get("/exports/cases.csv", params={"date_from": "", "date_to": ""})
    assert everything.status_code == 200
    assert _csv_codes(everything.content) == ["A1", "A2", "B1", "C1"]
    chosen = tracer.get(
        "/exports/cases.csv",
        params=[("status", "confirmed"), ("status", "suspected"), ("date_from", "2020-03-08")],
    )
    assert _csv_codes(chosen.content) == ["B1", "C1"]
    exposures = tracer.get("/exports/exposures.xlsx", params={"date_from": "", "date_to": ""})
    assert exposures.status_code == 200
    bad = tracer.get("/exports/cases.csv", params={"date_from": "hôm qua"})
    assert bad.status_code == 422
    assert bad.headers["content-type"].startswith("text/html")
    assert "Dữ liệu không hợp lệ" in bad.text or "không hợp lệ" in bad.text


def test_the_api_lists_with_the_same_filters_and_sorts(
    client: TestClient, registry: dict[str, Any]
) -> None:
    answer = client.get(
        "/api/v1/cases", params={"onset_from": "2020-03-02", "sort": "-onset_on", "tier": 0}
    )
    assert answer.status_code == 200, answer.text
    assert [c["code"] for c in answer.json()["items"]] == ["C1", "A1"]
    assert answer.json()["total"] == 2
    assert client.get("/api/v1/cases", params={"sort": "name"}).status_code == 422


@pytest.mark.parametrize(
    ("lang", "title"), [("vi", "Dữ liệu không hợp lệ"), ("en", "Invalid input")]
)
def test_a_web_pages_bad_address_is_a_page_in_the_users_language(
    browser: Browser, lang: str, title: str
) -> None:
    user = browser("epidemiologist", "01", lang=lang)
    for path in ("/cases/not-a-number", "/exports/cases.pdf"):
        page = user.get(path)
        assert page.status_code in (404, 422), path
        assert page.headers["content-type"].startswith("text/html"), path
        assert f'<html lang="{lang}">' in page.text
    assert title in user.get("/cases/not-a-number").text
