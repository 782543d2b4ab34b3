"""The city's own isolation regime for the live demo outbreak, declared in force from the
outbreak's first day.

Vietnam's built-in regimes end quarantine for F1 on 15 April 2022, so on any day after that
the engine proposes no order. A city that declares its own regime for an outbreak does what
every city did in 2020–2021: it writes the regime in its own regime file (setting
``CORDON_REGIME_FILE``; the file replaces the built-in regimes, so it carries them too) with
``effective_from`` = the day the regime takes effect. ``city_regimes`` writes such a file:
the built-in regimes, then the declared one.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from string import Template

from cordon.core.config import get_settings
from cordon.core.errors import InvalidInput
from cordon.isolation import regimes

DECLARED = Path(__file__).resolve().parent / "data" / "live-outbreak" / "declared_regime.toml"


def city_regimes(start: dt.date) -> str:
    """The text of a city regime file: the built-in regimes, then the declared one."""
    built_in = regimes.BUILT_IN.read_text(encoding="utf-8")
    declared = Template(DECLARED.read_text(encoding="utf-8"))
    return built_in.rstrip("\n") + "\n" + declared.substitute(start=start.isoformat())


def put_in_force(path: Path, start: dt.date) -> bool:
    """Use ``path`` as the city's regime file from now on in this process, writing it first
    when it does not exist (True: written). A file that exists is the city's own: it is kept,
    and must isolate F1 on ``start``."""
    written = not path.exists()
    if written:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(city_regimes(start), encoding="utf-8")
    get_settings().regime_file = path
    in_force = regimes.get_regimes().in_force(start)
    if not any(rule.tier == 1 for rule in in_force.rules):
        raise InvalidInput.on(
            "regime_file",
            f"{path}: the regime in force on {start} ({in_force.id}) isolates no F1; "
            "declare the outbreak's regime in it or remove the file",
        )
    return written
