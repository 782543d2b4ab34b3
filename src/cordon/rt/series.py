"""Reading an incidence series and a serial interval from CSV files (``cordon rt --csv``,
``--si-file``), with errors that name the row and column at fault."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

from cordon.core.errors import N_, InvalidInput
from cordon.rt.estimate import Incidence
from cordon.rt.serial_interval import SerialInterval, explicit


def _rows(path: Path, field: str, required: tuple[str, ...]) -> list[dict[str, str]]:
    if not path.is_file():
        raise InvalidInput.on(field, N_("file not found: %(path)s"), path=str(path))
    with path.open(encoding="utf-8-sig", newline="") as fh:
        reader = csv.DictReader(fh)
        columns = [c.strip() for c in reader.fieldnames or []]
        missing = [c for c in required if c not in columns]
        if missing:
            raise InvalidInput.on(field, N_("needs the columns %(cols)s"), cols=", ".join(required))
        return [{(k or "").strip(): (v or "").strip() for k, v in row.items()} for row in reader]


def _count(row: dict[str, str], column: str, line: int) -> int:
    text = row.get(column, "") or "0"
    try:
        value = int(text)
    except ValueError:
        raise InvalidInput.on(
            column, N_("must be a whole number, got %(v)s"), row=line, v=text
        ) from None
    if value < 0:
        raise InvalidInput.on(column, N_("must be 0 or more, got %(v)s"), row=line, v=value)
    return value


def read_incidence(path: Path) -> Incidence:
    """Columns ``date`` (ISO), ``local`` and, optionally, ``imported``: one row a day; days
    missing between the first and the last count as days with no case."""
    rows = _rows(path, "csv", ("date", "local"))
    counts: dict[dt.date, tuple[int, int]] = {}
    for line, row in enumerate(rows, start=2):
        try:
            day = dt.date.fromisoformat(row["date"])
        except ValueError:
            raise InvalidInput.on(
                "date", N_("must be a date such as 2020-03-06, got %(v)s"), row=line, v=row["date"]
            ) from None
        if day in counts:
            raise InvalidInput.on("date", N_("%(day)s appears twice"), row=line, day=day)
        counts[day] = (_count(row, "local", line), _count(row, "imported", line))
    if not counts:
        raise InvalidInput.on("csv", N_("has no rows"))
    first, last = min(counts), max(counts)
    days = [first + dt.timedelta(days=i) for i in range((last - first).days + 1)]
    local = [counts.get(d, (0, 0))[0] for d in days]
    imported = [counts.get(d, (0, 0))[1] for d in days]
    return Incidence.of(first, local, imported)


def read_serial_interval(path: Path) -> SerialInterval:
    """Columns ``day`` (0, 1, 2, … in order) and ``weight``."""
    rows = _rows(path, "si_file", ("day", "weight"))
    weights: list[float] = []
    for line, row in enumerate(rows, start=2):
        if row["day"] != str(len(weights)):
            raise InvalidInput.on(
                "day", N_("days must run 0, 1, 2, … in order; expected %(n)s"), row=line,
                n=len(weights),
            )  # fmt: skip
        try:
            weights.append(float(row["weight"]))
        except ValueError:
            raise InvalidInput.on(
                "weight", N_("must be a number, got %(v)s"), row=line, v=row["weight"]
            ) from None
    return explicit(weights, field="si_file")
