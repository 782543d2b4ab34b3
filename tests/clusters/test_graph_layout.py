"""Chains drawn as graphs: the same nodes and edges as ``cases.chains.chain`` (the API's),
a cluster's chain under the cluster, and a layout that is deterministic, puts a parent before
its children, survives loops and stays fast at tens of thousands of nodes."""

from __future__ import annotations

import time

import pytest
from sqlalchemy.orm import Session

from conftest import MakeCase
from cordon.access.principal import Principal
from cordon.access.roles import role
from cordon.cases import chains
from cordon.cases.bulk import SourceRow, insert_sources
from cordon.cases.enums import SourceKind
from cordon.clusters import graph
from cordon.clusters.models import Cluster, ClusterCase
from cordon.core.scope import Scope


def _city() -> Principal:
    everything = role("epidemiologist")
    return Principal(1, "epi", everything, everything.permissions, Scope.city(), 1, None, "test")


def _link(session: Session, source: int, case: int) -> None:
    chains.add_source(session, case, kind=SourceKind.case, source_case_id=source)


def test_a_case_chain_has_the_apis_nodes_and_edges(session: Session, make_case: MakeCase) -> None:
    """GB → A → F (the case) → D → E, with A also a source of D (an ancestor infecting a
    descendant) and an unknown source of B, who infected F too."""
    a, b, f, d, e = (make_case(code) for code in ("A", "B", "F", "D", "E"))
    chains.add_source(session, a.id, kind=SourceKind.country, country_code="GB")
    chains.add_source(session, b.id, kind=SourceKind.unknown)
    for s, c in ((a, f), (b, f), (f, d), (a, d), (d, e)):
        _link(session, s.id, c.id)
    session.commit()
    expected = chains.chain(session, f)
    drawn = graph.case_chain(session, f.id)
    assert [(n.id, n.label, n.generation) for n in drawn.nodes] == [
        (n.id, n.label, n.generation) for n in expected.nodes
    ]
    assert sorted(drawn.edges) == sorted((e.source, e.target) for e in expected.edges)


def test_a_clusters_chain_hangs_its_first_cases_from_the_cluster(
    session: Session, make_case: MakeCase
) -> None:
    a, b, c, outside = (make_case(code) for code in ("A", "B", "C", "X"))
    cluster = Cluster(code="BVBM", name="Bạch Mai", kind="place")
    session.add(cluster)
    session.flush()
    session.add_all([ClusterCase(cluster_id=cluster.id, case_id=k.id) for k in (a, b)])
    _link(session, a.id, b.id)
    _link(session, b.id, c.id)
    chains.add_source(session, a.id, kind=SourceKind.cluster, cluster_id=cluster.id)
    session.commit()
    chain = graph.cluster_chain(session, cluster)
    assert {n.id for n in chain.nodes} == {
        f"cluster:{cluster.id}",
        *(f"case:{k.id}" for k in (a, b, c)),
    }
    assert f"case:{outside.id}" not in {n.id for n in chain.nodes}
    assert sorted(chain.edges) == sorted(
        [
            (f"cluster:{cluster.id}", f"case:{a.id}"),
            (f"case:{a.id}", f"case:{b.id}"),
            (f"case:{b.id}", f"case:{c.id}"),
        ]
    )
    drawn = graph.draw(session, _city(), chain, generations_from_roots=True)
    assert [n.generation for n in drawn.nodes] == [0, 1, 2, 3]


def test_a_loop_left_by_a_bulk_load_ends(session: Session, make_case: MakeCase) -> None:
    a, b = make_case("A"), make_case("B")
    insert_sources(
        session,
        [
            SourceRow(a.id, SourceKind.case, source_case_id=b.id),
            SourceRow(b.id, SourceKind.case, source_case_id=a.id),
        ],
    )
    session.commit()
    chain = graph.case_chain(session, a.id)
    assert {n.id for n in chain.nodes} == {f"case:{a.id}", f"case:{b.id}"}
    laid = graph.layout(2, [(0, 1), (1, 0)])
    assert sorted(laid.order) == [0, 1]
    assert laid.parent.count(-1) == 1


def _tree(n: int) -> list[tuple[int, int]]:
    return [((k - 1) // 3, k) for k in range(1, n)]


def test_the_layout_is_breadth_first_and_deterministic() -> None:
    edges = [*_tree(40), (5, 20)]  # a second source for case 20
    one, two = graph.layout(40, edges), graph.layout(40, edges)
    assert one == two
    assert all(one.parent[p] < p for p in range(40))
    assert one.parent[0] == -1
    assert one.below[0] == 39
    assert one.depth == sorted(one.depth)
    points = set(zip(one.x, one.y, strict=True))
    assert len(points) == 40  # nobody on top of anybody


def test_a_single_line_of_descent_stands_as_a_trunk_above_the_hub() -> None:
    # 0 → 1 → 2, and 2 infected 3, 4, 5
    laid = graph.layout(6, [(0, 1), (1, 2), (2, 3), (2, 4), (2, 5)])
    assert (laid.x[2], laid.y[2]) == (0.0, 0.0)  # the hub at the centre
    assert laid.x[0] == laid.x[1] == 0.0
    assert laid.y[0] > laid.y[1] > 0  # the trunk above it
    assert all(y < laid.y[1] for y in laid.y[3:])


@pytest.mark.parametrize("n", [50_000])
def test_the_layout_of_tens_of_thousands_takes_well_under_a_second(n: int) -> None:
    started = time.perf_counter()
    laid = graph.layout(n, _tree(n))
    assert time.perf_counter() - started < 2.0  # ~0.2 s on a shared 2-core machine
    assert len(laid.x) == n
