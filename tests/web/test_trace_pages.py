"""Tracing, clusters and chains of transmission in the web app: the tier tree below a person,
tiers of the jurisdiction, cluster pages and the chain graph's page and data — people and
cases outside the jurisdiction keep their place without a name, reads are audited."""

from __future__ import annotations

import datetime as dt

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from conftest import MakePerson, SignIn
from cordon.core.dates import today
from cordon.geography.models import AdminUnit
from pagekit import Browser


def _day() -> dt.date:
    """The day of the story: 3 days before the day the test runs, in the city."""
    return today() - dt.timedelta(days=3)


def _ward(session: Session, code: str) -> int:
    found = session.scalar(select(AdminUnit.id).where(AdminUnit.code == code))
    assert found is not None
    return found


def _case(client: TestClient, person_id: int, code: str) -> int:
    response = client.post(
        "/api/v1/cases",
        json={
            "person_id": person_id,
            "code": code,
            "status": "confirmed",
            "confirmed_on": str(_day()),
        },
    )
    assert response.is_success, response.text
    return int(response.json()["id"])


def _infects(client: TestClient, source: int, case: int) -> None:
    response = client.post(
        f"/api/v1/cases/{case}/sources", json={"kind": "case", "source_case_id": source}
    )
    assert response.is_success, response.text


def _met(client: TestClient, a: int, b: int, on: dt.date) -> None:
    response = client.post(
        "/api/v1/exposures",
        json={
            "person_id": a,
            "contact_id": b,
            "first_on": str(on),
            "last_on": str(on),
            "setting": "household",
        },
    )
    assert response.is_success, response.text


def _looks(client: TestClient, sign_in: SignIn, person_id: int) -> set[tuple[str, str, str]]:
    log = client.get(
        "/api/v1/audit/entries", params={"person_id": person_id}, headers=sign_in("auditor")
    ).json()
    return {(e["actor"], e["action"], e["resource"]) for e in log["items"]}


def _tiers(hanoi: Session, client: TestClient, make_person: MakePerson) -> dict[str, int]:
    """F0 An (ward 00001) met Bình (00001) and Xa (another district); Xa then met Dũng (00001)."""
    here, far = _ward(hanoi, "00001"), _ward(hanoi, "00037")
    people = {
        "an": make_person("Trần Văn An", ward_id=here),
        "binh": make_person("Lê Thị Bình", ward_id=here),
        "xa": make_person("Phạm Văn Xa", ward_id=far),
        "dung": make_person("Đỗ Văn Dũng", ward_id=here),
    }
    _case(client, people["an"], "HN-1")
    _met(client, people["an"], people["binh"], _day() - dt.timedelta(days=1))
    _met(client, people["an"], people["xa"], _day() - dt.timedelta(days=1))
    _met(client, people["xa"], people["dung"], _day())
    return people


def test_trace_page_nests_tiers_masks_the_outside_and_is_audited(
    browser: Browser, client: TestClient, hanoi: Session, make_person: MakePerson, sign_in: SignIn
) -> None:
    p = _tiers(hanoi, client, make_person)
    worker = browser()
    page = worker.get(f"/people/{p['an']}/trace")
    assert page.status_code == 200
    html = page.text
    assert "Trần Văn An" in html
    assert f'href="/people/{p["binh"]}"' in html
    assert f'href="/people/{p["dung"]}"' in html
    assert "Phạm Văn Xa" not in html
    assert f"/people/{p['xa']}" not in html
    assert "ngoài địa bàn của bạn" in html
    # counts at the top: F1 × 2 (Bình, and Xa without name), F2 × 1
    counts = html[html.index('class="tiercounts"') : html.index("</ul>", html.index("tiercounts"))]
    assert "F1</span> 2" in counts
    assert "F2</span> 1" in counts
    # Dũng is nested under the outsider who reached him, in a branch that folds
    outsider = html.index("ngoài địa bàn của bạn")
    assert outsider < html.index("Đỗ Văn Dũng")
    assert "<details" in html
    assert "<summary>1 người ở dưới</summary>" in html
    assert _looks(client, sign_in, p["dung"]) >= {("ward_worker-00001", "read", "people")}

    cut = worker.get(f"/people/{p['an']}/trace", params={"max_nodes": 1})
    assert "Chỉ liệt kê 1 người đầu tiên trong số 3 người" in cut.text
    assert "max_nodes=5" in cut.text

    hidden = worker.get(f"/people/{p['xa']}/trace")
    assert hidden.status_code == 404
    assert "Phạm Văn Xa" not in hidden.text
    person = worker.get(f"/people/{p['binh']}")
    assert f'href="/people/{p["binh"]}/trace"' in person.text


