"""What the import and export endpoints answer."""

from __future__ import annotations

from pydantic import BaseModel, Field

from cordon.transfer.columns import Shape


class ImportOut(BaseModel):
    """Counts of one import; a dry run checked everything and wrote nothing."""

    kind: Shape
    file: str
    rows: int = Field(description="Data rows read from the file.")
    people_created: int
    people_reused: int = Field(description="Rows matched to people already registered.")
    cases: int
    sources: int = Field(description="Infection-source links written (cases lists).")
    exposures: int
    dry_run: bool
    ignored_columns: list[str] = Field(description="Columns of the file Cordon did not use.")
