"""``cordon network shares``: people handed over between cities (docs/network.md)."""

from __future__ import annotations

from typing import Annotated

import typer
from pydantic import ValidationError
from sqlalchemy import select

from cordon.audit import recorder
from cordon.cli.output import AsJson, console, print_json, print_listing, user_errors
from cordon.core.db import get_or_404, session_scope
from cordon.core.errors import InvalidInput, NotFound
from cordon.network import share_listing, share_receiver, shares
from cordon.network.enums import Direction, ShareState
from cordon.network.models import Peer, PersonShare
from cordon.network.share_schemas import SenderContact, ShareOut

app = typer.Typer(
    help="People handed over between cities: send, list, preview, accept, reject, revoke.",
    no_args_is_help=True,
)
ShareId = Annotated[int, typer.Argument(help="The share's id here (cordon network shares list).")]


def _version(share_pk: int) -> int:
    with session_scope() as session:
        return get_or_404(session, PersonShare, share_pk, what="share").version


def _said(share: ShareOut) -> None:
    console.print(f"Share {share.id} ({share.share_id}) with {share.peer}: {share.state.value}.")


@app.command("list")
def list_shares(
    direction: Annotated[Direction | None, typer.Option(help="sent or received.")] = None,
    state: Annotated[ShareState | None, typer.Option(help="Only this state.")] = None,
    person: Annotated[int | None, typer.Option(help="Only this person's.")] = None,
    limit: Annotated[int, typer.Option(min=1, max=500, help="Most shares shown.")] = 50,
    as_json: AsJson = False,
) -> None:
    """Shares newest first: partner city, state, dates — never a name."""
    with session_scope() as session:
        rows, total = share_listing.listed(
            session,
            direction=direction,
            states=[state] if state else None,
            person_id=person,
            limit=limit,
        )
    print_listing(
        rows,
        total,
        "shares",
        as_json=as_json,
        columns={
            "id": lambda r: str(r.id),
            "way": lambda r: r.direction.value,
            "peer": lambda r: r.peer,
            "state": lambda r: r.state.value,
            "person": lambda r: str(r.person_id or ""),
            "since": lambda r: f"{r.created_at:%Y-%m-%d %H:%M}",
            "answered": lambda r: f"{r.answered_at:%Y-%m-%d %H:%M}" if r.answered_at else "",
        },
    )


@app.command("send")
def send(
    person_id: Annotated[int, typer.Argument(help="A case or contact of this registry.")],
    node_id: Annotated[str, typer.Argument(help="The partner city where the person lives.")],
    officer: Annotated[str, typer.Option(help="Who hands the person over.")],
    contact: Annotated[str, typer.Option(help="Their phone or e-mail, for the receiver.")],
    note: Annotated[str | None, typer.Option(help="For the receiving officer (sealed).")] = None,
) -> None:
    """Hand a person over to a partner city (delivered by cordon worker)."""
    with user_errors(), session_scope() as session:
        peer = session.scalar(select(Peer).where(Peer.node_id == node_id.strip()))
        if peer is None:
            raise NotFound(f"No peer {node_id[:64]}: cordon network peers lists them.")
        try:
            sender = SenderContact(officer=officer, contact=contact)
        except ValidationError as exc:
            raise InvalidInput.of_model("The sender's contact is incomplete.", exc) from None
        row = shares.request(
            session, person_id=person_id, peer_id=peer.id, sender=sender, note=note
        )
        session.commit()
        _said(share_listing.one(session, row.id))


@app.command("preview")
def preview(share_pk: ShareId, as_json: AsJson = False) -> None:
    """A partner's pending share opened: the person, their tier, the sender, and who in this
    registry may be the same (a read of personal data: in the audit log)."""
    with user_errors(), session_scope() as session:
        seen = share_receiver.preview(session, share_pk)
        found = [(c.person.id, c.person.full_name, c.reason) for c in seen.duplicates]
        recorder.read(session, "network_shares", share_pk, [f[0] for f in found], view="preview")
        session.commit()
    content = seen.content
    if as_json:
        print_json({"content": content.model_dump(mode="json"), "duplicates": found})
        return
    who = content.person
    born = who.date_of_birth or who.birth_year or "?"
    console.print(f"{who.full_name} ({who.sex.value}, born {born}), {who.phone or 'no phone'}")
    console.print(f"Address: {who.address or '?'}")
    console.print(f"F{content.tier}; the F0's case confirmed on {content.case.confirmed_on}")
    if content.exposure is not None:
        met = content.exposure
        console.print(f"Exposed {met.first_on} to {met.last_on} ({met.setting.value})")
    console.print(f"From {content.sender.officer}, {content.sender.contact}")
    console.print(f"Lawful basis: {content.lawful_basis}")
    for person_id, name, reason in found:
        console.print(f"May be person {person_id}, {name}: {reason}")


@app.command("accept")
def accept(
    share_pk: ShareId,
    person: Annotated[int | None, typer.Option(help="The same person in this registry.")] = None,
    ward_id: Annotated[int | None, typer.Option(help="The ward where they live.")] = None,
) -> None:
    """Take the person into this registry: exposure, tier and isolation follow."""
    with user_errors(), session_scope() as session:
        share_receiver.accept(
            session, share_pk, version=_version(share_pk), person_id=person, ward_id=ward_id
        )
        session.commit()
        _said(share_listing.one(session, share_pk))


@app.command("reject")
def reject(
    share_pk: ShareId,
    reason: Annotated[str, typer.Option(help="Why, naming no one: it goes to the sender.")],
) -> None:
    """Say no to a partner's share (nothing of the person is kept)."""
    with user_errors(), session_scope() as session:
        share_receiver.reject(session, share_pk, version=_version(share_pk), reason=reason)
        session.commit()
        _said(share_listing.one(session, share_pk))


@app.command("revoke")
def revoke(share_pk: ShareId) -> None:
    """Take back a share this city sent, while it is pending."""
    with user_errors(), session_scope() as session:
        shares.revoke(session, share_pk, version=_version(share_pk))
        session.commit()
        _said(share_listing.one(session, share_pk))
