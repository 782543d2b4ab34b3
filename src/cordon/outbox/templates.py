"""Message templates as data: one TOML file per language (``templates/vi.toml``, ``en.toml``,
or the city's own folder, ``CORDON_MESSAGE_TEMPLATES_DIR``).

Each kind has an ``sms``, an e-mail ``subject`` and an ``email`` body, with ``{placeholders}``
filled at enqueue time. ``{sender}`` comes from the file; flags are named by the file's
``[flags]`` words; dates are written in the file's ``date_format``.
"""

from __future__ import annotations

import datetime as dt
import string
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from cordon.core.config import get_settings
from cordon.core.errors import InvalidInput
from cordon.outbox.enums import FLAGS, TEMPLATED, Channel, Language, MessageKind

BUILT_IN = Path(__file__).with_name("templates")
PARTS = ("sms", "subject", "email")
PROVIDED = frozenset({"sender"})  # filled from the file itself, never by the caller

Param = str | int | dt.date


@dataclass(frozen=True)
class Rendered:
    subject: str | None
    body: str


@dataclass(frozen=True)
class Templates:
    sender: str
    date_format: str
    flags: dict[str, str]
    kinds: dict[MessageKind, dict[str, str]]
    places: dict[str, str]  # "home", "monitoring": the words for a place that has no name


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def needed(kind: MessageKind, language: Language = Language.vi) -> set[str]:
    """The parameters a caller must give for ``kind`` (every part's placeholders)."""
    parts = load(language).kinds[kind]
    return set().union(*(placeholders(parts[p]) for p in PARTS)) - PROVIDED


def _read(path: Path) -> Templates:
    with path.open("rb") as f:
        raw: dict[str, Any] = tomllib.load(f)
    kinds: dict[MessageKind, dict[str, str]] = {}
    for kind in TEMPLATED:
        parts = raw.get(kind.value)
        if not isinstance(parts, dict) or any(not isinstance(parts.get(p), str) for p in PARTS):
            raise ValueError(f"{path}: [{kind.value}] needs sms, subject and email texts")
        kinds[kind] = {p: str(parts[p]).strip() for p in PARTS}
    flags = raw.get("flags", {})
    if set(flags) != set(FLAGS):
        raise ValueError(f"{path}: [flags] must name exactly {', '.join(FLAGS)}")
    return Templates(
        sender=str(raw["sender"]),
        date_format=str(raw.get("date_format", "%d/%m/%Y")),
        flags={str(k): str(v) for k, v in flags.items()},
        kinds=kinds,
        places={str(k): str(v) for k, v in raw.get("places", {}).items()},
    )


@lru_cache
def load(language: Language) -> Templates:
    folder = get_settings().message_templates_dir or BUILT_IN
    return _read(folder / f"{language.value}.toml")


def _value(t: Templates, name: str, value: Param) -> str:
    if name == "flag":
        if value not in t.flags:
            raise InvalidInput.on("params.flag", f"must be one of {', '.join(FLAGS)}")
        return t.flags[str(value)]
    if name == "place" and isinstance(value, str) and value in t.places:
        return t.places[value]  # a facility is named by its own name
    if isinstance(value, dt.date):
        return value.strftime(t.date_format)
    text = str(value).strip()
    if not text:
        raise InvalidInput.on(f"params.{name}", "must not be empty")
    return text


def render(
    kind: MessageKind, language: Language, channel: Channel, params: Mapping[str, Param]
) -> Rendered:
    """The subject and body of a message; a missing or unknown parameter is an error that
    names it (never its value)."""
    t = load(language)
    want = needed(kind, language)
    missing = sorted(want - set(params))
    if missing:
        raise InvalidInput.on(f"params.{missing[0]}", f"required by the {kind.value} message")
    extra = sorted(set(params) - want)
    if extra:
        raise InvalidInput.on(f"params.{extra[0]}", f"not used by the {kind.value} message")
    values = {name: _value(t, name, value) for name, value in params.items()}
    values["sender"] = t.sender
    parts = t.kinds[kind]
    if channel is Channel.sms:
        return Rendered(subject=None, body=parts["sms"].format(**values))
    return Rendered(subject=parts["subject"].format(**values), body=parts["email"].format(**values))
