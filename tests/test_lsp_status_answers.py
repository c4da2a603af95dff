"""What an editor shows besides edits, through a real LSP client: `outrigger.status` (the model
and its state) and long answers opened as markdown documents outside the workspace."""

from __future__ import annotations

import asyncio
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
import pytest_lsp
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient

from lsp_editor import SERVER, Editor, GatedFake, wait_for
from outrigger.model.status import sandbox_line

# The server's cache dir, where answers land; the server creates it, the fixture below removes it.
CACHE = Path(tempfile.gettempdir()) / f"outrigger-cache-{os.getpid()}"
LONG_ANSWER = (
    "`validateUser` checks a user object.\n\n"
    "1. It requires a `name`.\n2. It passes the token to `validateToken`.\n3. It returns a boolean."
)


@pytest_lsp.fixture(
    config=ClientServerConfig(server_command=SERVER, server_env={**os.environ, "OUTRIGGER_CACHE": str(CACHE)})
)
async def client(lsp_client: LanguageClient):
    yield
    await lsp_client.shutdown_session()


@pytest.fixture(scope="module", autouse=True)
def _remove_cache() -> Iterator[None]:
    yield
    shutil.rmtree(CACHE, ignore_errors=True)


async def test_status_names_the_model_and_follows_its_state(client, js):
    with GatedFake() as fake:
        editor = Editor(client, js)
        await editor.start(model_url=fake.base_url)
        assert await editor.command("outrigger.status") == {
            "model": "qwen2.5-coder-0.5b",
            "state": "ready",
            "message": f"qwen2.5-coder-0.5b at {fake.base_url} is ready.",
            "endpoint": fake.base_url,
            "sandbox": sandbox_line(),
            "completion": {
                "requests": 0,
                "shown": 0,
                "dropped": {},
                "shortened": {},
                "message": "Inline completion: nothing asked yet.",
            },
        }

        fake.script("It validates a user.")
        asking = asyncio.ensure_future(editor.ask("Explain `validateUser` in src/auth.js"))
        await wait_for(fake.arrived.is_set)
        busy = await editor.command("outrigger.status")
        fake.gate.set()
        await asking
        dead = "http://127.0.0.1:9/v1"  # the discard port: nothing listens
        client.workspace_did_change_configuration(
            types.DidChangeConfigurationParams(settings={"model": {"baseUrl": dead, "name": "other"}})
        )
        unreachable = await editor.command("outrigger.status")

    assert busy["state"] == "busy"
    assert unreachable["state"] == "unreachable" and unreachable["model"] == "other"
    assert unreachable["message"].startswith(f"other at {dead} is unreachable: ")


async def test_status_of_the_embedded_model_before_its_first_use(client, js):
    editor = Editor(client, js)
    await editor.start()  # no baseUrl: the embedded model, which starts on the first request

    status = await editor.command("outrigger.status")

    assert status["state"] == "ready" and "endpoint" not in status  # null fields are left out
    assert status["message"] == "qwen2.5-coder-0.5b (embedded, starts on the first request) is ready."


async def test_a_long_answer_opens_as_a_markdown_document_outside_the_workspace(client, js, fake_model):
    editor = Editor(client, js)
    await editor.start(model_url=fake_model.base_url)
    fake_model.script(LONG_ANSWER, "It checks a token.")

    long = await editor.ask("Explain `validateUser` in src/auth.js")
    short = await editor.ask("Explain `validateToken` in src/auth.js")

    assert long["message"] == LONG_ANSWER and short["message"] == "It checks a token."
    [document] = client.shown_documents  # only the long answer gets a document
    path = Path(document.uri.removeprefix("file://"))
    assert path.parent == CACHE / "answers" and path.suffix == ".md" and document.take_focus
    assert path.read_text() == f"# Outrigger\n\n> Explain `validateUser` in src/auth.js\n\n{LONG_ANSWER}\n"
    assert not any(p.suffix == ".md" for p in js.rglob("*"))  # nothing written into the workspace
    assert editor.shown(types.MessageType.Info) == [
        f"`validateUser` checks a user object. (the full answer is in {path.name})",
        "It checks a token.",
    ]


async def test_a_client_without_show_document_gets_the_whole_answer_as_a_message(client, js, fake_model):
    editor = Editor(client, js)
    await editor.start(editor="emacs", model_url=fake_model.base_url)
    fake_model.script(LONG_ANSWER)

    await editor.ask("Explain `validateUser` in src/auth.js")

    assert editor.shown(types.MessageType.Info) == [LONG_ANSWER]
