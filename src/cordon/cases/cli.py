"""``cordon cases``: list, show, move cases along the status machine and discharge them."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

import typer

from cordon.cases import discharge as discharging
from cordon.cases import service
from cordon.cases.enums import CaseStatus
from cordon.cases.models import Case
from cordon.cases.schemas import CaseOut, StatusChangeOut
from cordon.cli.output import AsJson, console, print_json, print_listing, user_errors
from cordon.core.db import session_scope

app = typer.Typer(help="Cases: list, show, change status, discharge.", no_args_is_help=True)

OnOption = Annotated[dt.datetime, typer.Option("--on", formats=["%Y-%m-%d"], help="YYYY-MM-DD")]
ByOption = Annotated[str, typer.Option("--by", help="Who makes the change.")]
ReasonOption = Annotated[str, typer.Option("--reason", help="Why (kept in the history).")]


def _out(case: Case, clusters: list[str]) -> CaseOut:
    return CaseOut.model_validate(case).model_copy(update={"clusters": clusters})


@app.command("list")
def list_cases(
    status: Annotated[CaseStatus | None, typer.Option(help="Only cases in this status.")] = None,
    limit: Annotated[int, typer.Option(min=1, max=500)] = 50,
    as_json: AsJson = False,
) -> None:
    """The newest cases."""
    with user_errors(), session_scope() as session:
        rows, total = service.list_cases(session, status=status, limit=limit)
        codes = service.cluster_codes(session, [r.id for r in rows])
        shown = [_out(r, codes[r.id]) for r in rows]
    print_listing(shown, total, "cases", as_json=as_json, columns={
        "code": lambda c: c.code,
        "status": lambda c: c.status.value,
        "classification": lambda c: str(c.classification or ""),
        "onset": lambda c: str(c.onset_on or ""),
        "confirmed": lambda c: str(c.confirmed_on or ""),
        "clusters": lambda c: ", ".join(c.clusters),
    })  # fmt: skip


@app.command("show")
def show(
    code: Annotated[str, typer.Argument(help="Case code, e.g. BN17.")],
    as_json: AsJson = False,
) -> None:
    """One case with its status history."""
    with user_errors(), session_scope() as session:
        case = service.case_by_code(session, code)
        data = _out(case, service.cluster_codes(session, [case.id])[case.id]).model_dump(
            mode="json"
        )
        data["history"] = [
            StatusChangeOut.model_validate(h).model_dump(mode="json")
            for h in service.history(session, case.id)
        ]
    if as_json:
        print_json(data)
        return
    console.print(f"[bold]{data['code']}[/bold] {data['status']} (version {data['version']})")
    for name in (*service.DATE_FIELDS, "classification", "province", "treated_at"):
        if data[name] is not None:
            console.print(f"  {name}: {data[name]}")
    if data["clusters"]:
        console.print(f"  clusters: {', '.join(data['clusters'])}")
    for h in data["history"]:
        console.print(
            f"  {h['changed_at'][:16]} {h['from_status'] or '—'} → {h['to_status']} "
            f"by {h['changed_by']}: {h['reason']}"
        )


def _move(code: str, to: CaseStatus, on: dt.datetime, by: str, reason: str) -> None:
    with user_errors(), session_scope() as session:
        case = service.case_by_code(session, code)
        service.change_status(session, case.id, to, changed_by=by, reason=reason, on_date=on.date())
    console.print(f"Case {code} is now {to} (on {on.date()}).")


@app.command("confirm")
def confirm(
    code: Annotated[str, typer.Argument(help="Case code.")],
    on: OnOption,
    by: ByOption,
    reason: ReasonOption,
) -> None:
    """Confirm a suspected case."""
    _move(code, CaseStatus.confirmed, on, by, reason)


@app.command("status")
def change_status(
    code: Annotated[str, typer.Argument(help="Case code.")],
    to: Annotated[CaseStatus, typer.Argument(help="The new status.")],
    on: OnOption,
    by: ByOption,
    reason: ReasonOption,
) -> None:
    """Move a case: suspected → confirmed | discarded; confirmed → recovered | died."""
    _move(code, to, on, by, reason)


def _say_readiness(ready: discharging.Readiness) -> None:
    rule = ready.rule
    console.print(f"Rule {rule.id}: {rule.title}", highlight=False)
    if ready.day is not None:
        console.print(f"  day {ready.day} since {ready.day0}; discharge from {ready.earliest}")
    for problem in ready.problems:
        console.print(f"  {problem.field}: {problem.message}", highlight=False)
    if ready.monitoring is not None:
        first, last = ready.monitoring
        console.print(f"  home monitoring would follow: {first} to {last}")


@app.command("discharge")
def discharge(
    code: Annotated[str, typer.Argument(help="Case code.")],
    symptom_free: Annotated[
        bool,
        typer.Option(
            "--symptom-free", help="You confirm that the patient has no symptoms (the rule asks)."
        ),
    ] = False,
    by: Annotated[str, typer.Option("--by", help="Who discharges.")] = "command line",
    check: Annotated[
        bool, typer.Option("--check", help="Only say what stands in the way; change nothing.")
    ] = False,
) -> None:
    """Discharge a confirmed case today by the discharge rule in force: recovered, then home
    monitoring. Refused, saying why, when the rule is not met."""
    with user_errors(), session_scope() as session:
        case = service.case_by_code(session, code)
        if check:
            _say_readiness(discharging.readiness(session, case))
            return
        done = discharging.discharge(
            session, case.id, version=case.version, symptom_free=symptom_free, by=by
        )
        said = f"Case {code} is now recovered (discharged on {done.case.discharged_on})."
        order = done.monitoring
        if order is not None:
            said += f" Home monitoring {order.starts_on} to {order.ends_on} (order {order.id})."
    console.print(said, highlight=False)
