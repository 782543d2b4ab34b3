"""Running the ``cordon`` command inside a test, against the test database."""

from __future__ import annotations

from typer.testing import CliRunner

from cordon.cli.main import app

runner = CliRunner()


def cordon(*args: str, input: str | None = None) -> tuple[int, str]:
    """The exit code and the output of ``cordon *args``."""
    result = runner.invoke(app, list(args), input=input)
    return result.exit_code, result.output
