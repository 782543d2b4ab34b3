"""``cordon import`` / ``cordon export`` through the real command line."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.orm import Session
from typer.testing import CliRunner

from cordon.cli.main import app
from cordon.linelists.columns import Shape

from .linelists import CASE_ROWS, EXPOSURE_ROWS, counts, to_csv

runner = CliRunner()


def test_import_then_export_from_the_command_line(hanoi: Session, tmp_path: Path) -> None:
    cases, contacts = tmp_path / "cases.csv", tmp_path / "contacts.csv"
    cases.write_bytes(to_csv(Shape.cases, CASE_ROWS))
    contacts.write_bytes(to_csv(Shape.exposures, EXPOSURE_ROWS))
    result = runner.invoke(app, ["import", "cases", str(cases), "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "dry run" in result.output
    assert counts(hanoi)["cases"] == 0
    result = runner.invoke(app, ["import", "cases", str(cases)])
    assert result.exit_code == 0, result.output
    assert "3 cases" in result.output
    assert runner.invoke(app, ["import", "exposures", str(contacts)]).exit_code == 0
    out = tmp_path / "out.xlsx"
    result = runner.invoke(app, ["export", "cases", str(out), "--status", "confirmed"])
    assert result.exit_code == 0, result.output
    assert "Exported 2 cases" in result.output
    result = runner.invoke(
        app, ["export", "exposures", str(tmp_path / "e.csv"), "--from", "2020-03-02"]
    )
    assert "Exported 1 exposures" in result.output


def test_a_bad_file_prints_a_table_of_problems_and_exits_1(hanoi: Session, tmp_path: Path) -> None:
    rows = [dict(r, sex="?") for r in CASE_ROWS] * 20
    bad = tmp_path / "bad.csv"
    bad.write_bytes(to_csv(Shape.cases, rows))
    result = runner.invoke(app, ["import", "cases", str(bad)])
    assert result.exit_code == 1
    assert "column" in result.output  # the table's header
    assert "sex" in result.output
    assert "more problems" in result.output
    assert counts(hanoi)["people"] == 0


def test_a_mapping_file_from_the_command_line(hanoi: Session, tmp_path: Path) -> None:
    data, mapping = tmp_path / "x.csv", tmp_path / "m.toml"
    data.write_text("Mã;Tên\n1;An\n", encoding="utf-8")
    mapping.write_text(
        '[columns]\n"Mã" = "case_code"\n"Tên" = "full_name"\n[prefixes]\ncase_code = "BN"\n'
    )
    result = runner.invoke(app, ["import", "cases", str(data), "--mapping", str(mapping)])
    assert result.exit_code == 0, result.output
    assert counts(hanoi)["cases"] == 1
