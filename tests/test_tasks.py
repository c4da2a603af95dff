"""Multi-file tasks through the agent: planned as steps (one file each), checked against the map
before any model call, run on proposed texts, checked across files, offered as one change or
refused whole. Scripted replies stand in for the model where one is called; moves, deletes and
refusals call none."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from agent_helpers import apply, make_agent
from outrigger.plan import Intent, StepAction

SESSION_JS = """\
function startSession(user) {
  return { user, active: true };
}

module.exports = { startSession };
"""

ROUTES_JS = """\
const { startSession } = require("./session");

function handleLogin(req) {
  req.session = startSession(req.user);
  return "hello";
}

function handleLogout(req) {
  return "bye";
}

module.exports = { handleLogin, handleLogout };
"""

ROUTES_TEST = """\
const assert = require("assert");
const { handleLogin, handleLogout } = require("./src/routes");
const req = { user: "ann" };
assert.strictEqual(handleLogin(req), "hello");
assert.strictEqual(handleLogout(req), "bye");
"""


@pytest.fixture
def web(tmp_path: Path) -> Path:
    root = tmp_path / "web"
    (root / "src").mkdir(parents=True)
    (root / "src/session.js").write_text(SESSION_JS)
    (root / "src/routes.js").write_text(ROUTES_JS)
    (root / "test.js").write_text(ROUTES_TEST)
    (root / "package.json").write_text(json.dumps({"name": "web", "scripts": {"test": "node test.js"}}))
    return root


UTILS_PY = '''\
"""Small helpers."""

from datetime import date


def format_date(day: date) -> str:
    return day.strftime("%Y-%m-%d")


def shout(text):
    return text.upper() + "!"
'''

REPORT_PY = """\
from datetime import date

from utils import format_date, shout


def headline(day):
    return shout(format_date(day))
"""

PEOPLE_PY = """\
def create_user(name):
    return {"name": name}
"""

SIGNUP_PY = """\
from people import create_user


def sign_up(name):
    return create_user(name)


def invite(name):
    user = create_user(name)
    user["invited"] = True
    return user
"""

TESTS_PY = """\
from datetime import date

from report import headline
from signup import invite, sign_up


def test_headline():
    assert headline(date(2024, 1, 2)) == "2024-01-02!"


def test_sign_up():
    assert sign_up("ann")["name"] == "ann"
    assert invite("bo")["invited"]
