"""The language server end to end: the test is the editor (pytest-lsp), the model is scripted."""

from __future__ import annotations

import asyncio
import threading
import uuid
from pathlib import Path

import pytest
import pytest_lsp
from lsprotocol import types
from pygls.exceptions import JsonRpcInvalidParams
from pytest_lsp import ClientServerConfig, LanguageClient

from agent_helpers import copy_fixture
from fake_model import FakeModel
from lsp_editor import COMMANDS, JSDOC_REPLY, SERVER, Editor, GatedFake, wait_for


@pytest_lsp.fixture(config=ClientServerConfig(server_command=SERVER))
async def client(lsp_client: LanguageClient):
    yield
    if lsp_client.capabilities is None and lsp_client._server is not None:
        lsp_client._server.kill()  # never initialized: nothing to shut down politely
    await lsp_client.shutdown_session()


@pytest.fixture
def js(tmp_path: Path) -> Path:
    return copy_fixture("js_auth", tmp_path)


# -- capabilities and code actions ----------------------------------------------------------


async def test_capabilities_advertise_the_commands_and_code_action_kinds(client, js, fake_model):
    result = await Editor(client, js).start(model_url=fake_model.base_url)
    caps = result.capabilities
    assert sorted(caps.execute_command_provider.commands) == COMMANDS
    kinds = set(caps.code_action_provider.code_action_kinds)
    assert {types.CodeActionKind.Refactor, types.CodeActionKind.RefactorRewrite, types.CodeActionKind.QuickFix} <= kinds
    assert caps.workspace_symbol_provider and caps.document_symbol_provider


async def test_code_actions_name_the_symbol_and_never_call_the_model(client, js, fake_model):
    editor = Editor(client, js)
    await editor.start(model_url=fake_model.base_url)
    uri = editor.open("src/auth.js")

    actions = await editor.code_actions("src/auth.js", line=8, character=4)  # inside validateToken

    titles = [a.title for a in actions]
    assert "Explain `validateToken`" in titles
    assert "Add JSDoc to `validateToken`" in titles
    add = next(a for a in actions if a.title == "Add JSDoc to `validateToken`")
    assert add.kind == types.CodeActionKind.RefactorRewrite
    assert add.command.command == "outrigger.ask"
    [argument] = add.command.arguments
    assert argument["textDocument"] == {"uri": uri}
    assert argument["position"] == {"line": 8, "character": 4}
    assert "validateToken" in argument["request"] and "src/auth.js" in argument["request"]
    assert argument["plan"] == {"intent": "docstring", "symbol": "validateToken", "file": "src/auth.js"}
    about = next(a for a in actions if a.title.startswith("Ask Outrigger about `validateToken`"))
    assert about.command.command == "outrigger.askAbout"
    assert about.command.arguments[0]["symbol"] == "validateToken"
    assert fake_model.requests() == []


async def test_code_actions_respect_only_and_offer_a_fix_for_a_diagnostic(client, js, fake_model):
    editor = Editor(client, js)
    await editor.start(model_url=fake_model.base_url)
    editor.open("src/auth.js")
    where = types.Range(start=types.Position(line=15, character=2), end=types.Position(line=15, character=8))
    problem = types.Diagnostic(range=where, message="'user.token' may be undefined")

    fixes = await editor.code_actions("src/auth.js", line=15, character=2, diagnostics=[problem], only=["quickfix"])

    assert [a.title for a in fixes] == ["Fix “'user.token' may be undefined” in `validateUser`"]
    rewrites = await editor.code_actions("src/auth.js", line=15, only=["refactor"])
    assert "Add JSDoc to `validateUser`" in [a.title for a in rewrites]  # refactor admits refactor.rewrite
    assert not [a for a in rewrites if a.kind == types.CodeActionKind.QuickFix]
    assert not await editor.code_actions("src/auth.js", line=1)  # a blank line, outside every symbol
    assert fake_model.requests() == []


