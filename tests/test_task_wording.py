"""Tasks in the wording people use: a statement before the commands ("X doesn't belong in
utils.py - could you move it …"), a file that "can go", a signature change and its callers in
one breath, "have X call it", guidance for the step before ("Use plain asserts"). Each is
planned by the rules, never by the model (the model here fails the test if asked)."""

from __future__ import annotations

from pathlib import Path

import pytest

from outrigger.errors import Refused
from outrigger.guards.task_check import checked_steps
from outrigger.plan import Intent, Plan
from outrigger.workspace.index import ProjectMap
from planning_helpers import map_of, plan_without_model
from test_tasks import PEOPLE_PY, REPORT_PY, ROUTES_JS, SESSION_JS, SIGNUP_PY, UTILS_PY


@pytest.fixture
def project(tmp_path: Path) -> ProjectMap:
    files = {
        "utils.py": UTILS_PY,
        "report.py": REPORT_PY,
        "people.py": PEOPLE_PY,
        "signup.py": SIGNUP_PY,
        "old_api.py": "def legacy():\n    return 1\n",
        "src/session.js": SESSION_JS,
        "src/routes.js": ROUTES_JS,
    }
    return map_of(tmp_path, files)


async def plan(project: ProjectMap, request: str) -> Plan:
    return await plan_without_model(project, request)


def steps(plan: Plan) -> list[tuple[str, str, str | None]]:
    return [(step.action.value, step.file, step.symbol) for step in plan.steps]


@pytest.mark.parametrize(
    ("request_text", "expected"),
    [
        (
            "shout doesn't belong in utils.py - could you move it to a new text.py and fix the imports?",
            [("move", "utils.py", "shout")],
        ),
        (
            "startSession belongs in its own module. Move it to src/start.js and update everything that imports it",
            [("move", "src/session.js", "startSession")],
        ),
        ("old_api.py is unused now, remove it", [("delete", "old_api.py", None)]),
        ("nobody imports old_api.py any more; please get rid of it", [("delete", "old_api.py", None)]),
        ("old_api.py can go", [("delete", "old_api.py", None)]),
        ("throw away old_api.py", [("delete", "old_api.py", None)]),
        (
            "create_user should keep an email too. Give it an `email` parameter and pass None from each caller",
            [("edit", "people.py", "create_user"), ("edit_callers", "people.py", "create_user")],
        ),
        (
            "Add a `strict` argument to create_user and have every caller pass False",
            [("edit", "people.py", "create_user"), ("edit_callers", "people.py", "create_user")],
        ),
        (
            "Pull the greeting out of handleLogin: add greet(user) to src/session.js and have handleLogin in "
            "src/routes.js call it",
            [("add", "src/session.js", "greet"), ("edit", "src/routes.js", "handleLogin")],
        ),
        (
            "We need a logout(session) helper in src/session.js; call it from handleLogout",
            [("add", "src/session.js", "logout"), ("edit", "src/routes.js", "handleLogout")],
        ),
    ],
)
async def test_wording_people_use_for_tasks_is_planned_by_the_rules(project, request_text, expected):
    planned = await plan(project, request_text)

    assert planned.intent is Intent.TASK, planned.describe()
    assert steps(planned) == expected, planned.describe()


async def test_the_why_reaches_the_step_the_model_writes(project):
    planned = await plan(project, "create_user should keep an email too. Give it an `email` parameter")

    # One command that is not a task on its own: the single-action rules take it whole.
    assert planned.intent is not Intent.TASK and planned.symbol == "create_user", planned.describe()

    planned = await plan(
        project, "create_user should keep an email too. Give it an `email` parameter; update its callers"
    )
    assert planned.steps[0].what.startswith("create_user should keep an email too: ")


async def test_guidance_after_a_step_belongs_to_that_step(project):
    planned = await plan(project, "Could you create tests/test_shout.py with tests for shout? Use plain asserts.")

    assert steps(planned) == [("create", "tests/test_shout.py", None)]
    assert planned.steps[0].what.endswith("Use plain asserts")


async def test_a_location_before_the_commands_binds_the_symbol_to_that_file(project):
    """ "In people.py, …" says where sign_up is; it is not there, so the task is refused."""
    planned = await plan(project, "In people.py, add a `source` parameter to sign_up and pass 'web' from every caller")

    assert [step.file for step in planned.steps] == ["people.py", "people.py"]
    with pytest.raises(Refused, match="signup.py"):
        checked_steps(planned.steps, project, max_steps=10)


@pytest.mark.parametrize(
    "request_text",
    [
        "shout reads badly, make it louder",  # a statement and one ordinary edit: not a task
        "what does old_api.py do? tell me",
        "old_api.py looks unused - can you tell me why?",
    ],
)
async def test_statements_with_one_ordinary_command_are_not_tasks(project, request_text):
    try:
        planned = await plan(project, request_text)
    except AssertionError:
        return  # planned by the model, as before
    except Refused:
        return
    assert planned.intent is not Intent.TASK, planned.describe()


async def test_it_is_the_subject_and_that_is_not(project):
    planned = await plan(
        project, "add a `source` parameter to sign_up and pass 'web' in from every place that calls it"
    )

    callers = planned.steps[1]
    assert "every place that calls sign_up" in callers.what, callers.what


@pytest.mark.parametrize(
    ("request_text", "argument"),
    [
        ("create_user should take a `strict` flag; update the callers to pass False", "False"),
        ("create_user should take a `tags` parameter. update all callers to pass 0", "0"),
    ],
)
async def test_the_value_callers_are_told_to_pass_is_written_without_the_model(project, request_text, argument):
    """ "update the callers to pass False": the value every call gets, so actions/call_sites.py
    writes it into the calls instead of asking the model to edit each caller."""
    planned = await plan(project, request_text)

    assert planned.steps[-1].action.value == "edit_callers", planned.describe()
    assert planned.steps[-1].argument == argument, planned.describe()


@pytest.mark.parametrize(
    "request_text",
    [
        "create_user is used by the sign-up form but nobody knows what it returns. document it",
        "shout is still used by the banner, add a docstring to it",
    ],
)
async def test_saying_code_is_used_is_not_asking_to_remove_it(project, request_text):
    planned = await plan(project, request_text)

    assert not any(step.action.value in ("remove", "delete") for step in planned.steps), planned.describe()
    assert planned.intent is not Intent.TASK, planned.describe()


@pytest.mark.parametrize(
    "request_text",
    [
        "create_user needs a `strict` flag argument. update all callers to pass False",
        "create_user could use a strict parameter; update the callers",
        "create_user is missing a strict option - have every caller pass False",
    ],
)
async def test_a_parameter_a_statement_gives_the_function_is_its_own_step_before_the_callers(project, request_text):
    """Never half done: the signature change the statement asks for is not lost as context
    while only the callers are changed."""
    planned = await plan(project, request_text)

    assert [(step.action.value, step.symbol) for step in planned.steps] == [
        ("edit", "create_user"),
        ("edit_callers", "create_user"),
    ], planned.describe()
