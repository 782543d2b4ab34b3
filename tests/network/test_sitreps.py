"""Situation reports: the city's drafted from its registry with the public dashboard's
figures, edited, approved and sent to the peers that receive reports; a partner's report
received, stored once and listed; one that is not a report refused whole."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any
from xml.etree import ElementTree

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from conftest import MakeCase, MakePerson
from cordon.cases.enums import Classification
from cordon.core.dates import today
from cordon.geography.models import AdminUnit
from cordon.network.enums import Kind
from cordon.network.models import NetworkMessage, SituationReport
from cordon.network.sitreps import figures
from cordon.public.figures import dashboard
from networkkit import Partner

URL = "/api/v1/network/sitreps"


def _ward(session: Session, code: str) -> int:
    found = session.scalar(select(AdminUnit.id).where(AdminUnit.code == code))
    assert found is not None
    return int(found)


def _cases(session: Session, make_case: MakeCase, make_person: MakePerson) -> dt.date:
    on = today()
    phuc_xa = _ward(session, "00001")
    for n, (days_ago, source) in enumerate(
        [
            (0, Classification.community),
            (3, Classification.in_quarantine),
            (9, Classification.imported),
            (20, Classification.community),
        ]
    ):
        make_case(
            f"SR{n}",
            person_id=make_person(ward_id=phuc_xa),
            confirmed_on=on - dt.timedelta(days=days_ago),
            classification=source,
        )
    return on


def test_the_figures_are_the_public_dashboards(
    hanoi: Session, make_case: MakeCase, make_person: MakePerson
) -> None:
    on = _cases(hanoi, make_case, make_person)
    got = figures(hanoi, on)
    board = dashboard(hanoi, on=on)
    assert (got.confirmed, got.community, got.imported, got.in_quarantine) == (4, 2, 1, 1)
    assert (got.new_last_7, got.new_last_14) == (board.city.last_7, board.city.last_14) == (2, 3)
    assert got.days_since_community_case == 0
    assert got.active == 4
    assert got.beds_capacity is None  # no facility yet


def _drafted(client: TestClient) -> dict[str, Any]:
    drafted = client.post(URL, json={})
    assert drafted.status_code == 201, drafted.text
    return dict(drafted.json())


def test_a_report_is_drafted_edited_approved_and_sent_to_the_peers(
    client: TestClient, make_case: MakeCase, make_person: MakePerson, hanoi: Session, seoul: Partner
) -> None:
    _cases(hanoi, make_case, make_person)
    draft = _drafted(client)
    assert draft["status"] == "draft"
    assert draft["peer"] is None
    report = draft["report"]
    assert (report["number"], report["report_version"]) == (1, "initial")
    assert report["figures"]["confirmed"] == 4
    assert report["prepared_by"] == "tester"
    measures = [{"name": "Cách ly tập trung F1 14 ngày", "since": "2020-03-01"}]
    edited = client.put(
        f"{URL}/{draft['id']}",
        json={"version": draft["version"], "summary": "Ổ dịch Bạch Mai", "measures": measures},
    )
    assert edited.status_code == 200, edited.text
    assert edited.json()["report"]["summary"] == "Ổ dịch Bạch Mai"
    early = client.post(f"{URL}/{draft['id']}/send", json={"version": edited.json()["version"]})
    assert early.status_code == 409  # a draft is approved before it is sent
    approved = client.post(
        f"{URL}/{draft['id']}/approve", json={"version": edited.json()["version"]}
    )
    assert approved.status_code == 200, approved.text
    assert approved.json()["report"]["approved_by"] == "tester"
    stale = client.put(f"{URL}/{draft['id']}", json={"version": approved.json()["version"]})
    assert stale.status_code == 409  # an approved report is no longer edited
    sent = client.post(f"{URL}/{draft['id']}/send", json={"version": approved.json()["version"]})
    assert sent.status_code == 202, sent.text
    (copy,) = sent.json()
    assert (copy["peer"], copy["kind"], copy["delivery"]) == (seoul.node_id, "sitrep", "queued")
    assert client.get(f"{URL}/{draft['id']}").json()["status"] == "sent"
    assert _drafted(client)["report"]["report_version"] == "update"


def _report(number: int = 7) -> dict[str, Any]:
    return {
        "number": number,
        "report_version": "update",
        "as_of": str(today()),
        "period_from": str(today() - dt.timedelta(days=1)),
        "period_to": str(today()),
        "prepared_by": "Seoul Metropolitan Government",
        "approved_by": "Director of Public Health",
        "population": 9_700_000,
        "summary": "Itaewon cluster under control.",
        "figures": {
            "confirmed": 1200,
            "community": 900,
            "imported": 250,
            "in_quarantine": 50,
            "unclassified": 0,
            "new_last_7": 42,
            "new_last_14": 80,
            "recovered": 1000,
            "deaths": 8,
            "active": 192,
            "isolated_facility": 300,
            "isolated_home": 2500,
            "days_since_community_case": 1,
            "rt_mean": 0.9,
            "rt_lower": 0.7,
            "rt_upper": 1.1,
            "rt_reliable": True,
            "clusters_active": 3,
        },
        "measures": [{"name": "Social distancing level 2", "since": "2020-08-30"}],
    }


def test_a_partners_report_is_received_and_listed(
    client: TestClient, anonymous: TestClient, hanoi: Session, seoul: Partner
) -> None:
    body, headers = seoul.signed(Kind.sitrep, payload=_report())
    answer = anonymous.post("/api/v1/network/inbox", content=body, headers=headers)
    assert answer.status_code == 202, answer.text
    listed = client.get(URL, params={"ours": "false"}).json()
    (got,) = listed["items"]
    assert got["peer"] == seoul.node_id
    assert got["status"] == "received"
    assert got["report"]["figures"]["new_last_7"] == 42
    assert got["report"]["measures"][0]["name"] == "Social distancing level 2"
    assert got["distribution_id"] == json.loads(body)["distributionID"]
    changed = client.put(f"{URL}/{got['id']}", json={"version": got["version"], "summary": "x"})
    assert changed.status_code == 409  # a partner's report is read, not changed


def test_a_report_is_exported_as_edxl_sitrep_xml(
    client: TestClient, anonymous: TestClient, hanoi: Session, seoul: Partner
) -> None:
    body, headers = seoul.signed(Kind.sitrep, payload=_report(number=12))
    assert anonymous.post("/api/v1/network/inbox", content=body, headers=headers).is_success
    (got,) = client.get(URL).json()["items"]
    answer = client.get(f"{URL}/{got['id']}/edxl-sitrep.xml")
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"].startswith("application/xml")
    root = ElementTree.fromstring(answer.content)
    ns = {"s": "urn:oasis:names:tc:emergency:EDXL:SitRep:1.0", "c": "urn:cordon:network:sitrep:1"}
    assert root.tag == "{urn:oasis:names:tc:emergency:EDXL:SitRep:1.0}SitRep"
    assert root.findtext("s:MessageID", namespaces=ns) == json.loads(body)["distributionID"]
    assert root.findtext("s:ReportNumber", namespaces=ns) == "12"
    assert root.findtext("s:ReportVersion", namespaces=ns) == "Update"
    assert root.findtext("s:AuthorizedBy", namespaces=ns) == "Director of Public Health"
    period = root.find("s:ForTimePeriod", ns)
    assert period is not None
    assert period.findtext("s:ToDateTime", namespaces=ns) == f"{today()}T23:59:59+07:00"
    summary = root.find("s:Report/s:CasualtyAndIllnessSummaryByPeriod", ns)
    assert summary is not None
    assert summary.findtext("s:NewCasesLast7Days", namespaces=ns) == "42"
    assert summary.findtext("s:Deaths", namespaces=ns) == "8"
    assert summary.findtext("c:RtMean", namespaces=ns) == "0.9"
    assert summary.findtext("c:Population", namespaces=ns) == "9700000"
    actions = root.findall("s:Report/s:CurrentActions/s:Description", ns)
    assert [a.text for a in actions] == ["Social distancing level 2"]
    assert client.get(f"{URL}/999999/edxl-sitrep.xml").status_code == 404


def test_a_payload_that_is_not_a_report_is_refused_whole(
    anonymous: TestClient, hanoi: Session, seoul: Partner
) -> None:
    wrong = {**_report(), "period_from": str(today() + dt.timedelta(days=3))}
    body, headers = seoul.signed(Kind.sitrep, payload=wrong)
    answer = anonymous.post("/api/v1/network/inbox", content=body, headers=headers)
    assert answer.status_code == 422, answer.text
    assert "period_to" in answer.text
    hanoi.rollback()
    assert hanoi.scalar(select(func.count()).select_from(SituationReport)) == 0
    assert hanoi.scalar(select(func.count()).select_from(NetworkMessage)) == 0  # nor the message
    listed = anonymous.get("/api/v1/network/messages")
    assert listed.status_code == 401


def test_the_cities_side_by_side_per_100k_the_latest_report_of_a_day(
    client: TestClient, anonymous: TestClient, hanoi: Session, seoul: Partner
) -> None:
    for days_ago, new_7 in ((2, 30), (1, 42), (1, 45)):  # two reports of yesterday
        report = _report()
        report["as_of"] = str(today() - dt.timedelta(days=days_ago))
        report["period_from"] = report["period_to"] = report["as_of"]
        report["figures"] = {**report["figures"], "new_last_7": new_7}
        body, headers = seoul.signed(Kind.sitrep, payload=report)
        assert (
            anonymous.post("/api/v1/network/inbox", content=body, headers=headers).status_code
            == 202
        )
    old = _report()
    old["as_of"] = old["period_from"] = old["period_to"] = str(today() - dt.timedelta(days=40))
    body, headers = seoul.signed(Kind.sitrep, payload=old)
    assert anonymous.post("/api/v1/network/inbox", content=body, headers=headers).status_code == 202
    view = client.get(f"{URL}/side-by-side", params={"days": 30}).json()
    assert view["days"][0] == str(today() - dt.timedelta(days=29))
    assert view["days"][-1] == str(today())
    (city,) = view["cities"]  # this city has sent no report yet
    assert (city["node_id"], city["ours"], city["population"]) == ("kr-seoul", False, 9_700_000)
    per_100k = [round(n * 100_000 / 9_700_000, 1) for n in (30, 45)]
    assert city["cases_7_per_100k"][-3:] == [per_100k[0], per_100k[1], None]  # none today
    assert city["cases_7_per_100k"][:-3] == [None] * 27  # the report of 40 days ago is out
    assert city["latest"]["as_of"] == str(today() - dt.timedelta(days=1))
    assert city["latest"]["cases_7_per_100k"] == per_100k[1]
    assert city["latest"]["rt_mean"] == 0.9