# -- edits: applyEdit, versions, annotations, fallback, stale guard --------------------------


async def test_rename_sends_versioned_annotated_document_changes_and_undo_reverts(client, js, fake_model):
    editor = Editor(client, js)
    await editor.start(model_url=fake_model.base_url)
    auth = editor.open("src/auth.js")
    original_user = (js / "src/user.js").read_text()

    result = await editor.ask("rename validateToken to checkToken")

    assert result["kind"] == "edit", result
    assert result["message"].startswith("Renamed `validateToken` to `checkToken`")
    assert "+function checkToken(token) {" in result["preview"]
    [params] = editor.applied
    changes = {c.text_document.uri: c for c in params.edit.document_changes}
    assert changes[auth].text_document.version == 1  # open: the version the edit was computed on
    assert changes[editor.uri("src/user.js")].text_document.version is None  # not open
    assert all(isinstance(e, types.AnnotatedTextEdit) for c in changes.values() for e in c.edits)
    annotation = params.edit.change_annotations["outrigger"]
    assert annotation.needs_confirmation is True and annotation.label == result["message"]
    assert "checkToken" in editor.text("src/auth.js") and "validateToken" not in editor.text("src/auth.js")
    assert "validateTokens" in editor.text("src/user.js")  # the comment's lookalike is untouched
    assert await editor.history() == [result["message"]]
    assert fake_model.requests() == []

    undone = await editor.command("outrigger.undo")

    assert undone["kind"] == "edit", undone
    assert editor.text("src/user.js") == original_user
    assert "validateToken" in editor.text("src/auth.js")
    assert await editor.history() == []


async def test_a_declined_edit_is_not_applied_and_not_remembered(client, js, fake_model):
    editor = Editor(client, js)
    await editor.start(model_url=fake_model.base_url)
    editor.accept = False

    result = await editor.ask("rename validateUser to checkUser")

    assert result["kind"] == "not-applied"
    assert "the user cancelled the preview" in result["message"]
    assert len(editor.declined) == 1
    assert await editor.history() == []
    assert "validateUser" in (js / "src/auth.js").read_text()


async def test_clients_without_document_changes_get_the_changes_map(client, js, fake_model):
    editor = Editor(client, js)
    await editor.start("neovim", model_url=fake_model.base_url)
    editor.open("src/auth.js")

    result = await editor.ask("rename validateSession to checkSession")

    assert result["kind"] == "edit", result
    [params] = editor.applied
    assert params.edit.document_changes is None
    assert set(params.edit.changes) == {editor.uri("src/auth.js"), editor.uri("src/session.js"), editor.uri("test.js")}
    assert all(type(e) is types.TextEdit for edits in params.edit.changes.values() for e in edits)


async def test_docstring_from_a_code_action_lands_in_the_buffer(client, js, fake_model):
    editor = Editor(client, js)
    await editor.start(model_url=fake_model.base_url)
    editor.open("src/auth.js")
    [action] = [a for a in await editor.code_actions("src/auth.js", line=15) if a.title.startswith("Add JSDoc")]
    fake_model.script(JSDOC_REPLY)

    result = await editor.command(action.command.command, *action.command.arguments)

    assert result["kind"] == "edit", result
    text = editor.text("src/auth.js")
    assert "/**\n * Checks that a user has a name and a valid token.\n" in text
    assert " * @returns {boolean}\n */\nfunction validateUser(user) {" in text
    assert text.count("/**") == 2  # validateToken's own JSDoc is untouched
    assert len(fake_model.requests()) == 1


