"""The web app through its real pages (server-rendered HTML, forms, cookies): sign-in, my
work, person search and the person page, in the user's language and jurisdiction."""

from __future__ import annotations

import datetime as dt

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from conftest import MakePerson, SignIn
from cordon.geography.models import AdminUnit
from pagekit import PASSWORD, Browser, csrf_of


def _ward(session: Session, code: str) -> int:
    found = session.scalar(select(AdminUnit.id).where(AdminUnit.code == code))
    assert found is not None
    return found


def test_pages_need_a_session_and_come_back_after_sign_in(
    anonymous: TestClient, browser: Browser
) -> None:
    first = anonymous.get("/people", follow_redirects=False)
    assert first.status_code == 303
    assert first.headers["location"] == "/sign-in?next=/people"
    page = anonymous.get(first.headers["location"])
    assert page.status_code == 200
    assert 'lang="vi"' in page.text
    assert "Đăng nhập" in page.text


def test_a_wrong_password_says_so_keeps_the_username_and_never_the_password(
    anonymous: TestClient, browser: Browser
) -> None:
    browser()  # makes the account
    response = anonymous.post(
        "/sign-in",
        data={"username": "ward_worker-00001", "password": "wrong password!", "next": "/"},
    )
    assert response.status_code == 401
    assert "Đăng nhập không thành công" in response.text
    assert 'value="ward_worker-00001"' in response.text
    assert "wrong password!" not in response.text


def test_sign_in_leads_to_my_work_in_the_users_language(browser: Browser) -> None:
    client = browser(lang="en")
    home = client.get("/")
    assert home.status_code == 200
    assert "My work today" in home.text
    assert 'lang="en"' in home.text
    switched = client.post(
        "/language", data={"lang": "vi", "next": "/", "csrf_token": csrf_of(home.text)}
    )
    assert "Việc của tôi hôm nay" in switched.text


def test_a_form_without_its_csrf_token_is_refused(browser: Browser) -> None:
    client = browser()
    refused = client.post("/people", data={"q": "an"})
    assert refused.status_code == 403
    assert "Không được phép" in refused.text


def test_search_finds_people_of_the_jurisdiction_without_putting_names_in_urls(
    browser: Browser, hanoi: Session, make_person: MakePerson
) -> None:
    mine = make_person("Nguyễn Thị Hoà", ward_id=_ward(hanoi, "00001"))
    make_person("Nguyễn Thị Hoa", ward_id=_ward(hanoi, "00037"))  # another district
    client = browser()
    page = client.get("/people")
    assert 'method="post"' in page.text
    found = client.post(
        "/people",
        data={"q": "nguyen thi hoa", "csrf_token": csrf_of(page.text)},
        headers={"HX-Request": "true"},
    )
    assert found.status_code == 200
    assert f'href="/people/{mine}"' in found.text
    assert "Nguyễn Thị Hoà" in found.text
    assert "Nguyễn Thị Hoa<" not in found.text
    assert "<html" not in found.text  # htmx gets the results alone
    empty = client.post("/people", data={"csrf_token": csrf_of(page.text)})
    assert "Nhập họ tên, số điện thoại" in empty.text


def test_person_page_shows_tier_cases_and_contacts_and_is_audited(
    browser: Browser,
    client: TestClient,
    hanoi: Session,
    make_person: MakePerson,
    sign_in: SignIn,
) -> None:
    ward = _ward(hanoi, "00001")
    case_person = make_person("Trần Văn Ca", ward_id=ward)
    contact = make_person("Lê Thị Tiếp", ward_id=ward)
    far = make_person("Phạm Văn Xa", ward_id=_ward(hanoi, "00037"))
    day = dt.date.today() - dt.timedelta(days=2)
    assert client.post(
        "/api/v1/cases",
        json={"person_id": case_person, "status": "confirmed", "confirmed_on": str(day)},
    ).is_success
    for other in (contact, far):
        assert client.post(
            "/api/v1/exposures",
            json={
                "person_id": case_person,
                "contact_id": other,
                "first_on": str(day - dt.timedelta(days=1)),
                "last_on": str(day - dt.timedelta(days=1)),
                "setting": "household",
            },
        ).is_success
    worker = browser()
    page = worker.get(f"/people/{case_person}")
    assert page.status_code == 200
    assert "Trần Văn Ca" in page.text
    assert "F0" in page.text
    assert "Lê Thị Tiếp" in page.text
    assert "hộ gia đình" in page.text
    assert "Phạm Văn Xa" not in page.text
    assert "ngoài địa bàn của bạn" in page.text
    f1 = worker.get(f"/people/{contact}")
    assert "F1" in f1.text
    assert "Cấp F và lý do" in f1.text
    hidden = worker.get(f"/people/{far}")
    assert hidden.status_code == 404
    assert "Phạm Văn Xa" not in hidden.text
    home = worker.get("/")
    assert "Trần Văn Ca" in home.text  # a case confirmed in the last 7 days
    # "who looked at this person?" names the ward worker's look at the page
    log = client.get(
        "/api/v1/audit/entries", params={"person_id": contact}, headers=sign_in("auditor")
    ).json()
    looks = {(e["actor"], e["action"], e["resource"]) for e in log["items"]}
    assert ("ward_worker-00001", "read", "people") in looks


def test_a_new_account_chooses_its_password_first(anonymous: TestClient, hanoi: Session) -> None:
    from cordon.access import service

    _, one_time = service.create_user(
        hanoi, username="newbie", display_name="New", role_key="ward_worker", unit_code="00001"
    )
    hanoi.commit()
    signed = anonymous.post(
        "/sign-in", data={"username": "newbie", "password": one_time}, follow_redirects=False
    )
    assert signed.status_code == 303
    forced = anonymous.get("/", follow_redirects=False)
    assert forced.headers["location"] == "/account/password"
    form = anonymous.get("/account/password")
    bad = anonymous.post(
        "/account/password",
        data={
            "current_password": one_time,
            "new_password": PASSWORD,
            "repeat_password": PASSWORD + "x",
            "csrf_token": csrf_of(form.text),
        },
    )
    assert bad.status_code == 422
    assert "Hai mật khẩu mới không giống nhau" in bad.text
    done = anonymous.post(
        "/account/password",
        data={
            "current_password": one_time,
            "new_password": PASSWORD,
            "repeat_password": PASSWORD,
            "csrf_token": csrf_of(form.text),
        },
    )
    assert done.status_code == 200
    assert "Việc của tôi hôm nay" in done.text


def test_a_role_that_needs_two_factor_enrols_first(browser: Browser, hanoi: Session) -> None:
    import pyotp

    from cordon.access.models import User

    client = browser("city_admin", "01")
    forced = client.get("/", follow_redirects=False)
    assert forced.headers["location"] == "/account/two-factor"
    page = client.get("/account/two-factor")
    assert "<svg" in page.text  # the key as a QR code, drawn inline
    hanoi.expire_all()
    secret = hanoi.scalars(select(User.totp_secret).where(User.username == "city_admin-01")).one()
    assert secret is not None
    wrong = client.post(
        "/account/two-factor", data={"code": "000000", "csrf_token": csrf_of(page.text)}
    )
    assert wrong.status_code == 422
    assert "Mã không hợp lệ" in wrong.text
    done = client.post(
        "/account/two-factor",
        data={"code": pyotp.TOTP(secret).now(), "csrf_token": csrf_of(page.text)},
    )
    assert "Mã khôi phục" in done.text  # the recovery codes, shown once
    assert done.text.count("<li><code>") == 10
    assert "Việc của tôi hôm nay" in client.get("/").text