"""


@pytest.fixture
def office(tmp_path: Path) -> Path:
    root = tmp_path / "office"
    (root / "tests").mkdir(parents=True)
    (root / "utils.py").write_text(UTILS_PY)
    (root / "report.py").write_text(REPORT_PY)
    (root / "people.py").write_text(PEOPLE_PY)
    (root / "signup.py").write_text(SIGNUP_PY)
    (root / "old_api.py").write_text("def legacy():\n    return 1\n")
    (root / "tests/test_office.py").write_text(TESTS_PY)
    (root / "pytest.ini").write_text("[pytest]\npythonpath = .\n")
    return root


def run_tests(root: Path, command: list[str]) -> subprocess.CompletedProcess:
    return subprocess.run(command, cwd=root, capture_output=True, text=True, timeout=60)


def pytest_in(root: Path) -> subprocess.CompletedProcess:
    return run_tests(root, [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"])


async def test_add_a_function_and_call_it_from_another_file(web, fake_model):
    fake_model.script(
        "function logout(session) {\n  session.active = false;\n}\n",
        'function handleLogout(req) {\n  logout(req.session);\n  return "bye";\n}\n',
    )
    agent = make_agent(web, fake_model.base_url)

    outcome = await agent.ask(
        "add a `logout(session)` to src/session.js and call it from `handleLogout` in src/routes.js"
    )

    assert outcome.kind == "edit", outcome.message
    assert outcome.plan.intent is Intent.TASK
    assert [s.action for s in outcome.plan.steps] == [StepAction.ADD, StepAction.EDIT]
    texts = {edit.path: edit.new_text for edit in outcome.edits}
    assert "module.exports = { startSession, logout }" in texts["src/session.js"]
    assert 'const { logout } = require("./session");' in texts["src/routes.js"]
    first, second = (body["messages"][-1]["content"] for body in fake_model.bodies())
    assert "function startSession" in first and "function handleLogin" not in first  # one file per call
    assert "src/session.js defines `function logout(session) {`" in second  # a fact, not a body
    assert "session.active = false" not in second
    assert any("pass with this change" in note for note in outcome.notes)
    apply(agent, outcome)
    assert run_tests(web, ["node", "test.js"]).returncode == 0
    logged_out = "const r = require('./src/routes'); const q = {user: 'a'}; r.handleLogin(q); r.handleLogout(q);"
    assert run_tests(web, ["node", "-e", logged_out + " if (q.session.active) process.exit(1);"]).returncode == 0


async def test_move_a_function_to_a_new_file_fixes_its_imports_without_the_model(office, fake_model):
    agent = make_agent(office, fake_model.base_url)

    outcome = await agent.ask("move format_date out of utils.py into a new dates.py")

    assert outcome.kind == "edit", outcome.message
    assert fake_model.requests() == []
    texts = {edit.path: (edit.kind, edit.new_text) for edit in outcome.edits}
    kind, dates = texts["dates.py"]
    assert kind == "create" and dates.startswith("from datetime import date\n\n\ndef format_date(day: date) -> str:")
    assert "def format_date" not in texts["utils.py"][1]
    assert "from utils import shout\nfrom dates import format_date\n" in texts["report.py"][1]
    apply(agent, outcome)
    assert pytest_in(office).returncode == 0


async def test_a_new_parameter_is_passed_from_every_caller(office, fake_model):
    fake_model.script(
        'def create_user(name, email):\n    return {"name": name, "email": email}\n',
        'def sign_up(name):\n    return create_user(name, email=f"{name}@example.com")\n',
        'def invite(name):\n    user = create_user(name, email=f"{name}@example.com")\n    user["invited"] = True\n    return user\n',
    )
    agent = make_agent(office, fake_model.base_url)

    outcome = await agent.ask("add an `email` parameter to create_user and pass it from every caller")

    assert outcome.kind == "edit", outcome.message
    symbols = [step.symbol for step in outcome.plan.steps]
    assert symbols == ["create_user", "create_user"]  # the callers are expanded when the task runs
    assert len(fake_model.requests()) == 3  # the function and each caller: one call each
    apply(agent, outcome)
    assert 'email=f"{name}@example.com"' in (office / "signup.py").read_text()
    assert pytest_in(office).returncode == 0


async def test_a_created_test_file_must_pass(office, fake_model):
    fake_model.script(
        "from people import create_user\n\n\ndef test_create_user_keeps_the_name():\n"
        '    assert create_user("ann") == {"name": "ann"}\n'
    )
    agent = make_agent(office, fake_model.base_url)

    outcome = await agent.ask("create tests/test_people.py with tests for create_user")

    assert outcome.kind == "edit", outcome.message
    [edit] = outcome.edits
    assert edit.kind == "create" and edit.path == "tests/test_people.py"
    prompt = fake_model.bodies()[0]["messages"][-1]["content"]
    assert "people.py defines `def create_user(name):`; import it with `from people import create_user`" in prompt
    assert any("pass with this change" in note for note in outcome.notes)


async def test_a_created_test_file_that_fails_is_refused(office, fake_model):
    wrong = "from people import create_user\n\n\ndef test_wrong():\n    assert create_user('a') == 3\n"
    fake_model.script(wrong, wrong.replace("== 3", "== 4"))  # the retry told what failed: still wrong
    agent = make_agent(office, fake_model.base_url)

    outcome = await agent.ask("create tests/test_people.py with tests for create_user")

    assert outcome.kind == "refused" and "makes the project's tests fail" in outcome.message
    assert "test_wrong" in outcome.message and len(fake_model.requests()) == 2
    assert not (office / "tests/test_people.py").exists()


async def test_deleting_an_unused_file_and_refusing_a_used_one(office, fake_model):
    agent = make_agent(office, fake_model.base_url)

    unused = await agent.ask("remove old_api.py now that nothing imports it")
    used = await agent.ask("delete people.py")

    assert unused.kind == "edit" and [(e.kind, e.path) for e in unused.edits] == [("delete", "old_api.py")]
    assert used.kind == "refused"
    assert "signup.py:1 imports it" in used.message and "signup.py:5 uses `create_user`" in used.message
    assert fake_model.requests() == []
    apply(agent, unused)
    assert not (office / "old_api.py").exists()
    undone = await agent.ask("undo")
    apply(agent, undone)
    assert (office / "old_api.py").read_text() == "def legacy():\n    return 1\n"


@pytest.mark.parametrize(
    ("request_text", "fragment"),
    [
        ("add a `logout(session)` to src/sesion.js and call it from `handleLogout` in src/routes.js", "src/sesion.js"),
        ("add a `logout(session)` to src/session.js and call it from `handleLogoff` in src/routes.js", "handleLogoff"),
        ("move startSession out of src/session.js into secrets.js", "ignore list"),
        # A function the workspace lacks, named only by the wording of a signature change, a
        # move or a caller: refused with the names that exist, never planned by the model.
        ("give startSessions a `ttl` argument and update all its callers", "did you mean `startSession`"),
        ("add a ttl parameter to beginSession, then pass 60 from each caller", "`beginSession` is not defined"),
        ("make startSesion accept an options object and pass {} from every call site", "startSession"),
        ("move startSesion into a new src/sessions.js", "did you mean `startSession`"),
        ("add `logout(session)` to src/session.js and call it from handleLogof", "handleLogout"),
    ],
)
async def test_a_wrong_file_or_symbol_refuses_the_task_before_any_model_call(web, fake_model, request_text, fragment):
    agent = make_agent(web, fake_model.base_url)
    (web / ".env").write_text("SECRET=1\n")

    outcome = await agent.ask(request_text)

    assert outcome.kind == "refused" and fragment in outcome.message, outcome.message
    assert fake_model.requests() == []


async def test_a_single_action_plan_that_drops_half_the_request_becomes_a_task(web, fake_model):
    """The unsafe case seen in the field: a two-part request planned as one edit of the first
    file, the second half silently dropped."""
    fake_model.script(
        json.dumps({"intent": "rewrite", "symbol": "startSession", "file": "src/session.js"}),
        json.dumps(
            {
                "steps": [
                    {
                        "id": 1,
                        "action": "edit",
                        "file": "src/session.js",
                        "symbol": "startSession",
                        "what": "mark the time",
                    },
                    {
                        "id": 2,
                        "action": "edit",
                        "file": "src/routes.js",
                        "symbol": "handleLogin",
                        "what": "log it",
                        "after": [1],
                    },
                ]
            }
        ),
        "function startSession(user) {\n  return { user, active: true, at: Date.now() };\n}\n",
        'function handleLogin(req) {\n  req.session = startSession(req.user);\n  console.log(req.session.at);\n  return "hello";\n}\n',
    )
    agent = make_agent(web, fake_model.base_url)

    outcome = await agent.ask("startSession should remember when it started; handleLogin in src/routes.js logs it")

    assert outcome.kind == "edit", outcome.message
    assert outcome.plan.intent is Intent.TASK and outcome.plan.decided_by == "model"
    assert {edit.path for edit in outcome.edits} == {"src/session.js", "src/routes.js"}


async def test_a_task_list_with_a_cycle_is_refused(web, fake_model):
    fake_model.script(
        json.dumps(
            {
                "steps": [
                    {"id": 1, "action": "edit", "file": "src/session.js", "symbol": "startSession", "after": [2]},
                    {"id": 2, "action": "edit", "file": "src/routes.js", "symbol": "handleLogin", "after": [1]},
                ]
            }
        )
    )
    agent = make_agent(web, fake_model.base_url)

    outcome = await agent.ask("change startSession and then update the login route to match")

    assert outcome.kind == "refused" and "in a circle" in outcome.message
    assert len(fake_model.requests()) == 1


async def test_a_step_the_model_fails_refuses_the_whole_task(web, fake_model):
    fake_model.script("function logout(session) {\n  session.active = false;\n}\n", "not code at all {{{", "still {{{")
    agent = make_agent(web, fake_model.base_url)

    outcome = await agent.ask(
        "add a `logout(session)` to src/session.js and call it from `handleLogout` in src/routes.js"
    )

    assert outcome.kind == "refused" and outcome.message.startswith("Step 2 (edit `handleLogout` in src/routes.js")
    assert outcome.edits == []


async def test_do_the_same_repeats_a_tasks_edit_for_another_symbol(web, fake_model):
    (web / "src/routes.js").write_text(
        ROUTES_JS.replace(
            "module.exports = { handleLogin, handleLogout };",
            'function handleTimeout(req) {\n  return "late";\n}\n\nmodule.exports = { handleLogin, handleLogout, handleTimeout };',
        )
    )
    fake_model.script(
        "function logout(session) {\n  session.active = false;\n}\n",
        'function handleLogout(req) {\n  logout(req.session);\n  return "bye";\n}\n',
        'function handleTimeout(req) {\n  logout(req.session);\n  return "late";\n}\n',
    )
    agent = make_agent(web, fake_model.base_url)
    first = await agent.ask(
        "add a `logout(session)` to src/session.js and call it from `handleLogout` in src/routes.js"
    )
    apply(agent, first)

    again = await agent.ask("do the same to handleTimeout")

    assert again.kind == "edit", again.message
    assert [step.symbol for step in again.plan.steps] == ["handleTimeout"]
    assert "call logout from `handleTimeout`" in fake_model.bodies()[-1]["messages"][-1]["content"]
    [edit] = again.edits
    assert '  logout(req.session);\n  return "late";' in edit.new_text


async def test_a_new_test_file_is_shown_how_the_projects_tests_begin(web, fake_model):
    (web / "test").mkdir()
    (web / "test/login.test.js").write_text(
        'const test = require("node:test");\nconst assert = require("node:assert");\n\n'
        'test("login", () => assert.ok(true));\n'
    )
    fake_model.script('const test = require("node:test");\n\ntest("logout", () => {});\n')
    agent = make_agent(web, fake_model.base_url)

    outcome = await agent.ask("create test/logout.test.js with tests for handleLogout")

    prompt = fake_model.bodies()[0]["messages"][-1]["content"]
    assert (
        'test/login.test.js, an existing test, begins with `const test = require("node:test"); '
        'const assert = require("node:assert");`' in prompt
    ), prompt
    assert outcome.kind in ("edit", "refused")  # a test of test calls only is not refused as empty
    assert "defines no function" not in outcome.message


async def test_a_plain_value_is_passed_at_every_call_without_the_model(office, fake_model):
    fake_model.script('def create_user(name, email):\n    return {"name": name, "email": email}\n')
    agent = make_agent(office, fake_model.base_url)

    outcome = await agent.ask("give create_user an `email` parameter and pass None from every caller")

    assert outcome.kind == "edit", outcome.message
    assert len(fake_model.requests()) == 1  # the function itself; its two callers are mechanical
    apply(agent, outcome)
    signup = (office / "signup.py").read_text()
    assert "return create_user(name, email=None)" in signup and "user = create_user(name, email=None)" in signup
    assert pytest_in(office).returncode == 0


async def test_by_position_only_when_the_new_parameter_comes_last(web, fake_model):
    fake_model.script(
        "function startSession(user, ttl) {\n  return { user, active: true, ttl };\n}\n",
        "function startSession(ttl, user) {\n  return { user, active: true, ttl };\n}\n",
        'function handleLogin(req) {\n  req.session = startSession(60, req.user);\n  return "hello";\n}\n',
    )
    agent = make_agent(web, fake_model.base_url)

    last = await agent.ask("add a ttl parameter to startSession and pass 60 from every caller")
    assert last.kind == "edit", last.message
    assert len(fake_model.requests()) == 1
    [routes] = [edit for edit in last.edits if edit.path == "src/routes.js"]
    assert "startSession(req.user, 60)" in routes.new_text

    first = await agent.ask("add a ttl parameter to startSession and pass 60 from every caller")
    assert first.kind == "edit", first.message
    assert len(fake_model.requests()) == 3  # a new first parameter: the model writes the call


async def test_a_callers_own_variable_is_passed_where_the_caller_has_it(web, fake_model):
    fake_model.script(
        "function startSession(user, req) {\n  return { user, active: true, from: req.ip };\n}\n",
        "function startSession(user, session) {\n  return { user, active: true, session };\n}\n",
        'function handleLogin(req) {\n  req.session = startSession(req.user, {});\n  return "hello";\n}\n',
    )
    agent = make_agent(web, fake_model.base_url)

    has_it = await agent.ask("add a `req` parameter to startSession and pass the req in from every caller")
    assert has_it.kind == "edit", has_it.message
    assert len(fake_model.requests()) == 1  # handleLogin(req) has `req`: its call is mechanical
    [routes] = [edit for edit in has_it.edits if edit.path == "src/routes.js"]
    assert "startSession(req.user, req)" in routes.new_text

    lacks_it = await agent.ask("add a `session` parameter to startSession and pass the session from every caller")
    assert lacks_it.kind == "edit", lacks_it.message
    assert len(fake_model.requests()) == 3  # handleLogin has no `session` of its own: the model writes it
