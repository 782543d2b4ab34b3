"""Text: folding for Vietnamese search (names match with or without diacritics), and the
control characters and formulas a spreadsheet cell must not carry."""

from __future__ import annotations

import re
import unicodedata

_SPACES = re.compile(r"\s+")
# control characters but tab, line feed and carriage return (XLSX cannot hold them)
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
PLAIN_NUMBER = re.compile(r"[+-]?\d+([.,]\d+)?")


def fold(text: str) -> str:
    """Lower-case, strip diacritics (đ → d) and collapse spaces, for search.

    'Nguyễn Văn  Đức' → 'nguyen van duc', so a search typed with or without accents matches.
    """
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    stripped = "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")
    return _SPACES.sub(" ", stripped).strip().lower()


def normalize_name(text: str) -> str:
    """Canonical display form: NFC, single spaces, trimmed (keeps the diacritics)."""
    return _SPACES.sub(" ", unicodedata.normalize("NFC", text)).strip()


def safe_text(text: str) -> str:
    """A text cell a spreadsheet shows as text: control characters (which XLSX cannot hold)
    taken out, and a cell that a spreadsheet would run as a formula (starting with = + - @,
    a tab or a carriage return) prefixed with ``'`` (OWASP, "CSV injection"). A text that is
    a plain number (a phone such as +84912345678, -3.5) is no formula and stays as it is."""
    text = CONTROL.sub("", text)
    if text.startswith(FORMULA_STARTS) and not PLAIN_NUMBER.fullmatch(text):
        return "'" + text
    return text
