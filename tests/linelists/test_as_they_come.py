"""Line lists as they come (issue 17 §3): encodings, a header below a title block, country
names, catch-alls, case codes written several ways, a cluster column, the valid rows only,
and every problem with its value — through the service, the command line and the API."""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from cordon.cases.enums import CaseStatus
from cordon.cases.models import Case
from cordon.cli.main import app
from cordon.clusters.enums import ClusterKind
from cordon.clusters.models import Cluster
from cordon.core.config import get_settings
from cordon.core.errors import InvalidInput
from cordon.linelists.columns import Shape
from cordon.linelists.service import ImportResult
from cordon.people.models import Person

from .form5 import MAPPING, ROWS, form5_csv
from .linelists import counts

Run = Callable[..., ImportResult]
runner = CliRunner()
TEXT = "case_code,full_name,nationality\nBN1,Nguyễn Văn Đức,Việt Nam\nBN2,Trần Thị Hương,England\n"


@pytest.mark.parametrize(
    ("data", "shown"),
    [
        (TEXT.encode("utf-8"), "UTF-8"),
        (codecs.BOM_UTF8 + TEXT.encode("utf-8"), "UTF-8"),
        (TEXT.encode("utf-16"), "UTF-16"),  # Excel's "Unicode text" (with its BOM)
        (TEXT.replace("\n", "\r\n").encode("cp1258", errors="ignore"), None),
    ],
    ids=["utf8", "utf8-bom", "utf16", "cp1258-composed"],
)
def test_encodings_excel_writes_are_read(
    run_import: Run, hanoi: Session, data: bytes, shown: str | None
) -> None:
    if shown is None:  # Windows-1258 cannot hold every composed letter: the Form 5 test does
        pytest.skip("covered by test_form5 (tone marks as combining characters)")
    result = run_import(Shape.cases, data)
    assert (result.cases, result.encoding) == (2, shown)
    assert set(hanoi.scalars(select(Person.nationality))) == {"VN", "GB"}


def test_western_european_code_page_and_a_named_encoding(run_import: Run, hanoi: Session) -> None:
    data = "case_code,full_name\nBN1,José Müller\nBN2,François Gérard\n".encode("cp1252")
    assert run_import(Shape.cases, data).encoding == "Windows-1252"
    assert "José Müller" in set(hanoi.scalars(select(Person.full_name)))
    named = b'[file]\nencoding = "cp1258"\n'
    raw = "case_code,full_name\nBN3,Nguyễn\n".encode()
    # a UTF-8 file read as the mapping says is read as cp1258: the mapping is obeyed
    assert run_import(Shape.cases, raw, mapping=named).encoding == "Windows-1258"


def test_an_unknown_encoding_in_the_mapping_is_named(run_import: Run, hanoi: Session) -> None:
    with pytest.raises(InvalidInput) as caught:
        run_import(Shape.cases, TEXT.encode(), mapping=b'[file]\nencoding = "klingon"\n')
    assert caught.value.problems[0].field == "file.encoding"


def test_a_header_below_a_title_block_with_empty_and_repeated_cells(
    run_import: Run, hanoi: Session
) -> None:
    data = (
        "Danh sách ca bệnh,,,\n\nNgày 02/08/2020,,,\n"
        "case_code,,full_name,full_name,note\nBN1,,An,Bình,x\n"
    ).encode()
    result = run_import(Shape.cases, data)
    assert (result.cases, result.header_line) == (1, 4)
    assert hanoi.scalar(select(Person.full_name)) == "An"  # the first of the repeated
    assert "full_name" in result.ignored_columns