async def test_a_code_action_sends_its_plan_so_its_words_are_never_parsed_back(client, js, fake_model):
    """The offer knows its intent and symbol: the command carries them, and the planner does not
    re-read a sentence (here one no rule understands) to find them again."""
    editor = Editor(client, js)
    await editor.start(model_url=fake_model.base_url)
    editor.open("src/auth.js")
    [action] = [a for a in await editor.code_actions("src/auth.js", line=15) if a.title.startswith("Add JSDoc")]
    [argument] = action.command.arguments
    fake_model.script(JSDOC_REPLY)

    result = await editor.command(action.command.command, {**argument, "request": "hazme la documentación, porfa"})

    assert result["kind"] == "edit", result
    assert "function validateUser(user) {" in editor.text("src/auth.js")
    assert " * Checks that a user has a name and a valid token.\n" in editor.text("src/auth.js")
    assert len(fake_model.requests()) == 1  # the doc comment's call; no plan was asked for


async def test_a_code_action_plan_the_server_never_offers_is_refused(client, js, fake_model):
    editor = Editor(client, js)
    await editor.start(model_url=fake_model.base_url)
    plan = {"intent": "task", "symbol": "validateUser", "file": "src/auth.js"}

    result = await editor.command("outrigger.ask", {"request": "do it", "plan": plan})

    assert result["kind"] == "refused" and "cannot plan 'task'" in result["message"]
    assert fake_model.requests() == []


async def test_a_document_changed_while_the_model_thinks_is_refused(client, js):
    with GatedFake() as fake:
        editor = Editor(client, js)
        await editor.start(model_url=fake.base_url)
        auth = editor.open("src/auth.js")
        fake.script(JSDOC_REPLY)
        asking = asyncio.ensure_future(editor.ask("Add a JSDoc to `validateUser` in src/auth.js"))
        await wait_for(fake.arrived.is_set)

        editor.change(auth, editor.text("src/auth.js") + "\n// typed while waiting\n")
        await client.workspace_symbol_async(types.WorkspaceSymbolParams(query="x"))  # didChange is handled
        fake.gate.set()
        result = await asking

    assert result["kind"] == "refused"
    assert result["message"] == "src/auth.js changed while Outrigger was working; nothing was applied. Ask again."
    assert editor.applied == []
    assert result["message"] in editor.shown(types.MessageType.Warning)


# -- questions, progress, cancellation ------------------------------------------------------


async def test_a_question_answers_without_apply_edit_and_reports_progress(client, js, fake_model):
    editor = Editor(client, js)
    await editor.start(model_url=fake_model.base_url)
    editor.open("src/auth.js")
    fake_model.script("It checks that the token is not blank and starts with tok_.")

    result = await editor.ask("What does this function do?", "src/auth.js", line=9)

    assert (result["kind"], result["message"]) == (
        "answer",
        "It checks that the token is not blank and starts with tok_.",
    )
    assert result["plan"] == "question `validateToken` in src/auth.js (decided by rules)"  # the cursor's symbol
    assert editor.applied == [] and editor.declined == []
    assert result["message"] in editor.shown(types.MessageType.Info)
    assert "validateToken" in fake_model.bodies()[0]["messages"][-1]["content"]
    [reports] = [r for r in client.progress_reports.values() if r]
    assert reports[0].kind == "begin" and reports[0].title == "Outrigger" and reports[0].cancellable
    assert "planning…" in [r.message for r in reports if r.kind == "report"]
    assert reports[-1].kind == "end"


async def test_an_answer_streams_into_the_progress_and_an_edit_counts_its_tokens(client, js, fake_model):
    """Issue 24: the editor shows an answer as the model writes it (the progress message is
    the text so far), and "writing … (n tokens)" while it writes an edit."""
    editor = Editor(client, js)
    await editor.start(model_url=fake_model.base_url)
    editor.open("src/auth.js")
    answer = "It checks that the user has a name and that the user's token is valid, and returns a boolean."
    fake_model.script({"content": answer, "pause": 0.05}, {"content": JSDOC_REPLY, "pause": 0.02})

    result = await editor.ask("what does validateUser do?")
    messages = [r.message for reports in client.progress_reports.values() for r in reports if r.kind == "report"]
    partial = [m for m in messages if m and answer.startswith(m)]
    await editor.ask("add JSDoc to validateUser in src/auth.js")
    later = [r.message for reports in client.progress_reports.values() for r in reports if r.kind == "report"]

    assert result["message"] == answer
    assert len(partial) >= 2 and len(partial[0]) < len(partial[-1])  # the answer grew in the progress
    assert any(m and m.startswith("writing src/auth.js… (") and m.endswith(" tokens)") for m in later)
    assert all(body.get("stream") for body in fake_model.bodies())


