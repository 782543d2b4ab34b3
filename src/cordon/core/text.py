"""Text folding for Vietnamese search: names match with or without diacritics."""

from __future__ import annotations

import re
import unicodedata

_SPACES = re.compile(r"\s+")


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
