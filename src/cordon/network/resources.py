"""Resource requests and offers between cities (EDXL-RM): this city's sent to its partners,
and each step of an exchange taken here and told to the partner (docs/network.md, "Resource
requests and offers"). A partner's messages are received by ``resource_receive``; both sides
move an exchange through the same table (``resource_states.RULES``).

The board records what the cities agreed: there is no stock of supplies behind it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from cordon.audit import recorder
from cordon.core.dates import now
from cordon.core.db import get_or_404
from cordon.core.errors import N_, Conflict
from cordon.network import service
from cordon.network.enums import DistributionKind, DistributionStatus, Kind
from cordon.network.models import Peer
from cordon.network.resource_models import ResourceExchange, ResourceItem, ResourceStep
from cordon.network.resource_schemas import (
    CommitIn,
    Committed,
    Opening,
    OpeningIn,
    PlainStepIn,
    Reply,
    Resource,
    ResponseIn,
)
from cordon.network.resource_states import (
    DISTRIBUTION,
    MESSAGE_TYPE,
    OPENING,
    Answer,
    ExchangeKind,
    Side,
    State,
    Step,
    committed_after,
    message_kind,
    next_state,
    step_of,
)

RESOURCE = "network_resource_exchanges"


def request(
    session: Session, given: OpeningIn, *, by_user_id: int | None
) -> list[ResourceExchange]:
    """Ask partners for resources (EDXL-RM RequestResource): one exchange per peer."""
    return _open(session, ExchangeKind.request, given, by_user_id=by_user_id)


def offer(session: Session, given: OpeningIn, *, by_user_id: int | None) -> list[ResourceExchange]:
    """Offer partners resources they did not ask for (OfferUnsolicitedResource)."""
    return _open(session, ExchangeKind.offer, given, by_user_id=by_user_id)


def _open(
    session: Session, kind: ExchangeKind, given: OpeningIn, *, by_user_id: int | None
) -> list[ResourceExchange]:
    opening = Opening(
        message_type=MESSAGE_TYPE[OPENING[kind]],
        items=[Resource(item=n, **line.model_dump()) for n, line in enumerate(given.items, 1)],
        **given.model_dump(exclude={"items", "to", "status"}),
    )
    to = [get_or_404(session, Peer, peer_id, what="peer") for peer_id in given.to or ()]
    sent = service.send(
        session,
        service.Distribution(
            OPENING[kind],
            opening.model_dump(mode="json", exclude_none=True),
            status=given.status,
            distribution_kind=DISTRIBUTION[OPENING[kind]],
            description=opening.description[:300],
        ),
        to=to or None,
        by_user_id=by_user_id,
    )
    if not sent:
        raise Conflict.of(
            N_("No active partner city receives %(kind)s: cordon network peers lists them."),
            kind=OPENING[kind].value,
        )
    rows = [
        opened(
            session,
            opening,
            side=Side.ours,
            peer_id=m.peer_id,
            message_id=m.distribution_id,
            status=given.status,
        )
        for m in sent
    ]
    for row in rows:
        row.by_user_id = by_user_id
    session.flush()
    return rows


def opened(
    session: Session,
    opening: Opening,
    *,
    side: Side,
    peer_id: int,
    message_id: str,
    status: DistributionStatus,
) -> ResourceExchange:
    """The exchange a request or offer opens with one peer, with its items (both sides)."""
    kind = ExchangeKind.request if opening.message_type == "RequestResource" else ExchangeKind.offer
    contact = opening.contact
    row = ResourceExchange(
        side=side,
        peer_id=peer_id,
        message_id=message_id,
        kind=kind,
        state=State.open,
        status=status,
        contact_name=contact.name,
        contact_role=contact.role,
        contact_phone=contact.phone,
        contact_email=contact.email,
        **opening.model_dump(
            include={"incident", "description", "period_from", "period_to"}
            | {"delivery_place", "conditions"}
        ),
    )
    session.add(row)
    session.flush()
    for line in opening.items:
        session.add(ResourceItem(exchange_id=row.id, committed=0, **line.model_dump()))
    recorder.note(
        session, f"network.resources {kind.value}", RESOURCE, row.id, side=side.value, peer=peer_id
    )
    return row


@dataclass(frozen=True)
class Taken:
    """One step of an exchange as either side took it."""

    step: Step
    by: str
    ours: bool
    at: dt.datetime
    answer: Answer | None = None
    reason: str | None = None
    quantities: Sequence[Committed] = ()
    distribution_id: str | None = None


def apply(session: Session, row: ResourceExchange, taken: Taken) -> ResourceStep:
    """Move the exchange by one step (the opener's or the counterpart's), or refuse it (409,
    422) with nothing changed: its state by ``RULES``, its items by what was committed."""
    opener = (row.side is Side.ours) is taken.ours
    state = next_state(taken.step, state=row.state, kind=row.kind, opener=opener)
    given: dict[int, int] = {}
    if taken.step is Step.commit:
        given = {c.item: c.quantity for c in taken.quantities}
        _commit(session, row, given)
    kind = message_kind(taken.step, row.kind)
    step = ResourceStep(
        exchange_id=row.id,
        step=taken.step,
        message_kind=kind.value if kind else None,
        ours=taken.ours,
        at=taken.at,
        by=taken.by[:200],
        answer=taken.answer,
        reason=taken.reason,
        quantities={str(k): v for k, v in given.items()} or None,
        distribution_id=taken.distribution_id,
    )
    session.add(step)
    row.state = state
    session.flush()
    recorder.note(
        session,
        f"network.resources {taken.step.value}",
        RESOURCE,
        row.id,
        ours=taken.ours,
        state=state.value,
    )
    return step


def _commit(session: Session, row: ResourceExchange, given: dict[int, int]) -> None:
    items = {i.item: i for i in session.scalars(items_of(row.id))}
    after = committed_after(
        given,
        wanted={n: i.quantity for n, i in items.items()},
        committed={n: i.committed for n, i in items.items()},
    )
    for n, total in after.items():
        items[n].committed = total


def items_of(exchange_id: int) -> Select[ResourceItem]:
    return select(ResourceItem).where(ResourceItem.exchange_id == exchange_id)


def take_step(
    session: Session,
    exchange_id: int,
    given: ResponseIn | CommitIn | PlainStepIn,
    *,
    by: str,
    by_user_id: int | None,
) -> ResourceExchange:
    """A step as the API and the CLI give it (``step``: response, commit, delivery, release,
    return, withdrawal)."""
    if isinstance(given, ResponseIn):
        step, answer = step_of(given.answer), given.answer
    else:
        step, answer = Step(given.step), None
    return take(
        session,
        exchange_id,
        step,
        version=given.version,
        by=by,
        by_user_id=by_user_id,
        answer=answer,
        reason=given.reason,
        quantities=given.quantities if isinstance(given, CommitIn) else (),
    )


def take(
    session: Session,
    exchange_id: int,
    step: Step,
    *,
    version: int,
    by: str,
    by_user_id: int | None,
    answer: Answer | None = None,
    reason: str | None = None,
    quantities: Sequence[Committed] = (),
) -> ResourceExchange:
    """This city takes a step of an exchange, and tells the partner (a delivery is this
    city's own record: no message). Refused with nothing changed when ``RULES`` forbid it."""
    row = _current(session, exchange_id, version)
    taken = Taken(step, by, True, now(), answer, reason, quantities)
    recorded = apply(session, row, taken)
    kind = message_kind(step, row.kind)
    if kind is not None:
        recorded.distribution_id = _tell(session, row, kind, taken, by_user_id)
    session.flush()
    return row


def _tell(
    session: Session, row: ResourceExchange, kind: Kind, taken: Taken, by_user_id: int | None
) -> str:
    reply = Reply(
        message_type=MESSAGE_TYPE[kind],
        originating_message_id=row.message_id,
        by=taken.by,
        answer=taken.answer,
        reason=taken.reason,
        quantities=list(taken.quantities) or None,
        recall="Cancel" if taken.step is Step.withdrawal else None,
    )
    peer = get_or_404(session, Peer, row.peer_id, what="peer")
    (sent,) = service.send(
        session,
        service.Distribution(
            kind,
            reply.model_dump(mode="json", exclude_none=True),
            status=row.status,
            distribution_kind=(
                DistributionKind.cancel if taken.step is Step.withdrawal else DISTRIBUTION[kind]
            ),
            references=(row.message_id,),
        ),
        to=[peer],
        by_user_id=by_user_id,
    )
    return sent.distribution_id


def _current(session: Session, exchange_id: int, version: int) -> ResourceExchange:
    row = get_or_404(session, ResourceExchange, exchange_id, what="resource exchange")
    if row.version != version:
        raise Conflict.of(
            N_("The exchange changed meanwhile (version %(now)s, not %(sent)s): reload it."),
            now=row.version,
            sent=version,
        )
    return row
