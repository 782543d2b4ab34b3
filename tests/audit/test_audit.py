"""The audit log: reads and writes leave entries; the hash chain exposes any tampering."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text
from sqlalchemy.engine import Engine
from typer.testing import CliRunner

from conftest import MakePerson, SignIn
from cordon.audit import recorder
from cordon.cli.main import app as cli


def _viewers(client: TestClient, auditor: dict[str, str], person: int) -> list[tuple[str, str]]:
    page = client.get(f"/api/v1/audit/entries?person_id={person}", headers=auditor).json()
    return [(e["actor"].split(" ")[0], e["action"]) for e in page["items"]]


def test_who_looked_at_this_person(
    anonymous: TestClient, sign_in: SignIn, make_person: MakePerson
) -> None:
    person = make_person("Nguyễn Văn An")
    epi = sign_in("epidemiologist", username="epi")
    auditor = sign_in("auditor", username="aud")
    assert anonymous.get(f"/api/v1/people/{person}", headers=epi).status_code == 200
    anonymous.patch(f"/api/v1/people/{person}", json={"version": 1, "address": "1"}, headers=epi)
    viewers = _viewers(anonymous, auditor, person)
    assert ("epi", "read") in viewers
    assert ("epi", "update") in viewers
    update = anonymous.get(f"/api/v1/audit/entries?person_id={person}", headers=auditor).json()
    change = next(e for e in update["items"] if e["action"] == "update")
    assert change["detail"] == {"before": {"address": None}, "after": {"address": "1"}}
    # other roles cannot read the log
    assert anonymous.get("/api/v1/audit/entries", headers=epi).status_code == 403


def test_a_rolled_back_change_leaves_no_entry(
    anonymous: TestClient, sign_in: SignIn, make_person: MakePerson
) -> None:
    person = make_person()
    epi = sign_in("epidemiologist", username="epi")
    url = f"/api/v1/people/{person}"
    stale = anonymous.patch(url, json={"version": 9, "address": "x"}, headers=epi)
    assert stale.status_code == 409
    auditor = sign_in("auditor", username="aud")
    assert ("epi", "update") not in _viewers(anonymous, auditor, person)


def _tamper(engine: Engine, sql: str) -> None:
    """What a database administrator could do behind the application's back."""
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            conn.execute(text("SET LOCAL session_replication_role = replica"))
            conn.execute(text(sql))
            return
        triggers = text("SELECT name, sql FROM sqlite_master WHERE type='trigger'")
        saved = list(conn.execute(triggers))
        for name, _ in saved:
            conn.execute(text(f"DROP TRIGGER {name}"))
        conn.execute(text(sql))
        for _, ddl in saved:
            conn.execute(text(ddl))


@pytest.mark.parametrize(
    ("tampering", "found"),
    [
        (["UPDATE audit_entries SET actor = 'nobody' WHERE seq = 2"], "entry 2: content"),
        (["DELETE FROM audit_subjects WHERE seq = 2"], "entry 2: content"),
        (
            ["DELETE FROM audit_subjects WHERE seq = 2", "DELETE FROM audit_entries WHERE seq = 2"],
            "entries 2–2 are missing",
        ),
    ],
    ids=["edited", "subject removed", "deleted"],
)
def test_verify_detects_tampering(
    engine: Engine, make_person: MakePerson, tampering: list[str], found: str
) -> None:
    for name in ("An", "Bình", "Chi"):
        make_person(name)
    runner = CliRunner()
    clean = runner.invoke(cli, ["audit", "verify"])
    assert clean.exit_code == 0
    assert "chain intact" in clean.output
    for sql in tampering:
        _tamper(engine, sql)
    broken = runner.invoke(cli, ["audit", "verify"])
    assert broken.exit_code == 1
    assert found in broken.output


def test_the_log_refuses_updates_and_deletes(engine: Engine, make_person: MakePerson) -> None:
    make_person()
    for sql in ("UPDATE audit_entries SET actor = 'x'", "DELETE FROM audit_entries"):
        with pytest.raises(Exception, match="append-only"), engine.begin() as conn:
            conn.execute(text(sql))


def test_an_anchor_reveals_a_cut_tail(engine: Engine, make_person: MakePerson) -> None:
    make_person("An")
    runner = CliRunner()
    first = runner.invoke(cli, ["audit", "verify"])
    anchor = first.output.split("Anchor: ")[1].strip()
    _tamper(engine, "DELETE FROM audit_subjects")
    _tamper(engine, "DELETE FROM audit_entries")
    _tamper(engine, "DELETE FROM audit_head")
    cut = runner.invoke(cli, ["audit", "verify", "--anchor", anchor])
    assert cut.exit_code == 1
    assert "cut off" in cut.output


def test_a_command_acts_as_its_operator_and_no_longer_after(engine: Engine) -> None:
    """The `cordon` command audits its changes as the operating-system user (a context
    variable, reset when the command ends), not as a process-wide setting."""
    assert recorder.acting() == recorder.Actor.system()
    result = CliRunner().invoke(cli, ["people", "add", "Đỗ Văn Lệnh"])
    assert result.exit_code == 0, result.output
    assert recorder.acting() == recorder.Actor.system()
    with engine.connect() as conn:
        actors = conn.execute(
            text("SELECT DISTINCT actor FROM audit_entries WHERE resource = 'people'")
        ).scalars()
        assert list(actors) == [recorder.Actor.cli().name]