async def test_a_client_that_asks_gets_the_answer_in_parts_in_order_before_the_result(client, js, fake_model):
    """Issue 24: a client that fills a document as the answer comes (`partialAnswers`) gets
    `outrigger/partialAnswer` with its work-done token — each part the answer so far, longer
    than the last, all before the result; the progress no longer carries the text."""
    events: list[tuple[str, object]] = []
    client.feature("outrigger/partialAnswer")(lambda params: events.append(("part", params)))
    editor = Editor(client, js)
    await editor.start(model_url=fake_model.base_url, partialAnswers=True)
    answer = (
        "It checks that the user has a name and that the user's token is valid. It returns false "
        "for a missing user, and true only when both checks pass."
    )
    fake_model.script({"content": answer, "pause": 0.06})

    result = await client.workspace_execute_command_async(
        types.ExecuteCommandParams(
            command="outrigger.ask",
            arguments=[{"request": "what does validateUser do?"}],
            work_done_token="the-ask",
        )
    )
    events.append(("result", result))
    await asyncio.sleep(0.5)  # nothing may follow the result

    kinds = [kind for kind, _ in events]
    assert kinds[-1] == "result" and kinds.count("result") == 1, kinds
    parts = [params for kind, params in events if kind == "part"]
    assert len(parts) >= 3, parts
    assert all(p.token == "the-ask" for p in parts)
    texts = [p.text for p in parts]
    assert all(answer.startswith(text) for text in texts), texts
    assert all(len(a) < len(b) for a, b in zip(texts, texts[1:], strict=False)), texts  # in order, growing
    assert all(0 < a.tokens < b.tokens for a, b in zip(parts, parts[1:], strict=False))
    assert result["message"] == answer
    reports = [r.message or "" for r in client.progress_reports.get("the-ask", []) if r.kind == "report"]
    assert not any(text in reports for text in texts), reports


async def test_the_requests_work_done_token_carries_the_progress(client, js, fake_model):
    editor = Editor(client, js)
    await editor.start(model_url=fake_model.base_url)
    client.progress_reports["my-token"] = []

    result = await client.workspace_execute_command_async(
        types.ExecuteCommandParams(
            command="outrigger.ask",
            arguments=[{"request": "how many lines does src/auth.js have?"}],
            work_done_token="my-token",
        )
    )

    assert result["message"] == "src/auth.js has 25 lines."
    kinds = [r.kind for r in client.progress_reports["my-token"]]
    assert kinds[0] == "begin" and kinds[-1] == "end"


async def test_cancel_request_stops_the_agent_and_applies_nothing(client, js):
    with GatedFake() as fake:
        editor = Editor(client, js)
        await editor.start(model_url=fake.base_url)
        fake.script(JSDOC_REPLY)
        msg_id = str(uuid.uuid4())
        asking = asyncio.ensure_future(
            client.protocol.send_request_async(
                types.WORKSPACE_EXECUTE_COMMAND,
                types.ExecuteCommandParams(
                    command="outrigger.ask", arguments=[{"request": "Add a JSDoc to `validateUser` in src/auth.js"}]
                ),
                msg_id=msg_id,
            )
        )
        await wait_for(fake.arrived.is_set)

        client.protocol.notify(types.CANCEL_REQUEST, types.CancelParams(id=msg_id))
        with pytest.raises(Exception, match="cancel"):
            await asking
        await wait_for(lambda: any("cancelled" in m.message for m in client.log_messages))
        fake.gate.set()

        assert await editor.history() == []  # the server still answers
        renamed = await editor.ask("rename validateUser to checkUser")
    assert renamed["kind"] == "edit"
    assert len(editor.applied) == 1  # only the rename: the cancelled edit was never sent


