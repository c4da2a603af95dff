"""Shared fixtures."""

from __future__ import annotations

import asyncio
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from agent_helpers import copy_fixture
from fake_model import FakeModel
from outrigger.model import embedded, fetch


@pytest.fixture(autouse=True)
def private_state(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Each test remembers its actions (history, undo) in a folder of its own, never the user's."""
    state = tmp_path_factory.mktemp("state")
    monkeypatch.setenv("OUTRIGGER_STATE", str(state))
    # ...and trusts folders (`outrigger trust`) in a list of its own: none, to begin with.
    monkeypatch.setenv("OUTRIGGER_CONFIG", str(tmp_path_factory.mktemp("config")))
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


def _real_model_unavailable(reason: str) -> None:
    """Skip, unless OUTRIGGER_REQUIRE_REAL_MODEL=1 (CI), where a missing model is a failure."""
    if os.environ.get("OUTRIGGER_REQUIRE_REAL_MODEL") == "1":
        pytest.fail(f"real model required but unavailable: {reason}")
    pytest.skip(f"real model unavailable: {reason}")


@pytest.fixture(scope="session")
def embedded_model() -> Iterator[str]:
    """The embedded default (Qwen2.5-Coder-0.5B on the llama.cpp runtime Outrigger chooses
    for this machine), once per session; yields its base URL."""
    if reason := embedded.status().missing():
        _real_model_unavailable(reason)
    server = embedded.EmbeddedServer()
    # Popen is not tied to an event loop, so a throwaway loop can start the server.
    url = asyncio.run(server.start())
    yield url
    server.stop_now()


@pytest.fixture(scope="session")
def real_model_file() -> Path:
    """The real Qwen2.5-Coder-0.5B GGUF in the user's cache (resolved before any test
    points OUTRIGGER_CACHE elsewhere), for tests that start their own server."""
    if not fetch.model_ready():
        _real_model_unavailable(f"the model is not in {fetch.model_path().parent}; run `outrigger model setup`")
    return fetch.model_path()


REAL_MODEL_FIXTURES = {"embedded_model", "real_model_file"}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Tests that use the real model carry the `real_model` mark (deselect with -m)."""
    for item in items:
        if REAL_MODEL_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.real_model)
