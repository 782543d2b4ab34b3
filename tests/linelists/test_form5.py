"""Done when (issue 17 §3): a ministry line list as it comes — title block, Windows-1258,
English country names, mixed dates, case codes written three ways, an onset after
confirmation, a death before confirmation, a cluster column — imports through a mapping
file with no edit of the file, and its deaths count as deaths."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from cordon.cases.enums import CaseStatus
from cordon.cases.models import Case
from cordon.clusters.models import Cluster, ClusterCase
from cordon.linelists.columns import Shape
from cordon.linelists.service import ImportResult
from cordon.people.models import Person

from .form5 import EXPECTED_CLUSTERS, EXPECTED_COUNTRIES, MAPPING, ROWS, form5_csv, form5_xlsx

Run = Callable[..., ImportResult]


@pytest.mark.parametrize(
    ("data", "name"),
    [(form5_csv(), "form5.csv"), (form5_xlsx(), "form5.xlsx")],
    ids=["csv", "xlsx"],
)
def test_a_form5_line_list_imports_as_it_comes(
    run_import: Run, hanoi: Session, data: bytes, name: str
) -> None:
    result = run_import(Shape.cases, data, name=name, mapping=MAPPING.encode())
    assert result.cases == ROWS
    assert result.header_line == 7
    if name.endswith(".csv"):
        assert result.encoding == "Windows-1258"
    assert result.catch_all == {"Khởi phát": 1}  # the free text in case 4's onset
    warned = {(w.row, w.field) for w in result.warnings}
    assert warned == {(11, "Khởi phát"), (13, "Tử vong")}  # cases 3 and 5
    cases = {c.code: c for c in hanoi.scalars(select(Case))}
    assert set(cases) == {f"NB{n:03d}" for n in range(1, ROWS + 1)}
    assert cases["NB005"].status is CaseStatus.died  # died before confirmation
    assert cases["NB006"].status is CaseStatus.died  # a death date, no status
    assert cases["NB009"].status is CaseStatus.recovered
    assert cases["NB003"].warnings
    assert cases["NB005"].warnings
    assert cases["NB004"].onset_on is None
    names = set(hanoi.scalars(select(Person.full_name)))
    assert "Nguyễn Văn Đức" in names or "Trần Thị Hương" in names or len(names) == ROWS
    assert all(n == n.strip() and "\u0301" not in n for n in names)  # composed (NFC)
    assert set(hanoi.scalars(select(Person.nationality))) == EXPECTED_COUNTRIES
    outside = hanoi.scalar(select(Person).join(Case).where(Case.code == "NB007"))
    assert outside is not None
    assert outside.ward_id is None
    assert outside.residence == "Thạch Thang, Hải Châu, Đà Nẵng"
    clusters = dict(
        hanoi.execute(
            select(Cluster.name, func.count(ClusterCase.case_id))
            .join(ClusterCase)
            .group_by(Cluster.name)
        ).all()
    )
    assert set(clusters) == EXPECTED_CLUSTERS
    assert sum(clusters.values()) == ROWS * 4 // 5


def test_the_deaths_count_as_deaths(run_import: Run, hanoi: Session) -> None:
    run_import(Shape.cases, form5_csv(), name="form5.csv", mapping=MAPPING.encode())
    died = hanoi.scalar(select(func.count()).where(Case.status == CaseStatus.died))
    assert died == 2
