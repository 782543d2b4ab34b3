"""Reference docs generated from the code, so they cannot drift: ``make docs`` writes them,
a test fails when the files in docs/ differ from what the code says."""

from __future__ import annotations

import sys
from typing import Any

import typer

from cordon.core.config import PROJECT_ROOT, Settings


def settings_markdown() -> str:
    lines = [
        "# Settings",
        "",
        "Every setting is an environment variable (or a line of a `.env` file in the working",
        "directory). Generated from `cordon.core.config.Settings` by `make docs`.",
        "",
        "| variable | default | meaning |",
        "|---|---|---|",
    ]
    for name, field in Settings.model_fields.items():
        default = field.default
        shown = "(project folder)/var/cordon.db" if name == "database_url" else default
        shown = "—" if shown is None else f"`{shown}`"
        lines.append(f"| `CORDON_{name.upper()}` | {shown} | {field.description or ''} |")
    return "\n".join(lines) + "\n"


def _command_md(cmd: Any, path: str, out: list[str]) -> None:
    ctx = cmd.context_class(cmd, info_name=path)
    if getattr(cmd, "hidden", False):
        return
    out += [f"## `{path}`", ""]
    if cmd.help:
        out += [cmd.help.strip(), ""]
    params = [p for p in cmd.get_params(ctx) if p.name != "help"]
    if params:
        out += ["| argument / option | help |", "|---|---|"]
        for p in params:
            names = (
                ", ".join(f"`{o}`" for o in p.opts)
                if p.param_type_name == "option"
                else f"`{(p.name or '').upper()}`"
            )
            help_text = getattr(p, "help", "") or ""
            out.append(f"| {names} | {help_text} |")
        out.append("")
    if hasattr(cmd, "list_commands"):
        for name in sorted(cmd.list_commands(ctx)):
            sub = cmd.get_command(ctx, name)
            if sub is not None:
                _command_md(sub, f"{path} {name}", out)


def cli_markdown() -> str:
    from cordon.cli.main import app

    out = [
        "# Command line reference",
        "",
        "Generated from the `cordon` command itself by `make docs`; `cordon COMMAND --help`",
        "says the same.",
        "",
    ]
    _command_md(typer.main.get_command(app), "cordon", out)
    return "\n".join(out).rstrip() + "\n"


GENERATED = {"docs/settings.md": settings_markdown, "docs/cli.md": cli_markdown}


def main() -> None:
    for rel, make in GENERATED.items():
        (PROJECT_ROOT / rel).write_text(make(), encoding="utf-8")
        sys.stdout.write(f"wrote {rel}\n")


if __name__ == "__main__":
    main()
