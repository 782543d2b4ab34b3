"""The case and contact-entry pages through real forms: registering a case (a new person or
one registered already), duplicates shown on the form by jurisdiction, the case page and its
status and lab-test forms, a whole household entered at once — all or nothing — and the
tiers that follow on the person page."""

from __future__ import annotations

import datetime as dt
import re
from html.parser import HTMLParser
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from conftest import SignIn
from cordon.cases.models import Case
from cordon.core.dates import today
from cordon.exposures.models import Exposure
from cordon.geography.models import AdminUnit
from cordon.handovers.models import Handover
from cordon.people.models import Person
from pagekit import Browser, csrf_of

OFFICER = ("district_officer", "001")  # Ba Đình: wards 00001, 00004 …; not 00037


def _ward(session: Session, code: str) -> int:
    found = session.scalar(select(AdminUnit.id).where(AdminUnit.code == code))
    assert found is not None
    return found


def _count(session: Session, model: Any) -> int:
    session.rollback()  # a fresh look at what the app committed
    return session.scalar(select(func.count()).select_from(model)) or 0


def _person(client: TestClient, ward: int, name: str, **fields: Any) -> int:
    made = client.post("/api/v1/people", json={"full_name": name, "ward_id": ward, **fields})
    assert made.status_code == 201, made.text
    return int(made.json()["id"])


def _new_case(worker: TestClient, **fields: str) -> Any:
    form = worker.get("/cases/new")
    assert form.status_code == 200
    data = {"csrf_token": csrf_of(form.text), "status": "suspected", "sex": "unknown", **fields}
    return worker.post("/cases/new", data=data, follow_redirects=False)


def _field_error(page: str, name: str) -> str:
    """The error shown next to a field, tied to it by aria-describedby."""
    assert re.search(rf'id="f-{name}"[^>]*aria-describedby="e-{name}', page, re.S), name
    found = re.search(rf'<p id="e-{name}" class="error" role="alert">([^<]*)</p>', page)
    assert found, name
    return found.group(1)


def test_registering_a_case_of_a_new_person_leads_to_the_case_page(
    browser: Browser, hanoi: Session
) -> None:
    worker = browser(*OFFICER)
    form = worker.get("/cases/new")
    assert "Phúc Xá" in form.text  # a ward of Ba Đình
    assert "Phúc Tân" not in form.text  # Hoàn Kiếm's: not in the jurisdiction
    day = today() - dt.timedelta(days=1)
    done = _new_case(
        worker,
        full_name="Vũ Thị Mai",
        phone="0912 345 678",
        birth_year="1985",
        sex="female",
        ward_id=str(_ward(hanoi, "00001")),
        address="12 ngõ 5 Phúc Xá",
        status="confirmed",
        confirmed_on=str(day),
        onset_on=str(day - dt.timedelta(days=2)),
        classification="community",
    )
    assert done.status_code == 303, done.text
    location = done.headers["location"]
    assert re.fullmatch(r"/cases/\d+", location)  # an id, never a name
    page = worker.get(location)
    assert page.status_code == 200
    assert "Vũ Thị Mai" in page.text
    assert "đã xác nhận" in page.text
    assert "lây nhiễm cộng đồng" in page.text
    assert "district_officer-001" in page.text  # the timeline says who
    assert "ca bệnh được báo cáo" in page.text  # and why, in the user's language
    person = hanoi.scalar(select(Case.person_id).where(Case.id == int(location.split("/")[-1])))
    shown = worker.get(f"/people/{person}")
    assert f'href="{location}"' in shown.text  # the person page links their case
    assert "F0" in shown.text


def test_a_rejected_form_keeps_what_was_typed_and_names_each_field(
    browser: Browser, hanoi: Session
) -> None:
    worker = browser(*OFFICER)
    before = _count(hanoi, Person)
    rejected = _new_case(
        worker,
        full_name="Hoàng Văn Đức",
        phone="12",
        birth_year="năm 80",
        ward_id=str(_ward(hanoi, "00037")),  # outside the jurisdiction
        address="số 7 Hàng Bạc",
        status="confirmed",
        onset_on="2020-03-01",
    )
    assert rejected.status_code == 422
    page = rejected.text
    assert 'value="Hoàng Văn Đức"' in page
    assert 'value="số 7 Hàng Bạc"' in page
    assert 'value="năm 80"' in page
    assert 'value="2020-03-01"' in page
    assert _field_error(page, "phone") == "Số điện thoại không hợp lệ."
    assert _field_error(page, "birth_year") == "Hãy nhập năm từ 1900 đến năm nay."
    assert _field_error(page, "ward_id") == "Hãy chọn một phường/xã trong địa bàn của bạn."
    assert _field_error(page, "confirmed_on").startswith("Hãy nhập ngày này")
    assert _count(hanoi, Person) == before  # nothing saved
    english = browser("epidemiologist", "001", lang="en")
    form = english.get("/cases/new")
    again = english.post(
        "/cases/new",
        data={"csrf_token": csrf_of(form.text), "status": "suspected", "full_name": " "},
    )
    assert again.status_code == 422
    assert _field_error(again.text, "full_name") == "Enter the full name, in letters."


