"""The city's public early warnings, no sign-in: an Atom feed (RFC 4287) of its sent, Public,
Actual CAP alerts, each entry linking to the alert's CAP 1.2 document — the way public alert
feeds are read by aggregators (docs/network.md, "The public feed")."""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET
from typing import Annotated

from fastapi import APIRouter, Path, Request
from fastapi.responses import Response

from cordon.core.dates import now
from cordon.core.deps import SessionDep
from cordon.network import cap, service, warning_reads
from cordon.network.warning_schemas import CAP_ID, Alert

ATOM = "http://www.w3.org/2005/Atom"
ATOM_TYPE = "application/atom+xml"
FEED = "/public/warnings.atom"
router = APIRouter(tags=["open data"])


def _add(parent: ET.Element, tag: str, text: str | None = None, **attributes: str) -> None:
    child = ET.SubElement(parent, tag, attributes)
    child.text = text


def _time(moment: dt.datetime | None) -> str:
    return cap.cap_time(moment or now())


def feed(base: str, city: str, entries: list[tuple[Alert, dt.datetime | None]]) -> bytes:
    """The Atom feed of ``entries`` (alert and when sent), the newest first."""
    root = ET.Element("feed", xmlns=ATOM)  # the tags below are in its namespace
    _add(root, "id", base + FEED)
    _add(root, "title", f"{city}: early warnings (CAP 1.2)")
    _add(root, "updated", _time(entries[0][1] if entries else None))
    author = ET.SubElement(root, "author")
    _add(author, "name", city)
    _add(root, "link", rel="self", type=ATOM_TYPE, href=base + FEED)
    for alert, sent in entries:
        entry = ET.SubElement(root, "entry")
        href = f"{base}/public/warnings/{alert.identifier}.xml"
        _add(entry, "id", href)
        title = alert.info.headline or alert.info.event
        _add(entry, "title", f"{alert.msg_type.value}: {title}" if alert.references else title)
        _add(entry, "updated", _time(sent))
        _add(entry, "category", term=alert.info.category)
        if alert.info.description:
            _add(entry, "summary", alert.info.description)
        _add(entry, "link", rel="alternate", type=cap.MEDIA_TYPE, href=href)
    ET.indent(root)
    text = ET.tostring(root, encoding="unicode")
    return (cap.DECLARATION + text + "\n").encode()


@router.get(FEED, response_class=Response)
def warnings_feed(request: Request, session: SessionDep) -> Response:
    """This city's sent, Public, Actual early warnings (the newest 100) as an Atom feed."""
    me = service.this_node(session)
    base = me.base_url if me else str(request.base_url).rstrip("/")
    rows = warning_reads.published(session)
    body = feed(
        base,
        me.name if me else "Cordon",
        [(Alert.model_validate(r.alert), r.sent_at) for r in rows],
    )
    return Response(body, media_type=ATOM_TYPE, headers={"Cache-Control": "public, max-age=60"})


@router.get("/public/warnings/{identifier}.xml", response_class=Response)
def public_warning(
    session: SessionDep,
    identifier: Annotated[str, Path(max_length=200, pattern=CAP_ID)],
) -> Response:
    """One of the feed's warnings as a CAP 1.2 document (404 for any other)."""
    return Response(warning_reads.published_xml(session, identifier), media_type=cap.MEDIA_TYPE)
