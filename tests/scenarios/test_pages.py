"""The scenario page in Vietnamese and English: the runs, the form to start one (analysts and
epidemiologists), its problems next to the scenario field in the reader's language, the
progress while it runs, then the charts and figures of the chosen runs."""

from __future__ import annotations

import re
import time

from fastapi.testclient import TestClient
from httpx import Response
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from cordon.scenarios.models import ScenarioRun
from pagekit import Browser, csrf_of

from .tiny import TINY_TOML, WAIT


def start(client: TestClient, **fields: str) -> Response:
    page = client.get("/scenarios")
    data = {"csrf_token": csrf_of(page.text), **fields}
    response: Response = client.post("/scenarios", data=data, follow_redirects=False)
    return response


def finished_page(client: TestClient, url: str) -> str:
    deadline = time.monotonic() + WAIT
    while time.monotonic() < deadline:
        page = client.get(url)
        assert page.status_code == 200, page.text
        if 'hx-trigger="every 2s"' not in page.text:
            return str(page.text)
        time.sleep(0.3)
    raise AssertionError("the run did not finish")


def test_the_page_in_both_languages(browser: Browser) -> None:
    vi = browser("analyst", "01", lang="vi").get("/scenarios")
    assert vi.status_code == 200
    assert "<h1>Kịch bản</h1>" in vi.text
    assert "Chạy kịch bản" in vi.text  # the form's button
    assert "Truy vết F1, cách ly tập trung" in vi.text  # an example, in the reader's words
    en = browser("epidemiologist", "01", lang="en").get("/scenarios")
    assert "<h1>Scenarios</h1>" in en.text
    assert "Start from today&#39;s registry" in en.text
    assert "No scenario has run yet." in en.text


def test_who_sees_the_page_and_its_form(browser: Browser) -> None:
    officer = browser("district_officer", "01", lang="en").get("/scenarios")
    assert officer.status_code == 200
    assert '<h2 id="h-runs">Runs</h2>' in officer.text  # the runs …
    assert 'name="toml"' not in officer.text  # … but no form to start one
    assert browser("ward_worker", "01", lang="en").get("/scenarios").status_code == 403
    example = browser("analyst", "01", lang="en").get("/scenarios/examples/f1-only.toml")
    assert example.headers["content-type"].startswith("text/plain")
    assert 'kind = "test_trace_isolate"' in example.text


def test_problems_are_shown_at_the_scenario_field(browser: Browser, hanoi: Session) -> None:
    client = browser("analyst", "01", lang="vi")
    bad = TINY_TOML.replace("depth = 2", "depth = 9")
    refused = start(client, toml=bad)
    assert refused.status_code == 422
    assert 'aria-invalid="true"' in refused.text
    assert "measures[0].depth: tối đa là 5" in refused.text
    assert "depth = 9" in refused.text  # what was pasted is kept
    not_toml = start(client, toml="name = = 1")
    (said,) = re.findall(r'<div id="e-toml"[^>]*>(.*?)</div>', not_toml.text, re.S)
    assert "scenario" not in said  # the whole text is at fault: no field named
    assert "không phải TOML (dòng 1, cột 8)" in not_toml.text
    not_a_day = start(client, toml=TINY_TOML, from_registry="true", on="2020-02-30")
    said_at_on = r'<div id="e-on" class="error" role="alert">\s*<ul><li>Hãy nhập ngày.'
    assert re.search(said_at_on, not_a_day.text)
    alone = start(client, toml=TINY_TOML, on="2020-02-03")
    assert "chỉ áp dụng cho lượt chạy bắt đầu từ sổ đăng ký" in alone.text
    assert 'id="f-on" name="on" type="date" value="2020-02-03"' in alone.text
    nothing = start(client, example="")
    assert nothing.status_code == 422
    assert "Chọn một kịch bản mẫu hoặc dán một kịch bản." in nothing.text
    hanoi.expire_all()
    assert hanoi.scalar(select(func.count()).select_from(ScenarioRun)) == 0


def test_a_run_started_on_the_page_shows_its_charts(browser: Browser) -> None:
    client = browser("analyst", "01", lang="en")
    started = start(client, toml=TINY_TOML)
    assert started.status_code == 303, started.text
    url = started.headers["location"].split("#")[0]
    assert re.fullmatch(r"/scenarios\?run=\d+", url)
    page = finished_page(client, url)
    assert "The run failed." not in page
    assert "Tiny: trace F1 + F2" in page
    assert '<svg xmlns="http://www.w3.org/2000/svg"' in page
    assert 'id="chart-confirmed"' in page
    assert "New confirmed cases a day" in page
    assert "Over the whole horizon: median (90% of runs)" in page
    vi = browser("epidemiologist", "01", lang="vi").get(url)
    assert "Ca xác nhận mới mỗi ngày" in vi.text  # the same chart in Vietnamese
    assert "90% số lần chạy" in vi.text


def test_every_example_runs_and_has_a_title_in_both_languages() -> None:
    from cordon.scenarios.pages import EXAMPLE_TITLES, examples

    assert set(examples()) == set(EXAMPLE_TITLES)  # each checked by the schema as it loads