def test_the_mapping_names_the_header_row(run_import: Run, hanoi: Session) -> None:
    data = b"case_code\nnot the header\nMa,Ten\nBN1,An\n"
    mapping = b'[file]\nheader_row = 3\n[columns]\n"Ma" = "case_code"\n"Ten" = "full_name"\n'
    assert run_import(Shape.cases, data, mapping=mapping).header_line == 3


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("Vietnam", "VN"),
        ("Việt Nam", "VN"),
        ("viet nam", "VN"),
        ("England", "GB"),
        ("Scotland", "GB"),
        ("USA", "US"),
        ("America", "US"),
        ("Korea", "KR"),
        ("South Korea", "KR"),
        ("Trung Quốc", "CN"),
        ("Hàn Quốc", "KR"),
        ("Nhật Bản", "JP"),
        ("Germany", "DE"),
    ],
)
def test_country_names_map_to_iso_codes(
    run_import: Run, hanoi: Session, name: str, code: str
) -> None:
    run_import(Shape.cases, f"case_code,nationality\nBN1,{name}\n".encode())
    assert hanoi.scalar(select(Person.nationality)) == code


def test_a_catch_all_counts_the_cells_it_takes(run_import: Run, hanoi: Session) -> None:
    data = b"case_code,onset_on,confirmed_on\nBN1,before the flight,2020-03-03\nBN2,?,2020-03-03\n"
    mapping = b'[values.onset_on]\n"*" = ""\n'
    result = run_import(Shape.cases, data, mapping=mapping)
    assert result.catch_all == {"onset_on": 2}
    assert set(hanoi.scalars(select(Case.onset_on))) == {None}


def test_case_codes_written_three_ways_are_one(run_import: Run, hanoi: Session) -> None:
    data = b"case_code,sources\nNB1,\nNB 002,NB001\nnb-3,NB 1 NB2\nNB004,NB1; NB 003\n"
    mapping = b'[codes]\nprefix = "NB"\ndigits = 3\n'
    result = run_import(Shape.cases, data, mapping=mapping)
    assert result.sources == 5
    assert set(hanoi.scalars(select(Case.code))) == {"NB001", "NB002", "NB003", "NB004"}


def test_a_bad_codes_rule_is_named(run_import: Run, hanoi: Session) -> None:
    with pytest.raises(InvalidInput) as caught:
        run_import(Shape.cases, b"case_code\nA1\n", mapping=b'[codes]\npattern = "[A-Z]+"\n')
    assert caught.value.problems[0].field == "codes.pattern"


def test_a_cluster_column_links_registered_clusters_and_makes_new_ones(
    run_import: Run, hanoi: Session
) -> None:
    hanoi.add(Cluster(code="BVBM", name="Bệnh viện Bạch Mai", kind=ClusterKind.place))
    hanoi.commit()
    data = "case_code,cluster\nBN1,benh vien bach mai\nBN2,Buddha Bar\nBN3,BVBM;buddha bar\n"
    result = run_import(Shape.cases, data.encode())
    assert (result.clusters_created, result.cluster_members) == (1, 4)
    assert set(hanoi.scalars(select(Cluster.code))) == {"BVBM", "BUDDHA-BAR"}


def test_skip_invalid_imports_the_valid_rows_and_hands_back_the_others(
    hanoi: Session, tmp_path: Path
) -> None:
    data = tmp_path / "form5.csv"
    data.write_bytes(_with_bad_rows())
    mapping = tmp_path / "form5.toml"
    mapping.write_text(MAPPING, encoding="utf-8")
    errors = tmp_path / "problems.csv"
    refused = runner.invoke(
        app, ["import", "cases", str(data), "-m", str(mapping), "--errors", str(errors)]
    )
    assert refused.exit_code == 1
    problems = list(csv.reader(io.StringIO(errors.read_text(encoding="utf-8-sig"))))
    assert problems[0] == ["row", "column", "value", "message"]
    assert problems[1][:3] == ["48", "Xác nhận", "31/31/2020"]
    assert counts(hanoi)["cases"] == 0
    done = runner.invoke(app, ["import", "cases", str(data), "-m", str(mapping), "--skip-invalid"])
    assert done.exit_code == 0, done.output
    hanoi.expire_all()
    assert counts(hanoi)["cases"] == ROWS - 1
    rejected = tmp_path / "form5-rejected.csv"
    rows = list(csv.reader(io.StringIO(rejected.read_text(encoding="utf-8-sig"))))
    assert rows[0][-1] == "error"
    assert len(rows) == 2
    assert rows[1][1] == "NB 040"  # unchanged
    # fixed, the rejected rows import with the same mapping
    fixed = rejected.read_text(encoding="utf-8-sig").replace("31/31/2020", "7/2/2020")
    rejected.write_text(fixed, encoding="utf-8-sig")
    again = runner.invoke(app, ["import", "cases", str(rejected), "-m", str(mapping)])
    assert again.exit_code == 0, again.output
    hanoi.expire_all()
    assert counts(hanoi)["cases"] == ROWS


