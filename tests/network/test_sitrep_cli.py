"""``cordon network sitreps``: a report drafted, approved and sent from the command line,
listed as the API lists it, shown as EDXL-SitRep XML, and the daily schedule set."""

from __future__ import annotations

import json
from xml.etree import ElementTree

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from clikit import cordon
from networkkit import Partner


def test_a_report_from_draft_to_sent(client: TestClient, hanoi: Session, seoul: Partner) -> None:
    code, out = cordon("network", "sitreps", "draft", "--by", "Duty officer")
    assert code == 0, out
    assert "drafted" in out
    code, listed = cordon("network", "sitreps", "list", "--json")
    assert code == 0, listed
    (item,) = json.loads(listed)["items"]
    api = client.get("/api/v1/network/sitreps").json()
    assert json.loads(listed) == {"total": api["total"], "items": api["items"]}
    report_id = str(item["id"])
    code, out = cordon("network", "sitreps", "send", report_id)
    assert code == 1
    assert "approved" in out  # a draft is approved before it is sent
    code, out = cordon("network", "sitreps", "approve", report_id, "--by", "Director")
    assert code == 0, out
    code, out = cordon("network", "sitreps", "send", report_id)
    assert code == 0, out
    assert "1 partner" in out
    code, out = cordon("network", "sitreps", "show", report_id, "--xml")
    assert code == 0, out
    root = ElementTree.fromstring(out)
    ns = {"s": "urn:oasis:names:tc:emergency:EDXL:SitRep:1.0"}
    assert root.findtext("s:AuthorizedBy", namespaces=ns) == "Director"
    code, out = cordon("network", "sitreps", "show", "999999")
    assert code == 1
    assert "999999" in out


def test_the_cities_side_by_side(client: TestClient, hanoi: Session, seoul: Partner) -> None:
    code, out = cordon("network", "sitreps", "side-by-side")
    assert (code, out.splitlines()[-1]) == (0, "0 cities.")  # no report sent yet
    cordon("network", "sitreps", "draft", "--by", "Duty officer")
    cordon("network", "sitreps", "approve", "1", "--by", "Director")
    cordon("network", "sitreps", "send", "1")
    code, out = cordon("network", "sitreps", "side-by-side", "--days", "7", "--json")
    assert code == 0, out
    shown = json.loads(out)
    api = client.get("/api/v1/network/sitreps/side-by-side", params={"days": 7}).json()
    assert shown["days"] == api["days"]
    assert shown["items"] == api["cities"]
    assert [c["node_id"] for c in shown["items"]] == ["vn-hanoi"]
    code, out = cordon("network", "sitreps", "side-by-side")
    assert code == 0, out
    assert "vn-hanoi" in out
    assert "1 cities." in out


def test_the_daily_schedule(hanoi: Session, here: str) -> None:
    assert cordon("network", "sitreps", "schedule")[1].strip() == "Reports are sent by hand only."
    code, out = cordon("network", "sitreps", "schedule", "--daily-at", "17:30")
    assert (code, out.strip()) == (0, "Daily report sent at 17:30.")
    code, out = cordon("network", "sitreps", "schedule", "--daily-at", "half past five")
    assert code == 1
    assert "daily_at" in out
    code, out = cordon("network", "sitreps", "schedule", "--off")
    assert (code, out.strip()) == (0, "Reports are sent by hand only.")
