"""The language server's state per request and per folder, through a real LSP client: concurrent
asks keep their own progress, several workspace folders each get a session, files changed
outside the editor re-index, and a client that shows results itself gets no echo of them."""

from __future__ import annotations

import asyncio
import shutil
from pathlib import Path

import pytest
import pytest_lsp
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient

from agent_helpers import copy_fixture
from lsp_editor import SERVER, Editor, GatedFake, wait_for


@pytest_lsp.fixture(config=ClientServerConfig(server_command=SERVER))
async def client(lsp_client: LanguageClient):
    yield
    await lsp_client.shutdown_session()


@pytest.fixture
def js(tmp_path: Path) -> Path:
    return copy_fixture("js_auth", tmp_path)


@pytest.fixture
def py(tmp_path: Path) -> Path:
    return copy_fixture("py_items", tmp_path)


async def test_concurrent_asks_report_progress_each_to_its_own_token(client, js):
    with GatedFake() as fake:
        editor = Editor(client, js)
        await editor.start(model_url=fake.base_url)
        fake.script("It validates a user.", "It validates a token.")

        first = asyncio.ensure_future(editor.ask("Explain `validateUser` in src/auth.js"))
        await wait_for(fake.arrived.is_set)
        second = asyncio.ensure_future(editor.ask("Explain `validateToken` in src/auth.js"))
        await wait_for(lambda: len([r for r in client.progress_reports.values() if r]) == 2)
        fake.gate.set()
        results = await asyncio.gather(first, second)

    assert sorted(r["message"] for r in results) == ["It validates a token.", "It validates a user."]
    tokens = [reports for reports in client.progress_reports.values() if reports]
    for reports in tokens:  # each ask began, reported its own steps and ended on its own token
        assert reports[0].kind == "begin" and reports[-1].kind == "end"
        assert [r.message for r in reports if r.kind == "report"].count("planning…") == 1
    assert {reports[0].message for reports in tokens} == {
        "Explain `validateUser` in src/auth.js",
        "Explain `validateToken` in src/auth.js",
    }


async def test_a_client_that_presents_results_gets_no_echo_of_them(client, js, fake_model):
    editor = Editor(client, js)
    await editor.start(model_url=fake_model.base_url, presentsResults=True)

    answer = await editor.ask("how many lines does utils.js have?")
    refusal = await editor.ask("rename noSuchThing to other")

    assert answer["message"] == "utils.js has 16 lines." and refusal["kind"] == "refused"
    assert editor.shown() == []  # no window/showMessage: the client shows the results itself
    logged = [m.message for m in client.log_messages]
    assert answer["message"] in logged and refusal["message"] in logged


async def test_without_presents_results_the_result_is_also_a_message(client, js, fake_model):
    editor = Editor(client, js)
    await editor.start(model_url=fake_model.base_url)

    answer = await editor.ask("how many lines does utils.js have?")

    assert editor.shown(types.MessageType.Info) == [answer["message"]]


async def test_each_workspace_folder_has_its_own_session(client, js, py, fake_model):
    editor = Editor(client, js)
    await editor.start(model_url=fake_model.base_url, folders=[js, py])

    renamed = await editor.command(
        "outrigger.ask",
        {"request": "rename get_item_count to count_items", "textDocument": {"uri": (py / "items.py").as_uri()}},
    )
    lines = await editor.command(
        "outrigger.ask",
        {"request": "how many lines does utils.js have?", "textDocument": {"uri": editor.uri("utils.js")}},
    )

    assert renamed["kind"] == "edit", renamed
    assert "count_items" in (py / "items.py").read_text() and "count_items" in (py / "store.py").read_text()
    assert lines["message"] == "utils.js has 16 lines."
    symbols = await client.workspace_symbol_async(types.WorkspaceSymbolParams(query="count_items"))
    assert {Path(s.location.uri.removeprefix("file://")).parent for s in symbols} == {py}


