"""``cordon demo``: load Vietnam's real first wave or generate a synthetic Hanoi; print facts."""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table
from sqlalchemy import select

from cordon.cli.output import console, print_json, user_errors
from cordon.core.config import PROJECT_ROOT, get_settings
from cordon.core.dates import today
from cordon.core.db import session_scope
from cordon.demo import facts
from cordon.demo import partner as demo_partner
from cordon.demo.live_outbreak import ensure_city, load_live_outbreak
from cordon.demo.network import load_demo_network
from cordon.demo.synthetic import SyntheticOptions, load_synthetic
from cordon.demo.users import DemoUser, create_demo_users
from cordon.demo.vietnam import load_vietnam_2020
from cordon.network.enums import DistributionStatus, Kind
from cordon.network.models import Peer
from cordon.network.service import Distribution, send

app = typer.Typer(
    help="Demo data: Vietnam's real first wave, or a synthetic city.", no_args_is_help=True
)

HANOI = "Hà Nội"


def _print_users(users: list[DemoUser]) -> None:
    if not users:
        return
    table = Table("username", "role", "unit", "password (shown once)", title="Demo accounts")
    for u in users:
        table.add_row(u.username, u.role, u.unit_code, u.password)
    console.print(table)


@app.command("vietnam-2020")
def vietnam_2020() -> None:
    """Load Vietnam's 288 patients of 2020 (BN1–BN288), their links, sources and clusters,
    and one demo account per role (passwords printed once)."""
    with user_errors(), session_scope() as session:
        result = load_vietnam_2020(session)
        users = create_demo_users(session)
    _print_users(users)
    if result.geography_loaded:
        console.print("Loaded Hanoi's districts and wards first.")
    if result.skipped:
        console.print("Vietnam 2020 is already loaded (BN1–BN288 exist): nothing written.")
        return
    console.print(
        f"Loaded Vietnam 2020: {result.people} people, {result.cases} cases, "
        f"{result.case_links} case links ({result.sources} sources), {result.clusters} clusters "
        f"({result.memberships} memberships), {result.exposures} exposures."
    )


DEMO_REGIMES = PROJECT_ROOT / "var" / "demo-city" / "regimes.toml"


@app.command("live-outbreak")
def live_outbreak(
    regime_file: Annotated[
        Path | None,
        typer.Option(
            help="The city's regime file (default: setting CORDON_REGIME_FILE, else "
            "(project folder)/var/demo-city/regimes.toml); written with the outbreak's "
            "regime when missing."
        ),
    ] = None,
    seed: Annotated[int, typer.Option(help="Random seed: same seed, same outbreak.")] = 17,
) -> None:
    """Play a synthetic outbreak in Hanoi that began three weeks ago and goes on today, under
    the city's own regime declared in force from its first day."""
    path = regime_file or get_settings().regime_file or DEMO_REGIMES
    started = time.perf_counter()
    with user_errors(), session_scope() as session:
        ensure_city(session)
        users = create_demo_users(session)
        result = load_live_outbreak(session, regime_file=path, seed=seed)
    _print_users(users)
    if result.regime_written:
        console.print(
            f"Wrote the city's regime file {path} (the outbreak's regime from {result.start})."
        )
    console.print(f"Serve with CORDON_REGIME_FILE={path} so that new orders follow it.")
    if result.skipped:
        console.print("The live outbreak is already loaded: nothing written.")
        return
    console.print(
        f"Played the live outbreak from {result.start} to today: {result.people} people, "
        f"{result.cases} cases, {result.confirmed} orders in force, {result.proposed} proposed, "
        f"{result.open_flags} open flags, {result.handovers} handover(s), {result.reports} daily "
        f"reports in {time.perf_counter() - started:.1f} s."
    )


@app.command("network")
def network() -> None:
    """Put the demo city on the inter-city network with two partner cities whose signed
    situation reports of the last four weeks are in its inbox (once)."""
    started = time.perf_counter()
    with user_errors(), session_scope() as session:
        result = load_demo_network(session)
        session.commit()
    if result.skipped:
        console.print("The city is on the network already: nothing written.")
        return
    console.print(
        f"Hà Nội is on the network with {result.partners} partner cities: {result.received} "
        f"of their reports received, {result.sent} of its own sent, in "
        f"{time.perf_counter() - started:.1f} s. Start a live partner: cordon demo partner."
    )


