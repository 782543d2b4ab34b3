"""The command line: cases list/show/confirm/status, chain and cluster."""

from __future__ import annotations

import datetime as dt
import json

from sqlalchemy.orm import Session
from typer.testing import CliRunner

from conftest import MakeCase
from cordon.cases.chains import add_source
from cordon.cases.enums import CaseStatus, SourceKind
from cordon.cli.main import app
from cordon.clusters import service as clusters
from cordon.clusters.enums import ClusterKind

runner = CliRunner()


def _run(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.output


def test_cases_list_show_confirm_and_forbidden_status(make_case: MakeCase) -> None:
    make_case("BN17")
    make_case("BN19", status=CaseStatus.suspected, onset_on=dt.date(2020, 3, 4))
    code, out = _run("cases", "list", "--json")
    assert code == 0, out
    assert [c["code"] for c in json.loads(out)["items"]] == ["BN19", "BN17"]
    code, out = _run("cases", "list", "--status", "suspected")
    assert code == 0
    assert "BN19" in out
    assert "BN17" not in out
    code, out = _run(
        "cases",
        "confirm",
        "BN19",
        "--on",
        "2020-03-06",
        "--by",
        "CDC Hà Nội",
        "--reason",
        "positive PCR",
    )
    assert code == 0, out
    code, out = _run("cases", "show", "BN19", "--json")
    shown = json.loads(out)
    assert (shown["status"], shown["confirmed_on"]) == ("confirmed", "2020-03-06")
    assert [h["to_status"] for h in shown["history"]] == ["suspected", "confirmed"]
    code, out = _run("cases", "show", "BN19")
    assert "CDC Hà Nội" in out
    code, out = _run(
        "cases", "status", "BN19", "suspected", "--on", "2020-03-07", "--by", "x", "--reason", "y"
    )
    assert code == 1
    assert "cannot go from confirmed to suspected" in out
    code, out = _run("cases", "show", "BN999")
    assert code == 1
    assert "No case with code BN999" in out


def test_chain_tree_and_json(session: Session, make_case: MakeCase) -> None:
    ids = {c: make_case(c).id for c in ("BN17", "BN19", "BN20", "BN86")}
    for case, source in [("BN19", "BN17"), ("BN20", "BN17"), ("BN86", "BN19")]:
        add_source(session, ids[case], kind=SourceKind.case, source_case_id=ids[source])
    add_source(session, ids["BN17"], kind=SourceKind.country, country_code="GB")
    session.commit()
    code, out = _run("chain", "BN17")
    assert code == 0, out
    lines = out.splitlines()
    assert lines[0].startswith("BN17")
    assert lines.index(next(x for x in lines if "BN86" in x)) > lines.index(
        next(x for x in lines if "BN19" in x)
    )
    assert "GB" in out
    code, out = _run("chain", "BN19", "--json")
    labels = {n["label"]: n["generation"] for n in json.loads(out)["nodes"]}
    assert labels == {"GB": -2, "BN17": -1, "BN19": 0, "BN86": 1}


def test_cluster_summary_by_code_or_name(session: Session, make_case: MakeCase) -> None:
    cluster = clusters.create_cluster(
        session, code="BVBM", name="Bệnh viện Bạch Mai", kind=ClusterKind.place
    )
    session.commit()
    for case_code in ("BN86", "BN87"):
        clusters.add_member(session, cluster.id, case_id=make_case(case_code).id)
    session.commit()
    code, out = _run("cluster", "BVBM", "--json")
    assert code == 0, out
    assert json.loads(out)["size"] == 2
    code, out = _run("cluster", "bệnh viện bạch mai")
    assert code == 0, out
    assert "cases: 2" in out
    assert "unknown: 2" in out
    code, out = _run("cluster", "nowhere")
    assert code == 1