async def test_cancelling_the_progress_cancels_the_ask(client, js):
    with GatedFake() as fake:
        editor = Editor(client, js)
        await editor.start(model_url=fake.base_url)
        fake.script(JSDOC_REPLY)
        asking = asyncio.ensure_future(editor.ask("Add a JSDoc to `validateUser` in src/auth.js"))
        await wait_for(fake.arrived.is_set)
        [token] = [t for t, reports in client.progress_reports.items() if reports and reports[0].kind == "begin"]

        client.window_work_done_progress_cancel(types.WorkDoneProgressCancelParams(token=token))
        result = await asking
        fake.gate.set()

    assert result == {"kind": "not-applied", "message": "Cancelled; nothing was changed."}
    assert editor.applied == []
    assert client.progress_reports[token][-1].kind == "end"


# -- settings -------------------------------------------------------------------------------


async def test_configuration_change_switches_the_model_endpoint(client, js, fake_model):
    with FakeModel() as other:
        editor = Editor(client, js)
        await editor.start(model_url=fake_model.base_url)
        client.workspace_did_change_configuration(
            types.DidChangeConfigurationParams(settings={"outrigger": {"model": {"baseUrl": other.base_url}}})
        )
        other.script("From the other model.")

        result = await editor.ask("Explain `validateToken` in src/auth.js")

        assert result["message"] == "From the other model."
        assert fake_model.requests() == [] and len(other.requests()) == 1

        client.workspace_did_change_configuration(
            types.DidChangeConfigurationParams(settings={"model": {"contextWindow": 10}})
        )
        await wait_for(lambda: editor.shown(types.MessageType.Error))
        assert "contextWindow" in editor.shown(types.MessageType.Error)[0]
        other.script("Still the other model.")
        assert (await editor.ask("Explain `validateUser` in src/auth.js"))["message"] == "Still the other model."


async def test_settings_are_pulled_from_workspace_configuration(client, js, fake_model):
    with FakeModel() as configured:
        client.set_configuration({"model": {"baseUrl": configured.base_url}}, section="outrigger")
        editor = Editor(client, js)
        await editor.start(model_url=fake_model.base_url)
        await wait_for(lambda: any(configured.base_url in m.message for m in client.log_messages))
        configured.script("Pulled.")

        result = await editor.ask("Explain `validateToken` in src/auth.js")

    assert result["message"] == "Pulled."
    assert fake_model.requests() == []


async def test_invalid_initialization_options_are_reported_and_ignored(client, js, fake_model):
    editor = Editor(client, js)
    await editor.start(model_url=fake_model.base_url, ignore=5)
    await wait_for(lambda: editor.shown(types.MessageType.Error))
    assert "Invalid Outrigger settings" in editor.shown(types.MessageType.Error)[0]
    assert (await editor.ask("rename validateUser to checkUser"))["kind"] == "edit"


# -- robustness -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "arguments, fragment",
    [
        ([], "it takes one argument"),
        (["rename a to b"], '{"request": "what to do"'),
        ([{"request": 5}], '{"request": "what to do"'),
        ([{"request": "explain", "textDocument": "src/auth.js"}], "$.text_document"),
        ([{"request": "explain", "position": {"line": -1, "character": 0}}], "$.position"),
    ],
)
async def test_bad_arguments_give_a_clear_error_and_the_server_lives(client, js, fake_model, arguments, fragment):
    editor = Editor(client, js)
    await editor.start(model_url=fake_model.base_url)

    with pytest.raises(JsonRpcInvalidParams) as error:
        await editor.command("outrigger.ask", *arguments)

    assert error.value.message.startswith("outrigger.ask: ") and fragment in error.value.message
    assert await editor.history() == []
    fake_model.script("It checks tokens.")
    assert (await editor.ask("explain validateToken"))["kind"] == "answer"


