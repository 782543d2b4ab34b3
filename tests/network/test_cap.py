"""CAP 1.2 XML: what Cordon writes is valid by the official OASIS schema, for an Alert, an
Update and a Cancel, whatever the officer's words; it reads back as the same alert; what is
not CAP — a bad polygon, an unknown urgency, an entity, a file name — is refused by name."""

from __future__ import annotations

import datetime as dt
import hashlib
import string
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from capkit import alert, info, reference
from cordon.core.errors import InvalidInput
from cordon.network import cap
from cordon.network.warning_enums import Certainty, Severity, Urgency
from cordon.network.warning_schemas import Alert

OFFICIAL = "b7798ef25868b068c97b268bda02d067c7d4ba9373adc5638bf37105804ee723"


def test_the_schema_shipped_is_the_official_one_read_once() -> None:
    body = cap.XSD.read_bytes()
    assert hashlib.sha256(body).hexdigest() == OFFICIAL
    assert body.startswith(b'<?xml version = "1.0" encoding = "UTF-8"?>\n<!-- Copyright OASIS')
    assert cap.schema() is cap.schema()
    assert cap.schema().target_namespace == cap.NS


def _valid(raw: dict[str, Any]) -> Alert:
    model = Alert.model_validate(raw)
    xml = cap.to_xml(model)
    assert cap.schema().is_valid(xml), list(cap.schema().iter_errors(xml))[:1]
    assert cap.read(xml) == model
    return model


def test_an_alert_an_update_and_a_cancel_are_valid_cap() -> None:
    first = alert("kr-seoul-1")
    model = _valid(first)
    xml = cap.to_xml(model)
    assert xml.startswith('<?xml version="1.0" encoding="UTF-8"?>\n<alert xmlns="' + cap.NS)
    assert "<category>Health</category>" in xml
    update = alert("kr-seoul-2", msg_type="Update", references=reference(first))
    assert _valid(update).earlier[0].identifier == "kr-seoul-1"
    both = f"{reference(first)} {reference(update)}"
    cancel = alert("kr-seoul-3", msg_type="Cancel", references=both, note="Cluster closed.")
    assert [r.identifier for r in _valid(cancel).earlier] == ["kr-seoul-1", "kr-seoul-2"]


def test_times_are_written_with_the_citys_offset_to_the_second() -> None:
    sent = dt.datetime(2026, 12, 8, 3, 4, 5, 678, tzinfo=dt.UTC)
    model = _valid(alert("kr-seoul-1", sent=sent))
    assert "<sent>2026-12-08T10:04:05+07:00</sent>" in cap.to_xml(model)


WORDS = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc")) | st.sampled_from("\n\t<>&\"'"),
    max_size=80,
)
POINT = st.tuples(st.floats(-90, 90), st.floats(-180, 180)).map(lambda p: f"{p[0]},{p[1]}")


@st.composite
def polygons(draw: st.DrawFn) -> str:
    points = draw(st.lists(POINT, min_size=3, max_size=8))
    return " ".join([*points, points[0]])


@given(
    headline=WORDS,
    description=WORDS,
    event=WORDS.filter(lambda s: s.strip() != ""),
    urgency=st.sampled_from(Urgency),
    severity=st.sampled_from(Severity),
    certainty=st.sampled_from(Certainty),
    polygon=polygons(),
    code=st.text(alphabet=string.digits, min_size=1, max_size=10),
    language=st.sampled_from(["vi-VN", "en-US"]),
    kind=st.sampled_from(["Alert", "Update", "Cancel"]),
)
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_whatever_the_words_the_xml_is_valid_and_reads_back(
    headline: str,
    description: str,
    event: str,
    urgency: Urgency,
    severity: Severity,
    certainty: Certainty,
    polygon: str,
    code: str,
    language: str,
    kind: str,
) -> None:
    area: dict[str, Any] = {"areaDesc": "Phúc Xá, Ba Đình", "polygon": [polygon]}
    area["geocode"] = [{"valueName": "VN-ADMIN", "value": code}]
    raw = info(
        headline=headline[:160],
        description=description,
        event=event,
        urgency=urgency.value,
        severity=severity.value,
        certainty=certainty.value,
        language=language,
        area=[area],
    )
    earlier = None if kind == "Alert" else reference(alert("vn-hanoi-0", sender="vn-hanoi"))
    _valid(alert("vn-hanoi-1", sender="vn-hanoi", msg_type=kind, references=earlier, info=raw))


@pytest.mark.parametrize(
    ("polygon", "why"),
    [
        ("21.0,105.8 21.1,105.8 21.0,105.8", "at least 4"),
        ("21.0,105.8 21.1,105.8 21.1,105.9 21.2,105.8", "first point"),
        ("21.0,105.8 91.0,105.8 21.1,105.9 21.0,105.8", "off the globe"),
        ("21.0;105.8 21.1,105.8 21.1,105.9 21.0;105.8", "not a lat,lon"),
    ],
)
def test_a_bad_polygon_is_refused_by_name(polygon: str, why: str) -> None:
    raw = alert("kr-seoul-1")
    raw["info"]["area"][0]["polygon"] = [polygon]
    with pytest.raises(ValidationError, match=why):
        Alert.model_validate(raw)


@pytest.mark.parametrize(
    ("change", "why"),
    [
        ({"scope": "Restricted"}, "restriction: is needed"),
        ({"msgType": "Update"}, "references: an Update names"),
        ({"references": "kr-seoul,x,2026-12-08T10:00:00+07:00"}, "a new Alert follows no"),
        ({"identifier": "kr seoul 1"}, "identifier"),
        ({"identifier": "kr-seoul,1"}, "identifier"),
        ({"identifier": "kr-seoul&1"}, "identifier"),
        ({"sent": "2026-12-08T10:00:00"}, "timezone"),
        ({"note": "closed\x00"}, "control character"),
        ({"note": "closed\ufffe"}, "control character"),
    ],
)
def test_what_cap_says_in_words_is_checked(change: dict[str, Any], why: str) -> None:
    with pytest.raises(ValidationError, match=why):
        Alert.model_validate({**alert("kr-seoul-1"), **change})


def _xml() -> str:
    return cap.to_xml(Alert.model_validate(alert("kr-seoul-1")))


def test_an_unknown_urgency_is_refused_by_the_schema() -> None:
    spoilt = _xml().replace("<urgency>Immediate</urgency>", "<urgency>Soon</urgency>")
    with pytest.raises(InvalidInput) as refused:
        cap.read(spoilt)
    assert refused.value.problems[0].field == "xml"
    assert "not valid CAP 1.2" in refused.value.problems[0].message
    assert "urgency" in refused.value.problems[0].message


@pytest.mark.parametrize(
    "text",
    [
        '<?xml version="1.0"?><!DOCTYPE a [<!ENTITY e "x">]><alert>&e;</alert>',
        "/etc/passwd",
        "file:///etc/passwd",
        "<alert><unclosed></alert>",
        '<alert xmlns="urn:oasis:names:tc:emergency:cap:1.1"/>',
    ],
)
def test_what_is_not_cap_xml_is_refused_reading_nothing(text: str) -> None:
    with pytest.raises(InvalidInput):
        cap.read(text)


def test_two_info_blocks_are_refused() -> None:
    xml = _xml()
    start, end = xml.index("  <info>"), xml.index("</info>") + len("</info>\n")
    with pytest.raises(InvalidInput, match="info"):
        cap.read(xml[:end] + xml[start:end] + xml[end:])
