"""The templates are data: every kind in both languages, the same placeholders, short SMS."""

from __future__ import annotations

import datetime as dt

import pytest

from cordon.outbox import templates
from cordon.outbox.channels import segments
from cordon.outbox.enums import TEMPLATED, Channel, Language, MessageKind

PARAMS: dict[MessageKind, dict[str, templates.Param]] = {
    MessageKind.order_created: {
        "place": "Khu cách ly tập trung Trường Quân sự Bộ Tư lệnh Thủ đô, Sơn Tây",
        "start": dt.date(2021, 7, 20),
        "end": dt.date(2021, 8, 2),
    },
    MessageKind.report_link: {"link": "https://cordon.soytehanoi.example/r/Xk2p9QaLm3"},
    MessageKind.flag_raised: {"flag": "fever", "record": "P-0001234"},
    MessageKind.release: {"date": dt.date(2021, 8, 3)},
    MessageKind.warning_received: {
        "city": "Thành phố Hồ Chí Minh",
        "event": "Ổ dịch COVID-19 tại Bệnh viện Bệnh Nhiệt đới, Quận 8, đang lan rộng",
    },
    MessageKind.warning_cancelled: {"city": "Seoul", "event": "COVID-19 cluster in Itaewon"},
}


def test_every_kind_has_every_part_in_both_languages_with_the_same_placeholders() -> None:
    for kind in TEMPLATED:
        vi, en = templates.load(Language.vi).kinds[kind], templates.load(Language.en).kinds[kind]
        for part in templates.PARTS:
            assert vi[part], (kind, part)
            assert en[part], (kind, part)
            assert templates.placeholders(vi[part]) == templates.placeholders(en[part]), (
                kind,
                part,
            )
        assert templates.needed(kind, Language.vi) == set(PARAMS[kind]), kind
    assert set(templates.load(Language.vi).flags) == set(templates.load(Language.en).flags)


@pytest.mark.parametrize("kind", TEMPLATED)
@pytest.mark.parametrize("language", list(Language))
def test_sms_stay_short(kind: MessageKind, language: Language) -> None:
    """Vietnamese goes as UCS-2 (67 characters a part): at most three parts, even with a
    long place name; a flag for the ward worker fits in two and names no diagnosis."""
    body = templates.render(kind, language, Channel.sms, PARAMS[kind]).body
    parts, _, _ = segments(body, 1)
    assert len(parts) <= 3, (len(body), body)
    if kind is MessageKind.flag_raised:
        assert len(parts) <= 2
        assert "sốt" not in body
        assert "fever" not in body


def test_dates_and_flags_are_written_in_the_language() -> None:
    vi = templates.render(
        MessageKind.release, Language.vi, Channel.sms, PARAMS[MessageKind.release]
    )
    assert "03/08/2021" in vi.body
    assert vi.body.startswith("Sở Y tế Hà Nội:")
    flag = templates.render(
        MessageKind.flag_raised, Language.en, Channel.email, PARAMS[MessageKind.flag_raised]
    )
    assert flag.subject == "Isolation alert: record P-0001234"
    assert "a temperature alert" in flag.body