def test_tiers_of_the_jurisdiction_link_to_their_people(
    browser: Browser, client: TestClient, hanoi: Session, make_person: MakePerson, sign_in: SignIn
) -> None:
    p = _tiers(hanoi, client, make_person)
    worker = browser(lang="en")
    page = worker.get("/tracing")
    assert page.status_code == 200
    assert 'href="/tracing/tiers/0"' in page.text
    assert "F1</span>\n    1 person" in page.text  # Xa lives elsewhere
    assert "F5</span>\n    0 people" in page.text
    ones = worker.get("/tracing/tiers/1")
    assert "Lê Thị Bình" in ones.text
    assert "Phạm Văn Xa" not in ones.text
    assert f'href="/people/{p["binh"]}/trace"' in ones.text
    assert _looks(client, sign_in, p["binh"]) >= {("ward_worker-00001", "read", "tier_labels")}
    assert worker.get("/tracing/tiers/11").status_code == 422
    city = browser("epidemiologist", "01", lang="en").get("/tracing/tiers/1")
    assert "Phạm Văn Xa" in city.text


def _chain(hanoi: Session, client: TestClient, make_person: MakePerson) -> dict[str, int]:
    """HN-1 (ward 00001) → HN-2 (another district) → HN-3 (00001) → HN-4 (00001)."""
    here, far = _ward(hanoi, "00001"), _ward(hanoi, "00037")
    cases = {
        "one": _case(client, make_person("Trần Văn Một", ward_id=here), "HN-1"),
        "two": _case(client, make_person("Phạm Văn Hai", ward_id=far), "HN-2"),
        "three": _case(client, make_person("Lê Thị Ba", ward_id=here), "HN-3"),
        "four": _case(client, make_person("Đỗ Văn Bốn", ward_id=here), "HN-4"),
    }
    _infects(client, cases["one"], cases["two"])
    _infects(client, cases["two"], cases["three"])
    _infects(client, cases["three"], cases["four"])
    return cases


def test_chain_graph_data_is_laid_out_and_masked_as_the_api_masks(
    browser: Browser, client: TestClient, hanoi: Session, make_person: MakePerson, sign_in: SignIn
) -> None:
    c = _chain(hanoi, client, make_person)
    worker = browser()
    data = worker.get(f"/cases/{c['three']}/chain.json")
    assert data.status_code == 200
    assert data.headers["content-type"].startswith("application/json")
    assert "HN-2" not in data.text
    assert "Phạm Văn Hai" not in data.text
    body = data.json()
    nodes = body["nodes"]
    assert body["count"] == 4
    api = client.get(
        f"/api/v1/cases/{c['three']}/chain", headers=sign_in("ward_worker", "00001", "api-worker")
    ).json()
    assert sorted(nodes["id"]) == sorted(n["id"] for n in api["nodes"])
    assert "hidden:1" in nodes["id"]
    k = {key: nodes["id"].index(key) for key in nodes["id"]}
    hidden = k["hidden:1"]
    assert nodes["label"][hidden] == "ngoài địa bàn của bạn"
    assert nodes["kind"][hidden] == "hidden"
    assert nodes["href"][hidden] is None
    assert nodes["status"][hidden] is None
    focus = k[f"case:{c['three']}"]
    assert body["focus"] == focus
    assert nodes["label"][focus] == "HN-3"
    assert nodes["href"][focus].startswith("/people/")
    # laid out breadth-first from the root: a parent always comes before its children
    assert nodes["parent"][k[f"case:{c['one']}"]] == -1
    assert nodes["parent"][hidden] == k[f"case:{c['one']}"]
    assert nodes["parent"][focus] == hidden
    assert nodes["below"][k[f"case:{c['one']}"]] == 3
    assert [nodes["generation"][k[key]] for key in (f"case:{c['one']}", "hidden:1")] == [-2, -1]
    assert len(set(zip(nodes["x"], nodes["y"], strict=True))) == 4
    edges = set(zip(body["edges"]["source"], body["edges"]["target"], strict=True))
    assert edges == {
        (k[f"case:{c['one']}"], hidden),
        (hidden, focus),
        (focus, k[f"case:{c['four']}"]),
    }
    assert worker.get(f"/cases/{c['two']}/chain.json").status_code == 404
    assert _looks(client, sign_in, _person_of(client, c["four"])) >= {
        ("ward_worker-00001", "read", "cases")
    }


