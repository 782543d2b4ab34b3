"""Imports and exports in the web app: a list with a bad row names the row and column and
writes nothing; a good one reports its counts; only city-level importers import; each user
sees their own imports; the export form downloads through the API with the session."""

from __future__ import annotations

import time

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from cordon.cases.models import Case
from pagekit import Browser, csrf_of

HEADER = "case_code,full_name,birth_year,ward_code,status,confirmed_on\n"
GOOD = "BN1,Nguyễn Văn An,1980,00001,confirmed,2020-03-03\n"
BAD = "BN2,Trần Thị Bình,1990,00001,confirmed,2020-13-45\n"


def _upload(client: TestClient, body: str, **extra: str) -> str:
    page = client.get("/imports")
    response = client.post(
        "/imports",
        data={"kind": "cases", "csrf_token": csrf_of(page.text), **extra},
        files={"file": ("list.csv", body.encode(), "text/csv")},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    return str(response.headers["location"])


def _finished(client: TestClient, url: str) -> str:
    for _ in range(200):
        page: str = client.get(url).text
        if 'hx-trigger="every 1s"' not in page:
            return page
        time.sleep(0.05)
    raise AssertionError("the import did not finish")


def test_a_bad_row_is_named_and_nothing_is_written(browser: Browser, hanoi: Session) -> None:
    client = browser("epidemiologist", "01")
    page = _finished(client, _upload(client, HEADER + GOOD + BAD))
    assert "Không nhập gì cả" in page
    assert "<td>3</td><td>confirmed_on</td>" in page  # the file's row 3, the column at fault
    hanoi.expire_all()
    assert hanoi.scalar(select(func.count()).select_from(Case)) == 0


def test_a_good_list_reports_its_counts(browser: Browser, hanoi: Session) -> None:
    client = browser("epidemiologist", "01", lang="en")
    checked = _finished(client, _upload(client, HEADER + GOOD, dry_run="true"))
    assert "Nothing was written (only a check)" in checked
    hanoi.expire_all()
    assert hanoi.scalar(select(func.count()).select_from(Case)) == 0
    url = _upload(client, HEADER + GOOD)
    done = _finished(client, url)
    assert "Imported." in done
    hanoi.expire_all()
    assert hanoi.scalar(select(func.count()).select_from(Case)) == 1
    listed = client.get("/imports")
    assert url in listed.text  # among my imports


def test_only_city_level_importers_and_only_their_own_imports(browser: Browser) -> None:
    epi = browser("epidemiologist", "01")
    url = _upload(epi, HEADER + GOOD)
    _finished(epi, url)
    district = browser("district_officer", "001")
    form = district.get("/imports")
    refused = district.post(
        "/imports",
        data={"kind": "cases", "csrf_token": csrf_of(form.text)},
        files={"file": ("list.csv", (HEADER + GOOD).encode(), "text/csv")},
    )
    assert refused.status_code == 422
    assert "chỉ cấp thành phố" in refused.text
    assert district.get(url).status_code == 404  # another user's import
    worker = browser("ward_worker", "00001")
    assert worker.get("/imports").status_code == 403


def test_the_export_form_downloads_with_the_session(browser: Browser, hanoi: Session) -> None:
    client = browser("epidemiologist", "01")
    page = client.get("/exports")
    assert 'formaction="/exports/cases.xlsx"' in page.text  # the web app's download
    from_form = client.get("/exports/cases.csv", params={"pseudonymised": "true"})
    assert from_form.status_code == 200
    assert from_form.text.lstrip("\ufeff").startswith("case_code")
    download = client.get("/api/v1/exports/cases.csv", params={"pseudonymised": "true"})
    assert download.status_code == 200
    assert download.text.startswith("case_code") or download.text.startswith("\ufeffcase_code")


def test_each_list_exports_and_an_unknown_one_is_not_found(browser: Browser) -> None:
    client = browser("epidemiologist", "01")
    for listed, first in (
        ("cases", "case_code"),
        ("exposures", "index_case_code"),
        ("contacts", "index_case_code"),
    ):
        sent = client.get(f"/exports/{listed}.csv")
        assert sent.status_code == 200, (listed, sent.text)
        assert sent.text.lstrip("\ufeff").startswith(first), listed
    unknown = client.get("/exports/people.csv")
    assert unknown.status_code == 404
    assert "text/html" in unknown.headers["content-type"]


def test_the_import_page_offers_templates_mapping_and_column_reference(browser: Browser) -> None:
    client = browser("epidemiologist", "01", lang="en")
    page = client.get("/imports")
    for name in ("cases.csv", "exposures.csv", "mapping-vietnam-2020.toml", "columns-cases.csv"):
        assert f'href="/imports/templates/{name}"' in page.text
        download = client.get(f"/imports/templates/{name}")
        assert download.status_code == 200, name
        assert "attachment" in download.headers["content-disposition"]
    reference = client.get("/imports/templates/columns-cases.csv").content.decode("utf-8-sig")
    assert reference.splitlines()[1].startswith("case_code,yes,code")
    assert client.get("/imports/templates/..%2Fmodels.py").status_code == 404


def test_every_problem_downloads_and_the_valid_rows_import_on_request(
    browser: Browser, hanoi: Session
) -> None:
    client = browser("epidemiologist", "01", lang="en")
    url = _upload(client, HEADER + GOOD + BAD)
    failed = _finished(client, url)
    assert 'id="errors-download"' in failed
    errors = client.get(f"{url}/errors.csv").content.decode("utf-8-sig")
    assert "3,confirmed_on,2020-13-45," in errors  # row, column, value, message
    other = browser("district_officer", "001")
    assert other.get(f"{url}/errors.csv").status_code in (403, 404)  # only for who imported
    url = _upload(client, HEADER + GOOD + BAD, skip_invalid="true")
    done = _finished(client, url)
    assert "Rows left out" in done
    rejected = client.get(f"{url}/rejected.csv").content.decode("utf-8-sig")
    assert rejected.splitlines()[0].endswith(",error")
    assert "BN2,Trần Thị Bình,1990,00001,confirmed,2020-13-45," in rejected
    hanoi.expire_all()
    assert hanoi.scalar(select(func.count()).select_from(Case)) == 1


def test_dates_to_review_show_on_the_import_and_on_the_case(
    browser: Browser, hanoi: Session
) -> None:
    client = browser("epidemiologist", "01", lang="en")
    header = "case_code,full_name,confirmed_on,onset_on,died_on\n"
    row = "BN7,Lê Văn Cường,2020-03-05,2020-03-08,2020-03-04\n"
    done = _finished(client, _upload(client, header + row))
    assert 'id="warnings"' in done
    assert "to be reviewed" in done
    hanoi.expire_all()
    case = hanoi.scalar(select(Case).where(Case.code == "BN7"))
    assert case is not None
    assert case.status.value == "died"
    page = client.get(f"/cases/{case.id}")
    assert 'id="case-warnings"' in page.text
    assert "onset_on" in page.text
    assert "died_on" in page.text
