"""The life of a resource exchange as data (``resource_states.RULES``): who takes which step in
which state; any sequence of steps, by either city, keeps the state legal and the quantities
committed within what was asked for or offered — in the table alone and in the database."""

from __future__ import annotations

import uuid

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from sqlalchemy import select
from sqlalchemy.orm import Session

from cordon.core.dates import now
from cordon.core.errors import Conflict, InvalidInput
from cordon.network.enums import DistributionStatus
from cordon.network.resource_models import ResourceItem, ResourceStep
from cordon.network.resource_schemas import Committed, Contact, Opening, Resource
from cordon.network.resource_states import (
    OVER,
    RULES,
    ExchangeKind,
    ResourceKind,
    Role,
    Side,
    State,
    Step,
    Unit,
    allowed,
    committed_after,
    holds,
    next_state,
)
from cordon.network.resources import Taken, apply, opened
from networkkit import Partner

REQUEST, OFFER = ExchangeKind.request, ExchangeKind.offer


@pytest.mark.parametrize(
    ("kind", "opener", "roles"),
    [
        (REQUEST, True, {Role.opener, Role.recipient}),
        (REQUEST, False, {Role.counterpart, Role.provider}),
        (OFFER, True, {Role.opener, Role.provider}),
        (OFFER, False, {Role.counterpart, Role.recipient}),
    ],
)
def test_each_city_holds_two_roles(kind: ExchangeKind, opener: bool, roles: set[Role]) -> None:
    assert {r for r in Role if holds(r, kind, opener=opener)} == roles


@pytest.mark.parametrize(
    ("kind", "opener", "state", "steps"),
    [
        (REQUEST, True, State.open, {Step.withdrawal}),
        (REQUEST, False, State.open, {Step.answer, Step.decline}),
        (REQUEST, False, State.responded, {Step.answer, Step.decline, Step.commit}),
        (REQUEST, True, State.committed, {Step.delivery, Step.release}),
        (REQUEST, False, State.committed, {Step.commit, Step.return_}),
        (REQUEST, True, State.delivered, {Step.release}),
        (OFFER, True, State.open, {Step.withdrawal}),
        (OFFER, True, State.responded, {Step.commit, Step.withdrawal}),
        (OFFER, False, State.responded, {Step.answer, Step.decline}),
        (OFFER, False, State.committed, {Step.delivery, Step.release}),
        (OFFER, True, State.delivered, {Step.return_}),
    ],
)
def test_the_steps_open_to_a_city(
    kind: ExchangeKind, opener: bool, state: State, steps: set[Step]
) -> None:
    assert {s for s in Step if allowed(s, state=state, kind=kind, opener=opener)} == steps


def test_an_exchange_that_is_over_takes_no_step() -> None:
    for state in OVER:
        for kind in ExchangeKind:
            for opener in (True, False):
                assert not any(allowed(s, state=state, kind=kind, opener=opener) for s in RULES), (
                    state
                )


@settings(max_examples=300, deadline=None, derandomize=True)
@given(
    kind=st.sampled_from(list(ExchangeKind)),
    wanted=st.lists(st.integers(1, 80), min_size=1, max_size=3),
    data=st.data(),
)
def test_any_sequence_of_steps_keeps_states_legal_and_quantities_within_what_was_asked(
    kind: ExchangeKind, wanted: list[int], data: st.DataObject
) -> None:
    asked = dict(enumerate(wanted, 1))
    state, committed, taken = State.open, dict[int, int](), list[Step]()
    for _ in range(data.draw(st.integers(0, 14))):
        step, opener = data.draw(_move(state, kind, Side.ours))  # ours: the opener's
        amounts = data.draw(_amounts(len(asked), 60))
        try:
            after = next_state(step, state=state, kind=kind, opener=opener)
            if step is Step.commit:
                committed = committed_after(amounts, wanted=asked, committed=committed)
        except Conflict:
            assert not allowed(step, state=state, kind=kind, opener=opener)
            continue
        except InvalidInput:
            assert step is Step.commit  # nothing, past what was asked, or an item not in it
            continue
        assert holds(RULES[step].by, kind, opener=opener)
        state = after
        taken.append(step)
    assert all(committed[n] <= asked[n] for n in committed)
    assert (Step.commit in taken) is bool(committed)
    if state in (State.delivered, State.closed):
        assert Step.commit in taken  # nothing is delivered or released before a commit
    if state in (State.declined, State.withdrawn):
        assert Step.commit not in taken
    if state is State.open:
        assert not taken  # no step keeps an exchange open
    event(f"ended {state.value}")