def _person_of(client: TestClient, case_id: int) -> int:
    return int(client.get(f"/api/v1/cases/{case_id}").json()["person_id"])


def test_chain_page_offers_the_graph_and_the_same_chain_as_a_table(
    browser: Browser, client: TestClient, hanoi: Session, make_person: MakePerson
) -> None:
    c = _chain(hanoi, client, make_person)
    worker = browser()
    page = worker.get(f"/cases/{c['three']}/chain")
    assert page.status_code == 200
    html = page.text
    assert f'data-src="/cases/{c["three"]}/chain.json"' in html
    assert "/static/vendor/sigma/sigma.min.js" in html
    assert "/static/js/chain-graph.js" in html
    assert "<table" in html
    for code in ("HN-1", "HN-3", "HN-4"):
        assert code in html
    assert "HN-2" not in html
    assert "Phạm Văn Hai" not in html
    assert "ngoài địa bàn của bạn" in html
    assert f'href="/people/{_person_of(client, c["four"])}"' in html
    hidden = worker.get(f"/cases/{c['two']}/chain")
    assert hidden.status_code == 404
    assert "HN-2" not in hidden.text
    # the page's own chain is handed to its graph's data once, then computed again
    handed, computed = (worker.get(f"/cases/{c['three']}/chain.json").json() for _ in range(2))
    assert handed == computed
    assert browser("ward_worker", "00037").get(f"/cases/{c['three']}/chain.json").status_code == 404
    for asset in (
        "/static/js/chain-graph.js",
        "/static/vendor/sigma/sigma.min.js",
        "/static/vendor/graphology/graphology.umd.min.js",
    ):
        assert worker.get(asset).status_code == 200


def test_cluster_pages_summarise_and_list_only_the_jurisdictions_cases(
    browser: Browser, client: TestClient, hanoi: Session, make_person: MakePerson, sign_in: SignIn
) -> None:
    c = _chain(hanoi, client, make_person)
    made = client.post(
        "/api/v1/clusters",
        json={
            "code": "BVBM",
            "name": "Bệnh viện Bạch Mai",
            "kind": "place",
            "started_on": str(_day()),
        },
    )
    assert made.is_success, made.text
    cluster = made.json()["id"]
    for case in (c["one"], c["two"]):
        assert client.post(f"/api/v1/clusters/{cluster}/cases", json={"case_id": case}).is_success
    worker = browser()
    listed = worker.get("/clusters")
    assert listed.status_code == 200
    assert f'href="/clusters/{cluster}"' in listed.text
    assert "Bệnh viện Bạch Mai" in listed.text
    assert "2 ca" in listed.text
    page = worker.get(f"/clusters/{cluster}")
    assert page.status_code == 200
    assert "địa điểm" in page.text  # its kind
    assert "Trần Văn Một" in page.text
    assert "Phạm Văn Hai" not in page.text  # a member outside the jurisdiction
    assert f'href="/clusters/{cluster}/chain"' in page.text
    assert _looks(client, sign_in, _person_of(client, c["one"])) >= {
        ("ward_worker-00001", "read", "cases")
    }
    data = worker.get(f"/clusters/{cluster}/chain.json").json()
    nodes = data["nodes"]
    assert nodes["id"][0] == f"cluster:{cluster}"
    assert nodes["href"][0] == f"/clusters/{cluster}"
    assert data["count"] == 5  # the cluster, its two cases, and the two cases down the chain
    assert "HN-2" not in str(data)
    assert nodes["generation"][nodes["id"].index(f"case:{c['four']}")] == 4
    assert worker.get(f"/clusters/{cluster}/chain").status_code == 200
    assert worker.get("/clusters/999999").status_code == 404


def test_lists_are_paged(browser: Browser, hanoi: Session) -> None:
    from cordon.clusters.enums import ClusterKind
    from cordon.clusters.models import Cluster

    hanoi.add_all(
        Cluster(code=f"C{k:03d}", name=f"Ổ dịch {k}", kind=ClusterKind.event) for k in range(51)
    )
    hanoi.commit()
    worker = browser()
    first = worker.get("/clusters")
    assert "Trang 1 / 2" in first.text
    assert 'href="/clusters?page=2"' in first.text
    assert "Ổ dịch 50" not in first.text
    second = worker.get("/clusters", params={"page": 2})
    assert "Ổ dịch 50" in second.text
    assert 'href="/clusters?page=1"' in second.text
