"""Rules as data that propose early warnings (``warning_rules.toml``; a city's own file through
the setting ``warning_rules_file``). docs/network.md, "Rules that propose warnings", says what
each field means.

``propose`` judges every rule in force on a day and drafts a warning for each finding that
has none yet — once per rule and subject (a cluster, a case's trip to a partner city) — and
never sends: an officer reads, edits, approves and sends. What a proposal says is aggregate:
a cluster's name and size, a trip's city and days, never a person."""

from __future__ import annotations

import datetime as dt
import string
import unicodedata
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Annotated

from pydantic import model_validator
from sqlalchemy import select
from sqlalchemy.orm import Session

from cordon.cases import investigation
from cordon.clusters import service as clusters
from cordon.core.dates import now, today
from cordon.core.errors import N_, BadValue, InvalidInput
from cordon.core.rulesets import DatedRule, Days, RuleFile, RuleSet, Text, choice, whole
from cordon.geography import service as geography
from cordon.geography.enums import UnitLevel
from cordon.network import cap, service, warnings
from cordon.network.enums import Kind
from cordon.network.models import NodeIdentity, Peer
from cordon.network.warning_enums import CapStatus, Certainty, Language, Scope, Severity, Urgency
from cordon.network.warning_models import EarlyWarning
from cordon.network.warning_schemas import Area, Geocode, Info, WarningIn
from cordon.tracing.policy import get_policy

BUILT_IN = Path(__file__).resolve().parent / "warning_rules.toml"
GEOCODE = "VN-ADMIN"  # the administrative unit's code (General Statistics Office)
EARLIEST = dt.date(2000, 1, 1)


class Trigger(StrEnum):
    cluster_growth = "cluster_growth"  # a cluster grew by ``cases`` or more in ``days``
    travel = "travel"  # a case confirmed in ``days`` travelled from or to a partner city


PLACEHOLDERS = {
    Trigger.cluster_growth: frozenset({"city", "cluster", "cases", "days", "area"}),
    Trigger.travel: frozenset({"city", "partner", "confirmed_on", "from_on", "to_on"}),
}


class WarningRule(DatedRule):
    trigger: Annotated[Trigger, choice(Trigger)]
    cases: Annotated[int, whole(1, 100_000)] = 5
    days: Annotated[int, whole(1, 90)] = 7
    look_back_days: Days = 14
    expires_days: Annotated[int, whole(1, 90)] = 14
    status: Annotated[CapStatus, choice(CapStatus)] = CapStatus.actual
    scope: Annotated[Scope, choice(Scope)] = Scope.public
    restriction: Text = ""
    language: Annotated[Language, choice(Language)] = Language.en
    event: Text
    urgency: Annotated[Urgency, choice(Urgency)]
    severity: Annotated[Severity, choice(Severity)]
    certainty: Annotated[Certainty, choice(Certainty)]
    headline: Text
    description: Text
    instruction: Text = ""

    @model_validator(mode="after")
    def _known_placeholders(self) -> WarningRule:
        known = PLACEHOLDERS[self.trigger]
        for text in (self.headline, self.description, self.instruction):
            try:
                named = {name for _, name, _, _ in string.Formatter().parse(text) if name}
            except ValueError:
                raise BadValue(N_("a text has an unclosed {placeholder}")) from None
            unknown = sorted(named - known)
            if unknown:
                raise BadValue(
                    N_("{%(name)s} is not a placeholder of %(trigger)s"),
                    name=unknown[0],
                    trigger=self.trigger.value,
                )
        if self.scope is Scope.restricted and not self.restriction.strip():
            raise BadValue(N_("restriction is needed with scope Restricted"))
        return self


WarningRules = RuleSet[WarningRule]
RULES = RuleFile(WarningRule, "rule", "rule", BUILT_IN, setting="warning_rules_file")


def get_rules() -> WarningRules:
    return RULES.get()


@dataclass(frozen=True)
class Finding:
    """What a rule found: its subject (once per rule), the words' values, the area."""

    subject: str
    values: Mapping[str, object]
    area: Area


def unit_area(session: Session, unit_id: int | None) -> Area:
    """A ward (with its district) or, when none is known, the whole city."""
    if unit_id is not None:
        ward = geography.get_unit(session, unit_id)
        parent = geography.get_unit(session, ward.parent_id) if ward.parent_id else None
        desc = f"{ward.name}, {parent.name}" if parent else ward.name
        codes = [Geocode(value_name=GEOCODE, value=ward.code)]
        if parent is not None:
            codes.append(Geocode(value_name=GEOCODE, value=parent.code))
        return Area(area_desc=desc, geocodes=codes)
    cities, _ = geography.list_units(session, level=UnitLevel.city, limit=1)
    if not cities:
        return Area(area_desc=service.node(session).name)
    return Area(
        area_desc=cities[0].name, geocodes=[Geocode(value_name=GEOCODE, value=cities[0].code)]
    )


