"""The reaction table: each handler takes the event it is registered for, the table and the
diagram of docs/architecture.md say what the code does, and a process not started refuses
to publish."""

from __future__ import annotations

import inspect
import re
import subprocess
import sys
import typing
from pathlib import Path
from typing import NamedTuple

import pytest
from sqlalchemy.orm import Session

from cordon import events as domain
from cordon.core import events
from cordon.core.events import Event
from cordon.monitoring import service as monitoring
from cordon.reactions import REACTIONS, RELEASE_HOLDS
from eventkit import recording

ARCHITECTURE = Path(__file__).resolve().parents[1] / "docs" / "architecture.md"


class Row(NamedTuple):
    event: str
    order: int
    reaction: str
    publishes: str


def qualified(handler: object) -> str:
    module = str(getattr(handler, "__module__", "")).removeprefix("cordon.")
    return f"{module}.{getattr(handler, '__name__', '?')}"


def documented() -> list[Row]:
    """The rows of the table in "Domain events"."""
    section = ARCHITECTURE.read_text(encoding="utf-8").split("## Domain events", 1)[1]
    rows = re.findall(r"^\| `(\w+)` \| (\d+) \| `([\w.]+)` \| (?:`(\w+)`)? *\|$", section, re.M)
    return [Row(e, int(n), r, p) for e, n, r, p in rows]


def diagram(rows: list[Row]) -> str:
    """The Mermaid diagram of the table: each event to its reactions, numbered in order, and
    each reaction to the event it publishes (dotted)."""
    node = {r.reaction: r.reaction.replace(".", "_") for r in rows}
    lines = ["```mermaid", "flowchart LR"]
    for r in rows:
        lines.append(f'  {r.event} -->|{r.order}| {node[r.reaction]}["{r.reaction}"]')
    for r in rows:
        if r.publishes:
            lines.append(f"  {node[r.reaction]} -.->|publishes| {r.publishes}")
    return "\n".join([*lines, "```"])


def test_each_handler_takes_the_event_it_is_registered_for() -> None:
    for kind, handlers in REACTIONS.table().items():
        assert handlers, kind
        for handler in handlers:
            hints = typing.get_type_hints(handler)
            session, event = list(inspect.signature(handler).parameters)[:2]
            assert hints[session] is Session, qualified(handler)
            assert hints[event] is kind, f"{qualified(handler)} is registered for {kind.__name__}"


def test_every_domain_event_has_reactions() -> None:
    kinds = {c for _, c in inspect.getmembers(domain, inspect.isclass) if issubclass(c, Event)} - {
        Event
    }
    assert set(REACTIONS.table()) == kinds


def test_the_documented_table_is_the_code() -> None:
    in_code = [
        (kind.__name__, n, qualified(h))
        for kind, handlers in REACTIONS.table().items()
        for n, h in enumerate(handlers, 1)
    ]
    assert [(r.event, r.order, r.reaction) for r in documented()] == in_code
    names = {kind.__name__ for kind in REACTIONS.table()}
    assert {r.publishes for r in documented() if r.publishes} <= names


def test_the_diagram_is_the_table() -> None:
    text = ARCHITECTURE.read_text(encoding="utf-8")
    assert diagram(documented()) in text, "docs/architecture.md: redraw the diagram from the table"


def test_a_merge_moves_the_rows_before_the_tiers() -> None:
    """The isolation orders the tier engine's TiersMoved judges must be the kept person's."""
    order = [qualified(h) for h in REACTIONS.to(domain.PersonsMerged)]
    tiers = order.index("tracing.service.on_persons_merged")
    for mover in (
        "cases.follow.on_persons_merged",
        "exposures.service.on_persons_merged",
        "outreach.service.on_persons_merged",
        "handovers.service.on_persons_merged",
        "isolation.proposals.on_persons_merged",
    ):
        assert order.index(mover) < tiers, mover


def test_a_bus_with_no_reactions_installed_refuses_to_publish(session: Session) -> None:
    with pytest.raises(RuntimeError, match=r"cordon\.wiring\.start\(\)"):
        events.Bus().publish(session, domain.PersonMoved("moved", 1, None, None))


def test_a_release_is_not_judged_without_its_holds() -> None:
    """An open flag holds a release through ``RELEASE_HOLDS``: a process that did not start
    (so has no holds) refuses to judge a release rather than free a flagged person."""
    assert (monitoring.FLAG_OPEN, monitoring.orders_flagged) in RELEASE_HOLDS
    unstarted = "from cordon.isolation import release; release.readinesses(None, [])"
    ran = subprocess.run([sys.executable, "-c", unstarted], capture_output=True, text=True)
    assert ran.returncode != 0
    assert "RuntimeError" in ran.stderr
    assert "cordon.wiring.start()" in ran.stderr


def test_recording_sees_events_only_inside_its_block(session: Session) -> None:
    moved = domain.PersonMoved("moved", 1, None, None)
    with recording(domain.PersonMoved) as seen, recording(domain.CaseChanged) as other:
        events.publish(session, moved)
    events.publish(session, moved)
    assert (seen, other) == ([moved], [])


def test_the_table_takes_one_entry_an_event() -> None:
    table = events.Reactions().on(domain.PersonMoved)
    with pytest.raises(ValueError, match="PersonMoved"):
        table.on(domain.PersonMoved)