def test_duplicates_are_shown_on_the_form_by_jurisdiction(
    browser: Browser, client: TestClient, hanoi: Session
) -> None:
    mine = _ward(hanoi, "00001")
    known = _person(client, mine, "Trần Thị Lan", phone="0987654321", birth_year=1990)
    far = _person(
        client, _ward(hanoi, "00037"), "Phạm Văn Xa", phone="0977000111", national_id="001090000001"
    )
    worker = browser(*OFFICER)
    same = {
        "full_name": "tran thi lan",  # same name, folded
        "phone": "+84 987 654 321",
        "birth_year": "1990",
        "ward_id": str(mine),
    }
    warned = _new_case(worker, **same)
    assert warned.status_code == 422
    assert _field_error(warned.text, "full_name").startswith("Đã có người trùng họ tên")
    assert "Trần Thị Lan" in warned.text
    assert f'name="use_person" value="{known}"' in warned.text
    assert 'name="use_person" value="new"' in warned.text
    assert 'value="tran thi lan"' in warned.text  # what was typed stays
    both = _new_case(worker, onset_on="2999-01-01", **same)  # said together with the rest
    assert _field_error(both.text, "onset_on") == "Ngày này ở tương lai."
    assert f'name="use_person" value="{known}"' in both.text
    kept = _new_case(worker, use_person=str(known), onset_on="2999-01-01", **same)
    assert kept.status_code == 422  # another field is wrong: the choice stays on the form
    assert f'name="use_person" value="{known}" checked' in kept.text
    used = _new_case(worker, use_person=str(known), **same)
    assert used.status_code == 303
    case_id = int(used.headers["location"].split("/")[-1])
    assert hanoi.scalar(select(Case.person_id).where(Case.id == case_id)) == known
    people = _count(hanoi, Person)
    anyway = _new_case(worker, use_person="new", **same)
    assert anyway.status_code == 303
    assert _count(hanoi, Person) == people + 1

    elsewhere = _new_case(
        worker, full_name="Phạm Văn Xa", national_id="001090000001", ward_id=str(mine)
    )
    assert elsewhere.status_code == 422
    assert _field_error(elsewhere.text, "national_id").startswith("Đã có người mang số giấy tờ")
    assert "Đã được đăng ký ngoài địa bàn của bạn." in elsewhere.text
    assert f"(người số {far})" not in elsewhere.text  # never whom, not even the id
    assert "0977000111" not in elsewhere.text
    assert "+84977000111" not in elsewhere.text
    assert f'value="{far}"' not in elsewhere.text  # cannot be used from here
    assert 'value="new"' not in elsewhere.text  # a same ID number is never created anyway
    forced = _new_case(
        worker, use_person=str(far), full_name="x", national_id="001090000001", ward_id=str(mine)
    )
    assert forced.status_code == 422  # a person out of sight is not taken by their id
    assert _count(hanoi, Case) == 2


def test_a_case_out_of_the_jurisdiction_is_the_not_found_page(
    browser: Browser, client: TestClient, hanoi: Session
) -> None:
    far = _person(client, _ward(hanoi, "00037"), "Phạm Văn Xa")
    made = client.post("/api/v1/cases", json={"person_id": far, "status": "suspected"})
    case_id = made.json()["id"]
    worker = browser(*OFFICER)
    for url in (f"/cases/{case_id}", f"/cases/new?person={far}", f"/people/{far}/contacts"):
        hidden = worker.get(url)
        assert hidden.status_code == 404, url
        assert "Không tìm thấy" in hidden.text
        assert "Phạm Văn Xa" not in hidden.text
    page = worker.get("/cases/new")
    moved = worker.post(
        f"/cases/{case_id}/status",
        data={
            "csrf_token": csrf_of(page.text),
            "to": "discarded",
            "on": str(today()),
            "reason": "x",
        },
    )
    assert moved.status_code == 404
    assert worker.get("/cases/999999").status_code == 404


