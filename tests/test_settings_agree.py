"""The settings are written twice: for the server (`config.py`) and for VS Code (the extension's
package.json, which its own unit test checks against config.ts). VS Code shows package.json in
its Settings UI and answers the server's `workspace/configuration` pull with every declared
key at its default, so the two must agree: the same keys, defaults, bounds and choices."""

from __future__ import annotations

import json
import types
from pathlib import Path
from typing import Any, Literal, Union, get_args, get_origin

from pydantic import BaseModel
from pydantic.fields import FieldInfo

from outrigger.config import Settings

PACKAGE = Path(__file__).resolve().parents[1] / "vscode-client" / "package.json"

# How VS Code starts the server (its Python and arguments): the server never reads them.
VSCODE_ONLY = "server."
# Deliberately not declared: settings.json is plain text that a workspace can commit, and a
# declared empty default would override the OUTRIGGER_API_KEY the server reads at start-up.
NOT_IN_VSCODE = {"model.apiKey"}

# pydantic's Field(ge=…, gt=…, le=…, lt=…) as JSON schema keywords.
_BOUNDS = {"ge": "minimum", "gt": "exclusiveMinimum", "le": "maximum", "lt": "exclusiveMaximum"}
_JSON_TYPES = {int: "integer", float: "number", str: "string", bool: "boolean", list: "array"}


def server_settings(model: type[BaseModel] = Settings, prefix: str = "") -> dict[str, FieldInfo]:
    """Every leaf of the settings model by its dotted wire name ("tests.timeoutSeconds")."""
    leaves: dict[str, FieldInfo] = {}
    for name, field in model.model_fields.items():
        key = prefix + (field.serialization_alias or name)
        if isinstance(field.annotation, type) and issubclass(field.annotation, BaseModel):
            leaves |= server_settings(field.annotation, key + ".")
        else:
            leaves[key] = field
    return leaves


def vscode_settings() -> dict[str, dict[str, Any]]:
    """package.json's `outrigger.*` properties, by the key under `outrigger.`."""
    properties = json.loads(PACKAGE.read_text())["contributes"]["configuration"]["properties"]
    return {key.removeprefix("outrigger."): spec for key, spec in properties.items()}


def _without_none(annotation: Any) -> Any:
    """`X` for `X | None`: VS Code says "unset" with an empty value instead (see below)."""
    if get_origin(annotation) in (Union, types.UnionType):
        [annotation] = [arg for arg in get_args(annotation) if arg is not type(None)]
    return annotation


def json_type(field: FieldInfo) -> str:
    annotation = _without_none(field.annotation)
    if get_origin(annotation) is Literal:
        return _JSON_TYPES[type(get_args(annotation)[0])]
    return _JSON_TYPES[get_origin(annotation) or annotation]


def bounds(field: FieldInfo) -> dict[str, float]:
    """The field's numeric constraints as JSON schema keywords."""
    return {
        keyword: getattr(constraint, name)
        for constraint in field.metadata
        for name, keyword in _BOUNDS.items()
        if hasattr(constraint, name)
    }


def test_every_server_setting_is_offered_in_vscode_and_nothing_else():
    server = set(server_settings()) - NOT_IN_VSCODE
    extension = {key for key in vscode_settings() if not key.startswith(VSCODE_ONLY)}

    assert server - extension == set(), "server settings missing from vscode-client/package.json"
    assert extension - server == set(), "package.json settings the server does not know"


def test_the_extensions_defaults_are_the_servers():
    extension = vscode_settings()
    for key, field in server_settings().items():
        if key in NOT_IN_VSCODE:
            continue
        shown, default = extension[key]["default"], field.get_default(call_default_factory=True)
        if key == "ignore":
            # VS Code shows [] (no patterns of the user's own): the server adds the secret
            # patterns to whatever list arrives, so [] means its default list.
            assert shown == [] and Settings(ignore=shown).ignore == default
        elif default is None:
            # VS Code's settings UI leaves "" or [] for "unset"; wireSection sends them as null.
            assert shown in ("", []), key
        else:
            assert shown == default, key


def test_the_extensions_types_bounds_and_choices_are_the_servers():
    extension = vscode_settings()
    for key, field in server_settings().items():
        if key in NOT_IN_VSCODE:
            continue
        spec = extension[key]
        assert spec["type"] == json_type(field), key
        declared = {keyword: spec[keyword] for keyword in _BOUNDS.values() if keyword in spec}
        assert declared == bounds(field), key
        annotation = _without_none(field.annotation)
        if get_origin(annotation) is Literal:
            assert spec["enum"] == list(get_args(annotation)), key
            assert len(spec["enumDescriptions"]) == len(spec["enum"]), key


def test_the_protocol_documents_settings_the_server_accepts():
    """docs/protocol.md's settings example is what a client would send: it must validate."""
    text = (PACKAGE.parents[1] / "docs" / "protocol.md").read_text(encoding="utf-8")
    section = text[text.index("## Settings") :]
    example = section[section.index("```json") + len("```json") : section.index("```", section.index("```json") + 7)]

    settings = Settings.model_validate(json.loads(example))

    documented = set(json.loads(example))
    assert documented == {field.alias or name for name, field in Settings.model_fields.items()}
    assert settings.tests.on_failure == "refuse" and settings.tasks.max_steps == 8
