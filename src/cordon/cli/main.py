"""``cordon``: the command line of operators, tracers and analysts."""

from __future__ import annotations

import typer

from cordon import wiring
from cordon.access.cli import tokens_app, users_app
from cordon.audit import recorder
from cordon.audit.cli import app as audit_app
from cordon.cases.cli import app as cases_app
from cordon.cli import db, serve
from cordon.clusters.cli import chain, cluster
from cordon.demo.cli import app as demo_app
from cordon.facilities.cli import app as facilities_app
from cordon.geography.cli import app as geography_app
from cordon.isolation.cli import app as orders_app
from cordon.linelists.cli import export_command, import_command
from cordon.monitoring.cli import app as monitoring_app
from cordon.network.cli import app as network_app
from cordon.outbox.cli import app as outbox_app
from cordon.outbox.cli import worker
from cordon.people.cli import app as people_app
from cordon.public.cli import app as public_app
from cordon.rt.cli import rt_command
from cordon.scenarios.calibrate_cli import calibrate_command
from cordon.scenarios.cli import simulate_command
from cordon.tracing.cli import tiers_app, trace

app = typer.Typer(
    name="cordon",
    help="Cordon: case registry, F-tier contact tracing and outbreak response for a city.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)


@app.callback()
def _start(ctx: typer.Context) -> None:
    """Wire the process; changes made by the command are audited as the operating-system
    user."""
    wiring.start()
    ctx.with_resource(recorder.acting_as(recorder.Actor.cli()))


app.command("serve")(serve.serve)
app.add_typer(users_app, name="users")
app.add_typer(tokens_app, name="tokens")
app.add_typer(audit_app, name="audit")
app.add_typer(db.app, name="db")
app.add_typer(geography_app, name="geography")
app.add_typer(demo_app, name="demo")
app.add_typer(people_app, name="people")
app.add_typer(cases_app, name="cases")
app.add_typer(tiers_app, name="tiers")
app.add_typer(facilities_app, name="facilities")
app.add_typer(orders_app, name="orders")
app.add_typer(monitoring_app, name="monitoring")
app.add_typer(public_app, name="public")
app.add_typer(network_app, name="network")
app.command("trace")(trace)
app.command("chain")(chain)
app.command("cluster")(cluster)
app.command("rt")(rt_command)
app.command("simulate")(simulate_command)
app.command("calibrate")(calibrate_command)
app.command("import")(import_command)
app.command("export")(export_command)
app.command("worker")(worker)
app.add_typer(outbox_app, name="outbox")