async def test_a_bad_model_reply_or_a_dead_endpoint_is_a_refusal_not_a_crash(client, js, fake_model):
    editor = Editor(client, js)
    await editor.start(model_url=fake_model.base_url)
    fake_model.script({"status": 500, "body": "boom"})

    broken = await editor.ask("Explain `validateToken` in src/auth.js")
    outside = await editor.ask("Explain this", "../elsewhere.js", line=0)

    assert broken["kind"] == "refused" and "HTTP 500" in broken["message"]
    assert outside["kind"] == "refused" and "outside the workspace" in outside["message"]
    assert await editor.history() == []


# -- symbols --------------------------------------------------------------------------------


async def test_pushed_editor_symbols_feed_the_map(client, js, fake_model):
    editor = Editor(client, js)
    await editor.start(model_url=fake_model.base_url)
    where = {"start": {"line": 15, "character": 0}, "end": {"line": 17, "character": 1}}
    client.protocol.notify(
        "outrigger/pushSymbols",
        {
            "symbols": [
                {
                    "name": "validateUserFromEditor",
                    "kind": 12,
                    "location": {"uri": editor.uri("src/auth.js"), "range": where},
                },
                {"name": "outsider", "kind": 12, "location": {"uri": "file:///elsewhere/x.js", "range": where}},
            ]
        },
    )

    found = await client.workspace_symbol_async(types.WorkspaceSymbolParams(query="FromEditor"))

    assert [(s.name, s.location.uri, s.location.range.start.line) for s in found] == [
        ("validateUserFromEditor", editor.uri("src/auth.js"), 15)
    ]
    assert await client.workspace_symbol_async(types.WorkspaceSymbolParams(query="outsider")) == []
    actions = await editor.code_actions("src/auth.js", line=16)
    assert "Explain `validateUserFromEditor`" in [a.title for a in actions]


async def test_document_symbols_nest_members_under_their_class(client, js, fake_model):
    editor = Editor(client, js)
    await editor.start(model_url=fake_model.base_url)

    symbols = await client.text_document_document_symbol_async(
        types.DocumentSymbolParams(text_document=types.TextDocumentIdentifier(uri=editor.uri("src/session.js")))
    )

    [store] = [s for s in symbols if s.name == "SessionStore"]
    assert store.kind == types.SymbolKind.Class
    assert {c.name for c in store.children} >= {"add", "describe"}


async def test_open_documents_are_the_truth_for_the_map(client, js, fake_model):
    editor = Editor(client, js)
    await editor.start(model_url=fake_model.base_url)
    uri = editor.open("utils.js")
    editor.change(uri, editor.text("utils.js") + "\nfunction freshlyTyped() {\n  return 1;\n}\n")

    found = await client.workspace_symbol_async(types.WorkspaceSymbolParams(query="freshlyTyped"))

    assert [s.name for s in found] == ["freshlyTyped"]
    client.text_document_did_close(
        types.DidCloseTextDocumentParams(text_document=types.TextDocumentIdentifier(uri=uri))
    )
    assert await client.workspace_symbol_async(types.WorkspaceSymbolParams(query="freshlyTyped")) == []


@pytest.mark.parametrize(
    "encodings, column",
    [(None, 26), ([types.PositionEncodingKind.Utf8], 29), ([types.PositionEncodingKind.Utf32], 25)],
)
async def test_positions_use_the_negotiated_encoding(client, js, fake_model, encodings, column):
    (js / "src/emoji.js").write_text('const s = "😀é"; function after() { return s; }\n')
    editor = Editor(client, js)
    result = await editor.start(model_url=fake_model.base_url, encodings=encodings)

    symbols = await client.text_document_document_symbol_async(
        types.DocumentSymbolParams(text_document=types.TextDocumentIdentifier(uri=editor.uri("src/emoji.js")))
    )
    actions = await editor.code_actions("src/emoji.js", line=0, character=column)

    expected = encodings[0] if encodings else types.PositionEncodingKind.Utf16
    assert result.capabilities.position_encoding == expected
    [after] = [s for s in symbols if s.name == "after"]
    assert after.selection_range.start == types.Position(line=0, character=column)
    assert "Explain `after`" in [a.title for a in actions]


