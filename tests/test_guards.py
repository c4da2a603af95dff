"""Every guard earns its place: the same bad model reply with the guard on and off.

With the guard off, the bad output reaches the edit — proof the guard is what stops it."""

from __future__ import annotations

import pytest

from agent_helpers import make_agent
from outrigger.guards.switches import Guards
from test_agent import JS_FENCED_BOTH


def agent_with(root, fake_model, **switches):
    agent = make_agent(root, fake_model.base_url)
    agent.guards = Guards(**switches)
    return agent


FENCED_FIX = "```python\ndef get_item(item_id):\n    return ITEMS.get(item_id, None)\n```"


@pytest.mark.parametrize("on", [True, False])
async def test_fence_stripping(py, fake_model, on):
    fake_model.script(FENCED_FIX, FENCED_FIX)
    agent = agent_with(
        py, fake_model, fence_stripping=on, syntax_check=False, symbol_confinement=False, project_tests=False
    )
    outcome = await agent.ask("fix get_item in items.py")
    leaked = "```" in (outcome.edits[0].new_text if outcome.edits else "")
    assert leaked is (not on)


@pytest.mark.parametrize("on", [True, False])
async def test_symbol_confinement(js, fake_model, on):
    fake_model.script(JS_FENCED_BOTH)
    agent = agent_with(js, fake_model, symbol_confinement=on)
    outcome = await agent.ask("Add JSDoc to validateUser in src/auth.js")
    assert outcome.kind == "edit"
    assert ("Validates a session." in outcome.edits[0].new_text) is (not on)


@pytest.mark.parametrize("on", [True, False])
async def test_syntax_check(py, fake_model, on):
    broken = "def get_item(item_id)\n    return ITEMS.get(item_id)\n"
    fake_model.script(broken, broken)
    agent = agent_with(py, fake_model, syntax_check=on, symbol_confinement=False, project_tests=False)
    outcome = await agent.ask("fix get_item in items.py")
    assert outcome.kind == ("refused" if on else "edit")


@pytest.mark.parametrize("on", [True, False])
async def test_map_validation(js, fake_model, on):
    agent = agent_with(js, fake_model, map_validation=on)
    outcome = await agent.ask("rename validateTokn to checkToken")
    assert outcome.kind == ("refused" if on else "edit")


@pytest.mark.parametrize("on", [True, False])
async def test_question_routing(js, fake_model, on):
    fake_model.script('{"intent": "add", "file": "utils.js"}', "function lines() {}\n")
    agent = agent_with(js, fake_model, question_routing=on)
    outcome = await agent.ask("how many lines does utils.js have")
    assert outcome.kind == ("answer" if on else "edit")


@pytest.mark.parametrize("on", [True, False])
async def test_json_repair(js, fake_model, on):
    fake_model.script('Plan:\n```json\n{"intent": "rename", "symbol": "validateToken", "new_name": "checkToken",}\n```')
    agent = agent_with(js, fake_model, json_repair=on)
    outcome = await agent.ask("I prefer checkToken over validateToken")  # wording only the model can plan
    assert outcome.kind == ("edit" if on else "refused")


@pytest.mark.parametrize("on", [True, False])
async def test_additions_guard(py, fake_model, on):
    # (Not a call that runs a program: the capabilities guard, always on, refuses those.)
    fake_model.script('def hello():\n    return 1\n\n\nopen("pwned", "w").write("x")\n')
    agent = agent_with(py, fake_model, symbol_confinement=on, project_tests=False)
    outcome = await agent.ask("add a function hello that returns 1 to items.py")
    assert outcome.kind == ("refused" if on else "edit")


@pytest.mark.parametrize("on", [True, False])
async def test_compiler_check(py, fake_model, on):
    reply = "def get_item(item_id, item_id):\n    return ITEMS.get(item_id)\n"  # tree-sitter parses it
    fake_model.script(reply, reply)
    agent = agent_with(py, fake_model, syntax_check=on, project_tests=False)
    outcome = await agent.ask("fix get_item in items.py")
    assert outcome.kind == ("refused" if on else "edit")


@pytest.mark.parametrize("on", [True, False])
async def test_project_tests(py, fake_model, on):
    """A fix that parses, stays in its symbol and imports nothing new, but breaks the
    workspace's own tests: only running them shows it."""
    wrong = "def get_item(item_id):\n    return None\n"
    fake_model.script(wrong)
    agent = agent_with(py, fake_model, project_tests=on)
    outcome = await agent.ask("fix get_item in items.py")
    assert outcome.kind == ("refused" if on else "edit")
    if on:
        assert "makes the project's tests fail" in outcome.message
