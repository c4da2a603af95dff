"""The settings' defaults are written for the server (`config.py`) and for VS Code (the
extension's package.json, which its own unit test checks against config.ts): they must agree."""

from __future__ import annotations

import json
from pathlib import Path

from outrigger.config import ModelSettings

PACKAGE = Path(__file__).resolve().parents[1] / "vscode-client" / "package.json"


def test_the_extensions_model_defaults_are_the_servers():
    properties = json.loads(PACKAGE.read_text())["contributes"]["configuration"]["properties"]
    server = ModelSettings().model_dump(by_alias=True)
    extension = {key.removeprefix("outrigger.model."): spec.get("default") for key, spec in properties.items()}
    extension = {key: value for key, value in extension.items() if not key.startswith("outrigger.")}

    assert set(extension) <= set(server), "a model setting the server does not know"
    for key, value in extension.items():
        expected = server[key]
        assert value == (expected if expected is not None else ""), f"outrigger.model.{key}"
    # The settings a user is most likely to change are all offered in VS Code's settings UI.
    assert {"baseUrl", "name", "api", "contextWindow", "maxOutputTokens", "timeoutSeconds"} <= set(extension)
