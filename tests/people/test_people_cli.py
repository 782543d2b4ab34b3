"""``cordon people``: add, search, show and merge against the test database."""

from __future__ import annotations

import json

from sqlalchemy.engine import Engine
from typer.testing import CliRunner

from cordon.cli.main import app

runner = CliRunner()


def cordon(*args: str, input: str | None = None) -> tuple[int, str]:
    result = runner.invoke(app, ["people", *args], input=input)
    return result.exit_code, result.output


def test_add_search_show(engine: Engine) -> None:
    code, out = cordon("add", "Nguyễn Văn An", "--phone", "0912 345 678", "--dob", "1985-03-02")
    assert code == 0, out
    assert "Created person 1" in out
    code, out = cordon("search", "nguyen an", "--json")
    assert code == 0, out
    found = json.loads(out)
    assert [p["full_name"] for p in found["items"]] == ["Nguyễn Văn An"]
    code, out = cordon("search", "--phone", "+84 912 345 678")
    assert code == 0
    assert "Nguyễn Văn An" in out
    code, out = cordon("show", "1", "--json")
    assert json.loads(out)["birth_year"] == 1985


def test_add_refuses_a_duplicate_and_bad_input(engine: Engine) -> None:
    assert cordon("add", "Lê Thị Hoa", "--national-id", "001190000001")[0] == 0
    code, out = cordon("add", "Le Thi Hoa", "--national-id", "001190000001")
    assert code == 1
    assert "same national ID as person 1" in out
    code, out = cordon("add", "Lê Thị Hoa", "--phone", "123")
    assert code == 1
    assert "phone" in out


def test_show_unknown_and_search_without_criteria(engine: Engine) -> None:
    code, out = cordon("show", "99")
    assert code == 1
    assert "No person with id 99" in out
    assert cordon("search")[0] == 1


def test_merge_asks_then_merges(engine: Engine) -> None:
    cordon("add", "Nguyễn Văn An")
    cordon("add", "Nguyen Van An", "--national-id", "001085012345")
    code, _ = cordon("merge", "1", "2", input="n\n")
    assert code == 1
    code, out = cordon("merge", "1", "2", input="y\n")
    assert code == 0, out
    assert "Merged person 2 into person 1" in out
    assert json.loads(cordon("show", "1", "--json")[1])["national_id"] == "001085012345"
    code, out = cordon("show", "2")
    assert code == 1
    assert "merged into person 1" in out
