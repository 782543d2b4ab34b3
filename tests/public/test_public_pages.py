"""The public dashboard and open data, without signing in: the first wave's figures as the
city told them, in Vietnamese and English; files at stable addresses with their schema;
a browser that has a file gets a 304; nothing personal anywhere."""

from __future__ import annotations

import json

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from conftest import MakeCase, MakePerson
from cordon.demo.vietnam import load_vietnam_2020
from cordon.public.served import forget


def test_the_dashboard_on_2_june_2020(anonymous: TestClient, session: Session) -> None:
    load_vietnam_2020(session)
    session.commit()
    forget()
    vi = anonymous.get("/public?on=2020-06-02", headers={"Accept-Language": "vi"})
    assert vi.status_code == 200, vi.text
    assert "48 ngày" in vi.text
    assert "Hà Nội" in vi.text
    en = anonymous.get("/public?on=2020-06-02", headers={"Accept-Language": "en"})
    assert "48 days" in en.text
    assert "BN" not in en.text  # no case is named
    again = anonymous.get(
        "/public?on=2020-06-02",
        headers={"Accept-Language": "en", "If-None-Match": en.headers["etag"]},
    )
    assert again.status_code == 304


def test_open_data_files(anonymous: TestClient, session: Session) -> None:
    load_vietnam_2020(session)
    session.commit()
    forget()
    city = anonymous.get("/public/data/city-daily.csv")
    assert city.status_code == 200
    assert city.headers["content-type"].startswith("text/csv")
    header, *rows = city.text.splitlines()
    assert header == (
        "date,code,name,community,imported,in_quarantine,unclassified,confirmed,recovered,deaths"
    )
    assert sum(int(r.split(",")[7]) for r in rows) > 100
    as_json = anonymous.get("/public/data/city-daily.json").json()
    assert as_json["level"] == "city"
    assert len(as_json["rows"]) == len(rows)
    wards = json.loads(anonymous.get("/public/data/ward-daily.json").text)
    assert wards["columns"] == [
        "date", "code", "name", "district_code", "confirmed", "recovered", "deaths"
    ]  # fmt: skip
    assert anonymous.get("/public/data/people.csv").status_code == 422
    cached = anonymous.get(
        "/public/data/city-daily.csv", headers={"If-None-Match": city.headers["etag"]}
    )
    assert cached.status_code == 304


def test_the_map_and_charts_download_as_images(anonymous: TestClient, session: Session) -> None:
    load_vietnam_2020(session)
    session.commit()
    forget()
    page = anonymous.get("/public?on=2020-04-20", headers={"Accept-Language": "en"})
    assert page.text.count("<svg") >= 3  # the curve, the Rt chart, the maps
    assert "Government of Viet Nam" in page.text  # the boundaries' attribution
    for name in ("map-7", "map-14", "cases", "rt"):
        got = anonymous.get(f"/public/charts/{name}.svg?on=2020-04-20")
        assert got.status_code == 200, (name, got.text[:200])
        assert got.headers["content-type"].startswith("image/svg+xml")
        assert "attachment" in got.headers["content-disposition"]
        assert got.text.lstrip().startswith("<svg")
    early = anonymous.get("/public/charts/rt.svg?on=2020-01-25")
    assert early.status_code == 404


def test_a_new_case_is_on_the_dashboard_within_a_second_or_so(
    anonymous: TestClient, hanoi: Session, make_case: MakeCase, make_person: MakePerson
) -> None:
    """Served from memory between changes; a change is seen once the fast path has read the
    counts' new version (every half second)."""
    import time

    from cordon.cases.enums import Classification
    from cordon.core.dates import today

    forget()
    first = anonymous.get("/public", headers={"Accept-Language": "en"})
    again = anonymous.get("/public", headers={"Accept-Language": "en"})
    assert again.headers["etag"] == first.headers["etag"]
    make_case(
        "NEW1",
        person_id=make_person(),
        confirmed_on=today(),
        classification=Classification.community,
        province="Hà Nội",
    )
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        now = anonymous.get("/public", headers={"Accept-Language": "en"})
        if now.headers["etag"] != first.headers["etag"]:
            break
        time.sleep(0.1)
    assert now.headers["etag"] != first.headers["etag"]
    assert "Days since the last new case:</strong> 0 days" in now.text


def test_a_browser_gets_the_pages_gzipped_and_other_clients_as_they_are(
    anonymous: TestClient, session: Session
) -> None:
    load_vietnam_2020(session)
    session.commit()
    forget()
    page = "/public?on=2020-06-02"
    for _ in range(2):  # rendered by the app, then answered from memory
        zipped = anonymous.get(page)  # httpx asks for gzip, as browsers do
        plain = anonymous.get(page, headers={"Accept-Encoding": "identity"})
        refused = anonymous.get(page, headers={"Accept-Encoding": "gzip;q=0, br"})
        assert zipped.headers["content-encoding"] == "gzip"
        assert int(zipped.headers["content-length"]) < len(plain.content) / 3
        assert "content-encoding" not in plain.headers
        assert "content-encoding" not in refused.headers
        assert zipped.text == plain.text  # the same page
        assert "Accept-Encoding" in zipped.headers["vary"]
        assert zipped.headers["etag"] != plain.headers["etag"]
        again = anonymous.get(page, headers={"If-None-Match": zipped.headers["etag"]})
        assert again.status_code == 304
    tiny = anonymous.get("/public/data/ward-daily.csv")  # a few rows: not worth zipping
    assert len(tiny.content) < 1024
    assert "content-encoding" not in tiny.headers
