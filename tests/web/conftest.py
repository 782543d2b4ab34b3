from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from cordon.core import rulesets
from cordon.core.config import get_settings


@pytest.fixture
def watcher(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """A city's own role that reads isolation on pseudonymised data, and may change nothing."""
    path = tmp_path / "roles.toml"
    path.write_text(
        "[roles.isolation_watcher]\n"
        'title = "Isolation watcher"\n'
        "pseudonymised = true\n"
        'permissions = ["isolation.read", "people.read"]\n',
        encoding="utf-8",
    )
    monkeypatch.setattr(get_settings(), "roles_file", path)
    rulesets.clear()
    yield
    rulesets.clear()