def _clusters(
    session: Session, rule: WarningRule, on: dt.date, me: NodeIdentity
) -> Iterator[Finding]:
    since = on - dt.timedelta(days=rule.days - 1)
    for cluster, n in clusters.grown(session, since=since, until=on, at_least=rule.cases):
        area = unit_area(session, cluster.ward_id)
        values = {"city": me.name, "cluster": cluster.name, "cases": n, "days": rule.days}
        yield Finding(f"cluster:{cluster.code}", {**values, "area": area.area_desc}, area)


def _words(text: str) -> str:
    """Lower case, no accents, letters and digits only: "Hà Nội" → "hanoi"."""
    bare = unicodedata.normalize("NFKD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(c for c in bare.casefold() if c.isalnum())


def matches(place: str, peer: Peer) -> bool:
    """A trip's place is the partner city: its name, or its node id's city part (``seoul`` of
    ``kr-seoul``), is a word of the place, or the place is its name."""
    words = {_words(w) for w in place.replace(",", " ").replace("-", " ").split()}
    words.add(_words(place))
    city = peer.node_id.split("-", 1)[-1]
    return bool({_words(peer.name), _words(city)} & words)


def _in_window(trip: investigation.Trip, look_back_days: int) -> bool:
    """The trip's days meet the case's transmission window, or the ``look_back_days`` before
    it when the case was infected (the tier rules in force when it was confirmed)."""
    rules = get_policy().in_force(trip.confirmed_on)
    start = rules.window_start(
        onset_on=trip.onset_on, sample_on=trip.sample_on, confirmed_on=trip.confirmed_on
    )
    first = (start or trip.confirmed_on) - dt.timedelta(days=look_back_days)
    last = trip.isolated_on or trip.confirmed_on
    return trip.from_on <= last and (trip.to_on or trip.from_on) >= first


def _travel(
    session: Session, rule: WarningRule, on: dt.date, me: NodeIdentity
) -> Iterator[Finding]:
    partners = [p for p in service.peers(session) if Kind.cap_alert.value in p.may_receive]
    since = on - dt.timedelta(days=rule.days - 1)
    area = unit_area(session, None)
    for trip in investigation.trips(session, since=since, until=on):
        if not _in_window(trip, rule.look_back_days):
            continue
        for peer in partners:
            if matches(trip.place, peer):
                values = {
                    "city": me.name,
                    "partner": peer.name,
                    "confirmed_on": trip.confirmed_on.isoformat(),
                    "from_on": trip.from_on.isoformat(),
                    "to_on": (trip.to_on or trip.from_on).isoformat(),
                }
                yield Finding(f"travel:{trip.case_id}:{peer.node_id}", values, area)


FINDERS = {Trigger.cluster_growth: _clusters, Trigger.travel: _travel}


def _proposal(rule: WarningRule, finding: Finding) -> WarningIn:
    words = {k: str(v) for k, v in finding.values.items()}
    info = Info(
        language=rule.language,
        event=rule.event,
        urgency=rule.urgency,
        severity=rule.severity,
        certainty=rule.certainty,
        expires=cap.local(now()) + dt.timedelta(days=rule.expires_days),
        headline=rule.headline.format(**words)[:160],
        description=rule.description.format(**words)[:4000],
        instruction=rule.instruction.format(**words)[:2000] or None,
        areas=[finding.area],
    )
    return WarningIn(
        status=rule.status, scope=rule.scope, restriction=rule.restriction or None, info=info
    )


def propose(session: Session, on: dt.date | None = None) -> list[EarlyWarning]:
    """Draft what the rules in force on ``on`` (default today) find, each rule and subject
    once; returns the drafts made (none sent)."""
    on = on or today()
    if not EARLIEST <= on <= today():
        raise InvalidInput.on("on", N_("must be a day from %(first)s to today"), first=EARLIEST)
    me = service.node(session)
    made = []
    for rule in get_rules():
        if not rule.in_force_on(on):
            continue
        for finding in FINDERS[rule.trigger](session, rule, on, me):
            taken = select(EarlyWarning.id).where(
                EarlyWarning.rule_id == rule.id, EarlyWarning.subject == finding.subject
            )
            if session.scalar(taken) is None:
                given = _proposal(rule, finding)
                made.append(
                    warnings.draft(
                        session, given, by_user_id=None, rule_id=rule.id, subject=finding.subject
                    )
                )
    return made