async def test_folders_added_and_removed_while_running(client, js, py, fake_model):
    editor = Editor(client, js)
    await editor.start(model_url=fake_model.base_url)
    items = {"request": "where is get_items defined?", "textDocument": {"uri": (py / "items.py").as_uri()}}
    before = await editor.command("outrigger.ask", items)

    client.workspace_did_change_workspace_folders(
        types.DidChangeWorkspaceFoldersParams(
            event=types.WorkspaceFoldersChangeEvent(
                added=[types.WorkspaceFolder(uri=py.as_uri(), name="py")],
                removed=[types.WorkspaceFolder(uri=js.as_uri(), name="js")],
            )
        )
    )
    await wait_for(lambda: any("indexed" in m.message and str(py) in m.message for m in client.log_messages))
    after = await editor.command("outrigger.ask", items)
    gone = await editor.command(
        "outrigger.ask",
        {"request": "where is validateToken defined?", "textDocument": {"uri": editor.uri("src/auth.js")}},
    )

    assert before["kind"] == "refused" and "not inside a workspace folder" in before["message"]
    assert after["message"] == "`get_items` (function) is defined in items.py:10."
    assert gone["kind"] == "refused"


async def test_files_changed_outside_the_editor_are_indexed_again(client, js, fake_model):
    editor = Editor(client, js)
    await editor.start(model_url=fake_model.base_url)
    await wait_for(lambda: editor.registrations)
    [registration] = editor.registrations
    assert registration.method == types.WORKSPACE_DID_CHANGE_WATCHED_FILES

    (js / "src/extra.js").write_text("function freshFromGit() {\n  return 1;\n}\n")
    shutil.copy(js / "utils.js", js / "src/copied.js")
    client.workspace_did_change_watched_files(
        types.DidChangeWatchedFilesParams(
            changes=[
                types.FileEvent(uri=editor.uri("src/extra.js"), type=types.FileChangeType.Created),
                types.FileEvent(uri=editor.uri("src/copied.js"), type=types.FileChangeType.Created),
            ]
        )
    )
    (js / "utils.js").unlink()
    client.workspace_did_change_watched_files(
        types.DidChangeWatchedFilesParams(
            changes=[types.FileEvent(uri=editor.uri("utils.js"), type=types.FileChangeType.Deleted)]
        )
    )

    async def found(query: str) -> set[str]:
        symbols = await client.workspace_symbol_async(types.WorkspaceSymbolParams(query=query))
        return {s.location.uri.rsplit("/", 1)[-1] for s in symbols if s.name == query}

    await wait_for_async(lambda: found("freshFromGit"), {"extra.js"})
    assert await found("clamp") == {"copied.js"}  # utils.js is gone from the map


async def wait_for_async(probe, expected, timeout: float = 10.0) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while (value := await probe()) != expected:
        if loop.time() > deadline:
            raise AssertionError(f"still {value!r}, expected {expected!r}")
        await asyncio.sleep(0.05)


async def test_a_language_without_a_grammar_is_edited_within_the_editors_symbol(client, tmp_path, fake_model):
    """Kotlin has no grammar here, but the editor's own language server knows its symbols: the
    edit stays inside the pushed range, and the result says no syntax check ran."""
    root = tmp_path / "kt"
    root.mkdir()
    source = 'fun greet(name: String): String {\n    return "hi " + name\n}\n\nfun part(): Int {\n    return 1\n}\n'
    (root / "App.kt").write_text(source)
    editor = Editor(client, root)
    await editor.start(model_url=fake_model.base_url)
    uri = editor.uri("App.kt")
    where = {"start": {"line": 0, "character": 0}, "end": {"line": 2, "character": 1}}
    client.protocol.notify(
        "outrigger/pushSymbols", {"symbols": [{"name": "greet", "kind": 12, "location": {"uri": uri, "range": where}}]}
    )
    await wait_for(lambda: any("pushSymbols: 1 symbols" in m.message for m in client.log_messages))
    fake_model.script('```kotlin\nfun greet(name: String): String {\n    return "hello, " + name\n}\n```')

    result = await editor.ask("fix greet in App.kt so it says hello")

    assert result["kind"] == "edit", result
    after = (root / "App.kt").read_text()
    assert 'return "hello, " + name' in after and "fun part(): Int {\n    return 1\n}" in after
    assert any("No syntax check ran for App.kt" in note for note in result["notes"])
