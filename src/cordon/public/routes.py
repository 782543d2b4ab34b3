"""Open data at stable addresses, no sign-in: the daily counts of the city, each district and
each ward (small counts suppressed), as CSV or JSON (schema: docs/public.md)."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Request
from fastapi.responses import Response

from cordon.core.deps import SessionDep
from cordon.public import opendata
from cordon.public.served import served, version

router = APIRouter(prefix="/public/data", tags=["open data"])
LEVELS = {"city-daily": "city", "district-daily": "district", "ward-daily": "ward"}


@router.get("/{name}.{fmt}", response_class=Response)
def open_data(
    request: Request,
    session: SessionDep,
    name: Literal["city-daily", "district-daily", "ward-daily"],
    fmt: Literal["csv", "json"],
) -> Response:
    """One file of daily counts: ``city-daily``, ``district-daily`` or ``ward-daily``
    (counts of 1 to 4 shown as ``<5``), as ``csv`` or ``json``."""
    level = LEVELS[name]

    def make() -> tuple[bytes, str]:
        columns, rows = opendata.rows_of(session, level)
        if fmt == "csv":
            return opendata.as_csv(columns, rows), "text/csv; charset=utf-8"
        body = opendata.as_json(level, columns, rows, version(session))
        return body, "application/json"

    attachment = {"Content-Disposition": f'inline; filename="cordon-{name}.{fmt}"'}
    return served(request, session, ("data", name, fmt), make, headers=attachment)
