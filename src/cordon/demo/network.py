"""The demo city on the inter-city network: Hà Nội as a node, with two partner cities —
Hồ Chí Minh City and Seoul — whose signed situation reports of the last weeks are already in
its inbox with Seoul's early warning and Hồ Chí Minh City's offer of supplies, received as
any peer's are (signed envelopes through ``network.inbox``), and the city's own reports of
those weeks sent to them. Today's report waits as a draft for an
officer to approve and send.

The partners' keys are made here and thrown away: the demo partners have said what they
said. ``cordon demo partner`` starts a live partner to exchange with."""

from __future__ import annotations

import datetime as dt
import math
import random
from dataclasses import dataclass
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from nacl.public import PrivateKey
from sqlalchemy.orm import Session

from cordon.core.config import get_settings
from cordon.core.dates import today
from cordon.network import cap, inbox, service, signing, sitreps
from cordon.network.cards import PeerCard
from cordon.network.enums import Kind
from cordon.network.envelope import addressed
from cordon.network.sitrep_schemas import SitRep
from cordon.network.warning_schemas import Alert

HANOI = ("vn-hanoi", "Hà Nội", 8_246_600)
DAYS = 28  # weeks of reports already exchanged
OURS = 14  # the city's own reports sent in the last days


@dataclass(frozen=True)
class DemoPartner:
    node_id: str
    name: str
    population: int
    wave_peak: int  # the day (from the first report) its cases peak
    peak_cases: int  # new cases on that day
    measures: tuple[tuple[str, int], ...]  # a measure in force, and the days it has been


PARTNERS = (
    DemoPartner(
        "vn-hcmc",
        "Thành phố Hồ Chí Minh",
        8_993_082,
        wave_peak=18,
        peak_cases=140,
        measures=(("Giãn cách xã hội theo Chỉ thị 16 tại quận 8 và Bình Chánh", 12),),
    ),
    DemoPartner(
        "kr-seoul",
        "Seoul",
        9_586_195,
        wave_peak=4,
        peak_cases=60,
        measures=(
            ("Social distancing level 2 (gatherings of 50 or more banned)", 30),
            ("Masks on public transport", 120),
        ),
    ),
)


@dataclass(frozen=True)
class NetworkResult:
    skipped: bool
    partners: int = 0
    received: int = 0
    sent: int = 0


def load_demo_network(session: Session, *, seed: int = 17) -> NetworkResult:
    """Hà Nội on the network with its demo partners (once: nothing is written when this node
    has its identity already)."""
    if service.this_node(session) is not None:
        return NetworkResult(skipped=True)
    settings = get_settings()
    node_id, name, population = HANOI
    me = service.init_node(
        session,
        node_id=node_id,
        name=name,
        base_url=f"http://127.0.0.1:{settings.port}",
        contact="Sở Y tế Hà Nội — phòng Nghiệp vụ Y (demo)",
        population=population,
    )
    rng = random.Random(seed)
    received = 0
    keys = {}
    for partner in PARTNERS:
        keys[partner.node_id] = key = Ed25519PrivateKey.generate()
        service.add_peer(session, _card(partner, key), service.Permissions())
        for report in _reports(partner, rng):
            _receive(session, me.base_url, partner.node_id, key, Kind.sitrep, report)
            received += 1
    _receive(session, me.base_url, "kr-seoul", keys["kr-seoul"], Kind.cap_alert, _warning())
    _receive(session, me.base_url, "vn-hcmc", keys["vn-hcmc"], Kind.rm_offer, _offer())
    received += 2
    sent = 0
    for back in range(OURS, 0, -1):
        row = sitreps.draft(session, on=today() - dt.timedelta(days=back), by_user_id=None, by=_BY)
        sitreps.approve(session, row.id, version=row.version, by_user_id=None, by=_CHIEF)
        sent += len(sitreps.send(session, row.id, version=row.version, by_user_id=None))
    sitreps.draft(session, by_user_id=None, by=_BY)  # today's, for an officer to approve
    session.flush()
    return NetworkResult(skipped=False, partners=len(PARTNERS), received=received, sent=sent)


_BY = "Trực ban Trung tâm Kiểm soát bệnh tật Hà Nội"
_CHIEF = "Giám đốc Sở Y tế Hà Nội"


def _card(partner: DemoPartner, key: Ed25519PrivateKey) -> PeerCard:
    return PeerCard.of_keys(
        node_id=partner.node_id,
        name=partner.name,
        base_url=f"https://cordon.{partner.node_id}.example",
        population=partner.population,
        signing=key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw),
        sealing=bytes(PrivateKey.generate().public_key),
        since=dt.datetime.now(dt.UTC) - dt.timedelta(days=DAYS + 1),
    )


def _reports(partner: DemoPartner, rng: random.Random) -> list[dict[str, Any]]:
    """A report a day for the last ``DAYS`` days: one wave of cases, rising then falling."""
    first = today() - dt.timedelta(days=DAYS - 1)
    daily = [
        max(0, round(partner.peak_cases * math.exp(-(((d - partner.wave_peak) / 7.0) ** 2))
                     + rng.gauss(0, partner.peak_cases * 0.08)))
        for d in range(-14, DAYS)
    ]  # fmt: skip
    measures = [
        {"name": text, "since": str(today() - dt.timedelta(days=age))}
        for text, age in partner.measures
    ]
    total, out = 400, []
    for d in range(DAYS):
        on = first + dt.timedelta(days=d)
        total += daily[d + 14]
        week = sum(daily[d + 8 : d + 15])
        before = sum(daily[d + 1 : d + 8])
        community = next((k for k in range(d + 15) if daily[d + 14 - k] > 2), d + 14)
        report = SitRep.model_validate(
            {
                "number": 100 + d,
                "report_version": "update",
                "as_of": on,
                "period_from": on - dt.timedelta(days=1),
                "period_to": on,
                "prepared_by": f"{partner.name} — duty officer",
                "approved_by": f"{partner.name} — director of health",
                "population": partner.population,
                "summary": _summary(partner, week, before or 1),
                "figures": _figures(total, week, before, community),
                "measures": measures,
            }
        )
        out.append(report.model_dump(mode="json"))
    return out


