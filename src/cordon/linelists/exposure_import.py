"""An exposures list, chunk by chunk: each chunk checked (``exposure_list``), its rows with a
problem left out with the rows of the chunk whose index person was only their contact, the
others written; what later chunks must know kept in ``ExposureState``; rows whose index
person is a later row's contact held, and written once the whole file is read."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from cordon.core.errors import BadValue, FieldProblem
from cordon.exposures.bulk import insert_exposure_columns
from cordon.linelists.exposure_list import (
    EXPOSURE_FIELDS,
    NO_NID,
    NO_PHONE,
    SEVERAL,
    ExposureLine,
    ExposurePlan,
    ExposureState,
    Ref,
    settle_index,
    validate_exposures,
)
from cordon.linelists.rows import Progress, no_progress
from cordon.linelists.source import Source
from cordon.people.bulk import PersonRow, insert_people_columns


@dataclass
class Held:
    """A row whose index person was not met before it, with its contact's person and its
    fields, until the whole file is read."""

    item: ExposureLine
    fields: tuple[Any, ...]


@dataclass
class Counts:
    people_created: int = 0
    people_reused: int = 0
    exposures: int = 0
    exposure_ids: list[range] = field(default_factory=list)


class ExposureChunks:
    """The chunks of one pass over an exposures list."""

    def __init__(
        self, session: Session, skip_invalid: bool, *, progress: Progress = no_progress
    ) -> None:
        self.session, self.progress = session, progress
        self.state = ExposureState(skip_invalid=skip_invalid)
        self.counts = Counts()
        self.held: list[Held] = []
        self.phone_checks: list[tuple[int, str]] = []
        self.late: list[FieldProblem] = []
        self.src: Source | None = None

    def take(self, src: Source, forced: dict[int, list[FieldProblem]]) -> list[FieldProblem]:
        """Check and write one chunk; its problems (``forced`` ones of its rows included)."""
        self.src = src
        plan = validate_exposures(self.session, src, self.state)
        for item in plan.lines:
            src.problems += forced.get(item.line, [])
        rows, people = _written(plan, src, self.state.skip_invalid)
        self.progress("writing people", self.counts.exposures, None)
        refs = _refs(people, self._write_people(plan, people))
        self.progress("writing exposures", self.counts.exposures, None)
        ready = [i for i in rows if plan.lines[i].index_ref is not None]
        lines = [plan.lines[i] for i in ready]
        self._write_exposures(lines, [_fields(plan, i) for i in ready], refs)
        for i in rows:
            item = plan.lines[i]
            if item.index_ref is None:  # its index person may be a later row's contact
                item.contact_ref = refs(item.contact_ref)
                item.found = [(c, refs(r) if isinstance(r, int) else r) for c, r in item.found]
                self.held.append(Held(item, _fields(plan, i)))
        self.counts.people_reused += plan.reused_people
        self.phone_checks += plan.phone_checks
        self._remember(plan, refs)
        return src.problems

    def _write_people(self, plan: ExposurePlan, people: list[int]) -> range:
        rows = [plan.new_people[k] for k in people]
        folded = [plan.new_folded[k] for k in people]
        columns = dict(zip(PersonRow._fields, zip(*rows, strict=True), strict=False))
        ids = insert_people_columns(self.session, columns, folded)
        self.state.people.add(ids)
        self.counts.people_created += len(ids)
        return ids

    def _write_exposures(
        self, lines: list[ExposureLine], fields: list[tuple[Any, ...]], refs: Any
    ) -> None:
        columns: dict[str, list[Any]] = {
            "person_id": [refs(i.index_ref) for i in lines],
            "contact_id": [refs(i.contact_ref) for i in lines],
        }
        for name, values in zip(EXPOSURE_FIELDS, zip(*fields, strict=True), strict=False):
            columns[name] = list(values)
        for name in EXPOSURE_FIELDS:
            columns.setdefault(name, [])
        ids = insert_exposure_columns(self.session, columns)
        self.counts.exposures += len(ids)
        self.counts.exposure_ids.append(ids)

    def _remember(self, plan: ExposurePlan, refs: Any) -> None:
        """What later chunks must know of this one: its contacts (by who they are, their
        national ID, their phone), with their person when it was written (else 0)."""
        state = self.state

        def final(ref: Ref) -> int:
            return max(int(refs(ref)), 0)

        firsts = plan.first_contacts
        state.contacts.add(
            list(firsts),
            [final(ref) for ref, _, _ in firsts.values()],
            [line for _, line, _ in firsts.values()],
            [hash(name) for _, _, name in firsts.values()],
        )
        nids: dict[str, int] = {}
        phones: dict[str, list[int]] = {}
        asked = {r.name for r in self.src.readers} if self.src else set()
        by_nid, by_phone = "index_national_id" in asked, "index_phone" in asked
        for item in plan.lines:  # what a later row's index person may be found by
            if by_nid and item.contact.national_id:
                nids.setdefault(item.contact.national_id, final(item.contact_ref))
            if by_phone and item.contact.phone:
                phones.setdefault(item.contact.phone, []).append(final(item.contact_ref))
        listed = list(nids)
        new = [
            n for n, met in zip(listed, state.contact_ids.lookup(listed), strict=True) if not met
        ]
        state.contact_ids.add(new, [nids[n] for n in new])
        listed = list(phones)
        merged = []
        for phone, before in zip(listed, state.contact_phones.lookup(listed), strict=True):
            first = before[0] if before else phones[phone][0]
            several = bool(before and before[1]) or len({first, *phones[phone]}) > 1
            merged.append((first, int(several)))
        state.contact_phones.add(listed, [m[0] for m in merged], [m[1] for m in merged])

    def settle(self) -> dict[int, set[int]]:
        """The held rows written, or their problems (and the index phones a later row
        shared) kept for ``late_problems``; the lines with such problems."""
        if self.src is None:  # no rows
            return {}
        src = self.src.chunk([])
        state = self.state
        for line, phone in self.phone_checks:
            met = state.contact_phones.lookup([phone])[0]
            if met is not None and met[1]:
                src.problem(line, "index_phone", SEVERAL)
        ready: list[Held] = []
        for held in self.held:
            item = held.item
            found = [(c, self._late_ref(c, item, r)) for c, r in item.found]
            before = len(src.problems)
            settle_index(item, found, src)
            if len(src.problems) == before and item.index_ref:
                ready.append(held)
        self._write_exposures([h.item for h in ready], [h.fields for h in ready], lambda ref: ref)
        self.late = src.problems
        return {p.row or 0: set() for p in self.late}

    def _late_ref(self, column: str, item: ExposureLine, ref: Any) -> Any:
        """What a column held until the end finds now: a contact of a later row."""
        if ref is not None:
            return ref
        _code, nid, phone = item.index
        if column == "index_national_id" and nid:
            found = self.state.contact_ids.lookup([nid])[0]
        else:
            found = self.state.contact_phones.lookup([phone or ""])[0]
            if found is not None and found[1]:
                return BadValue(SEVERAL)
        if found is None or not found[0]:
            return None
        return found[0]

    def late_problems(self, src: Source, unsettled: dict[int, set[int]]) -> list[FieldProblem]:
        return self.late

    def fill(self, result: Any) -> None:
        c = self.counts
        result.people_created, result.people_reused = c.people_created, c.people_reused
        result.exposures, result.exposure_ranges = c.exposures, c.exposure_ids


def _fields(plan: ExposurePlan, index: int) -> tuple[Any, ...]:
    return tuple(plan.fields[name][index] for name in EXPOSURE_FIELDS)


def _refs(people: list[int], ids: range) -> Any:
    """A person reference of the chunk → the person's id (new people: those just written)."""
    new = {-(k + 1): pid for k, pid in zip(people, ids, strict=True)}

    def ref(value: Ref | None) -> int:
        assert value is not None
        return new.get(value, value) if value < 0 else value

    return ref


