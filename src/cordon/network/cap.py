"""CAP 1.2 XML: an alert written as the OASIS standard spells it, checked against the official
schema (``standards/CAP-v1.2.xsd``, shipped unmodified; ``standards/NOTICE-OASIS.md``), and
read back.

XML from a partner is read with entities, DTDs and every outside resource refused
(``xmlschema``'s defused parser): a document that names a file or a URL reads nothing."""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET
from functools import lru_cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import xmlschema
from pydantic import ValidationError

from cordon.core.config import get_settings
from cordon.core.errors import N_, InvalidInput
from cordon.network.warning_schemas import Alert, Area, Info

NS = "urn:oasis:names:tc:emergency:cap:1.2"
MEDIA_TYPE = "application/cap+xml"
XSD = Path(__file__).resolve().parent / "standards" / "CAP-v1.2.xsd"
DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>\n'

# the elements of an alert and of its info, in the order the schema requires
HEAD = ("identifier", "sender", "sent", "status", "msgType", "scope", "restriction", "note")
INFO = ("language", "category", "event", "urgency", "severity", "certainty", "effective")
INFO_TAIL = ("expires", "senderName", "headline", "description", "instruction", "web", "contact")
TIMES = frozenset({"sent", "effective", "expires"})
LISTS = {"area": "area", "polygon": "polygon", "geocode": "geocode"}


@lru_cache(maxsize=1)
def schema() -> xmlschema.XMLSchema:
    """The official CAP 1.2 schema, read once."""
    return xmlschema.XMLSchema(XSD)


def local(moment: dt.datetime) -> dt.datetime:
    """The moment in the city's time zone, to the second (as CAP keeps times)."""
    return moment.astimezone(ZoneInfo(get_settings().timezone)).replace(microsecond=0)


def cap_time(moment: dt.datetime) -> str:
    """A time as CAP writes it: to the second, with the city's offset (``+07:00``), never
    ``Z``."""
    return local(moment).isoformat()


def _add(parent: ET.Element, tag: str, value: object) -> None:
    if value is None:
        return
    child = ET.SubElement(parent, f"{{{NS}}}{tag}")
    child.text = cap_time(value) if isinstance(value, dt.datetime) else str(value)


def _area(parent: ET.Element, area: Area) -> None:
    element = ET.SubElement(parent, f"{{{NS}}}area")
    _add(element, "areaDesc", area.area_desc)
    for polygon in area.polygons:
        _add(element, "polygon", polygon)
    for code in area.geocodes:
        geocode = ET.SubElement(element, f"{{{NS}}}geocode")
        _add(geocode, "valueName", code.value_name)
        _add(geocode, "value", code.value)


def _info(parent: ET.Element, info: Info) -> None:
    element = ET.SubElement(parent, f"{{{NS}}}info")
    given = info.model_dump(by_alias=True, mode="python")
    for tag in (*INFO, *INFO_TAIL):
        _add(element, tag, given.get(tag))
    for area in info.areas:
        _area(element, area)


def to_xml(alert: Alert) -> str:
    """The alert as a CAP 1.2 document (UTF-8 text, declaration first)."""
    root = ET.Element(f"{{{NS}}}alert")
    given = alert.model_dump(by_alias=True, mode="python")
    for tag in HEAD:
        _add(root, tag, given.get(tag))
    _add(root, "references", alert.references)
    _info(root, alert.info)
    ET.indent(root)
    return DECLARATION + ET.tostring(root, encoding="unicode", default_namespace=NS) + "\n"


def _resource(text: str, field: str) -> xmlschema.XMLResource:
    if not text.lstrip().startswith("<"):
        raise InvalidInput.on(field, N_("is not an XML document"))
    try:
        return xmlschema.XMLResource(text, defuse="always", allow="none")
    except (xmlschema.XMLResourceError, ET.ParseError, ValueError) as exc:
        raise InvalidInput.on(field, N_("cannot be read: %(why)s"), why=str(exc)[:200]) from None


def check(text: str, *, field: str = "xml") -> xmlschema.XMLResource:
    """The document if it is valid CAP 1.2 by the official schema; else 422 naming the first
    fault (where, and why)."""
    resource = _resource(text, field)
    for error in schema().iter_errors(resource):
        where = error.path or "/"
        raise InvalidInput.on(
            field,
            N_("is not valid CAP 1.2 at %(where)s: %(why)s"),
            where=where[:100],
            why=(error.reason or "invalid")[:200],
        )
    return resource


def _local(element: Any) -> str:
    return str(element.tag).rsplit("}", 1)[-1]


def _element(element: Any) -> object:
    """An element as the JSON of ``warning_schemas`` spells it (lists where CAP repeats)."""
    children = list(element)
    if not children:
        return element.text or ""
    out: dict[str, Any] = {}
    for child in children:
        name = _local(child)
        value = _element(child)
        if name in LISTS:
            out.setdefault(LISTS[name], []).append(value)
        elif name in out or name == "info":
            out.setdefault("_repeated", []).append(name)
        else:
            out[name] = value
    return out


def read(text: str, *, field: str = "xml") -> Alert:
    """The alert a valid CAP 1.2 document holds (one info block, as Cordon sends), or 422."""
    root = check(text, field=field).root
    infos = [child for child in root if _local(child) == "info"]
    if len(infos) != 1:
        raise InvalidInput.on(field, N_("holds %(n)s info blocks, not one"), n=len(infos))
    raw = _element(root)
    assert isinstance(raw, dict)
    raw["info"] = _element(infos[0])
    repeated = [name for name in raw.pop("_repeated", []) if name != "info"]
    if repeated or "_repeated" in raw["info"]:
        raise InvalidInput.on(field, N_("repeats an element Cordon reads once"))
    try:
        return Alert.model_validate(raw)
    except ValidationError as exc:
        raise InvalidInput.of_model("The CAP alert could not be read.", exc) from None
