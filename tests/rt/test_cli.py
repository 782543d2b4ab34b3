"""``cordon rt``: from a CSV file or the registry, as a table, JSON and a picture; bad input
refused with the field named."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from clikit import cordon
from conftest import MakeCase, MakePerson
from cordon.cases.enums import Classification

DATA = Path(__file__).parent / "data"
FLU = str(DATA / "flu2009-incidence.csv")


def test_a_csv_file_as_json() -> None:
    code, out = cordon("rt", "--csv", FLU, "--si-mean", "2.6", "--si-sd", "1.5", "--json")
    assert code == 0, out
    found = json.loads(out)
    first = found["estimates"][0]
    assert (first["start"], first["end"]) == ("2009-04-28", "2009-05-04")
    assert first["mean"] == pytest.approx(1.7357977, abs=5e-8)  # EpiEstim example 3
    assert first["lower"] == pytest.approx(1.02874370, abs=5e-9)
    assert first["upper"] == pytest.approx(2.6247813, abs=5e-8)
    assert len(found["estimates"]) == 25
    assert found["serial_interval"]["mean"] == pytest.approx(2.6, abs=1e-6)
    assert len(found["incidence"]) == 32


def test_a_serial_interval_file_and_the_table() -> None:
    si = str(DATA / "flu2009-si.csv")
    code, out = cordon("rt", "--csv", FLU, "--si-file", si, "--last", "3")
    assert code == 0, out
    rows = [line for line in out.splitlines() if line.startswith("│ 2009-")]
    assert [row.split()[1] for row in rows] == ["2009-05-26", "2009-05-27", "2009-05-28"]
    assert rows[-1].split()[7] == "1.00"  # EpiEstim example 1: 1.0040161
    assert "few cases" in out


@pytest.mark.parametrize("suffix", [".png", ".svg"])
def test_a_plot(tmp_path: Path, suffix: str) -> None:
    picture = tmp_path / f"rt{suffix}"
    code, out = cordon("rt", "--csv", FLU, "--plot", str(picture), "--since", "2009-04-30")
    assert code == 0, out
    content = picture.read_bytes()
    assert content.startswith(b"\x89PNG") if suffix == ".png" else b"<svg" in content


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (("--plot", "rt.pdf"), "plot: must end in .png or .svg"),
        (("--si-file", FLU, "--si-mean", "3"), "si_file: give a file or a mean and SD"),
        (("--area", "001"), "area: the registry's areas are not in a CSV file"),
        (("--window", "40"), "incidence: needs at least 41 days"),
        (("--si-mean", "0.5"), "si_mean: must be more than 1 day"),
        (("--since", "2010-01-01"), "since: leaves no day of the series"),
    ],
)
def test_bad_input_is_refused(args: tuple[str, ...], said: str) -> None:
    code, out = cordon("rt", "--csv", FLU, *args)
    assert code == 1
    assert said in out


def test_a_missing_file() -> None:
    code, out = cordon("rt", "--csv", "no-such-file.csv")
    assert (code, "csv: file not found" in out) == (1, True)


def test_from_the_registry(hanoi: Session, make_case: MakeCase, make_person: MakePerson) -> None:
    start = dt.date(2020, 7, 25)
    for i, n in enumerate([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]):
        for k in range(n):
            kind = Classification.imported if i == 0 else Classification.community
            onset = start + dt.timedelta(days=i)
            make_case(f"C{i}-{k}", onset_on=onset, confirmed_on=onset, classification=kind)
    code, out = cordon("rt", "--json", "--si-mean", "3", "--si-sd", "1.5", "--window", "5")
    assert code == 0, out
    found = json.loads(out)
    assert found["of"] == "the city"
    assert found["incidence"][0] == {"date": "2020-07-25", "local": 0, "imported": 1}
    assert [e["end"] for e in found["estimates"]][-1] == "2020-08-05"
    assert all(e["mean"] > 1 for e in found["estimates"])  # a growing epidemic
    code, out = cordon("rt", "--area", "001")
    assert code == 1
    assert "area: has no confirmed case" in out  # the people have no ward
    code, out = cordon("rt", "--area", "nowhere")
    assert "no city, district or ward has the code nowhere" in out
