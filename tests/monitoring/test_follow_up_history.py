"""A person's follow-up history: every daily reading with who reported it and the flags it
raised, through the API, on the person page and as CSV and XLSX; a flag says the reading
that raised it."""

from __future__ import annotations

import csv
import io
from typing import Any

import openpyxl
import pytest
from fastapi.testclient import TestClient

from monitoring.test_monitoring import isolated, send
from pagekit import Browser

pytestmark = pytest.mark.usefixtures("city_regime")
__all__ = ["isolated"]  # the fixture


def test_the_follow_up_history_shows_each_reading_and_the_flag_it_raised(
    browser: Browser, client: TestClient, isolated: dict[str, Any]
) -> None:
    f2 = isolated["f2"]
    assert send(client, f2["order"], "reading-0001", temperature=36.6).status_code == 201
    hot = send(client, f2["order"], "reading-0002", temperature=38.4, note="=HYPERLINK(1)")
    assert hot.status_code == 201, hot.text
    flags = client.get("/api/v1/monitoring/flags").json()["items"]
    (fever,) = [f for f in flags if f["person_id"] == f2["person"]]
    assert fever["report_id"] == hot.json()["id"]

    readings = client.get(f"/api/v1/people/{f2['person']}/readings").json()
    assert [(r["temperature"], r["flags"]) for r in readings] == [(38.4, ["fever"]), (36.6, [])]
    assert readings[0]["reporter"] == "worker"
    assert readings[0]["entered_by"] == "tester"

    page = browser("epidemiologist", "01", lang="en").get(f"/people/{f2['person']}")
    section = page.text.split('id="h-readings"')[1].split("</section>")[0]
    assert "38.4 °C" in section
    assert "36.6 °C" in section
    assert "health worker (tester)" in section
    assert '<span class="tag">fever</span>' in section


def test_the_follow_up_history_exports_as_csv_and_xlsx(
    browser: Browser, client: TestClient, isolated: dict[str, Any]
) -> None:
    f2 = isolated["f2"]
    assert send(client, f2["order"], "reading-0003", temperature=38.0, note="=1+1").is_success
    page = browser("epidemiologist", "01", lang="en")
    as_csv = page.get(f"/people/{f2['person']}/readings.csv")
    assert as_csv.status_code == 200
    assert "Nguy" not in as_csv.headers["content-disposition"]
    (row,) = list(csv.DictReader(io.StringIO(as_csv.content.decode("utf-8-sig"))))
    assert row["temperature"] == "38.0"
    assert row["flags_raised"] == "fever"
    assert row["reporter"] == "worker"
    assert row["note"] == "'=1+1"  # never a live formula
    as_xlsx = page.get(f"/people/{f2['person']}/readings.xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(as_xlsx.content), read_only=True).worksheets[0]
    values = list(sheet.iter_rows(values_only=True))
    assert values[0][:3] == ("reported_on", "reported_at", "temperature")
    assert values[1][2] == 38.0
    assert page.get(f"/people/{f2['person']}/readings.pdf").status_code == 404
