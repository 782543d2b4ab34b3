"""Search by name (diacritics optional), phone in any format and national ID."""

from __future__ import annotations

import string

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import text
from sqlalchemy.orm import Session

from cordon.core.text import fold
from cordon.people import service
from cordon.people.bulk import PersonRow, insert_people

from .conftest import Create


def ids(client: TestClient, **criteria: object) -> list[int]:
    response = client.post("/api/v1/people/search", json=criteria)
    assert response.status_code == 200, response.text
    return [p["id"] for p in response.json()["items"]]


def test_names_match_with_or_without_diacritics(client: TestClient, create: Create) -> None:
    an = create("Nguyễn Văn An")
    plain = create("nguyen thi hoa")
    create("Trần Văn Bình")
    assert ids(client, q="nguyen van an") == [an["id"]]
    assert ids(client, q="NGUYỄN VĂN AN") == [an["id"]]
    assert ids(client, q="Nguyễn") == [plain["id"], an["id"]]  # by name
    assert ids(client, q="Nguyễn Thị Hoa") == [plain["id"]]


def test_each_word_is_a_prefix_and_all_words_must_match(client: TestClient, create: Create) -> None:
    anh = create("Lê Thị Anh")
    an = create("Lê Văn An")
    create("Phạm Văn Đức")
    assert set(ids(client, q="le an")) == {an["id"], anh["id"]}
    assert ids(client, q="le anh") == [anh["id"]]
    assert ids(client, q="an le van") == [an["id"]]
    assert ids(client, q="le duc") == []
    assert ids(client, q="đuc") == ids(client, q="Đức")


def test_exact_full_name_comes_first_then_by_name(client: TestClient, create: Create) -> None:
    longer = create("Nguyễn Văn An Khang")
    other = create("Nguyễn Văn Anh")
    exact = create("Nguyễn Văn An")
    assert ids(client, q="nguyen van an") == [exact["id"], longer["id"], other["id"]]
    page = client.post("/api/v1/people/search", json={"q": "van an", "limit": 1, "offset": 1})
    assert page.json()["total"] == 3
    assert [p["id"] for p in page.json()["items"]] == [longer["id"]]


def test_phone_in_any_format(client: TestClient, create: Create) -> None:
    person = create("Hoàng Minh Tuấn", phone="0912345678")
    create("Hoàng Minh Tuấn", phone="0987654321")
    for typed in ("0912345678", "+84 912 345 678", "84912345678", "091-234-5678"):
        assert ids(client, phone=typed) == [person["id"]], typed
    assert ids(client, q="tuan", phone="0912 345 678") == [person["id"]]


def test_bad_phone_in_search_is_422_on_phone(client: TestClient) -> None:
    response = client.post("/api/v1/people/search", json={"phone": "123"})
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "phone"


def test_national_id_exact(client: TestClient, create: Create) -> None:
    person = create("Vũ Thị Lan", national_id="001190000001")
    create("Vũ Thị Lan", national_id="001190000002")
    assert ids(client, national_id="001190000001") == [person["id"]]
    assert ids(client, national_id="00119000000") == []


def test_search_needs_a_criterion_and_keeps_personal_data_out_of_urls(client: TestClient) -> None:
    assert client.post("/api/v1/people/search", json={}).status_code == 422
    assert client.get("/api/v1/people", params={"q": "an"}).json()["total"] == 0
    assert client.post("/api/v1/people/search", json={"q": "an", "x": 1}).status_code == 422


def test_word_ranges_use_the_token_index(session: Session) -> None:
    insert_people(session, [PersonRow(full_name="Nguyễn Văn An")])
    stmt = "SELECT person_id FROM person_name_tokens WHERE token >= :w AND token < :w || :top"
    params = {"w": "an", "top": "\uffff"}
    if session.get_bind().dialect.name == "sqlite":
        plan = session.execute(text("EXPLAIN QUERY PLAN " + stmt), params).all()
        assert "ix_person_name_tokens_token" in str(plan)
    else:
        session.execute(text("SET LOCAL enable_seqscan = off"))
        plan = session.execute(text("EXPLAIN " + stmt), params).all()
        assert "ix_person_name_tokens_token" in str(plan)
    assert session.execute(text(stmt), params).scalars().all() == [1]


def test_broad_queries_list_names_as_typed_first(
    session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    import cordon.people.search as search

    names = ("Nguyễn Văn Bình", "Nguyễn Văn An", "Nguyễn Thị Nguyệt", "Trần Nguyên", "Lê An")
    ids = insert_people(session, [PersonRow(full_name=n) for n in names])
    monkeypatch.setattr(search, "CANDIDATE_BOUND", 1)  # every word counts as common
    result = service.search_people(session, q="nguyen", limit=10)
    assert [p.full_name for p in result.rows] == [
        "Nguyễn Thị Nguyệt",
        "Nguyễn Văn An",
        "Nguyễn Văn Bình",
        "Trần Nguyên",
    ]
    assert (result.total, result.total_exact) == (4, False)
    page = service.search_people(session, q="nguyen", limit=2, offset=3)
    assert [p.id for p in page.rows] == [ids[3]]
    assert [p.full_name for p in service.search_people(session, q="an nguyen").rows] == [
        "Nguyễn Văn An"
    ]


VIETNAMESE = (
    string.ascii_letters + "ăâđêôơưàáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵĐ"
)
words = st.text(alphabet=VIETNAMESE, min_size=1, max_size=8)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(name=st.lists(words, min_size=1, max_size=4).map(" ".join))
def test_any_name_is_found_by_its_folded_form(session: Session, name: str) -> None:
    (pid,) = insert_people(session, [PersonRow(full_name=name)])
    folded = fold(name)
    assert pid in [p.id for p in service.search_people(session, q=folded).rows]
    assert pid in [p.id for p in service.search_people(session, q=name.upper()).rows]
    first_letters = " ".join(w[:1] for w in folded.split())
    assert pid in [p.id for p in service.search_people(session, q=first_letters, limit=500).rows]
    session.rollback()