def test_forms_need_their_csrf_token(browser: Browser, client: TestClient, hanoi: Session) -> None:
    person = _person(client, _ward(hanoi, "00001"), "Đinh Văn Hải")
    worker = browser(*OFFICER)
    for url in ("/cases/new", f"/people/{person}/contacts"):
        refused = worker.post(url, data={"full_name": "Ai Đó", "c-0-full_name": "Ai Đó"})
        assert refused.status_code == 403, url
        assert "Không được phép" in refused.text
    assert _count(hanoi, Person) == 1


def test_a_ward_worker_may_not_register_cases(
    browser: Browser, client: TestClient, hanoi: Session
) -> None:
    person = _person(client, _ward(hanoi, "00001"), "Đinh Văn Hải")
    worker = browser()  # ward health worker of Phúc Xá: no cases.write in the built-in roles
    assert worker.get("/cases/new").status_code == 403
    page = worker.get(f"/people/{person}")
    assert f"/people/{person}/contacts" in page.text
    assert "/cases/new" not in page.text


def test_the_case_moves_along_the_status_machine_and_records_lab_tests(
    browser: Browser, client: TestClient, hanoi: Session, sign_in: SignIn
) -> None:
    person = _person(client, _ward(hanoi, "00001"), "Lý Thị Hồng")
    epi = browser("epidemiologist", "001")
    form = epi.get(f"/cases/new?person={person}")
    assert "Lý Thị Hồng" in form.text
    made = epi.post(
        "/cases/new",
        data={"csrf_token": csrf_of(form.text), "person": str(person), "status": "suspected"},
        follow_redirects=False,
    )
    assert made.status_code == 303
    url = made.headers["location"]
    page = epi.get(url)
    # suspected → confirmed or discarded: nothing else is offered
    assert re.findall(
        r'<option value="(\w+)"', page.text.split('id="f-to"')[1].split("</select>")[0]
    ) == [
        "confirmed",
        "discarded",
    ]
    csrf = csrf_of(page.text)
    # a test without its sample date, and a confirmation by a negative test
    bad = epi.post(
        f"{url}/lab-tests",
        data={
            "csrf_token": csrf,
            "method": "pcr",
            "result": "negative",
            "confirm": "1",
            "sample_taken_on": "",
            "laboratory": "CDC Hà Nội",
        },
    )
    assert bad.status_code == 422
    assert _field_error(bad.text, "sample_taken_on") == "Hãy nhập ngày."
    assert 'value="CDC Hà Nội"' in bad.text
    day = today()
    good = epi.post(
        f"{url}/lab-tests",
        data={
            "csrf_token": csrf,
            "method": "pcr",
            "result": "positive",
            "confirm": "1",
            "sample_taken_on": str(day - dt.timedelta(days=1)),
            "result_on": str(day),
            "ct_value": "21,5",
            "laboratory": "CDC Hà Nội",
        },
        follow_redirects=False,
    )
    assert good.status_code == 303
    page = epi.get(url)
    assert "đã xác nhận" in page.text  # confirmed by the positive PCR
    assert "dương tính" in page.text
    assert "21,5" in page.text
    no_reason = epi.post(
        f"{url}/status",
        data={"csrf_token": csrf, "to": "", "on": str(day), "reason": ""},
    )
    assert no_reason.status_code == 422
    assert _field_error(no_reason.text, "reason") == "Hãy ghi lý do."
    assert _field_error(no_reason.text, "to") == "Hãy chọn một trong các lựa chọn."
    future = epi.post(
        f"{url}/status",
        data={
            "csrf_token": csrf,
            "to": "recovered",
            "on": str(day + dt.timedelta(days=3)),
            "reason": "ra viện",
        },
    )
    assert _field_error(future.text, "on") == "Ngày này ở tương lai."
    wrong = epi.post(
        f"{url}/status",
        data={"csrf_token": csrf, "to": "suspected", "on": str(day), "reason": "nhầm"},
    )
    assert wrong.status_code == 409  # not a step of the machine (a page read before a change)
    done = epi.post(
        f"{url}/status",
        data={
            "csrf_token": csrf,
            "to": "recovered",
            "on": str(day),
            "reason": "ra viện",
            "version": "1",
        },
    )
    assert done.status_code == 409  # the case moved since version 1
    page = epi.get(url)
    version = re.search(r'name="version" value="(\d+)"', page.text)
    assert version
    done = epi.post(
        f"{url}/status",
        data={
            "csrf_token": csrf,
            "to": "recovered",
            "on": str(day),
            "reason": "ra viện",
            "version": version.group(1),
        },
        follow_redirects=False,
    )
    assert done.status_code == 303
    page = epi.get(url)
    assert "đã khỏi" in page.text
    assert "ra viện" in page.text
    assert 'action="' + url + '/status"' not in page.text  # recovered is final
    # "who looked at this person?" names the look at the case page
    log = client.get(
        "/api/v1/audit/entries", params={"person_id": person}, headers=sign_in("auditor")
    ).json()
    looks = {(e["actor"], e["action"], e["resource"]) for e in log["items"]}
    assert ("epidemiologist-001", "read", "cases") in looks