# -- the real model, end to end through the LSP ---------------------------------------------


@pytest.mark.real_model
async def test_real_model_rename_question_and_docstring(client, js, embedded_model):
    editor = Editor(client, js)
    await editor.start(model_url=embedded_model, timeout=300)
    editor.open("src/auth.js")

    renamed = await editor.ask("rename validateSession to checkSession")
    assert renamed["kind"] == "edit", renamed
    assert "checkSession" in (js / "src/session.js").read_text()

    answer = await editor.ask("What does validateToken do?", "src/auth.js", line=9)
    assert answer["kind"] == "answer" and answer["message"].strip()
    assert len(editor.applied) == 1

    documented = await editor.ask("Add a JSDoc to `validateUser` in src/auth.js")
    assert documented["kind"] == "edit", documented
    text = editor.text("src/auth.js")
    assert "function validateUser(user) {\n  return Boolean(user && user.name) && validateToken(user.token);" in text
    assert text.count("/**") == 2


# -- in process ------------------------------------------------------------------------------


async def test_progress_reported_from_a_worker_thread_is_sent_from_the_event_loop():
    from outrigger.lsp.language_server import OutriggerServer

    ls = OutriggerServer()
    seen = []
    ls.log = lambda message, kind=None: seen.append((message, threading.current_thread() is threading.main_thread()))
    ls._event_loop = asyncio.get_running_loop()

    await asyncio.to_thread(ls.reporter(None), "Fetching the model…", 40)  # as EmbeddedServer.start does
    await asyncio.sleep(0.05)

    assert seen == [("Fetching the model…", True)]


def _pulling_server(answers: list[tuple[float, str]]):
    """A server whose client answers each `workspace/configuration` pull, in turn, after a
    delay with a model name: the slow first answer is the older one."""
    from outrigger.lsp.language_server import OutriggerServer

    ls = OutriggerServer()
    ls.log = lambda message, kind=None: None
    ls.capability = lambda field, default=None: True
    pending = iter(answers)

    async def pull(params):
        delay, name = next(pending)
        await asyncio.sleep(delay)
        return [{"model": {"name": name}}]

    ls.workspace_configuration_async = pull
    return ls


async def test_settings_changes_apply_in_the_order_they_arrived():
    # VS Code writes a model choice as several settings, one change notification each; an
    # older pull answered last had left the server on the old model name.
    ls = _pulling_server([(0.2, "old-name"), (0.0, "new-name")])

    await asyncio.gather(ls.change_settings(None), ls.change_settings(None))

    assert ls.settings.model.name == "new-name"


async def test_status_reports_the_settings_received_before_it():
    ls = _pulling_server([(0.2, "new-name")])

    change = asyncio.create_task(ls.change_settings(None))
    await asyncio.sleep(0)  # the notification is handled first, as on the wire
    status = await ls.status()

    assert status.model == "new-name"
    await change


async def test_a_client_that_never_answers_the_pull_leaves_the_settings(monkeypatch):
    from outrigger.lsp import language_server

    monkeypatch.setattr(language_server, "CONFIGURATION_SECONDS", 0.05)
    ls = _pulling_server([(60.0, "never")])

    await asyncio.wait_for(ls.change_settings(None), 5)

    assert ls.settings.model.name == language_server.Settings().model.name
    assert (await asyncio.wait_for(ls.status(), 5)).model == ls.settings.model.name
