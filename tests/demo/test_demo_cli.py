"""``cordon demo …`` through the real command line."""

from __future__ import annotations

import json

from sqlalchemy.engine import Engine
from typer.testing import CliRunner

from cordon.cli.main import app

runner = CliRunner()


def _text(output: str) -> str:
    """Rich wraps long lines: compare with single spaces."""
    return " ".join(output.split())


def test_vietnam_2020_loads_once_then_says_so(engine: Engine) -> None:
    first = runner.invoke(app, ["demo", "vietnam-2020"])
    assert first.exit_code == 0, first.output
    assert "288 cases, 85 case links" in _text(first.output)
    again = runner.invoke(app, ["demo", "vietnam-2020"])
    assert again.exit_code == 0, again.output
    assert "already loaded" in _text(again.output)


def test_facts_print_the_published_figures(engine: Engine) -> None:
    assert runner.invoke(app, ["demo", "vietnam-2020"]).exit_code == 0
    june = runner.invoke(app, ["demo", "facts", "--on", "2020-06-02"])
    assert june.exit_code == 0, june.output
    assert "last new case 2020-04-15; 48 days without a new case" in _text(june.output)
    bulletin = runner.invoke(
        app, ["demo", "facts", "--on", "2020-04-13", "--through", "BN262", "--json"]
    )
    assert bulletin.exit_code == 0, bulletin.output
    national = json.loads(bulletin.output)["national"]
    assert (national["cases"], national["recovered"], national["deaths"]) == (262, 144, 0)


def test_synthetic_generates_the_asked_size(engine: Engine) -> None:
    result = runner.invoke(
        app, ["demo", "synthetic", "--people", "600", "--seed", "3", "--exposures-per-person", "4"]
    )
    assert result.exit_code == 0, result.output
    assert "600 people" in _text(result.output)
    assert "2,400 exposures" in _text(result.output)
    refused = runner.invoke(app, ["demo", "synthetic", "--people", "600", "--seed", "3"])
    assert refused.exit_code == 1
    assert "already loaded" in _text(refused.output)


def test_facts_reject_a_code_without_a_number(engine: Engine) -> None:
    result = runner.invoke(app, ["demo", "facts", "--on", "2020-04-13", "--through", "XYZ"])
    assert result.exit_code == 1
    assert "not a case code" in _text(result.output)
