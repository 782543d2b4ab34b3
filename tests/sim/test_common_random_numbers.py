"""Common random numbers: one more index case, in a household far away, changes nothing else
until it infects someone; and two scenarios' runs share their draws, so that a measure that
changes nothing changes no figure."""

from __future__ import annotations

import numpy as np

from cordon.sim.model import simulate, simulate_agents
from cordon.sim.state import NO_DAY

from .model_checks import city


def test_one_more_index_case_changes_nothing_before_it_infects() -> None:
    base = city(40_000, days=45, seeding={"districts": {"D0": 10}})
    more = city(40_000, days=45, seeding={"districts": {"D0": 10, "D1": 1}})
    _, a = simulate_agents(base, 5)
    _, b = simulate_agents(more, 5)
    seeded_a = (a.infector == -1) & (a.infected_on == 0)
    extra = np.flatnonzero((b.infector == -1) & (b.infected_on == 0) & ~seeded_a)
    assert len(extra) == 1
    infected_by_extra = b.infected_on[b.infector == extra[0]]
    first = int(infected_by_extra.min()) if len(infected_by_extra) else base.days
    assert first > 0
    same = np.ones(len(a.infected_on), dtype=bool)
    same[extra] = False
    before_a = (a.infected_on != NO_DAY) & (a.infected_on < first)
    before_b = (b.infected_on != NO_DAY) & (b.infected_on < first)
    assert np.array_equal(before_a & same, before_b & same)
    others = before_a & same
    assert others.sum() > 1000  # the epidemic went on meanwhile
    assert np.array_equal(a.infected_on[others], b.infected_on[others])
    assert np.array_equal(a.infector[others], b.infector[others])


def test_a_measure_that_changes_nothing_changes_no_figure() -> None:
    plain = city(20_000, days=50, seeding={"districts": {"D0": 10}})
    closed_later = city(
        20_000, days=50, seeding={"districts": {"D0": 10}},
        measures=[{"kind": "school_closure", "start": 50}],  # after the horizon
    )  # fmt: skip
    a, b = simulate(plain, 3), simulate(closed_later, 3)
    for metric in a.daily:
        assert np.array_equal(a.daily[metric], b.daily[metric]), metric
    assert a.daily["infections"].sum() > 100
