"""Multi-file tasks through the language server: the test is the editor (pytest-lsp), the model
is scripted where a step needs one. A task arrives as one `workspace/applyEdit` whose
`documentChanges` create and delete files next to versioned text edits, one change annotation
per step; the editor applies all of it or none, and `outrigger.undo` takes the whole task back."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest
import pytest_lsp
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities

from agent_helpers import write_files
from lsp_editor import SERVER, Editor, GatedFake, vscode_section, wait_for
from test_tasks import PEOPLE_PY, REPORT_PY, ROUTES_JS, ROUTES_TEST, SESSION_JS, SIGNUP_PY, TESTS_PY, UTILS_PY

MOVE = "move format_date out of utils.py into a new dates.py"
ADD_AND_CALL = "add a `logout(session)` to src/session.js and call it from `handleLogout` in src/routes.js"
LOGOUT = "function logout(session) {\n  session.active = false;\n}\n"
HANDLE_LOGOUT = 'function handleLogout(req) {\n  logout(req.session);\n  return "bye";\n}\n'
OLD_API = "def legacy():\n    return 1\n"


@pytest_lsp.fixture(config=ClientServerConfig(server_command=SERVER))
async def client(lsp_client: LanguageClient):
    yield
    await lsp_client.shutdown_session()


@pytest.fixture
def office(tmp_path: Path) -> Path:
    """A Python project with tests (pytest) and an unused module."""
    return write_files(
        tmp_path / "office",
        {
            "utils.py": UTILS_PY,
            "report.py": REPORT_PY,
            "people.py": PEOPLE_PY,
            "signup.py": SIGNUP_PY,
            "old_api.py": OLD_API,
            "tests/test_office.py": TESTS_PY,
            "pytest.ini": "[pytest]\npythonpath = .\n",
        },
    )


@pytest.fixture
def web(tmp_path: Path) -> Path:
    """A JavaScript project with tests (npm test)."""
    return write_files(
        tmp_path / "web",
        {
            "src/session.js": SESSION_JS,
            "src/routes.js": ROUTES_JS,
            "test.js": ROUTES_TEST,
            "package.json": json.dumps({"name": "web", "scripts": {"test": "node test.js"}}),
        },
    )


def listing(root: Path) -> dict[str, str]:
    return {str(p.relative_to(root)): p.read_text() for p in sorted(root.rglob("*")) if p.is_file()}


def uri_tail(uri: str, root: Path) -> str:
    return uri.removeprefix(root.as_uri() + "/")


async def where_defined(editor: Editor, name: str) -> str:
    return (await editor.ask(f"where is {name} defined?"))["message"]


# -- a task arrives as one edit -----------------------------------------------------------


async def test_a_move_is_one_edit_creating_the_file_and_undo_takes_the_whole_task_back(client, office, fake_model):
    editor = Editor(client, office)
    await editor.start(model_url=fake_model.base_url)
    report = editor.open("report.py")
    before = listing(office)

    result = await editor.ask(MOVE)

    assert result["kind"] == "edit", result
    assert result["message"] == "Moved `format_date` from utils.py to dates.py."
    assert result["plan"].splitlines() == [
        "task of 1 step (decided by rules):",
        f"  1. move `format_date` from utils.py to dates.py — {MOVE}",
    ]
    assert any("tests" in note and "pass with this change" in note for note in result["notes"]), result["notes"]
    [params] = editor.applied  # one applyEdit for the whole task
    changes = params.edit.document_changes
    shapes = [
        (type(change).__name__, uri_tail(getattr(change, "uri", None) or change.text_document.uri, office))
        for change in changes
    ]
    assert shapes == [
        ("TextDocumentEdit", "utils.py"),
        ("CreateFile", "dates.py"),
        ("TextDocumentEdit", "dates.py"),
        ("TextDocumentEdit", "report.py"),
    ]
    create = changes[1]
    assert (create.options.overwrite, create.options.ignore_if_exists) == (False, False)  # never over a file
    versions = {uri_tail(c.text_document.uri, office): c.text_document.version for c in changes if hasattr(c, "edits")}
    assert versions == {"utils.py": None, "dates.py": None, "report.py": 1}  # report.py is open at version 1
    annotations = params.edit.change_annotations
    assert annotations["outrigger"].label == result["message"]
    [step] = [a for key, a in annotations.items() if key != "outrigger"]
    assert step.label == f"Step 1: move `format_date` from utils.py to dates.py — {MOVE}"
    assert step.needs_confirmation is True
    step_id = next(key for key, a in annotations.items() if a is step)
    annotated = [create.annotation_id] + [e.annotation_id for c in changes if hasattr(c, "edits") for e in c.edits]
    assert set(annotated) == {step_id}  # the preview groups every change under its step

    dates = (office / "dates.py").read_text()
    assert dates.startswith("from datetime import date\n\n\ndef format_date(day: date) -> str:")
    assert "def format_date" not in (office / "utils.py").read_text()
    assert "from dates import format_date" in editor.text("report.py")  # the open buffer, not the disk
    assert (office / "report.py").read_text() == REPORT_PY
    assert editor.buffers[report][1] == 2
    assert await editor.history() == [result["message"]]
    assert "dates.py:4" in await where_defined(editor, "format_date")  # the map follows the new file
    assert fake_model.requests() == []

    undone = await editor.command("outrigger.undo")

    assert undone["kind"] == "edit", undone
    [_, undo] = editor.applied
    deleted = [c for c in undo.edit.document_changes if isinstance(c, types.DeleteFile)]
    assert [uri_tail(c.uri, office) for c in deleted] == ["dates.py"]
    assert listing(office) == before
    assert editor.text("report.py") == REPORT_PY
    assert await editor.history() == []
    assert "utils.py:6" in await where_defined(editor, "format_date")


async def test_each_step_of_a_task_has_its_own_annotation(client, web, fake_model):
    editor = Editor(client, web)
    await editor.start(model_url=fake_model.base_url)
    fake_model.script(LOGOUT, HANDLE_LOGOUT)

    result = await editor.ask(ADD_AND_CALL)

    assert result["kind"] == "edit", result
    assert result["plan"].splitlines()[0] == "task of 2 steps (decided by rules):"
    assert [line.split(" — ")[0] for line in result["plan"].splitlines()[1:]] == [
        "  1. add `logout` in src/session.js",
        "  2. edit `handleLogout` in src/routes.js",
    ]
    assert len(fake_model.requests()) == 2  # one call per file
    [params] = editor.applied
    annotations = params.edit.change_annotations
    by_file = {
        uri_tail(change.text_document.uri, web): {
            annotations[e.annotation_id].label.split(":")[0] for e in change.edits
        }
        for change in params.edit.document_changes
    }
    assert by_file == {"src/session.js": {"Step 1"}, "src/routes.js": {"Step 2"}}
    assert all(a.needs_confirmation for a in annotations.values())
    assert "logout(req.session);" in (web / "src/routes.js").read_text()
    assert 'const { logout } = require("./session");' in (web / "src/routes.js").read_text()  # the check added it
    assert "module.exports = { startSession, logout }" in (web / "src/session.js").read_text()
    assert any("pass with this change" in note for note in result["notes"]), result["notes"]


async def test_a_deletion_closes_the_buffer_a_used_file_is_refused_and_undo_restores_it(client, office, fake_model):
    editor = Editor(client, office)
    await editor.start(model_url=fake_model.base_url)
    old_api = editor.open("old_api.py")

    deleted = await editor.ask("remove old_api.py now that nothing imports it")
    refused = await editor.ask("delete people.py")

    assert deleted["kind"] == "edit", deleted
    [params] = editor.applied
    [change] = params.edit.document_changes
    assert isinstance(change, types.DeleteFile) and change.uri == old_api
    assert params.edit.change_annotations[change.annotation_id].label.startswith("Step 1: delete in old_api.py")
    assert not (office / "old_api.py").exists() and old_api not in editor.buffers
    assert refused["kind"] == "refused" and "signup.py:1 imports it" in refused["message"]
    assert len(editor.applied) == 1 and (office / "people.py").read_text() == PEOPLE_PY
    assert fake_model.requests() == []

    undone = await editor.command("outrigger.undo")

    assert undone["kind"] == "edit", undone
    assert [type(c).__name__ for c in editor.applied[1].edit.document_changes] == ["CreateFile", "TextDocumentEdit"]
    assert (office / "old_api.py").read_text() == OLD_API
    assert await editor.history() == []


# -- editors that cannot, or will not, apply a task -----------------------------------------


def without_resource_operations() -> types.ClientCapabilities:
    capabilities = client_capabilities("visual-studio-code")
    capabilities.workspace.workspace_edit.resource_operations = None
    return capabilities


def changes_map_only() -> types.ClientCapabilities:
    """pytest-lsp's Neovim 0.11 without the documented configuration: resource operations are
    offered, but no `documentChanges`, the only place they can travel."""
    capabilities = client_capabilities("neovim")
    assert (
        capabilities.workspace.workspace_edit.resource_operations
        and not capabilities.workspace.workspace_edit.document_changes
    )
    return capabilities


@pytest.mark.parametrize("capabilities", [without_resource_operations, changes_map_only])
async def test_an_editor_that_cannot_create_files_gets_a_sentence_and_nothing_changes(
    client, office, fake_model, capabilities
):
    editor = Editor(client, office)
    await editor.start(model_url=fake_model.base_url, capabilities=capabilities())
    before = listing(office)

    result = await editor.ask(MOVE)

    assert result["kind"] == "not-applied", result
    assert result["message"].startswith("This task needs to create files, which this editor cannot do through LSP")
    assert "--- /dev/null\n+++ b/dates.py" in result["preview"]  # what it would have done
    assert result["message"] in editor.shown(types.MessageType.Warning)
    assert editor.applied == [] and editor.declined == []  # nothing was sent
    assert listing(office) == before
    assert await editor.history() == []


async def test_a_declined_task_changes_nothing_and_is_not_remembered(client, office, fake_model):
    editor = Editor(client, office)
    await editor.start(model_url=fake_model.base_url)
    editor.accept = False
    before = listing(office)

    result = await editor.ask(MOVE)

    assert result["kind"] == "not-applied" and "the user cancelled the preview" in result["message"]
    assert len(editor.declined) == 1
    assert listing(office) == before
    assert await editor.history() == []
    assert "utils.py:6" in await where_defined(editor, "format_date")


async def test_an_editor_that_fails_one_change_applies_none(client, office, fake_model):
    """dates.py appears between the plan and the edit: the editor refuses the CreateFile
    (overwrite: false), so the text edits of the same task are not made either."""
    editor = Editor(client, office)
    await editor.start(model_url=fake_model.base_url)
    original = editor._apply_edit

    def someone_creates_the_file_first(params):
        (office / "dates.py").write_text("# mine\n")
        return original(params)

    editor._apply_edit = someone_creates_the_file_first
    before = listing(office)

    result = await editor.ask(MOVE)

    assert result["kind"] == "not-applied" and "dates.py already exists" in result["message"], result
    assert listing(office) == {**before, "dates.py": "# mine\n"}
    assert await editor.history() == []


# -- cancelling ---------------------------------------------------------------------------


async def test_cancelling_a_task_between_steps_leaves_nothing_behind(client, web):
    with GatedFake() as fake:
        editor = Editor(client, web)
        await editor.start(model_url=fake.base_url)
        fake.script(LOGOUT, HANDLE_LOGOUT)
        before = listing(web)
        asking = asyncio.ensure_future(editor.ask(ADD_AND_CALL))
        await wait_for(lambda: fake.arrivals == 1)
        fake.let_one_through()  # step 1 (src/session.js) is done …
        await wait_for(lambda: fake.arrivals == 2)  # … and step 2 is waiting for the model
        [token] = [t for t, reports in client.progress_reports.items() if reports and reports[0].kind == "begin"]

        client.window_work_done_progress_cancel(types.WorkDoneProgressCancelParams(token=token))
        result = await asking
        fake.gate.set()

        assert result == {"kind": "not-applied", "message": "Cancelled; nothing was changed."}
        steps = [
            r.message for r in client.progress_reports[token] if r.kind == "report" and r.message.startswith("step")
        ]
        assert [s.split(":")[0] for s in steps] == ["step 1/2", "step 2/2"]
        assert editor.applied == []
        assert listing(web) == before
        assert await editor.history() == []
        renamed = await editor.ask("rename handleLogin to handleSignIn")  # the server goes on
    assert renamed["kind"] == "edit", renamed
    assert len(editor.applied) == 1


async def test_tests_run_never_in_the_editors_settings_keeps_the_projects_tests_from_running(
    client, office, fake_model
):
    """VS Code answers the server's pull of the `outrigger` section with every setting the
    extension declares; a user's `tests.run: "never"` among them switches the tests guard off
    (with the default, the move above runs the project's tests)."""
    settings = vscode_section(model={"baseUrl": fake_model.base_url}, tests={"run": "never"})
    client.set_configuration(settings, section="outrigger")
    editor = Editor(client, office)
    await editor.start(model_url=fake_model.base_url)
    await wait_for(lambda: any(m.message.startswith("Model: ") for m in client.log_messages))

    result = await editor.ask(MOVE)

    assert result["kind"] == "edit", result
    assert "The project's tests did not run: they are switched off (tests.run: never)." in result["notes"]
    assert not editor.shown(types.MessageType.Error), "the whole section VS Code sends is valid settings"


# -- what the checks found, before the user decides ----------------------------------------


async def test_the_checks_notes_are_in_the_preview_before_the_user_decides(client, office, fake_model):
    """With `tests.onFailure: "warn"` a change that breaks the tests is offered with the
    failure shown: the warning must be in what the editor previews, not only in the result
    that arrives after the user applied it."""
    editor = Editor(client, office)
    await editor.start(model_url=fake_model.base_url, tests={"onFailure": "warn"})
    editor.accept = False
    fake_model.script("from people import create_user\n\n\ndef test_wrong():\n    assert create_user('a') == 3\n")

    warned = await editor.ask("create tests/test_people.py with tests for create_user")
    moved = await editor.ask(MOVE)

    assert warned["kind"] == "not-applied", warned
    [breaking, passing] = [params.edit.change_annotations["outrigger"] for params in editor.declined]
    assert "Warning: This change makes the project's tests fail" in breaking.description
    assert "test_wrong" in breaking.description
    assert "pass with this change" in passing.description
    assert moved["kind"] == "not-applied"
    assert not (office / "tests/test_people.py").exists() and not (office / "dates.py").exists()
