"""The Network page: in Vietnamese and English, the partner cities side by side, the peers and
the messages; not set up yet, it says how; only roles that read the network see it."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from cordon.network.enums import Kind
from networkkit import Partner
from pagekit import Browser

from .test_sitreps import _report


def test_the_page_shows_the_cities_peers_and_messages(
    browser: Browser, anonymous: TestClient, hanoi: Session, seoul: Partner
) -> None:
    body, headers = seoul.signed(Kind.sitrep, payload=_report())
    assert anonymous.post("/api/v1/network/inbox", content=body, headers=headers).status_code == 202
    vi = browser("epidemiologist", "01").get("/network")
    assert vi.status_code == 200, vi.text
    assert "Mạng lưới" in vi.text or "Network" in vi.text
    assert "City of kr-seoul" in vi.text  # the partner's name, from its card
    assert "0,4" in vi.text or "0.4" in vi.text  # 42 cases in 7 days per 100,000 of 9.7 million
    en = browser("district_officer", "001", lang="en").get("/network")
    assert "Cities side by side" in en.text
    assert "sitrep" in en.text
    assert 'href="/network"' in en.text  # in the menu


def test_before_the_set_up_the_page_says_how(browser: Browser) -> None:
    page = browser("epidemiologist", "01", lang="en").get("/network")
    assert page.status_code == 200
    assert "cordon network init" in page.text


def test_a_role_without_the_network_does_not_see_it(browser: Browser) -> None:
    worker = browser("ward_worker", "00001", lang="en")
    assert 'href="/network"' not in worker.get("/").text
    assert worker.get("/network").status_code == 403
