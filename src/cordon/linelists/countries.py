"""Country names → ISO 3166 codes: every territory name Babel carries in English and
Vietnamese, and the aliases of ``country_aliases.toml`` (England, USA, Korea …), matched in
any case and with or without diacritics."""

from __future__ import annotations

import tomllib
from functools import cache
from pathlib import Path

from babel import Locale

from cordon.core.text import fold

ALIASES = Path(__file__).with_name("country_aliases.toml")
LANGUAGES = ("en", "vi")


@cache
def country_codes() -> dict[str, str]:
    """Folded name → two-letter code."""
    codes: dict[str, str] = {}
    for language in LANGUAGES:
        for code, name in Locale(language).territories.items():
            if len(code) == 2 and code.isalpha():
                codes.setdefault(fold(name), code)
    aliases = tomllib.loads(ALIASES.read_text(encoding="utf-8"))["aliases"]
    codes.update({fold(name): str(code) for name, code in aliases.items()})
    return codes


def country_code(name: str) -> str | None:
    """The code of the country ``name`` names, or None."""
    return country_codes().get(fold(name))
