"""A tracer's round in a real browser at phone width: the tiers of the jurisdiction, a
person's tier tree, a cluster (Bach Mai hospital) and its chain of transmission drawn with
WebGL — grouped branches unfolded with a tap, a case opened with a tap — and the same chain
as a table; no WCAG 2.1 AA violation found by axe-core on these pages."""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from conftest import Account, MakePerson
from cordon.core.dates import today
from cordon.geography.models import AdminUnit

from .browsing import accessibility_problems, screenshot

PASSWORD = "correct horse battery staple"


def _day() -> dt.date:
    """The day of the story: 3 days before the day the test runs, in the city."""
    return today() - dt.timedelta(days=3)


CASES = 40  # in the tracer's ward, and one in another district


def _ok(response: Any) -> Any:
    assert response.is_success, response.text
    return response.json()


def _outbreak(
    session: Session, client: TestClient, make_person: MakePerson, account: Account
) -> dict[str, Any]:
    """A cluster at Bach Mai hospital: HN-0 infected three, each of them a few more …"""
    here = session.scalar(select(AdminUnit.id).where(AdminUnit.code == "00001"))
    far = session.scalar(select(AdminUnit.id).where(AdminUnit.code == "00037"))
    account("minh", "ward_worker", "00001", password=PASSWORD, display_name="Lê Văn Minh")
    cluster = _ok(
        client.post(
            "/api/v1/clusters",
            json={"code": "BVBM", "name": "Bệnh viện Bạch Mai", "kind": "place"},
        )
    )["id"]
    cases: list[int] = []
    people: list[int] = []
    for k in range(CASES + 1):
        person = make_person(f"Nguyễn Văn Ca {k}", ward_id=far if k == 2 else here)
        case = _ok(
            client.post(
                "/api/v1/cases",
                json={
                    "person_id": person,
                    "code": f"HN-{k}",
                    "status": "confirmed",
                    "confirmed_on": str(_day()),
                },
            )
        )["id"]
        if k:
            source = cases[(k - 1) // 3]
            _ok(
                client.post(
                    f"/api/v1/cases/{case}/sources",
                    json={"kind": "case", "source_case_id": source},
                )
            )
        if k < 4:
            _ok(client.post(f"/api/v1/clusters/{cluster}/cases", json={"case_id": case}))
        cases.append(case)
        people.append(person)
    contact = make_person("Đỗ Thị Hương", ward_id=here)
    _ok(
        client.post(
            "/api/v1/exposures",
            json={
                "person_id": people[0],
                "contact_id": contact,
                "first_on": str(_day() - dt.timedelta(days=1)),
                "last_on": str(_day() - dt.timedelta(days=1)),
                "setting": "hospital",
            },
        )
    )
    return {"cluster": cluster, "cases": cases, "people": people}


def _sign_in(page: Any) -> None:
    page.goto("/sign-in")
    page.get_by_label("Tên đăng nhập").focus()
    page.keyboard.type("minh")
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    page.get_by_role("heading", name="Việc của tôi hôm nay").wait_for()


def _drawn(page: Any) -> Any:
    graph = page.locator("#chain-graph[data-drawn=true]")
    graph.wait_for(timeout=20_000)
    return graph


def _tap(page: Any, key: str) -> None:
    """A click where the graph draws the node ``key``."""
    graph = page.locator("#chain-graph")
    graph.scroll_into_view_if_needed()
    box = graph.bounding_box()
    at = page.evaluate(
        "key => { const c = window.cordonChain;"
        " return c.renderer.graphToViewport(c.graph.getNodeAttributes(key)); }",
        key,
    )
    page.mouse.click(box["x"] + at["x"], box["y"] + at["y"])


def test_tiers_trace_cluster_and_its_chain_graph(
    page: Any, hanoi: Session, client: TestClient, make_person: MakePerson, account: Account
) -> None:
    world = _outbreak(hanoi, client, make_person, account)
    cases, people = world["cases"], world["people"]
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    _sign_in(page)

    page.get_by_role("button", name="Menu").click()  # the navigation folds on a phone
    page.get_by_role("link", name="Cấp F").click()
    page.get_by_role("heading", name="Cấp F trong địa bàn của bạn").wait_for()
    screenshot(page, "tiers")
    assert accessibility_problems(page) == []

    page.goto(f"/people/{people[0]}/trace")
    page.get_by_role("heading", name="Ai lây qua ai").wait_for()
    assert page.get_by_role("link", name="Đỗ Thị Hương").is_visible()
    screenshot(page, "trace")
    assert accessibility_problems(page) == []
    assert page.evaluate("document.documentElement.scrollWidth") <= 360

    page.get_by_role("button", name="Menu").click()
    page.get_by_role("link", name="Ổ dịch").click()
    page.get_by_role("link", name="Bệnh viện Bạch Mai").click()
    page.get_by_role("heading", name="Bệnh viện Bạch Mai").wait_for()
    assert page.get_by_text("Nguyễn Văn Ca 1", exact=True).is_visible()
    assert page.get_by_text("Nguyễn Văn Ca 2", exact=True).count() == 0  # another district
    screenshot(page, "cluster")
    assert accessibility_problems(page) == []
    assert page.evaluate("document.documentElement.scrollWidth") <= 360

    # the cluster's chain, with at most 8 nodes shown at first: branches are grouped
    page.add_init_script("if (location.pathname.startsWith('/clusters/')) cordonChainBudget = 8")
    page.get_by_role("link", name="Chuỗi lây nhiễm", exact=True).click()
    graph = _drawn(page)
    assert page.locator("#chain-graph canvas").count() > 0
    total = CASES + 2  # the cluster, and every case under it
    assert graph.get_attribute("data-nodes") == str(total)
    assert f"Đã vẽ {total} nút" in page.locator("#chain-status").inner_text()
    shown = int(graph.get_attribute("data-shown"))
    assert shown < total
    assert page.evaluate("performance.getEntriesByName('chain-graph-drawn').length") == 1
    screenshot(page, "cluster-chain")
    assert accessibility_problems(page) == []
    assert page.evaluate("document.documentElement.scrollWidth") <= 360

    grouped = page.evaluate(
        "() => { const c = window.cordonChain, keys = [];"
        " c.graph.forEachNode((k, a) => { const d = c.renderer.getNodeDisplayData(k);"
        " if (d && !d.hidden && d.label && d.label.includes('+')) keys.push(k); });"
        " return keys; }"
    )
    assert grouped
    _tap(page, grouped[0])
    page.wait_for_function(f"document.querySelector('#chain-graph').dataset.shown > {shown}")

    # the chain of one case, then a tap on a case opens it
    page.goto(f"/cases/{cases[0]}/chain")
    _drawn(page)
    assert page.locator("#chain-graph").get_attribute("data-nodes") == str(CASES + 1)
    assert page.get_by_text("ngoài địa bàn của bạn").first.is_visible()
    screenshot(page, "case-chain")
    assert accessibility_problems(page) == []
    page.get_by_role("link", name="Bỏ qua đồ thị: xem cùng chuỗi lây dạng bảng").focus()
    page.keyboard.press("Enter")
    assert page.get_by_role("rowheader", name="HN-4", exact=True).is_visible()
    _tap(page, f"case:{cases[4]}")
    page.wait_for_url(f"**/people/{people[4]}")
    assert page.get_by_text("HN-4").first.is_visible()
    assert errors == []
