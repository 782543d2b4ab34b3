"""A scenario as it comes in — TOML text or a JSON object — checked by ``cordon.sim``'s
schema, its mistakes turned into the project's ``FieldProblem``s: each names the field by
its path (``measures[2].depth``), in English for the API and with a template the web app
says in Vietnamese (the simulator's own messages are English only)."""

from __future__ import annotations

import re
import tomllib
from typing import Any

from pydantic import ValidationError

from cordon.core.errors import N_, FieldProblem, InvalidInput
from cordon.sim.scenario import Scenario, ScenarioError, parse_scenario

WHOLE = "scenario"  # the field of a problem with the whole text

# pydantic's kinds of error → what the web app says (values from the error's context)
SAID: dict[str, str] = {
    "missing": N_("is required"),
    "extra_forbidden": N_("is not a field here"),
    "string_too_short": N_("must have at least %(min_length)s characters"),
    "string_too_long": N_("must have at most %(max_length)s characters"),
    "less_than_equal": N_("must be at most %(le)s"),
    "less_than": N_("must be less than %(lt)s"),
    "greater_than_equal": N_("must be at least %(ge)s"),
    "greater_than": N_("must be more than %(gt)s"),
    "int_parsing": N_("must be a whole number"),
    "int_type": N_("must be a whole number"),
    "int_from_float": N_("must be a whole number"),
    "float_parsing": N_("must be a number"),
    "float_type": N_("must be a number"),
    "bool_parsing": N_("must be true or false"),
    "bool_type": N_("must be true or false"),
    "string_type": N_("must be text"),
    "date_parsing": N_("must be a date (YYYY-MM-DD)"),
    "date_type": N_("must be a date (YYYY-MM-DD)"),
    "date_from_datetime_parsing": N_("must be a date (YYYY-MM-DD)"),
    "date_from_datetime_inexact": N_("must be a date (YYYY-MM-DD)"),
    "literal_error": N_("must be one of %(expected)s"),
    "union_tag_invalid": N_("has no kind of measure %(tag)s"),
    "union_tag_not_found": N_("needs its kind"),
    "dict_type": N_("must be a table"),
    "model_type": N_("must be a table"),
    "model_attributes_type": N_("must be a table"),
    "list_type": N_("must be a list"),
    "tuple_type": N_("must be a list"),
}
NOT_TOML = N_("is not TOML (line %(line)s, column %(column)s)")
NOT_A_TABLE = N_("must be a table of the scenario's fields")
_AT = re.compile(r"\(at line (\d+), column (\d+)\)")


def from_toml(text: str) -> Scenario:
    """A scenario file's text, checked (``InvalidInput`` names each field at fault)."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        where = _AT.search(str(error))
        line, column = (int(where[1]), int(where[2])) if where else (1, 1)
        english = f"is not TOML: {error}"
        params: dict[str, object] = {"line": line, "column": column}
        problem = FieldProblem(WHOLE, english, None, NOT_TOML, params)
        raise InvalidInput(detail=f"{WHOLE}: {english}", problems=[problem]) from None
    return from_data(data)


def from_data(data: Any) -> Scenario:
    """A scenario given as a JSON object (or read from TOML), checked."""
    if not isinstance(data, dict):
        raise InvalidInput.on(WHOLE, NOT_A_TABLE)
    try:
        return parse_scenario(data)
    except ScenarioError as error:
        problems = _problems(error, data)
    said = "; ".join(f"{p.field}: {p.message}" for p in problems[:5])
    raise InvalidInput(detail=f"The scenario cannot run: {said}", problems=problems)


def _problems(error: ScenarioError, data: dict[str, Any]) -> list[FieldProblem]:
    """The simulator's problems (path, English), each with the template of its kind: the
    schema checked again gives the kinds, in the same order."""
    try:
        Scenario.model_validate(data)
        kinds: list[dict[str, Any]] = []
    except ValidationError as details:
        kinds = [dict(e) for e in details.errors()]
    if len(kinds) != len(error.problems):
        kinds = [{}] * len(error.problems)
    return [
        FieldProblem(where, message, None, *_template(kind))
        for (where, message), kind in zip(error.problems, kinds, strict=True)
    ]


def _template(kind: dict[str, Any]) -> tuple[str, dict[str, object]]:
    template = SAID.get(str(kind.get("type", "")), "")
    if not template:
        return "", {}
    context = kind.get("ctx") or {}
    params: dict[str, object] = {}
    for name in re.findall(r"%\((\w+)\)s", template):
        value = context.get(name, "")
        params[name] = int(value) if isinstance(value, float) and value.is_integer() else value
    return template, params