@app.command("partner")
def partner(
    port: Annotated[
        int | None, typer.Option(help="Đà Nẵng's port (default: this city's port + 1).")
    ] = None,
    seconds: Annotated[
        float | None, typer.Option(min=1, help="Stop after this long (default: at Ctrl-C).")
    ] = None,
    home: Annotated[
        Path | None,
        typer.Option(help="Where Đà Nẵng keeps its database and keys (default var/demo-partner)."),
    ] = None,
) -> None:
    """Start a second Cordon on this machine, Đà Nẵng, a partner of the demo city (run it
    beside make run): the two exchange cards, Đà Nẵng sends its first report, Hà Nội pings
    it, and the workers of both deliver until Ctrl-C."""
    live = demo_partner.Partner(
        home=home or demo_partner.HOME, port=port or demo_partner.partner_port()
    )
    with user_errors(), session_scope() as session:
        demo_partner.set_up(session, live)
        peer = session.scalar(select(Peer).where(Peer.node_id == demo_partner.NODE_ID))
        assert peer is not None
        ping = Distribution(Kind.ping, {}, status=DistributionStatus.test)
        send(session, ping, to=[peer])
        session.commit()
        demo_partner.first_report(live)
    console.print(
        f"{demo_partner.NAME} ({demo_partner.NODE_ID}) serves {live.url}; its report and Hà "
        "Nội's ping are on their way. Open the Network page of both; Ctrl-C stops it."
    )
    demo_partner.run(live, seconds)


@app.command("synthetic")
def synthetic(
    people: Annotated[int, typer.Option(min=1, help="How many people to generate.")] = 10_000,
    seed: Annotated[int, typer.Option(help="Random seed: same seed, same city.")] = 1,
    cases: Annotated[
        int | None, typer.Option(min=0, help="Case rows to create (default people / 100).")
    ] = None,
    exposures_per_person: Annotated[
        float, typer.Option(min=0.0, help="Average exposures per person.")
    ] = 10.0,
) -> None:
    """Generate a reproducible synthetic Hanoi: households, work, schools, exposures, outbreak."""
    options = SyntheticOptions(
        people=people,
        seed=seed,
        cases=people // 100 if cases is None else cases,
        exposures_per_person=exposures_per_person,
    )
    started = time.perf_counter()
    with user_errors(), session_scope() as session:
        result = load_synthetic(session, options)
        users = create_demo_users(session)
    _print_users(users)
    console.print(
        f"Generated a synthetic Hanoi (seed {seed}): {result.people:,} people in "
        f"{result.households:,} households, {result.exposures:,} exposures, "
        f"{result.cases:,} cases, {result.clusters} clusters "
        f"in {time.perf_counter() - started:.1f} s."
    )


@app.command("facts")
def show_facts(
    on: Annotated[
        dt.datetime | None,
        typer.Option(formats=["%Y-%m-%d"], help="Day of the figures (default: today)."),
    ] = None,
    through: Annotated[
        str | None,
        typer.Option(help="A bulletin published during the day after this case (e.g. BN262)."),
    ] = None,
    province: Annotated[str, typer.Option(help="Province for days without a new case.")] = HANOI,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """The registry's public figures on a day: cases, recovered, deaths, days without a case."""
    day = on.date() if on else today()
    with user_errors(), session_scope() as session:
        totals = facts.national_totals(session, day, through=through)
        quiet = facts.province_last_case(session, province, day)
    if as_json:
        print_json({"national": _totals_json(totals), "province": quiet.__dict__})
        return
    when = f"{day.isoformat()}" + (f", bulletin after {through}" if through else "")
    console.print(
        f"National ({when}): {totals.cases} cases, {totals.recovered} recovered, "
        f"{totals.deaths} deaths, {totals.active} under treatment."
    )
    last = quiet.last_case_on.isoformat() if quiet.last_case_on else "none"
    console.print(
        f"{province}: {quiet.cases} cases; last new case {last}; "
        f"{quiet.days_without_new_case} days without a new case."
    )


def _totals_json(totals: facts.Totals) -> dict[str, object]:
    return {**totals.__dict__, "active": totals.active}
