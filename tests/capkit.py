"""CAP alerts as the tests write them: a partner's, valid unless a test spoils it."""

from __future__ import annotations

import datetime as dt
from typing import Any

from cordon.network import cap
from cordon.network.warning_schemas import Alert

PHUC_XA = "21.0465,105.8468 21.0520,105.8468 21.0520,105.8530 21.0465,105.8530 21.0465,105.8468"


def info(**given: Any) -> dict[str, Any]:
    """An info block of the Itaewon kind (any field replaced by ``given``)."""
    return {
        "language": "en-US",
        "category": "Health",
        "event": "COVID-19 cluster",
        "urgency": "Immediate",
        "severity": "Severe",
        "certainty": "Observed",
        "headline": "Itaewon cluster: 54 cases in 5 days",
        "description": "Cases linked to clubs in Itaewon, Yongsan-gu, from 1 to 6 May.",
        "instruction": "Test arrivals who visited Itaewon from 30 April.",
        "contact": "Seoul Metropolitan Government, +82 2 120",
        "area": [
            {
                "areaDesc": "Itaewon 1-dong, Yongsan-gu",
                "polygon": ["37.530,126.990 37.540,126.990 37.540,127.000 37.530,126.990"],
                "geocode": [{"valueName": "KR-ADMIN", "value": "1117065500"}],
            }
        ],
        **given,
    }


def alert(
    identifier: str,
    *,
    sender: str = "kr-seoul",
    msg_type: str = "Alert",
    references: str | None = None,
    sent: dt.datetime | None = None,
    **given: Any,
) -> dict[str, Any]:
    """A partner's alert as JSON (CAP's names)."""
    moment = (sent or dt.datetime.now(dt.UTC)).replace(microsecond=0)
    found: dict[str, Any] = {
        "identifier": identifier,
        "sender": sender,
        "sent": moment.isoformat(),
        "status": "Actual",
        "msgType": msg_type,
        "scope": "Public",
        "info": info(),
        **given,
    }
    if references:
        found["references"] = references
    return found


def payload(raw: dict[str, Any]) -> dict[str, Any]:
    """The ``cap-alert`` payload of an alert: its JSON and its XML."""
    return {"alert": raw, "xml": cap.to_xml(Alert.model_validate(raw))}


def reference(raw: dict[str, Any]) -> str:
    return f"{raw['sender']},{raw['identifier']},{raw['sent']}"
