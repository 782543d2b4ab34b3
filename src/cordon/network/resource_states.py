"""Resource requests and offers between cities (OASIS EDXL-RM): their words, and their life as
data — which step each party may take in which state, and the state it leads to.

An *exchange* is one request or one offer between this city and one partner. The city that
sent it is the **opener**, the other the **counterpart**. Whoever gives the resources is the
**provider** (the counterpart of a request, the opener of an offer); the other is the
**recipient**::

    open ──answer──▶ responded ──commit──▶ committed ──delivery──▶ delivered
      │                 │  ▲ answer           │ ▲ commit                │
      │ decline         │ decline             └─┴──── release ──────────┴──▶ closed
      ▼                 ▼
    declined         declined        open / responded ──withdrawal──▶ withdrawn

``RULES`` is that picture: a step outside it is refused with nothing stored, on either side.
A commit never takes an item past the quantity asked for or offered (``committed_after``)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

from cordon.core.errors import N_, Conflict, InvalidInput
from cordon.network.enums import DistributionKind, Kind


class Side(StrEnum):
    ours = "ours"  # this city opened it
    theirs = "theirs"  # a partner city opened it


class ExchangeKind(StrEnum):
    request = "request"  # EDXL-RM RequestResource: the opener asks
    offer = "offer"  # EDXL-RM OfferUnsolicitedResource: the opener gives


class State(StrEnum):
    open = "open"  # sent or received, not answered yet
    responded = "responded"  # answered (accept, provisional, conditional)
    committed = "committed"  # the provider committed quantities
    delivered = "delivered"  # the recipient has the goods or the staff
    closed = "closed"  # released: over
    declined = "declined"  # answered no: over
    withdrawn = "withdrawn"  # the opener took it back: over


LIVE = (State.open, State.responded, State.committed, State.delivered)
OVER = (State.closed, State.declined, State.withdrawn)


class Step(StrEnum):
    answer = "answer"  # rm-response: accept, provisional or conditional
    decline = "decline"  # rm-response: decline
    commit = "commit"  # rm-commit: quantities per item
    delivery = "delivery"  # this city's own record that the goods arrived (no message)
    release = "release"  # rm-release: the recipient releases the resources; over
    return_ = "return"  # rm-return: the provider asks for its resources back
    withdrawal = "withdrawal"  # the opener's message again, recalled (EDXL-RM MessageRecall)


class Answer(StrEnum):
    """EDXL-RM ``ResponseType``."""

    accept = "accept"
    decline = "decline"
    provisional = "provisional"  # likely, not promised yet
    conditional = "conditional"  # yes, on the conditions given in the reason


class Role(StrEnum):
    opener = "opener"
    counterpart = "counterpart"
    provider = "provider"
    recipient = "recipient"


class ResourceKind(StrEnum):
    masks = "masks"
    protective_clothing = "protective-clothing"
    test_kits = "test-kits"
    ventilators = "ventilators"
    oxygen = "oxygen"
    vaccine_doses = "vaccine-doses"
    beds = "beds"
    staff = "staff"
    other = "other"


class Unit(StrEnum):
    pieces = "pieces"
    boxes = "boxes"
    kits = "kits"
    litres = "litres"
    cylinders = "cylinders"
    doses = "doses"
    vials = "vials"
    beds = "beds"
    people = "people"


@dataclass(frozen=True)
class Rule:
    by: Role
    since: frozenset[State]  # the states the step may be taken in
    to: State | None  # None: the state stays
    kind: Kind | None  # the message that carries it; None: the opening's kind, recalled
    sends: bool = True  # False: this city's own record, told to no one


def _in(*states: State) -> frozenset[State]:
    return frozenset(states)


RULES: Mapping[Step, Rule] = {
    Step.answer: Rule(
        Role.counterpart, _in(State.open, State.responded), State.responded, Kind.rm_response
    ),
    Step.decline: Rule(
        Role.counterpart, _in(State.open, State.responded), State.declined, Kind.rm_response
    ),
    Step.commit: Rule(
        Role.provider, _in(State.responded, State.committed), State.committed, Kind.rm_commit
    ),
    Step.delivery: Rule(Role.recipient, _in(State.committed), State.delivered, None, sends=False),
    Step.release: Rule(
        Role.recipient, _in(State.committed, State.delivered), State.closed, Kind.rm_release
    ),
    Step.return_: Rule(Role.provider, _in(State.committed, State.delivered), None, Kind.rm_return),
    Step.withdrawal: Rule(Role.opener, _in(State.open, State.responded), State.withdrawn, None),
}

OPENING = {ExchangeKind.request: Kind.rm_request, ExchangeKind.offer: Kind.rm_offer}
# EDXL-DE distributionKind of each message
DISTRIBUTION = {
    Kind.rm_request: DistributionKind.request,
    Kind.rm_offer: DistributionKind.report,
    Kind.rm_response: DistributionKind.response,
    Kind.rm_commit: DistributionKind.response,
    Kind.rm_release: DistributionKind.update,
    Kind.rm_return: DistributionKind.request,
}
# EDXL-RM MessageContentType of each message
MESSAGE_TYPE = {
    Kind.rm_request: "RequestResource",
    Kind.rm_offer: "OfferUnsolicitedResource",
    Kind.rm_response: "ResponseToRequestResource",
    Kind.rm_commit: "CommitResource",
    Kind.rm_release: "ReleaseResource",
    Kind.rm_return: "RequestReturn",
}


def step_of(answer: Answer) -> Step:
    return Step.decline if answer is Answer.decline else Step.answer


def message_kind(step: Step, kind: ExchangeKind) -> Kind | None:
    """The message a step travels as (a withdrawal: the opening kind, recalled), or None
    for a step that is this city's own record."""
    rule = RULES[step]
    if not rule.sends:
        return None
    return rule.kind or OPENING[kind]