def _with_bad_rows() -> bytes:
    """The Form 5 list with the last case's confirmation impossible (no case names it)."""
    text = form5_csv().decode("cp1258")
    lines = text.split("\r\n")
    cells = next(csv.reader([lines[47]]))
    cells[10] = "31/31/2020"
    out = io.StringIO()
    csv.writer(out, lineterminator="").writerow(cells)
    lines[47] = out.getvalue()
    return "\r\n".join(lines).encode("cp1258")


@pytest.fixture
def small_uploads(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("CORDON_MAX_UPLOAD_MB", "1")
    get_settings.cache_clear()
    yield
    monkeypatch.delenv("CORDON_MAX_UPLOAD_MB")
    get_settings.cache_clear()


def test_an_upload_past_the_limit_is_413_and_nothing_is_read(
    client: TestClient, hanoi: Session, small_uploads: None
) -> None:
    big = b"case_code\n" + b"BN1\n" * 300_000
    response = client.post("/api/v1/imports/cases", files={"file": ("big.csv", big, "text/csv")})
    assert response.status_code == 413
    assert response.json()["errors"][0]["field"] == "file"

    def chunks() -> Iterator[bytes]:  # no Content-Length: counted as it arrives
        boundary = b'--x\r\nContent-Disposition: form-data; name="file"; filename="b.csv"\r\n\r\n'
        yield boundary
        for _ in range(300):
            yield b"BN1\n" * 1000
        yield b"\r\n--x--\r\n"

    chunked = client.post(
        "/api/v1/imports/cases",
        content=chunks(),
        headers={"content-type": "multipart/form-data; boundary=x"},
    )
    assert chunked.status_code == 413
    assert counts(hanoi)["cases"] == 0


def test_the_api_answers_warnings_and_rejected_rows(client: TestClient, hanoi: Session) -> None:
    files = {
        "file": ("form5.csv", _with_bad_rows(), "text/csv"),
        "mapping": ("form5.toml", MAPPING.encode(), "application/toml"),
    }
    response = client.post("/api/v1/imports/cases", files=files, params={"skip_invalid": "true"})
    assert response.status_code == 201, response.text
    body = response.json()
    assert (body["cases"], body["rejected_rows"], body["encoding"]) == (ROWS - 1, 1, "Windows-1258")
    assert {w["row"] for w in body["warnings"]} == {11, 13}
    assert "31/31/2020" not in response.text  # no cell values in the answer
    died = hanoi.scalars(select(Case.code).where(Case.status == CaseStatus.died))
    assert set(died) == {"NB005", "NB006"}


def test_a_row_naming_a_rejected_row_is_rejected_too(run_import: Run, hanoi: Session) -> None:
    data = b"case_code,confirmed_on,sources\nBN1,2020-02-30,\nBN2,2020-03-01,BN1\nBN3,2020-03-01,\n"
    result = run_import(Shape.cases, data, skip_invalid=True)
    assert (result.cases, result.rejected_rows) == (1, 2)
    assert list(hanoi.scalars(select(Case.code))) == ["BN3"]
