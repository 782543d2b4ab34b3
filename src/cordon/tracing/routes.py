from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import APIRouter, Path, Query

from cordon.access import guard
from cordon.access.principal import Principal
from cordon.access.who import TierRecomputer, TracingReader
from cordon.audit import recorder
from cordon.core.bounds import Id
from cordon.core.deps import SessionDep
from cordon.core.pagination import Page, PageDep
from cordon.tracing import service
from cordon.tracing.schemas import (
    LabelOut,
    RecomputeOut,
    StepOut,
    TierChangeOut,
    TierCountOut,
    TieredPersonOut,
    TierOut,
    TraceNodeOut,
    TraceOut,
)

router = APIRouter(prefix="/tracing", tags=["tracing"])


def tier_out(info: service.TierInfo, sight: Sight | None = None) -> TierOut:
    """A tier and why; ``sight``: the people and cases the reader may see (None: all). A
    person out of sight is "outside your jurisdiction", without id, tier, day or case
    (docs/access.md)."""

    def shown(person_id: int | None) -> bool:
        return sight is None or person_id is None or person_id in sight.people

    def case(case_id: int | None) -> int | None:
        return case_id if sight is None or case_id in sight.cases else None

    return TierOut(
        person_id=info.person_id,
        tier=info.tier,
        exposed_on=info.exposed_on,
        source_case_id=case(info.source_case_id),
        why=[_step(s) if shown(s.person_id) else OUTSIDE for s in info.path],
        labels=[
            LabelOut(
                tier=lab.level,
                exposed_on=lab.exposed_on,
                source_case_id=case(lab.source_case_id),
                via_person_id=lab.via_person_id if shown(lab.via_person_id) else None,
                via_exposure_id=lab.via_exposure_id,
            )
            for lab in info.labels
        ],
    )


def _step(s: service.Step) -> StepOut:
    return StepOut(
        person_id=s.person_id,
        tier=s.level,
        exposed_on=s.exposed_on,
        via_exposure_id=s.via_exposure_id,
    )


OUTSIDE = StepOut(
    person_id=None, tier=None, exposed_on=None, via_exposure_id=None, outside=guard.HIDDEN
)


@dataclass(frozen=True)
class Sight:
    """Of the people and cases a tier names, those the reader may see."""

    people: set[int]
    cases: set[int]


def _sight(session: SessionDep, who: Principal, info: service.TierInfo) -> Sight:
    people = {s.person_id for s in info.path} | {
        lab.via_person_id for lab in info.labels if lab.via_person_id is not None
    }
    cases = sorted({lab.source_case_id for lab in info.labels})
    return Sight(guard.visible(session, who, people), set(guard.visible_cases(session, who, cases)))


@router.get("/people/{person_id}", response_model=TierOut)
def person_tier(session: SessionDep, who: TracingReader, person_id: Id) -> TierOut:
    """A person's F-tier and why: the chain of exposures back to the F0."""
    guard.person(session, who, person_id)
    recorder.read(session, "tier_labels", person_id, [person_id])
    info = service.tier_of(session, person_id)
    return tier_out(info, _sight(session, who, info))


@router.get("/people/{person_id}/history", response_model=list[TierChangeOut])
def person_tier_history(
    session: SessionDep, who: TracingReader, person_id: Id
) -> list[TierChangeOut]:
    """Every change of a person's tier, with its cause and path."""
    guard.person(session, who, person_id)
    recorder.read(session, "tier_changes", person_id, [person_id])
    return [
        TierChangeOut.model_validate(c, from_attributes=True)
        for c in service.tier_history(session, person_id)
    ]


@router.get("/trace/{person_id}", response_model=TraceOut)
def trace(
    session: SessionDep,
    who: TracingReader,
    person_id: Id,
    max_nodes: Annotated[int, Query(ge=1, le=20_000, description="Largest tree returned.")] = 2000,
) -> TraceOut:
    """The tier tree below a person: everyone whose tier came through them, F1 … F5.
    People outside the jurisdiction keep their place in the tree, without name."""
    guard.person(session, who, person_id)
    tree = service.trace(session, person_id, max_nodes=max_nodes)
    everyone = {person_id} | {n.person_id for n in tree.nodes}
    seen = guard.visible(session, who, everyone)
    recorder.read(session, "people", person_id, seen, view="trace")
    names = guard.names(session, who, seen)
    return TraceOut(
        person=tier_out(tree.root, _sight(session, who, tree.root)),
        name=names.get(person_id, ""),
        counts=tree.counts,
        truncated=tree.truncated,
        nodes=[
            TraceNodeOut(
                person_id=n.person_id,
                name=names.get(n.person_id, guard.HIDDEN),
                level=n.level,
                tier=n.tier if n.person_id in seen else None,
                exposed_on=n.exposed_on,
                parent_person_id=n.parent_person_id,
                via_exposure_id=n.via_exposure_id,
            )
            for n in tree.nodes
        ],
    )


@router.get("/tiers", response_model=list[TierCountOut])
def tier_counts(session: SessionDep, who: TracingReader) -> list[TierCountOut]:
    """How many people are F0, F1, … in the jurisdiction (the whole city at city level)."""
    counts = service.tier_counts(session, who.scope)
    return [TierCountOut(tier=k, people=n) for k, n in sorted(counts.items())]


@router.get("/tiers/{tier}/people", response_model=Page[TieredPersonOut])
def people_in_tier(
    session: SessionDep, who: TracingReader, page: PageDep, tier: Annotated[int, Path(ge=0, le=10)]
) -> Page[TieredPersonOut]:
    """The people whose tier is ``tier`` (their lowest), by id, in the jurisdiction."""
    rows = service.people_in_tier(
        session, tier, limit=page.limit + 1, offset=page.offset, scope=who.scope
    )
    recorder.read(session, "tier_labels", tier, [r.person_id for r in rows], view="tier")
    items = [TieredPersonOut.of(r, tier=r.level) for r in rows[: page.limit]]
    total = service.count_in_tier(session, tier, who.scope)
    return page.answer(items, total)


@router.post("/recompute", response_model=RecomputeOut)
def recompute(session: SessionDep, who: TierRecomputer) -> RecomputeOut:
    """TierRecomputer every tier of the city from scratch (after a policy change, for instance)."""
    r = service.recompute_all(session, cause="full recomputation (API)")
    return RecomputeOut.of(
        r, tiered_people=r.tiered, tier_changes=r.moves, seconds=round(r.seconds, 3)
    )