def _figures(total: int, week: int, before: int, community: int) -> dict[str, Any]:
    """A day's figures from the cases so far, of the last 7 days and of the 7 before."""
    rt = min(3.0, (week / (before or 1)) ** (5 / 7))  # growth over a serial interval of 5 days
    recovered, deaths = round(total * 0.8), round(total * 0.004)
    community_cases, imported = round(total * 0.7), round(total * 0.2)
    return {
        "confirmed": total,
        "community": community_cases,
        "imported": imported,
        "in_quarantine": total - community_cases - imported,
        "unclassified": 0,
        "new_last_7": week,
        "new_last_14": week + before,
        "recovered": recovered,
        "deaths": deaths,
        "active": total - recovered - deaths,
        "isolated_facility": week * 9,
        "isolated_home": week * 25,
        "days_since_community_case": community,
        "rt_mean": round(rt, 2),
        "rt_lower": round(rt * 0.8, 2),
        "rt_upper": round(rt * 1.2, 2),
        "rt_reliable": week >= 12,
        "clusters_active": max(0, week // 40),
        "beds_capacity": 6_000,
        "beds_free": max(0, 6_000 - week * 6),
    }


def _summary(partner: DemoPartner, week: int, before: int) -> str:
    trend = "rising" if week > before * 1.1 else "falling" if week < before * 0.9 else "steady"
    return f"{partner.name}: {week} cases in 7 days, {trend}."


def _warning() -> dict[str, Any]:
    """Seoul's early warning of yesterday: a cluster with cases who flew to Hà Nội."""
    sent = (dt.datetime.now(dt.UTC) - dt.timedelta(hours=20)).replace(microsecond=0)
    alert = Alert.model_validate(
        {
            "identifier": f"kr-seoul-{sent:%Y%m%d}-1",
            "sender": "kr-seoul",
            "sent": sent.isoformat(),
            "status": "Actual",
            "msgType": "Alert",
            "scope": "Public",
            "info": {
                "language": "en-US",
                "category": "Health",
                "event": "COVID-19 cluster",
                "urgency": "Expected",
                "severity": "Severe",
                "certainty": "Observed",
                "expires": (sent + dt.timedelta(days=14)).isoformat(),
                "headline": "Gangnam office cluster: 38 cases in 6 days, travellers to Hà Nội",
                "description": "Cases linked to a call centre in Gangnam-gu; four of them flew "
                "Seoul–Hà Nội in their infectious period.",
                "instruction": "Trace and test passengers of the flights in the manifest sent "
                "by the airline; isolate close contacts for 14 days.",
                "contact": "Seoul Metropolitan Government, +82 2 120",
                "area": [
                    {
                        "areaDesc": "Yeoksam 1-dong, Gangnam-gu, Seoul",
                        "polygon": ["37.495,127.030 37.505,127.030 37.505,127.045 37.495,127.030"],
                        "geocode": [{"valueName": "KR-ADMIN", "value": "1168064000"}],
                    }
                ],
            },
        }
    )
    return {"alert": alert.model_dump(mode="json", by_alias=True, exclude_none=True),
            "xml": cap.to_xml(alert)}  # fmt: skip


def _offer() -> dict[str, Any]:
    """Hồ Chí Minh City's offer of supplies to its partners."""
    return {
        "message_type": "OfferUnsolicitedResource",
        "description": "Test kits and protective clothing for a partner city in need",
        "period_from": str(today()),
        "period_to": str(today() + dt.timedelta(days=21)),
        "delivery_place": "Kho CDC TP.HCM, 125 Lê Lợi, Quận 1 (pick-up or by air freight)",
        "contact": {"name": "Nguyễn Thị Lan", "email": "vattu@hcdc.example"},
        "items": [
            {"item": 1, "kind": "test-kits", "quantity": 50_000, "unit": "kits"},
            {"item": 2, "kind": "protective-clothing", "quantity": 10_000, "unit": "pieces"},
        ],
    }


def _receive(
    session: Session,
    base_url: str,
    node_id: str,
    key: Ed25519PrivateKey,
    kind: Kind,
    payload: dict[str, Any],
) -> None:
    """A message as the partner's node sends it: an envelope signed for this inbox."""
    day = payload.get("as_of")
    envelope = addressed(
        sender=node_id,
        recipient=HANOI[0],
        kind=kind,
        payload=payload,
        sent_at=dt.datetime.combine(dt.date.fromisoformat(day), dt.time(10, 0), tzinfo=dt.UTC)
        if day
        else dt.datetime.now(dt.UTC),
    )
    body = envelope.body().encode()
    headers = signing.signed_headers(
        base_url + signing.INBOX,
        body,
        key_id=f"{node_id}#sig-1",
        key=key,
        nonce=envelope.distribution_id,
    )
    inbox.receive(session, headers={k.lower(): v for k, v in headers.items()}, body=body)
