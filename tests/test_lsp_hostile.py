"""The language server against a hostile workspace and a hostile editor, end to end (pytest-lsp
is the editor, the model is scripted): an ignore list changed at run time, a file that breaks
the indexer, a workspace bigger than the index limits, symbols pushed with lying ranges."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest_lsp
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient

from agent_helpers import copy_fixture
from lsp_editor import SERVER, Editor, wait_for


@pytest_lsp.fixture(config=ClientServerConfig(server_command=SERVER))
async def client(lsp_client: LanguageClient):
    yield
    if lsp_client.capabilities is None and lsp_client._server is not None:
        lsp_client._server.kill()
    await lsp_client.shutdown_session()


async def symbols(client: LanguageClient, query: str) -> list[str]:
    """`file:name:line` of each workspace symbol matching `query`."""
    found = await client.workspace_symbol_async(types.WorkspaceSymbolParams(query=query))
    return [f"{s.location.uri.rsplit('/', 1)[-1]}:{s.name}:{s.location.range.start.line}" for s in found]


async def until(client: LanguageClient, query: str, holds, timeout: float = 10.0) -> list[str]:
    """Poll the workspace symbols until `holds(found)` (a notification's effect is not awaited)."""
    deadline = asyncio.get_running_loop().time() + timeout
    while not holds(found := await symbols(client, query)):
        assert asyncio.get_running_loop().time() < deadline, f"still {found}"
        await asyncio.sleep(0.05)
    return found


async def test_an_ignore_list_changed_at_run_time_takes_effect(client, tmp_path: Path, fake_model):
    js = copy_fixture("js_auth", tmp_path)
    editor = Editor(client, js)
    await editor.start(model_url=fake_model.base_url)
    await until(client, "validateToken", lambda found: any(f.startswith("auth.js:") for f in found))

    client.workspace_did_change_configuration(
        types.DidChangeConfigurationParams(settings={"outrigger": {"ignore": ["src/auth.js"]}})
    )

    await until(client, "validateToken", lambda found: not any(f.startswith("auth.js:") for f in found))
    refused = await editor.ask("Explain `validateToken` in src/auth.js")
    assert refused["kind"] == "refused" and "ignore list" in refused["message"], refused
    assert fake_model.requests() == []


async def test_a_file_that_breaks_the_indexer_leaves_the_folder_working(client, tmp_path: Path, fake_model):
    js = copy_fixture("js_auth", tmp_path)
    (js / "deep.py").write_text("".join("    " * i + "if x:\n" for i in range(600)) + "    " * 600 + "pass\n")
    editor = Editor(client, js)
    await editor.start(model_url=fake_model.base_url)
    fake_model.script("It checks a token.")

    answer = await editor.ask("Explain `validateToken` in src/auth.js")

    assert answer["kind"] == "answer", answer
    assert not editor.shown(types.MessageType.Error)


async def test_a_workspace_past_the_index_limit_says_so(client, tmp_path: Path, fake_model):
    js = copy_fixture("js_auth", tmp_path)
    editor = Editor(client, js)
    await editor.start(model_url=fake_model.base_url, index={"maxFiles": 2})
    await wait_for(lambda: editor.shown(types.MessageType.Warning))
    assert "outrigger.index.maxFiles" in editor.shown(types.MessageType.Warning)[0]


async def test_a_pushed_range_on_a_neighbour_does_not_steer_the_edit(client, tmp_path: Path, fake_model):
    js = copy_fixture("js_auth", tmp_path)
    editor = Editor(client, js)
    # The fix below breaks the workspace's own tests on purpose; this test is about the range.
    await editor.start(model_url=fake_model.base_url, tests={"run": "never"})
    uri = editor.uri("src/auth.js")
    text = editor.text("src/auth.js")
    lines = text.split("\n")
    user_line = next(i for i, line in enumerate(lines) if line.startswith("function validateUser"))
    # validateToken placed on validateUser's lines, and a whole-file range for validateUser.
    wrong = {"start": {"line": user_line, "character": 0}, "end": {"line": user_line + 2, "character": 1}}
    everything = {"start": {"line": 0, "character": 0}, "end": {"line": len(lines) - 1, "character": 0}}
    client.protocol.notify(
        "outrigger/pushSymbols",
        {
            "symbols": [
                {"name": "validateToken", "kind": 12, "location": {"uri": uri, "range": wrong}},
                {"name": "validateUser", "kind": 12, "location": {"uri": uri, "range": everything}},
            ]
        },
    )
    await until(client, "validateToken", lambda found: f"auth.js:validateToken:{user_line}" in found)
    fake_model.script("function validateToken(token) {\n  return false;\n}\n")

    result = await editor.ask("fix validateToken in src/auth.js")

    assert result["kind"] == "edit", result
    after = editor.text("src/auth.js")
    assert "function validateUser" in after and after.count("function validateToken") == 1
    assert "return false;" in after
