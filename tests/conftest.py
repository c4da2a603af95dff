"""Shared fixtures."""

from __future__ import annotations

import asyncio
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from agent_helpers import copy_fixture
from fake_model import FakeModel
from outrigger.model import embedded


@pytest.fixture(autouse=True)
def private_state(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Each test remembers its actions (history, undo) in a folder of its own, never the user's."""
    state = tmp_path_factory.mktemp("state")
    monkeypatch.setenv("OUTRIGGER_STATE", str(state))
    return state


@pytest.fixture
def fake_model() -> Iterator[FakeModel]:
    """A scripted OpenAI-compatible server on 127.0.0.1; `.base_url` ends in /v1."""
    with FakeModel() as fake:
        yield fake


@pytest.fixture
def js(tmp_path: Path) -> Path:
    """A fresh copy of the JavaScript sample workspace (validateToken/validateUser/…)."""
    return copy_fixture("js_auth", tmp_path)


@pytest.fixture
def py(tmp_path: Path) -> Path:
    """A fresh copy of the Python sample workspace (get_item/get_items/get_item_count)."""
    return copy_fixture("py_items", tmp_path)


@pytest.fixture(scope="session")
def embedded_model() -> Iterator[str]:
    """The real llama-server + Qwen2.5-Coder-0.5B, once per session; yields its base URL.

    Skips when the cache is not prepared (`scripts/setup-llama-server`), unless
    OUTRIGGER_REQUIRE_REAL_MODEL=1 (CI), where that is a failure.
    """
    if reason := embedded.status().missing():
        if os.environ.get("OUTRIGGER_REQUIRE_REAL_MODEL") == "1":
            pytest.fail(f"real model required but unavailable: {reason}")
        pytest.skip(f"real model unavailable: {reason}")
    server = embedded.EmbeddedServer()
    # Popen is not tied to an event loop, so a throwaway loop can start the server.
    url = asyncio.run(server.start())
    yield url
    server.stop_now()


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Tests that use the real model carry the `real_model` mark (deselect with -m)."""
    for item in items:
        if "embedded_model" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.real_model)
