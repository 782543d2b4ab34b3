"""``cordon network resources`` against the test database: a request from options and from a
file, a partner's answer and commit, delivery and release; the board as the API shows it;
bad input refused with the field named."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from clikit import cordon
from cordon.core.dates import today
from cordon.network.enums import Kind
from networkkit import Partner

INBOX = "/api/v1/network/inbox"


def test_a_request_from_the_command_line_to_its_release(
    client: TestClient, anonymous: TestClient, hanoi: Session, seoul: Partner, tmp_path: Path
) -> None:
    start = today() + dt.timedelta(days=1)
    staff = tmp_path / "staff.json"
    staff.write_text(
        json.dumps([{"kind": "staff", "quantity": 6, "unit": "people", "role": "ICU nurse"}])
    )
    code, out = cordon(
        "network", "resources", "request", "--description", "Masks and nurses for Bạch Mai",
        "--contact-name", "Nguyễn Văn An", "--contact-phone", "+84 24 3736 6258",
        "--item", "masks:50000:pieces:N95", "--items-file", str(staff),
        "--from", str(start), "--until", str(start + dt.timedelta(days=14)), "--to", "kr-seoul",
    )  # fmt: skip
    assert code == 0, out
    _, out = cordon("network", "resources", "board", "--json")
    listed = json.loads(out)
    (exchange,) = listed["items"]
    assert listed["by_state"]["open"] == 1
    assert exchange == client.get(f"/api/v1/network/resources/{exchange['id']}").json()
    assert [(i["kind"], i["description"], i["role"]) for i in exchange["items"]] == [
        ("masks", "N95", None),
        ("staff", "", "ICU nurse"),
    ]
    origin = exchange["message_id"]
    steps: list[tuple[Kind, dict[str, Any]]] = [
        (Kind.rm_response, {"message_type": "ResponseToRequestResource", "answer": "accept"}),
        (
            Kind.rm_commit,
            {"message_type": "CommitResource", "quantities": [{"item": 2, "quantity": 6}]},
        ),
    ]
    for kind, payload in steps:
        payload |= {"originating_message_id": origin, "by": "Kim Min-jun"}
        body, headers = seoul.signed(kind, payload=payload, references=[origin])
        assert anonymous.post(INBOX, content=body, headers=headers).status_code == 202
    ident = str(exchange["id"])
    code, out = cordon("network", "resources", "commit", ident, "--quantity", "1:10")
    assert code == 1
    assert "Only the provider" in out
    code, out = cordon("network", "resources", "deliver", ident, "--by", "Trần Bình")
    assert code == 0, out
    assert "delivered" in out
    code, out = cordon("network", "resources", "release", ident, "--reason", "Nurses home")
    assert code == 0, out
    _, out = cordon("network", "resources", "show", ident)
    assert "commit by Kim Min-jun (kr-seoul)" in out
    assert "delivery by Trần Bình (us)" in out
    assert "next: nothing" in out
    _, out = cordon("network", "resources", "board")
    assert "0 exchanges." in out


def test_bad_input_names_the_field(hanoi: Session, seoul: Partner) -> None:
    base = ("network", "resources", "request", "--description", "x", "--contact-name", "An")
    code, out = cordon(*base, "--item", "masks:many:pieces")
    assert code == 1
    assert "item" in out
    code, out = cordon(*base, "--item", "masks:5:pallets")
    assert code == 1
    assert "items.0.unit" in out
    code, out = cordon(*base, "--item", "masks:5:pieces", "--to", "jp-osaka")
    assert code == 1
    assert "No peer jp-osaka" in out
    code, out = cordon("network", "resources", "show", "99")
    assert code == 1