def _written(plan: ExposurePlan, src: Source, skip_invalid: bool) -> tuple[list[int], list[int]]:
    """The indexes of the lines to write (or hold), and of the new people they need: lines
    without a problem whose people are there — not the contact of a line left out, nor of
    a row of an earlier chunk not written (then, with ``skip_invalid``, left out with the
    problem today's second reading would find; otherwise the import fails anyway)."""
    bad = {p.row for p in src.problems}
    keep = bytearray(0 if item.line in bad else 1 for item in plan.lines)
    for i, item in enumerate(plan.lines):
        if keep[i] and (item.leans or item.index_ref == 0):
            keep[i] = 0
            if skip_invalid and item.index_ref == 0:
                _no_index(item, src)
    while True:
        made = {
            -plan.lines[i].contact_ref - 1
            for i, k in enumerate(keep)
            if k and plan.lines[i].contact_ref < 0
        }
        dropped = [
            i
            for i, item in enumerate(plan.lines)
            if keep[i]
            and item.index_ref is not None
            and item.index_ref < 0
            and -item.index_ref - 1 not in made
        ]
        if not dropped:
            return [i for i, k in enumerate(keep) if k], sorted(made)
        for i in dropped:
            keep[i] = 0
            if skip_invalid:
                _no_index(plan.lines[i], src)


def _no_index(item: ExposureLine, src: Source) -> None:
    column = item.index_column or "index_national_id"
    src.problem(item.line, column, NO_NID if column == "index_national_id" else NO_PHONE)
