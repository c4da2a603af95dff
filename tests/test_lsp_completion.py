"""`textDocument/inlineCompletion` end to end: the test is the editor (pytest-lsp), the model is
scripted (its `/v1/completions` fill endpoint)."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
import pytest_lsp
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient

from lsp_editor import SERVER, Editor
from outrigger.lsp.params import command_converter

STATS = "def average(values):\n    total = \n    return total / len(values)\n"


@pytest_lsp.fixture(config=ClientServerConfig(server_command=SERVER))
async def client(lsp_client: LanguageClient):
    yield
    await lsp_client.shutdown_session()


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "stats.py").write_text(STATS)
    return tmp_path


def inline(client: LanguageClient, editor: Editor, path: str, line: int, character: int):
    return client.text_document_inline_completion_async(
        types.InlineCompletionParams(
            text_document=types.TextDocumentIdentifier(uri=editor.uri(path)),
            position=types.Position(line=line, character=character),
            context=types.InlineCompletionContext(trigger_kind=types.InlineCompletionTriggerKind.Automatic),
        )
    )


async def test_ghost_text_comes_from_the_model_through_the_guards(client, project, fake_model):
    editor = Editor(client, project)
    result = await editor.start(model_url=fake_model.base_url)
    assert result.capabilities.inline_completion_provider
    editor.open("stats.py")
    fake_model.script("0; count = 0")

    answer = await inline(client, editor, "stats.py", 1, 12)

    assert isinstance(answer, types.InlineCompletionList)
    [item] = answer.items
    assert item.insert_text == "0"  # cut at the end of the statement
    assert item.range == types.Range(start=types.Position(1, 12), end=types.Position(1, 12))
    [request] = fake_model.requests()
    assert request["path"] == "/v1/completions" and request["body"]["cache_prompt"] is True


async def test_an_invented_name_never_reaches_the_editor(client, project, fake_model):
    editor = Editor(client, project)
    await editor.start(model_url=fake_model.base_url)
    editor.open("stats.py")
    fake_model.script("compute_total(values)")

    answer = await inline(client, editor, "stats.py", 1, 12)

    assert answer is None or answer.items == []
    assert any("dropped by names (compute_total)" in m.message for m in client.log_messages)


async def test_status_counts_what_each_completion_guard_dropped_and_shortened(client, project, fake_model):
    editor = Editor(client, project)
    await editor.start(model_url=fake_model.base_url)
    editor.open("stats.py")
    fake_model.script("compute_total(values)", "0; count = 0")
    await inline(client, editor, "stats.py", 1, 12)
    await inline(client, editor, "stats.py", 1, 12)

    status = await editor.command("outrigger.status")

    assert status["completion"] == {
        "requests": 2,
        "shown": 1,
        "dropped": {"names": 1},
        "shortened": {"cut": 1},
        "message": "Inline completion: 2 asked, 1 shown; dropped by names 1; shortened by cut 1.",
    }


async def test_the_file_edited_before_brings_the_lines_around_the_edit_into_the_prompt(client, project, fake_model):
    (project / "units.py").write_text("".join(f"def unit_{n}(x):\n    return x * {n}\n\n" for n in range(100)))
    editor = Editor(client, project)
    await editor.start(model_url=fake_model.base_url)
    units = editor.open("units.py")
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=units, version=2),
            content_changes=[
                types.TextDocumentContentChangePartial(
                    range=types.Range(start=types.Position(151, 15), end=types.Position(151, 17)), text="50.0"
                )
            ],
        )
    )
    editor.open("stats.py")
    fake_model.script("0")

    await inline(client, editor, "stats.py", 1, 12)

    [request] = fake_model.requests()
    prompt = request["body"]["prompt"]
    assert "<|file_sep|>units.py\n" in prompt and "return x * 50.0" in prompt and "def unit_0(" not in prompt


async def test_a_newer_request_supersedes_the_older_one_before_the_model_is_asked(client, project, fake_model):
    editor = Editor(client, project)
    await editor.start(model_url=fake_model.base_url)
    uri = editor.open("stats.py")
    fake_model.script("0")

    older = asyncio.ensure_future(inline(client, editor, "stats.py", 1, 12))
    await asyncio.sleep(0.02)
    editor.change(uri, STATS.replace("total = ", "total = s"))
    newer = await inline(client, editor, "stats.py", 1, 13)

    assert await older is None
    assert newer is None or newer.items == [] or newer.items[0].insert_text
    assert len(fake_model.requests()) == 1  # one model call for the burst


async def test_an_edit_stops_the_request_in_flight_and_the_models_stream(client, project, fake_model):
    editor = Editor(client, project)
    await editor.start(model_url=fake_model.base_url)
    uri = editor.open("stats.py")
    fake_model.script({"content": " ".join(["0"] * 200), "pause": 0.05})

    asking = asyncio.ensure_future(inline(client, editor, "stats.py", 1, 12))
    for _ in range(200):  # until the model has started writing
        await asyncio.sleep(0.02)
        if fake_model.streamed:
            break
    assert fake_model.streamed, "the model is writing its reply"
    editor.change(uri, STATS.replace("total = ", "total = s"))

    assert await asyncio.wait_for(asking, 5) is None
    await asyncio.sleep(0.5)
    assert fake_model.streamed < 60  # the stream was left, not read to its end (200 words)


async def test_settings_turn_completion_off_and_choose_languages(client, project, fake_model):
    editor = Editor(client, project)
    await editor.start(model_url=fake_model.base_url, completion={"languages": ["javascript"]})
    editor.open("stats.py")

    assert await inline(client, editor, "stats.py", 1, 12) is None

    client.workspace_did_change_configuration(
        types.DidChangeConfigurationParams(settings={"outrigger": {"completion": {"languages": ["python"]}}})
    )
    fake_model.script("0")
    answer = await inline(client, editor, "stats.py", 1, 12)
    assert answer is not None and answer.items[0].insert_text == "0"

    client.workspace_did_change_configuration(
        types.DidChangeConfigurationParams(settings={"outrigger": {"completion": {"enabled": False}}})
    )
    assert await inline(client, editor, "stats.py", 1, 12) is None
    assert len(fake_model.requests()) == 1


def test_vscode_languageclient_9s_trigger_kind_counted_from_zero_is_accepted():
    """The server's converter (what pygls structures requests with) takes VS Code's own enum."""
    params = {
        "textDocument": {"uri": "file:///w/stats.py"},
        "position": {"line": 1, "character": 12},
        "context": {"triggerKind": 0},  # VS Code's InlineCompletionTriggerKind.Invoke
    }

    structured = command_converter().structure(params, types.InlineCompletionParams)

    assert structured.context.trigger_kind == types.InlineCompletionTriggerKind.Invoked
    params["context"] = {"triggerKind": 1}  # Automatic to VS Code, Invoked in LSP 3.18: either way it is answered
    assert command_converter().structure(params, types.InlineCompletionParams).position.character == 12