@pytest.fixture
def party(hanoi: Session, seoul: Partner) -> int:
    return seoul.peer_id


@settings(
    max_examples=40,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    kind=st.sampled_from(list(ExchangeKind)),
    side=st.sampled_from(list(Side)),
    data=st.data(),
)
def test_in_the_database_the_items_committed_are_the_history_s_commits(
    hanoi: Session, party: int, kind: ExchangeKind, side: Side, data: st.DataObject
) -> None:
    row = opened(
        hanoi,
        Opening(
            message_type="RequestResource" if kind is REQUEST else "OfferUnsolicitedResource",
            description="Test kits and vaccine doses",
            contact=Contact(name="Lê Thị Hoa"),
            items=[
                Resource(item=1, kind=ResourceKind.test_kits, quantity=1000, unit=Unit.kits),
                Resource(item=2, kind=ResourceKind.vaccine_doses, quantity=500, unit=Unit.doses),
            ],
        ),
        side=side,
        peer_id=party,
        message_id=str(uuid.uuid4()),
        status=DistributionStatus.actual,
    )
    for _ in range(data.draw(st.integers(0, 14))):
        step, ours = data.draw(_move(row.state, kind, side))
        amounts = data.draw(_amounts(2, 700))
        quantities = [Committed(item=n, quantity=q) for n, q in amounts.items()]
        before = row.state
        try:
            apply(hanoi, row, Taken(step, "t", ours, now(), quantities=quantities))
        except (Conflict, InvalidInput):
            assert row.state is before
    items = hanoi.scalars(select(ResourceItem).where(ResourceItem.exchange_id == row.id)).all()
    steps = hanoi.scalars(select(ResourceStep).where(ResourceStep.exchange_id == row.id)).all()
    for item in items:
        assert item.committed == sum((s.quantities or {}).get(str(item.item), 0) for s in steps)
        assert 0 <= item.committed <= item.quantity
    event(f"commits: {min(sum(1 for s in steps if s.step is Step.commit), 2)}")
    hanoi.rollback()


def _amounts(items: int, most: int) -> st.SearchStrategy[dict[int, int]]:
    """Quantities to commit: mostly of the exchange's items, sometimes of one not in it."""
    some = st.dictionaries(st.integers(1, items), st.integers(1, most), min_size=1)
    anything = st.dictionaries(st.integers(1, items + 1), st.integers(1, most * 2), max_size=3)
    return st.one_of(some, some, anything)


def _move(state: State, kind: ExchangeKind, side: Side) -> st.SearchStrategy[tuple[Step, bool]]:
    """A step and whether this city takes it: mostly one the table allows that keeps the
    exchange live (so that sequences reach commits, deliveries and releases), sometimes any
    allowed one, sometimes anything at all."""
    pairs = [
        (step, ours)
        for step in Step
        for ours in (True, False)
        if allowed(step, state=state, kind=kind, opener=(side is Side.ours) is ours)
    ]
    onward = [
        (step, ours)
        for step, ours in pairs
        if RULES[step].to not in OVER and (RULES[step].to != state or step is Step.commit)
    ]
    choices = [st.sampled_from(c) for c in (onward, onward, onward, pairs) if c]
    return st.one_of(*choices, st.tuples(st.sampled_from(list(Step)), st.booleans()))
