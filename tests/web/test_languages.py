"""The Vietnamese catalogue holds every message of the code and templates, translated, and
keeps the same placeholders; every label shown from data has an entry."""

from __future__ import annotations

import re
from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from cordon.cases.enums import CaseStatus
from cordon.exposures.enums import Setting
from cordon.handovers.enums import HandoverStatus
from cordon.web.i18n import Texts, catalogue_files
from cordon.web.labels import LABELS

ROOT = Path(__file__).resolve().parents[2]
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "N_": None}
METHODS = [("src/cordon/**.py", "python"), ("src/cordon/web/templates/**.html", "jinja2")]


def _in_code() -> set[str]:
    found = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
        str(ROOT), METHODS, keywords=KEYWORDS
    ):
        found.add(message[0] if isinstance(message, tuple) else message)
    return found


def _catalogue() -> dict[str, object]:
    """Every file of the Vietnamese catalogue, as one (a message in two files is an error)."""
    out: dict[str, object] = {}
    for po in catalogue_files("vi"):
        with po.open("rb") as f:
            for m in read_po(f):
                if not m.id:
                    continue
                key = m.id if isinstance(m.id, str) else m.id[0]
                assert key not in out, f"{key!r} is in two catalogue files"
                out[key] = m.string
    return out


def test_every_message_is_translated_and_none_is_stale() -> None:
    code, catalogue = _in_code(), _catalogue()
    assert code - set(catalogue) == set(), "run `make messages` and translate"
    assert set(catalogue) - code == set(), "messages no longer used: run `make messages`"
    untranslated = [m for m, s in catalogue.items() if not (s[0] if isinstance(s, tuple) else s)]
    assert untranslated == []


def test_placeholders_survive_translation() -> None:
    for message, string in _catalogue().items():
        text = string[0] if isinstance(string, tuple) else str(string)
        assert set(re.findall(r"%\(\w+\)s", message)) == set(re.findall(r"%\(\w+\)s", text))


def test_labels_shown_from_data_have_entries() -> None:
    values = {s.value for s in (*CaseStatus, *Setting, *HandoverStatus)}
    assert values <= set(LABELS)


def test_dates_and_numbers_follow_the_language() -> None:
    import datetime as dt

    vi, en = Texts("vi"), Texts("en")
    assert vi.number(1234567) == "1.234.567"
    assert en.number(1234567) == "1,234,567"
    day = dt.date(2020, 3, 6)
    assert "2020" in vi.date(day)
    assert "thg 3" in vi.date(day)
    assert en.date(day) == "Mar 6, 2020"
