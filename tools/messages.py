"""Refresh the web app's Vietnamese catalogue from the code (``make messages``).

Every message the code and templates use must be in one file of
``src/cordon/web/locales/vi/LC_MESSAGES/``: those a feature keeps in its own file
(``cases.po``, ``tracing.po`` …) stay there; new ones are added to ``messages.po``,
untranslated, and messages no longer used are dropped from every file. Translate the new
entries, then run the tests (``tests/web/test_languages.py``)."""

from __future__ import annotations

from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parents[1]
CATALOGUES = ROOT / "src" / "cordon" / "web" / "locales" / "vi" / "LC_MESSAGES"
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "N_": None}
METHODS = [("src/cordon/**.py", "python"), ("src/cordon/web/templates/**.html", "jinja2")]


def _key(message_id: object) -> str:
    return message_id if isinstance(message_id, str) else str(message_id[0])  # type: ignore[index]


def main() -> None:
    used: dict[str, object] = {}
    for _f, _line, message, _c, _ctx in extract_from_dir(str(ROOT), METHODS, keywords=KEYWORDS):
        used.setdefault(_key(message), message)
    kept: set[str] = set()
    for po in sorted(CATALOGUES.glob("*.po")):
        with po.open("rb") as f:
            catalog = read_po(f, locale="vi")
        for message in list(catalog):
            if message.id and _key(message.id) not in used:
                catalog.delete(message.id)
        kept |= {_key(m.id) for m in catalog if m.id}
        if po.name == "messages.po":
            main_catalog: Catalog = catalog
        else:
            _write(po, catalog)
    for key, message in used.items():
        if key not in kept:
            main_catalog.add(message, "" if isinstance(message, str) else ("",))
            print(f"new: {key}")
    _write(CATALOGUES / "messages.po", main_catalog)


def _write(path: Path, catalog: Catalog) -> None:
    with path.open("wb") as f:
        write_po(f, catalog, no_location=True, width=100)


if __name__ == "__main__":
    main()
