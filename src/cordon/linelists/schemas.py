"""What the import and export endpoints answer."""

from __future__ import annotations

from pydantic import BaseModel, Field

from cordon.linelists.columns import Shape


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
    encoding: str = Field(description="The text encoding the file was read in (CSV).")
    header_line: int = Field(description="The file's line of its header.")
    clusters_created: int = Field(description="Clusters made from the cluster column.")
    cluster_members: int = Field(description="Cases joined to clusters by the cluster column.")
    catch_all: dict[str, int] = Field(
        description='Per column, the cells the mapping\'s catch-all ("*") took.'
    )
    warnings: list[RowNote] = Field(
        description="Dates to review (an onset after confirmation, a death before it), kept "
        "with their cases."
    )
    rejected_rows: int = Field(description="With skip_invalid: the rows left out.")
    rejected: list[RowNote] = Field(
        default_factory=list, description="With skip_invalid: why each row was left out."
    )


class RowNote(BaseModel):
    """A problem or a warning of one row and column of the file."""

    row: int | None = None
    field: str
    message: str
