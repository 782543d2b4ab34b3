"""Import and export over HTTP: uploads, 422 problem+json, streamed exports."""

from __future__ import annotations

import io
from collections.abc import Callable

import openpyxl
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from cordon.linelists.columns import Shape, column_names
from cordon.linelists.export import INVESTIGATION_COLUMNS
from cordon.linelists.routes import XLSX
from cordon.linelists.service import ImportResult

from .linelists import CASE_ROWS, EXPOSURE_ROWS, counts, to_csv

MAPPING = b'[columns]\n"code" = "case_code"\n'


def test_upload_a_cases_list_then_its_exposures(client: TestClient, hanoi: Session) -> None:
    files = {"file": ("march.csv", to_csv(Shape.cases, CASE_ROWS), "text/csv")}
    response = client.post("/api/v1/imports/cases", files=files)
    assert response.status_code == 201, response.text
    body = response.json()
    assert (body["kind"], body["file"], body["cases"], body["sources"]) == (
        "cases",
        "march.csv",
        3,
        4,
    )
    files = {"file": ("contacts.csv", to_csv(Shape.exposures, EXPOSURE_ROWS), "text/csv")}
    response = client.post("/api/v1/imports/exposures", files=files)
    assert response.status_code == 201
    assert response.json()["exposures"] == 3


def test_a_mapping_file_and_a_dry_run(client: TestClient, hanoi: Session) -> None:
    files = {
        "file": ("x.csv", b"code;full_name\nA1;An\n", "text/csv"),
        "mapping": ("m.toml", MAPPING, "application/toml"),
    }
    response = client.post("/api/v1/imports/cases", files=files, params={"dry_run": "true"})
    assert response.status_code == 200
    assert response.json()["dry_run"] is True
    assert counts(hanoi)["cases"] == 0


def test_bad_rows_answer_422_problem_json_with_rows_and_columns(
    client: TestClient, hanoi: Session
) -> None:
    rows = [dict(r, confirmed_on="2020-02-30") for r in CASE_ROWS]
    files = {"file": ("bad.csv", to_csv(Shape.cases, rows), "text/csv")}
    response = client.post("/api/v1/imports/cases", files=files)
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert body["total_errors"] == len(body["errors"]) >= 3
    assert body["errors"][0] == {
        "field": "confirmed_on",
        "message": "is not a valid date (YYYY-MM-DD)",
        "row": 2,
    }
    assert counts(hanoi)["people"] == 0


def test_the_problem_list_is_capped(client: TestClient, hanoi: Session) -> None:
    rows = [{"case_code": f"C{i}", "status": "nope"} for i in range(1500)]
    files = {"file": ("many.csv", to_csv(Shape.cases, rows), "text/csv")}
    body = client.post("/api/v1/imports/cases", files=files).json()
    assert (body["total_errors"], len(body["errors"])) == (1500, 1000)


def test_exports_stream_csv_and_xlsx_with_filters(
    client: TestClient, cases_loaded: ImportResult, run_import: Callable[..., ImportResult]
) -> None:
    response = client.get("/api/v1/exports/cases.csv", params={"status": ["confirmed"]})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    assert "attachment" in response.headers["content-disposition"]
    lines = response.content.decode("utf-8-sig").splitlines()
    assert lines[0].split(",") == [*column_names(Shape.cases), *INVESTIGATION_COLUMNS]
    assert [line.split(",")[0] for line in lines[1:]] == ["BN1", "BN3"]
    response = client.get("/api/v1/exports/cases.xlsx", params={"date_from": "2020-03-04"})
    sheet = openpyxl.load_workbook(io.BytesIO(response.content), read_only=True).worksheets[0]
    assert [r[0] for r in sheet.iter_rows(min_row=2, values_only=True)] == ["BN2", "BN3"]
    run_import(Shape.exposures, to_csv(Shape.exposures, EXPOSURE_ROWS))
    for suffix in ("csv", "xlsx"):
        response = client.get(f"/api/v1/exports/exposures.{suffix}")
        assert response.status_code == 200
    assert client.get("/api/v1/exports/exposures.csv").text.count("\n") == 4


def test_one_operation_serves_the_four_exports(client: TestClient, hanoi: Session) -> None:
    """Issue 18 §5: one parametrised route; its list and format are path parameters."""
    spec = client.get("/openapi.json").json()
    exports = [path for path in spec["paths"] if path.startswith("/api/v1/exports/")]
    assert exports == ["/api/v1/exports/{shape}.{fmt}"]
    answers = spec["paths"][exports[0]]["get"]["responses"]["200"]["content"]
    assert set(answers) == {"text/csv", XLSX}
    for shape in Shape:
        for fmt, media_type in (("csv", "text/csv"), ("xlsx", XLSX)):
            response = client.get(f"/api/v1/exports/{shape.value}.{fmt}")
            assert response.status_code == 200, response.text
            assert response.headers["content-type"].startswith(media_type)
            name = response.headers["content-disposition"]
            assert name.startswith(f'attachment; filename="{shape.value}-'), name
            assert name.endswith(f'.{fmt}"'), name
    for wrong in ("people.csv", "cases.pdf", "cases"):
        response = client.get(f"/api/v1/exports/{wrong}")
        assert response.status_code in (404, 422), wrong
        assert response.headers["content-type"] == "application/problem+json", wrong


def test_one_operation_takes_both_imports(client: TestClient, hanoi: Session) -> None:
    """Issue 18 §5: the two imports are one route whose list is a path parameter; a list it
    does not know is refused, naming the parameter, and nothing is written."""
    spec = client.get("/openapi.json").json()
    imports = [path for path in spec["paths"] if path.startswith("/api/v1/imports/")]
    assert imports == ["/api/v1/imports/{shape}"]
    before = counts(hanoi)
    files = {"file": ("people.csv", to_csv(Shape.cases, CASE_ROWS), "text/csv")}
    response = client.post("/api/v1/imports/people", files=files)
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    assert "shape" in response.text
    assert counts(hanoi) == before
