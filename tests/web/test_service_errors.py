"""Errors in the user's language: what a service refuses (not the form reader) is shown next to
the field in Vietnamese, with what was typed kept, while the API still says it in English;
an import's problems are listed in Vietnamese; every service a web user meets marks its
messages for translation."""

from __future__ import annotations

import ast
import datetime as dt
import re
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from cordon.core.errors import FieldProblem
from cordon.geography.models import AdminUnit
from cordon.web.i18n import Texts
from pagekit import Browser, csrf_of

from .test_linelist_pages import HEADER, _finished, _upload

SAMPLE, RESULT = dt.date(2020, 3, 6), dt.date(2020, 3, 5)  # the result before the sample


def _field_error(page: str, name: str) -> str:
    assert re.search(rf'id="f-{name}"[^>]*aria-describedby="e-{name}', page, re.S), name
    found = re.search(rf'<p id="e-{name}" class="error" role="alert">([^<]*)</p>', page)
    assert found, name
    return found.group(1)


def _suspected_case(client: TestClient, hanoi: Session, epi: TestClient) -> str:
    ward = hanoi.scalar(select(AdminUnit.id).where(AdminUnit.code == "00001"))
    made = client.post("/api/v1/people", json={"full_name": "Lý Thị Hồng", "ward_id": ward})
    assert made.status_code == 201, made.text
    form = epi.get(f"/cases/new?person={made.json()['id']}")
    data = {"csrf_token": csrf_of(form.text), "person": str(made.json()["id"])}
    case = epi.post("/cases/new", data=data | {"status": "suspected"}, follow_redirects=False)
    assert case.status_code == 303, case.text
    return str(case.headers["location"])


def _lab_test(epi: TestClient, url: str) -> str:
    page = epi.get(url)
    rejected = epi.post(
        f"{url}/lab-tests",
        data={
            "csrf_token": csrf_of(page.text),
            "method": "pcr",
            "result": "positive",
            "sample_taken_on": SAMPLE.isoformat(),
            "result_on": RESULT.isoformat(),
            "laboratory": "CDC Hà Nội",
        },
    )
    assert rejected.status_code == 422
    return str(rejected.text)


def test_a_service_refusal_is_shown_in_the_users_language_and_english_in_the_api(
    browser: Browser, client: TestClient, hanoi: Session
) -> None:
    epi = browser("epidemiologist", "001")
    url = _suspected_case(client, hanoi, epi)
    page = _lab_test(epi, url)  # both dates are fine for the form: the lab service refuses
    said = _field_error(page, "result_on")
    assert said == "Ngày có kết quả không thể trước ngày lấy mẫu (6 thg 3, 2020)."
    assert f'value="{RESULT.isoformat()}"' in page  # what was typed is kept
    assert 'value="CDC Hà Nội"' in page
    # the same request through the API: the English message, as before
    case_id = url.rsplit("/", 1)[1]
    api = client.post(
        f"/api/v1/cases/{case_id}/lab-tests",
        json={
            "method": "pcr",
            "result": "positive",
            "sample_taken_on": SAMPLE.isoformat(),
            "result_on": RESULT.isoformat(),
        },
    )
    assert api.status_code == 422
    assert api.json()["errors"] == [
        {"field": "result_on", "message": f"is before sample_taken_on ({SAMPLE.isoformat()})"}
    ]
    # an English user of the web app reads the service's English
    english = browser("epidemiologist", "01", lang="en")
    said = _field_error(_lab_test(english, url), "result_on")
    assert said == f"is before sample_taken_on ({SAMPLE.isoformat()})"


def test_the_problems_of_an_import_are_listed_in_vietnamese(browser: Browser) -> None:
    epi = browser("epidemiologist", "01")
    rows = (
        "BN1,Nguyễn Văn An,1980,00001,confirmed,2020-03-03\n"
        "BN2,Trần Thị Bình,1990,00001,confirmed,2020-13-45\n"
        "BN1,Lê Văn Cường,1975,00001,confirmed,2020-03-04\n"
    )
    page = _finished(epi, _upload(epi, HEADER + rows))
    assert "<td>3</td><td>confirmed_on</td><td>Ngày không hợp lệ (YYYY-MM-DD).</td>" in page
    assert "<td>4</td><td>case_code</td><td>Mã BN1 đã có ở dòng 2.</td>" in page
    assert "is not a valid date" not in page
    assert "is also on row" not in page


def test_problems_kept_before_templates_are_still_shown() -> None:
    vi, en = Texts("vi"), Texts("en")
    new = FieldProblem.from_record(
        FieldProblem.of("onset_on", "is in the future (%(day)s)", row=4, day=SAMPLE).to_record()
    )
    assert (new.row, new.params) == (4, {"day": SAMPLE})  # the date comes back a date
    assert vi.problem(new) == "Ngày này ở tương lai (6 thg 3, 2020)."
    assert en.problem(new) == "is in the future (2020-03-06)"
    old = FieldProblem.from_record({"field": "phone", "message": "not a phone", "row": 2})
    assert vi.problem(old, old.message) == "not a phone"  # an import of before: as it was
    assert vi.problem(old) == "Hãy kiểm tra lại giá trị này."  # next to a field: never English


# Services whose refusals a web user meets: their messages are marked N_("…") with the
# values apart, so that the catalogue holds them (test_languages.py).
SRC = Path(__file__).resolve().parents[2] / "src" / "cordon"
MET_ON_PAGES = [
    "cases/service.py",
    "cases/lab.py",
    "cases/chains.py",
    "exposures/service.py",
    "handovers/service.py",
    "people/service.py",
    "core/phones.py",
    "clusters/service.py",
    "access/guard.py",
    *(f"linelists/{name}" for name in ("cells.py", "lookups.py", "rows.py", "tables.py")),
    *(f"linelists/{name}" for name in ("mapping.py", "case_list.py", "exposure_list.py")),
]
# the position of the message among the arguments of each way to raise one
MESSAGE_ARGUMENT = {"on": 1, "of": 0, "problem": 2, "FieldProblem": 1, "BadValue": 0}


def _unmarked(path: Path) -> list[int]:
    lines = []
    for node in ast.walk(ast.parse(path.read_text())):
        if not isinstance(node, ast.Call):
            continue
        name = getattr(node.func, "attr", getattr(node.func, "id", ""))
        owner = getattr(getattr(node.func, "value", None), "id", "")
        index = 1 if (owner, name) == ("FieldProblem", "of") else MESSAGE_ARGUMENT.get(name)
        index = 0 if name in ("ValueError", "TypeError") else index
        literal = ast.JoinedStr | ast.Constant
        if index is not None and len(node.args) > index and isinstance(node.args[index], literal):
            lines.append(node.lineno)
    return lines


def test_services_met_on_pages_mark_their_messages() -> None:
    found = {name: _unmarked(SRC / name) for name in MET_ON_PAGES}
    assert {name: lines for name, lines in found.items() if lines} == {}
