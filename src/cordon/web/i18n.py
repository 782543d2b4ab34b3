"""Languages of the web app: gettext catalogues (``locales/<lang>/LC_MESSAGES/*.po``, read
as one and compiled in memory at first use), the choice of a request's language, and dates
and numbers written the way the language writes them (Babel's CLDR data).

The messages in the code and templates are English; Vietnamese is the default of a
Vietnamese city (setting ``default_language``). ``make messages`` refreshes the catalogue
from the code; a test fails when a message has no translation.
"""

from __future__ import annotations

import datetime as dt
import gettext
from enum import StrEnum
from functools import lru_cache
from io import BytesIO
from pathlib import Path
from zoneinfo import ZoneInfo

from babel import Locale, UnknownLocaleError
from babel.dates import format_date, format_datetime
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal
from fastapi import Request

from cordon.core.config import get_settings
from cordon.core.errors import CordonError, FieldProblem
from cordon.web.labels import words

LANGUAGES = {"vi": "Tiếng Việt", "en": "English"}
LOCALES = Path(__file__).resolve().parent / "locales"
COOKIE = "cordon_lang"


def catalogue_files(lang: str) -> list[Path]:
    """A language's catalogue files: ``messages.po`` and one per feature if it has its own
    (``people.po``, ``cases.po`` …), read as one."""
    return sorted((LOCALES / lang / "LC_MESSAGES").glob("*.po"))


@lru_cache
def translations(lang: str) -> gettext.NullTranslations:
    files = catalogue_files(lang)
    if lang == "en" or not files:
        return gettext.NullTranslations()  # the messages are English
    merged = None
    for po in files:
        with po.open("rb") as f:
            catalog = read_po(f, locale=lang)
        if merged is None:
            merged = catalog
            continue
        for message in catalog:
            if message.id:
                merged[message.id] = message
    assert merged is not None
    compiled = BytesIO()
    write_mo(compiled, merged)
    compiled.seek(0)
    return gettext.GNUTranslations(compiled)


def choose(request: Request, user_language: str | None = None) -> str:
    """The signed-in user's language; else the one chosen on this browser; else the
    browser's preference among ours; else the city's default."""
    for lang in (user_language, request.cookies.get(COOKIE)):
        if lang in LANGUAGES:
            return lang
    for part in request.headers.get("accept-language", "").split(","):
        tag = part.split(";")[0].strip().replace("-", "_")
        try:
            lang = Locale.parse(tag).language if tag and tag != "*" else ""
        except (ValueError, UnknownLocaleError):
            continue
        if lang in LANGUAGES:
            return lang
    default = get_settings().default_language
    return default if default in LANGUAGES else "vi"


class Texts:
    """What a template needs to speak one language: ``_``, dates and numbers."""

    def __init__(self, lang: str) -> None:
        self.lang = lang
        self._t = translations(lang)

    def gettext(self, message: str, **values: object) -> str:
        text = self._t.gettext(message)
        return text % values if values else text

    def ngettext(self, singular: str, plural: str, n: int, **values: object) -> str:
        text = self._t.ngettext(singular, plural, n)
        return text % {"n": self.number(n), **values}

    def problem(self, problem: FieldProblem, otherwise: str | None = None) -> str:
        """A service's problem with a field in this language: its template translated, with
        its values written for the language. A message the catalogue does not hold is said
        as ``otherwise`` (default "Check this value.") except in English."""
        return self._said(problem.template, problem.params, problem.message, otherwise)

    def error(self, error: CordonError, otherwise: str | None = None) -> str:
        """A service's error (its ``detail``) in this language, as ``problem``."""
        return self._said(error.template, error.params, error.detail, otherwise)

    def _said(
        self, template: str, params: dict[str, object], english: str, otherwise: str | None
    ) -> str:
        text = self._t.gettext(template) if template else ""
        if self.lang == "en":
            return english
        if not text or text == template:  # not in the catalogue: no English here
            return otherwise if otherwise is not None else self.gettext("Check this value.")
        return text % {k: self._value(v) for k, v in params.items()} if params else text

    def _value(self, value: object) -> str:
        """Dates and decimals written for the language; whole numbers (ids, years, rows) and
        the rest as they are; a value of a list (a status …) in the language's words."""
        if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
            return self.date(value)
        if isinstance(value, float):
            return self.number(value)
        if isinstance(value, StrEnum):
            return self._t.gettext(words(value))
        return str(value)

    def date(self, value: dt.date | None, style: str = "medium") -> str:
        return "" if value is None else format_date(value, format=style, locale=self.lang)

    def moment(self, value: dt.datetime | None) -> str:
        if value is None:
            return ""
        tz = ZoneInfo(get_settings().timezone)
        return format_datetime(value, format="short", tzinfo=tz, locale=self.lang)

    def number(self, value: float | int | None) -> str:
        return "" if value is None else format_decimal(value, locale=self.lang)
