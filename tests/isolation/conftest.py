from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from cordon.core.config import get_settings
from cordon.isolation import regimes

# A city's own regime in force today, with the 2020 rules: F1 14 days in a facility then 14
# days of monitoring, tested on days 1 and 7; F2 14 days at home.
CITY_REGIME = """
[[regime]]
id = "city-2026"
effective_from = 2026-01-01
title = "City regime: the 2020 rules, with tests"
legal_basis = "Quyết định của UBND thành phố (thử nghiệm)"

  [[regime.rule]]
  tier = 1
  stays = [{ place = "facility", days = 14 }, { place = "monitoring", days = 14 }]
  test_days = [1, 7]

  [[regime.rule]]
  tier = 2
  stays = [{ place = "home", days = 14 }]
  test_days = []
"""


@pytest.fixture
def city_regime(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The city's own regime file in force (the built-in Vietnamese regimes end quarantine
    in April 2022)."""
    path = tmp_path / "regimes.toml"
    path.write_text(regimes.BUILT_IN.read_text(encoding="utf-8") + CITY_REGIME, encoding="utf-8")
    monkeypatch.setattr(get_settings(), "regime_file", path)
    regimes._cached.cache_clear()
    yield
    regimes._cached.cache_clear()