class _Fields(HTMLParser):
    """The values a browser would send for the rows of a form as it is shown."""

    def __init__(self) -> None:
        super().__init__()
        self.values: dict[str, str] = {}
        self.select: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "input" and a.get("name", "").startswith("c-") and a.get("type") != "radio":
            self.values[a["name"]] = a.get("value", "")
        elif tag == "select":
            self.select = a.get("name")
        elif tag == "option" and self.select and "selected" in a:
            self.values[self.select] = a.get("value", "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self.select = None


def _contacts_form(worker: TestClient, person: int) -> tuple[str, dict[str, str]]:
    page = worker.get(f"/people/{person}/contacts")
    assert page.status_code == 200
    fields = _Fields()
    fields.feed(page.text)
    return page.text, fields.values


def test_a_household_in_one_form_becomes_f1_at_once(
    browser: Browser, client: TestClient, hanoi: Session, sign_in: SignIn
) -> None:
    ward = _ward(hanoi, "00001")
    index = _person(client, ward, "Nguyễn Văn Chủ")
    day = today() - dt.timedelta(days=1)
    assert client.post(
        "/api/v1/cases",
        json={"person_id": index, "status": "confirmed", "confirmed_on": str(day)},
    ).is_success
    worker = browser()  # a ward health worker
    page, fields = _contacts_form(worker, index)
    assert page.count('class="contact-row"') == 4
    assert fields["c-0-setting"] == "household"
    assert fields["c-0-ward_id"] == str(ward)
    assert fields["c-0-first_on"] == str(day - dt.timedelta(days=2))  # the case's window
    # one more row with htmx: the row alone, and the new count
    more = worker.get(
        f"/people/{index}/contacts/row", params={"rows": 4}, headers={"HX-Request": "true"}
    )
    assert 'name="c-4-full_name"' in more.text
    assert 'id="rows-count" name="rows" value="5" hx-swap-oob="true"' in more.text
    assert "<html" not in more.text
    typed = {
        **fields,
        "csrf_token": csrf_of(page),
        "rows": "4",
        "c-0-full_name": "Nguyễn Thị Vợ",
        "c-0-birth_year": "1982",
        "c-1-full_name": "Nguyễn Văn Con",
        "c-1-birth_year": "2010",
        "c-2-full_name": "Nguyễn Thị Bà",
        "c-2-phone": "0904 111 222",
        "c-2-birth_year": "1950",
    }
    # and without JavaScript: the whole form again, one row longer, nothing lost
    longer = worker.post(f"/people/{index}/contacts", data={**typed, "add_row": "1"})
    assert longer.status_code == 200
    assert longer.text.count('class="contact-row"') == 5
    assert 'value="Nguyễn Thị Bà"' in longer.text
    assert _count(hanoi, Exposure) == 0
    saved = worker.post(f"/people/{index}/contacts", data=typed, follow_redirects=False)
    assert saved.status_code == 303, saved.text
    assert saved.headers["location"].startswith(f"/people/{index}")
    shown = worker.get(f"/people/{index}").text
    for name in ("Nguyễn Thị Vợ", "Nguyễn Văn Con", "Nguyễn Thị Bà"):
        assert re.search(rf">{name}</a>\s*<span class=\"tier tier-1\">F1</span>", shown), name
    assert _count(hanoi, Exposure) == 3
    # the new people were recorded as created by the worker, the reads too
    log = client.get(
        "/api/v1/audit/entries", params={"person_id": index}, headers=sign_in("auditor")
    ).json()
    looks = {(e["actor"], e["action"], e["resource"]) for e in log["items"]}
    assert ("ward_worker-00001", "create", "exposures") in looks
    assert ("ward_worker-00001", "read", "people") in looks


def test_a_contact_list_is_saved_all_or_nothing(
    browser: Browser, client: TestClient, hanoi: Session
) -> None:
    index = _person(client, _ward(hanoi, "00001"), "Nguyễn Văn Chủ")
    worker = browser()
    page, fields = _contacts_form(worker, index)
    day = str(today())
    typed = {
        **fields,
        "csrf_token": csrf_of(page),
        "rows": "4",
        "c-0-full_name": "Người Đúng",
        "c-1-full_name": "Người Sai",
        "c-1-first_on": day,
        "c-1-last_on": str(today() - dt.timedelta(days=3)),
        "c-2-full_name": "Người Đúng Nữa",
        "c-2-closeness": "nowhere",
    }
    before = _count(hanoi, Person)
    rejected = worker.post(f"/people/{index}/contacts", data=typed)
    assert rejected.status_code == 422
    assert _field_error(rejected.text, "c-1-last_on") == "Ngày cuối trước ngày đầu."
    assert _field_error(rejected.text, "c-2-closeness") == "Hãy chọn một trong các lựa chọn."
    assert 'value="Người Đúng"' in rejected.text
    assert 'value="Người Đúng Nữa"' in rejected.text
    assert _count(hanoi, Person) == before
    assert _count(hanoi, Exposure) == 0
    empty = worker.post(
        f"/people/{index}/contacts", data={**fields, "csrf_token": csrf_of(page), "rows": "4"}
    )
    assert empty.status_code == 422
    assert _field_error(empty.text, "c-0-full_name") == "Hãy nhập ít nhất một người tiếp xúc."


def test_contact_rows_warn_of_people_registered_already(
    browser: Browser, client: TestClient, hanoi: Session
) -> None:
    ward = _ward(hanoi, "00001")
    index = _person(client, ward, "Nguyễn Văn Chủ")
    known = _person(client, ward, "Lê Văn Quen", phone="0911222333", birth_year=1970)
    far = _person(client, _ward(hanoi, "00037"), "Phạm Văn Xa", phone="0977000111", birth_year=1980)
    worker = browser()
    page, fields = _contacts_form(worker, index)
    typed = {
        **fields,
        "csrf_token": csrf_of(page),
        "rows": "4",
        "c-0-full_name": "Lê Văn Quen",
        "c-0-phone": "0911 222 333",
        "c-0-birth_year": "1970",
        "c-1-full_name": "Pham Van Xa",
        "c-1-phone": "0977000111",
        "c-1-birth_year": "1980",
        "c-2-full_name": "Người Mới",
        "c-3-full_name": "Người Mới Khác",
        "c-3-phone": "0911 222 333",
        "c-3-birth_year": "1970",
    }
    warned = worker.post(f"/people/{index}/contacts", data=typed)
    assert warned.status_code == 422
    text = warned.text
    assert _field_error(text, "c-0-full_name").startswith("Đã có người trùng họ tên")
    assert f'name="c-0-use" value="{known}"' in text
    assert "Người đã đăng ký ngoài địa bàn của bạn: chuyển giao" in text
    assert 'name="c-1-use" value="elsewhere"' in text  # to hand over, never whom
    assert f'name="c-1-use" value="{far}"' not in text
    assert "Phạm Văn Xa" not in text
    assert _count(hanoi, Exposure) == 0
    kept = worker.post(
        f"/people/{index}/contacts", data={**typed, "c-0-use": str(known), "c-2-last_on": "x"}
    )
    assert kept.status_code == 422  # another row is wrong: the choice stays on its row
    assert f'name="c-0-use" value="{known}" checked' in kept.text
    assert _field_error(kept.text, "c-2-last_on") == "Hãy nhập ngày."
    # the id of a person out of sight is not taken from the form
    forged = worker.post(f"/people/{index}/contacts", data={**typed, "c-1-use": str(far)})
    assert forged.status_code == 422
    # use the one known here, hand over the one living elsewhere, create the third
    chosen = {**typed, "c-0-use": str(known), "c-1-use": "elsewhere"}
    saved = worker.post(f"/people/{index}/contacts", data=chosen, follow_redirects=False)
    assert saved.status_code == 303, saved.text
    hanoi.rollback()
    met = set(hanoi.scalars(select(Exposure.contact_id).where(Exposure.person_id == index)))
    assert known in met
    assert far in met
    assert len(met) == 4
    handed = hanoi.scalars(select(Handover.person_id)).all()
    assert handed == [far]  # the ward where Xa lives has it in its inbox
    # the same person twice in one list is caught before anything is written
    page, fields = _contacts_form(worker, index)
    twice = {
        **fields,
        "csrf_token": csrf_of(page),
        "rows": "4",
        "c-0-full_name": "Hai Lần",
        "c-0-phone": "0933444555",
        "c-0-birth_year": "2000",
        "c-1-full_name": "hai lan",
        "c-1-phone": "0933 444 555",
        "c-1-birth_year": "2000",
    }
    again = worker.post(f"/people/{index}/contacts", data=twice)
    assert again.status_code == 422
    assert _field_error(again.text, "c-1-full_name") == "Trùng với người ở dòng 1."