def holds(role: Role, kind: ExchangeKind, *, opener: bool) -> bool:
    """Whether the opener (``opener``) or the counterpart holds ``role`` in an exchange."""
    if role is Role.opener or role is Role.counterpart:
        return opener is (role is Role.opener)
    provides = opener is (kind is ExchangeKind.offer)
    return provides is (role is Role.provider)


def allowed(step: Step, *, state: State, kind: ExchangeKind, opener: bool) -> bool:
    rule = RULES[step]
    return state in rule.since and holds(rule.by, kind, opener=opener)


def next_state(step: Step, *, state: State, kind: ExchangeKind, opener: bool) -> State:
    """The state after ``step`` by the opener (or the counterpart), or 409 saying why not."""
    rule = RULES[step]
    if not holds(rule.by, kind, opener=opener):
        raise Conflict.of(
            N_("Only the %(role)s of a %(kind)s takes the step %(step)s."),
            role=rule.by.value,
            kind=kind.value,
            step=step.value,
        )
    if state not in rule.since:
        raise Conflict.of(
            N_("A %(kind)s that is %(state)s cannot take the step %(step)s."),
            kind=kind.value,
            state=state.value,
            step=step.value,
        )
    return rule.to or state


def committed_after(
    given: Mapping[int, int], *, wanted: Mapping[int, int], committed: Mapping[int, int]
) -> dict[int, int]:
    """Each item's quantity committed once ``given`` is added, or 422 naming the item that
    is unknown or would pass the quantity asked for or offered."""
    if not given:
        raise InvalidInput.on("quantities", N_("name at least one item"))
    after = dict(committed)
    for item, quantity in given.items():
        if item not in wanted:
            raise InvalidInput.on("quantities", N_("item %(item)s is not in it"), item=item)
        after[item] = after.get(item, 0) + quantity
        if after[item] > wanted[item]:
            raise InvalidInput.on(
                "quantities",
                N_("item %(item)s: %(after)s committed would pass the %(wanted)s of it"),
                item=item,
                after=after[item],
                wanted=wanted[item],
            )
    return after
