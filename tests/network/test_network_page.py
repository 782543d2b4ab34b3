"""The Network page: in Vietnamese and English, the partner cities side by side, the peers and
the messages; not set up yet, it says how; only roles that read the network see it."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from cordon.demo.network import load_demo_network
from cordon.network.enums import Kind
from cordon.network.models import SituationReport
from networkkit import Partner
from pagekit import Browser, csrf_of

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


def test_the_demo_network_on_the_page_and_todays_report_approved_and_sent(
    browser: Browser, hanoi: Session
) -> None:
    load_demo_network(hanoi)
    hanoi.commit()
    epi = browser("epidemiologist", "01", lang="en")
    page = epi.get("/network")
    assert page.status_code == 200, page.text
    assert 'id="cities-chart"' in page.text  # cases per 100,000, a line per city
    assert "Thành phố Hồ Chí Minh" in page.text
    assert "Gangnam office cluster" in page.text  # Seoul's warning, in force
    assert "their offer" in page.text
    assert "50,000 kits" in page.text  # Hồ Chí Minh City's test kits
    assert "Approve the report" in page.text  # today's draft
    form = {"csrf_token": csrf_of(page.text), "action": "approve"}
    report = hanoi.scalars(
        select(SituationReport)
        .where(SituationReport.peer_id.is_(None))
        .order_by(SituationReport.id.desc())
    ).first()
    assert report is not None
    answer = epi.post(
        f"/network/sitreps/{report.id}",
        data={**form, "version": str(report.version)},
        follow_redirects=False,
    )
    assert answer.status_code == 303
    page = epi.get("/network")
    assert "Send it to the partner cities" in page.text
    hanoi.expire_all()
    form = {"csrf_token": csrf_of(page.text), "action": "send", "version": str(report.version)}
    sent = epi.post(f"/network/sitreps/{report.id}", data=form, follow_redirects=False)
    assert sent.status_code == 303
    hanoi.expire_all()
    assert hanoi.get(SituationReport, report.id).status.value == "sent"  # type: ignore[union-attr]
    district = browser("district_officer", "001", lang="en")
    refused = district.post(f"/network/sitreps/{report.id}", data=form)
    assert refused.status_code == 403  # a report speaks for the whole city
