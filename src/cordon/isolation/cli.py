from __future__ import annotations

import datetime as dt
from typing import Annotated

import typer

from cordon.cases import lab
from cordon.cases.enums import TestMethod, TestResult
from cordon.cli.output import AsJson, console, print_listing, user_errors
from cordon.core.db import session_scope
from cordon.isolation import release as releasing
from cordon.isolation import service, tasks
from cordon.isolation.enums import OPEN, OrderStatus, Place
from cordon.isolation.schemas import DueTaskOut, OrderOut

app = typer.Typer(
    help="Isolation orders: list, confirm, decline, transfer, release; samples to take.",
    no_args_is_help=True,
)


@app.command("list")
def list_orders(
    status: Annotated[list[OrderStatus] | None, typer.Option(help="Default: open orders.")] = None,
    place: Annotated[Place | None, typer.Option(help="Only this place.")] = None,
    limit: Annotated[int, typer.Option(help="Most orders shown.")] = 50,
    as_json: AsJson = False,
) -> None:
    """The city's isolation orders, newest first (people by number)."""
    with session_scope() as session:
        rows, total = service.listed(session, statuses=status or OPEN, place=place, limit=limit)
        shown = [OrderOut.model_validate(o) for o in rows]
    print_listing(shown, total, "orders", as_json=as_json, columns={
        "order": lambda o: str(o.id),
        "person": lambda o: f"#{o.person_id}",
        "status": lambda o: o.status.value,
        "place": lambda o: o.place.value,
        "facility": lambda o: str(o.facility_id or "—"),
        "tier": lambda o: f"F{o.tier}",
        "from": lambda o: str(o.starts_on),
        "to": lambda o: str(o.ends_on),
    })  # fmt: skip


@app.command("confirm")
def confirm(
    order: Annotated[int, typer.Argument(help="Order id.")],
    version: Annotated[int, typer.Option(help="The order's version as listed.")],
    facility: Annotated[int | None, typer.Option(help="Another facility (id).")] = None,
    place: Annotated[Place | None, typer.Option(help="Another place.")] = None,
) -> None:
    """Put a proposed order in force."""
    with user_errors(), session_scope() as session:
        o = service.confirm(
            session, order, version=version, by_user_id=None, place=place, facility_id=facility
        )
        session.commit()
        console.print(f"Order {o.id} confirmed: {o.place.value} until {o.ends_on}.")


@app.command("decline")
def decline(
    order: Annotated[int, typer.Argument(help="Order id.")],
    version: Annotated[int, typer.Option(help="The order's version as listed.")],
    reason: Annotated[str, typer.Option(help="Why it is declined.")],
) -> None:
    """Decline a proposed order, giving back its bed."""
    with user_errors(), session_scope() as session:
        o = service.decline(session, order, version=version, by_user_id=None, reason=reason)
        session.commit()
        console.print(f"Order {o.id} declined.")


@app.command("release")
def release_order(
    order: Annotated[int, typer.Argument(help="Order id.")],
    version: Annotated[int, typer.Option(help="The order's version as listed.")],
) -> None:
    """Approve the release of an order whose period is over."""
    with user_errors(), session_scope() as session:
        o = releasing.release(session, order, version=version, by_user_id=None)
        session.commit()
        state = (
            "released" if o.status is OrderStatus.released else f"home monitoring until {o.ends_on}"
        )
        console.print(f"Order {o.id}: {state}.")


@app.command("transfer")
def transfer(
    order: Annotated[int, typer.Argument(help="Order id.")],
    version: Annotated[int, typer.Option(help="The order's version as listed.")],
    reason: Annotated[str, typer.Option(help="Why the person is moved.")],
    facility: Annotated[int | None, typer.Option(help="The facility to move to (id).")] = None,
    place: Annotated[Place, typer.Option(help="facility or home.")] = Place.facility,
) -> None:
    """Move an order in force to another facility, or between home and a facility."""
    with user_errors(), session_scope() as session:
        o = service.transfer(
            session,
            order,
            version=version,
            by_user_id=None,
            place=place,
            facility_id=facility,
            reason=reason,
        )
        session.commit()
        where = f"facility {o.facility_id}" if o.facility_id else o.place.value
        console.print(f"Order {o.id} moved to {where}.")


@app.command("samples")
def samples(
    on: Annotated[
        dt.datetime | None, typer.Option(formats=["%Y-%m-%d"], help="Due on or before.")
    ] = None,
    limit: Annotated[int, typer.Option(help="Most tasks shown.")] = 50,
    as_json: AsJson = False,
) -> None:
    """Samples still to take from people in isolation, oldest first (people by number)."""
    with session_scope() as session:
        rows, total = tasks.due(session, on=on.date() if on else None, limit=limit)
        shown = [DueTaskOut.of(t, name="") for t in rows]
    print_listing(shown, total, "samples to take", as_json=as_json, columns={
        "task": lambda t: str(t.id),
        "person": lambda t: f"#{t.person_id}",
        "order": lambda t: str(t.order_id),
        "due": lambda t: str(t.due_on),
        "reason": lambda t: t.reason,
    })  # fmt: skip


@app.command("sample")
def sample(
    task: Annotated[int, typer.Argument(help="Sampling task id.")],
    taken: Annotated[
        dt.datetime, typer.Option(formats=["%Y-%m-%d"], help="Day the sample was taken.")
    ],
    result: Annotated[TestResult, typer.Option(help="pending while the laboratory works.")],
    method: Annotated[
        TestMethod, typer.Option(help="pcr, rapid_antigen, antibody.")
    ] = TestMethod.pcr,
    result_on: Annotated[
        dt.datetime | None, typer.Option(formats=["%Y-%m-%d"], help="Day of the result.")
    ] = None,
    ct: Annotated[float | None, typer.Option(help="Ct value of a PCR.")] = None,
    confirm: Annotated[bool, typer.Option(help="A positive PCR confirms the case.")] = False,
) -> None:
    """Record the sample of a task and its result."""
    with user_errors(), session_scope() as session:
        test = tasks.record(
            session,
            task,
            lab.LabReport(
                method=method,
                sample_taken_on=taken.date(),
                result=result,
                result_on=result_on.date() if result_on else None,
                ct_value=ct,
                confirm=confirm,
            ),
        )
        session.commit()
        console.print(f"Lab test {test.id} recorded: {test.result.value}.")


@app.command("result")
def result_of_sample(
    test: Annotated[int, typer.Argument(help="Lab test id (recorded as pending).")],
    result: Annotated[TestResult, typer.Option(help="positive, negative or inconclusive.")],
    result_on: Annotated[
        dt.datetime, typer.Option(formats=["%Y-%m-%d"], help="Day of the result.")
    ],
    ct: Annotated[float | None, typer.Option(help="Ct value of a PCR.")] = None,
    confirm: Annotated[bool, typer.Option(help="A positive PCR confirms the case.")] = False,
) -> None:
    """The result of a sample recorded while it was awaited."""
    with user_errors(), session_scope() as session:
        done = lab.record_result(
            session, test, result=result, result_on=result_on.date(), ct_value=ct, confirm=confirm
        )
        session.commit()
        console.print(f"Lab test {done.id}: {done.result.value}.")
