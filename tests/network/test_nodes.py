"""Three real nodes — separate processes, separate databases (one on PostgreSQL when the test
server is there), HTTPS between them — set up trust with their cards and exchange every kind
of message through their workers, their operators acting only through the ``cordon``
command: pings; a situation report sent and shown side by side; a resource request
answered, committed, delivered and released; a person handed over, accepted and tiered in
the receiving city. A node that is down gets everything when it returns, once and in order;
a stranger, a tampered signature, a replay and an oversized message are refused over the
wire with nothing stored."""

from __future__ import annotations

import base64
import datetime as dt
import json
import os
import re
import ssl
import time
import uuid
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from cordon.core.dates import today
from cordon.core.db import make_engine
from cordon.network.enums import Kind
from networkkit import Partner

from .nodes import Node, csv_file, hcmc_city, make_nodes, set_up, way

# The nodes make their own databases (Seoul's on PostgreSQL): they run once, in the SQLite pass.
pytestmark = pytest.mark.skipif(
    os.environ.get("CORDON_TEST_DB") == "postgresql",
    reason="runs in the SQLite pass; its nodes make their own databases, one on PostgreSQL",
)

PG_URL = os.environ.get(
    "CORDON_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
BASIS = "Luật Phòng, chống bệnh truyền nhiễm 2007, Điều 47"
INBOX = "/api/v1/network/inbox"


def _day(days_ago: int) -> str:
    return str(today() - dt.timedelta(days=days_ago))


def _number(pattern: str, said: str) -> str:
    """The number an operator reads in what ``cordon`` said."""
    found = re.search(pattern, said)
    assert found, said
    return found.group(1)


@pytest.fixture(scope="module")
def seoul_database() -> Iterator[str]:
    """Seoul's database: a schema of the PostgreSQL test server (SQLite if it is absent and
    not required)."""
    schema = f"cordon_node_{uuid.uuid4().hex[:8]}"
    admin = make_engine(PG_URL)
    try:
        with admin.begin() as conn:
            conn.execute(text(f"CREATE SCHEMA {schema}"))
    except OperationalError:
        if os.environ.get("CORDON_REQUIRE_POSTGRES") == "1":
            raise
        admin.dispose()
        yield ""
        return
    try:
        yield f"{PG_URL}?options=-csearch_path%3D{schema}"
    finally:
        with admin.begin() as conn:
            conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()


@pytest.fixture(scope="module")
def nodes(tmp_path_factory: pytest.TempPathFactory, seoul_database: str) -> Iterator[list[Node]]:
    """Hà Nội, Hồ Chí Minh City and Seoul, each the others' peer, serving (for the module)."""
    tmp_path = tmp_path_factory.mktemp("nodes")
    made = make_nodes(
        tmp_path,
        [
            ("vn-hanoi", "Hà Nội", f"sqlite:///{tmp_path / 'hanoi.db'}", 8_246_600),
            ("vn-hcmc", "Thành phố Hồ Chí Minh", f"sqlite:///{tmp_path / 'hcmc.db'}", 8_993_082),
            (
                "kr-seoul",
                "Seoul",
                seoul_database or f"sqlite:///{tmp_path / 'seoul.db'}",
                9_668_465,
            ),
        ],
    )
    made[1].city_code = "79"
    set_up(made)
    try:
        for node in made:
            node.start()
        yield made
    finally:
        for node in made:
            node.stop()


def test_three_cities_ping_each_other_over_tls(nodes: list[Node]) -> None:
    hanoi, hcmc, seoul = nodes
    hanoi.cordon("network", "ping", "vn-hcmc", "kr-seoul")
    seoul.cordon("network", "ping", "vn-hanoi")
    hanoi.cordon("worker", "--once")
    seoul.cordon("worker", "--once")
    assert [m["peer"] for m in way(hcmc.messages(), "received")] == ["vn-hanoi"]
    assert [m["peer"] for m in way(seoul.messages(), "received")] == ["vn-hanoi"]
    at_hanoi = hanoi.messages()
    assert [m["peer"] for m in way(at_hanoi, "received")] == ["kr-seoul"]
    delivered = way(at_hanoi, "sent")
    assert sorted(m["peer"] for m in delivered) == ["kr-seoul", "vn-hcmc"]
    assert {m["delivery"] for m in delivered} == {"sent"}
    assert len({m["distribution_id"] for m in delivered}) == 1  # one distribution, two copies


def test_a_situation_report_is_sent_and_shown_side_by_side(nodes: list[Node]) -> None:
    hanoi, hcmc, seoul = nodes
    hcmc.cordon("geography", "load", hcmc_city(hcmc.home / "city"))
    cases: list[dict[str, object]] = [
        {
            "case_code": f"HCM{n}",
            "full_name": f"Bệnh nhân {n}",
            "ward_code": "26740",
            "classification": "community",
            "onset_on": _day(4),
            "confirmed_on": _day(2),
            "isolated_on": _day(2),
        }
        for n in range(1, 28)
    ]
    hcmc.cordon("import", "cases", csv_file(hcmc.home / "cases.csv", cases))
    drafted = hcmc.cordon("network", "sitreps", "draft", "--by", "Trực ban CDC TP.HCM")
    report = _number(r"Report (\d+)", drafted)
    hcmc.cordon("network", "sitreps", "approve", report, "--by", "Giám đốc CDC TP.HCM")
    assert "2 partner(s)" in hcmc.cordon("network", "sitreps", "send", report)
    hcmc.deliver()
    sent = json.loads(hcmc.cordon("network", "sitreps", "show", report))
    figures = sent["report"]["figures"]
    assert (figures["confirmed"], figures["community"], figures["new_last_7"]) == (27, 27, 27)
    assert sent["status"] == "sent"
    for partner in (hanoi, seoul):  # on SQLite and on PostgreSQL
        listed = partner.json("network", "sitreps", "list", "--partners")["items"]
        (got,) = [r for r in listed if r["peer"] == "vn-hcmc"]
        assert got["status"] == "received"
        assert got["distribution_id"] == sent["distribution_id"]
        assert got["report"] == sent["report"]  # every figure as HCMC counted it
    view = hanoi.json("network", "sitreps", "side-by-side")
    (city,) = [c for c in view["items"] if c["node_id"] == "vn-hcmc"]
    assert city["population"] == hcmc.population
    assert city["latest"] == {
        "as_of": sent["report"]["as_of"],
        "cases_7_per_100k": round(27 * 100_000 / hcmc.population, 1),
        "rt_mean": figures["rt_mean"],
        "days_since_community_case": figures["days_since_community_case"],
        "beds_free": None,
    }


def _exchange(node: Node, description: str) -> dict[str, Any]:
    """The exchange of ``description`` on the node's resource board."""
    board = node.json("network", "resources", "board", "--state", "open")["items"]
    (found,) = [e for e in board if e["description"] == description]
    return dict(found)


def test_a_resource_request_is_answered_committed_and_released(nodes: list[Node]) -> None:
    hanoi, _, seoul = nodes
    asked = "Test kits for the Bạch Mai cluster"
    opened = hanoi.cordon(
        "network", "resources", "request", "--description", asked,
        "--contact-name", "Nguyễn Văn An", "--contact-phone", "+84 24 3736 6258",
        "--item", "test-kits:5000:pieces:RT-PCR", "--to", "kr-seoul",
    )  # fmt: skip
    ours = _number(r"Request (\d+) sent", opened)
    hanoi.deliver()
    theirs = _exchange(seoul, asked)
    assert (theirs["side"], theirs["peer"], theirs["kind"]) == ("theirs", "vn-hanoi", "request")
    assert [(i["kind"], i["quantity"], i["unit"]) for i in theirs["items"]] == [
        ("test-kits", 5000, "pieces")
    ]
    by = ("--by", "Kim Min-jun")
    seoul.cordon("network", "resources", "respond", str(theirs["id"]), "--answer", "accept", *by)
    seoul.cordon("network", "resources", "commit", str(theirs["id"]), "--quantity", "1:3000", *by)
    seoul.deliver()
    seen = hanoi.json("network", "resources", "show", ours)
    assert seen["state"] == "committed"
    assert [i["committed"] for i in seen["items"]] == [3000]
    assert [(h["step"], h["answer"], h["ours"]) for h in seen["history"]][-2:] == [
        ("answer", "accept", False),
        ("commit", None, False),
    ]
    hanoi.cordon("network", "resources", "deliver", ours, "--by", "Nguyễn Văn An")
    released = hanoi.cordon(
        "network", "resources", "release", ours, "--reason", "Kits used", "--by", "Nguyễn Văn An"
    )
    assert "closed" in released
    hanoi.deliver()
    at_hanoi = hanoi.json("network", "resources", "show", ours)
    at_seoul = seoul.json("network", "resources", "show", str(theirs["id"]))
    assert at_hanoi["message_id"] == at_seoul["message_id"]
    assert (at_hanoi["state"], at_seoul["state"]) == ("closed", "closed")
    assert [i["committed"] for i in at_seoul["items"]] == [3000]
    steps = [h["step"] for h in at_hanoi["history"]]
    assert steps[-4:] == ["answer", "commit", "delivery", "release"]
    assert [h["step"] for h in at_seoul["history"]][-3:] == ["answer", "commit", "release"]
    assert at_hanoi["next_steps"] == at_seoul["next_steps"] == []


def test_a_person_is_handed_over_accepted_and_tiered_in_the_receiving_city(
    nodes: list[Node],
) -> None:
    hanoi, hcmc, _ = nodes
    case = {
        "case_code": "BN901", "full_name": "Nguyễn Thị Mai", "sex": "female",
        "birth_year": 1979, "phone": "0912 000 901", "classification": "community",
        "onset_on": _day(6), "sample_on": _day(5), "confirmed_on": _day(4), "isolated_on": _day(4),
    }  # fmt: skip
    contacts: list[dict[str, object]] = [
        {
            "index_case_code": "BN901", "index_phone": "", "contact_full_name": "Lê Thị Hoa",
            "contact_sex": "female", "contact_birth_year": 1990, "contact_phone": "0912 345 678",
            "contact_address": "12 Hàng Bông, Hoàn Kiếm", "first_on": _day(5),
            "setting": "household",
        },
        {
            "index_case_code": "", "index_phone": "0912 345 678",
            "contact_full_name": "Phạm Minh Đức", "contact_sex": "male",
            "contact_birth_year": 1988, "contact_phone": "0913 222 333",
            "contact_address": "45 Nguyễn Huệ, Quận 1", "first_on": _day(3),
            "setting": "workplace",
        },
    ]  # fmt: skip
    hanoi.cordon("import", "cases", csv_file(hanoi.home / "cases.csv", [case]))
    hanoi.cordon("import", "exposures", csv_file(hanoi.home / "contacts.csv", contacts))
    (person,) = hanoi.json("people", "search", "--phone", "0913 222 333")["items"]
    hand_over = (
        "network", "shares", "send", str(person["id"]), "vn-hcmc",
        "--officer", "Trần Thu Hà", "--contact", "cdc@hanoi.example",
        "--note", "Lives in District 1; works in Hà Nội",
    )  # fmt: skip
    assert "peer_id" in hanoi.refused(*hand_over)  # no handovers with HCMC yet
    hanoi.cordon("network", "permissions", "vn-hcmc", "--handovers", "--lawful-basis", BASIS)
    hcmc.cordon("network", "permissions", "vn-hanoi", "--handovers", "--lawful-basis", BASIS)
    hanoi.cordon(*hand_over)
    hanoi.deliver()
    listed = hcmc.cordon("network", "shares", "list", "--direction", "received", "--json")
    assert "Phạm Minh Đức" not in listed  # a list names no one
    (share,) = json.loads(listed)["items"]
    assert (share["peer"], share["state"], share["lawful_basis"]) == ("vn-hanoi", "pending", BASIS)
    seen = hcmc.json("network", "shares", "preview", str(share["id"]))
    content = seen["content"]
    assert (content["person"]["full_name"], content["person"]["phone"]) == (
        "Phạm Minh Đức",
        "+84913222333",
    )
    assert (content["tier"], content["lawful_basis"]) == (2, BASIS)
    assert content["exposure"]["first_on"] == _day(3)
    assert content["case"]["confirmed_on"] == _day(4)
    assert content["sender"] == {"officer": "Trần Thu Hà", "contact": "cdc@hanoi.example"}
    assert seen["duplicates"] == []
    assert "accepted" in hcmc.cordon("network", "shares", "accept", str(share["id"]))
    hcmc.deliver()
    (taken,) = hcmc.json("network", "shares", "list", "--state", "accepted")["items"]
    tier = hcmc.json("trace", str(taken["person_id"]))["person"]
    assert (tier["tier"], tier["exposed_on"]) == (2, _day(3))  # F2 by HCMC's own tier engine
    (ours,) = hanoi.json("network", "shares", "list", "--person", str(person["id"]))["items"]
    assert (ours["direction"], ours["state"], ours["peer"]) == ("sent", "accepted", "vn-hcmc")


ITAEWON = "37.530,126.990 37.540,126.990 37.540,127.000 37.530,126.990"


def _warnings(node: Node) -> list[dict[str, Any]]:
    """The partners' warnings the node holds, oldest first."""
    items: list[dict[str, Any]] = node.json("network", "warnings", "list", "--theirs")["items"]
    return sorted(items, key=lambda w: w["id"])


def test_a_warning_is_raised_updated_and_cancelled_across_cities(nodes: list[Node]) -> None:
    hanoi, hcmc, seoul = nodes
    raised = seoul.cordon(
        "network", "warnings", "raise", "--event", "COVID-19 cluster", "--urgency", "Immediate",
        "--severity", "Severe", "--certainty", "Observed", "--language", "en-US",
        "--headline", "Itaewon cluster: 54 cases in 5 days", "--area", "Itaewon, Yongsan-gu",
        "--polygon", ITAEWON,
    )  # fmt: skip
    first = _number(r"Warning (\d+) drafted", raised)
    seoul.cordon("network", "warnings", "approve", first)
    assert "2 partner(s)" in seoul.cordon("network", "warnings", "send", first)
    seoul.deliver()
    for city in (hanoi, hcmc):  # Seoul on PostgreSQL, the others on SQLite
        (got,) = _warnings(city)
        assert (got["peer"], got["in_force"]) == ("kr-seoul", True)
        assert got["alert"]["info"]["headline"] == "Itaewon cluster: 54 cases in 5 days"
        assert got["alert"]["info"]["area"][0]["polygon"] == [ITAEWON]
    updated = seoul.cordon(
        "network", "warnings", "update", first, "--severity", "Moderate",
        "--headline", "Itaewon cluster: no new case in 3 days",
    )  # fmt: skip
    second = _number(r"Update (\d+) drafted", updated)
    seoul.cordon("network", "warnings", "approve", second)
    seoul.cordon("network", "warnings", "send", second)
    seoul.deliver()
    for city in (hanoi, hcmc):
        alert, update = _warnings(city)
        assert (alert["in_force"], update["in_force"]) == (False, True)  # the update replaces
        assert update["alert"]["msgType"] == "Update"
        assert alert["alert"]["identifier"] in update["alert"]["references"]
        assert update["chain"] == alert["chain"]
    cancelled = seoul.cordon("network", "warnings", "cancel", second, "--note", "Contained.")
    third = _number(r"Cancel (\d+) drafted", cancelled)
    seoul.cordon("network", "warnings", "approve", third)
    seoul.cordon("network", "warnings", "send", third)
    seoul.deliver()
    for city in (hanoi, hcmc):
        held = _warnings(city)
        assert [w["alert"]["msgType"] for w in held] == ["Alert", "Update", "Cancel"]  # once each
        assert not any(w["in_force"] for w in held)
        assert city.json("network", "warnings", "list", "--in-force")["total"] == 0


def test_a_node_that_was_down_gets_everything_once_in_order(nodes: list[Node]) -> None:
    hanoi, _, seoul = nodes
    before = len(way(seoul.messages(), "received"))
    seoul.stop()
    drafted = hanoi.cordon("network", "sitreps", "draft", "--by", "Trực ban CDC Hà Nội")
    report = _number(r"Report (\d+)", drafted)
    hanoi.cordon("network", "sitreps", "approve", report, "--by", "Giám đốc CDC Hà Nội")
    hanoi.cordon("network", "sitreps", "send", report)
    hanoi.cordon(
        "network", "resources", "request", "--description", "Oxygen for the Đống Đa field hospital",
        "--contact-name", "Nguyễn Văn An", "--item", "oxygen:200:cylinders", "--to", "kr-seoul",
    )  # fmt: skip
    hanoi.cordon("network", "ping", "kr-seoul")
    hanoi.deliver()
    sent = way(hanoi.messages(), "sent")
    waiting = [m for m in sent if m["delivery"] != "sent"]
    assert [(m["kind"], m["peer"]) for m in waiting] == [
        ("sitrep", "kr-seoul"),
        ("rm-request", "kr-seoul"),
        ("ping", "kr-seoul"),
    ]
    assert {m["delivery"] for m in waiting} == {"queued"}
    assert "unreachable" in (waiting[0]["last_error"] or "")
    assert waiting[0]["attempts"] >= 1
    assert [m["attempts"] for m in waiting[1:]] == [0, 0]  # the later ones wait their turn
    (to_hcmc,) = [
        m
        for m in sent
        if m["distribution_id"] == waiting[0]["distribution_id"] and m is not waiting[0]
    ]
    assert to_hcmc["delivery"] == "sent"  # a peer that is down holds up no other
    seoul.start()
    for _ in range(20):
        time.sleep(0.5)  # the back-off (0.2 s, then 0.4 s in this test)
        hanoi.deliver()
        if all(m["delivery"] == "sent" for m in way(hanoi.messages(), "sent")):
            break
    got = way(seoul.messages(), "received")[before:]
    assert [(m["kind"], m["distribution_id"]) for m in got] == [
        (m["kind"], m["distribution_id"]) for m in waiting
    ]  # each once, in the order sent
    reports = seoul.json("network", "sitreps", "list", "--partners")["items"]
    assert [r["distribution_id"] for r in reports if r["peer"] == "vn-hanoi"] == [
        waiting[0]["distribution_id"]
    ]
    assert (
        _exchange(seoul, "Oxygen for the Đống Đa field hospital")["message_id"]
        == (waiting[1]["distribution_id"])
    )


def _tampered(headers: dict[str, str]) -> dict[str, str]:
    """The headers with one bit of the signature flipped."""
    label, _, value = headers["Signature"].partition("=:")
    raw = bytearray(base64.b64decode(value.rstrip(":")))
    raw[0] ^= 1
    return {**headers, "Signature": f"{label}=:{base64.b64encode(bytes(raw)).decode()}:"}


def test_strangers_forgeries_replays_and_floods_are_refused_over_the_wire(
    nodes: list[Node],
) -> None:
    hcmc = nodes[1]
    busan = Partner.new("kr-busan")
    busan.to, busan.base_url = "vn-hcmc", hcmc.url
    card = hcmc.home / "busan.card.json"
    card.write_text(busan.card().model_dump_json())
    hcmc.cordon("network", "add", str(card), "--may-send", "ping", "--may-receive", "ping")
    stranger = Partner.new("kr-incheon")
    stranger.to, stranger.base_url = "vn-hcmc", hcmc.url
    before = hcmc.messages()
    inbox = f"{hcmc.url}{INBOX}"
    json_type = {"Content-Type": "application/json"}
    with httpx.Client(verify=ssl.create_default_context(cafile=str(hcmc.ca))) as client:

        def post(body: bytes, headers: dict[str, str]) -> int:
            answer = client.post(inbox, content=body, headers=headers)
            if answer.status_code >= 400:
                assert answer.headers["content-type"] == "application/problem+json"
            return answer.status_code

        assert post(b'{"distributionID": "x"}', json_type) == 401  # not signed
        assert post(*stranger.signed(Kind.ping)) == 401  # a key no peer holds
        body, headers = busan.signed(Kind.ping)
        assert post(body, _tampered(headers)) == 401  # a signature that does not verify
        assert post(body.replace(b"Actual", b"Test"), headers) == 401  # another body
        stale = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=10)
        assert post(body, busan.resigned(body, created=stale)) == 401  # an old capture
        flood = {"padding": "x" * (600 * 1024)}
        assert post(*busan.signed(Kind.ping, payload=flood)) == 413
        assert post(body, headers) == 202  # busan's ping, stored
        assert post(body, headers) == 200  # the same again: a retry, not stored again
        other = body.replace(b"Actual", b"Test")
        assert post(other, busan.resigned(other)) == 409  # its id with another body: a replay
        hcmc.cordon("network", "remove", "kr-busan")
        assert post(*busan.signed(Kind.ping)) == 401  # a removed peer is a stranger
    after = hcmc.messages()
    assert [m["id"] for m in after[: len(before)]] == [m["id"] for m in before]
    (stored,) = after[len(before) :]
    assert (stored["peer"], stored["kind"]) == ("kr-busan", "ping")
    assert stored["distribution_id"] == json.loads(body)["distributionID"]
