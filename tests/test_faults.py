"""Faults, through the real HTTP client against the scripted fake server: the model server
drops the connection, hangs, answers 500 or garbage, closes the stream early, or is gone;
the caller cancels; two requests race on one file; the document changes while the model
thinks. Each time: a clear refusal (or CancelledError), nothing half-done, the agent still
works, undo still works, and memory holds only what was applied."""

from __future__ import annotations

import asyncio

import pytest

from agent_helpers import apply, copy_fixture, make_agent
from fake_model import FakeModel
from outrigger.disk import apply_to_disk
from outrigger.errors import Refused

FIXED_USER = """function validateUser(user) {
  return Boolean(user && user.name && user.token) && validateToken(user.token);
}
"""
FIXED_BOTH = (
    FIXED_USER
    + """
function validateSession(session) {
  return Boolean(session) && validateUser(session.user);
}
"""
)

FAULTS = {
    "http 500": {"status": 500, "body": '{"error": {"message": "CUDA out of memory"}}'},
    "garbage": {"status": 200, "body": "<html><body>502 Bad Gateway</body></html>"},
    "no choices": {"status": 200, "body": '{"choices": []}'},
    "closed mid-body": {"close": True},
    "hang": {"hang": 3},
}


@pytest.fixture
def js(tmp_path):
    return copy_fixture("js_auth", tmp_path)


def snapshot(root):
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.mark.parametrize("fault", FAULTS.values(), ids=FAULTS.keys())
async def test_a_model_fault_is_a_clear_refusal_and_the_agent_recovers(js, fake_model, fault):
    agent = make_agent(js, fake_model.base_url, timeout_seconds=0.5)
    before = snapshot(js)
    fake_model.script(fault)
    outcome = await agent.ask("fix validateUser in src/auth.js")
    assert outcome.kind == "refused" and outcome.edits == []
    assert fake_model.base_url in outcome.message  # says which server failed
    assert agent.history() == []
    assert snapshot(js) == before

    fake_model.script(FIXED_USER)
    again = await agent.ask("fix validateUser in src/auth.js")
    assert again.kind == "edit", again.message


async def test_a_server_that_is_gone_is_a_clear_refusal(js):
    with FakeModel() as dead:
        url = dead.base_url
    agent = make_agent(js, url)
    outcome = await agent.ask("fix validateUser in src/auth.js")
    assert outcome.kind == "refused" and "Cannot reach the model" in outcome.message


async def test_a_plan_call_that_fails_is_refused_too(js, fake_model):
    fake_model.script({"close": True}, {"close": True})  # dropped again on the one fresh try
    agent = make_agent(js, fake_model.base_url)
    outcome = await agent.ask("make validateUser stricter")  # the rules cannot plan this
    assert outcome.kind == "refused" and "closed the connection" in outcome.message


async def wait_for_request(fake: FakeModel, count: int = 1) -> None:
    for _ in range(500):
        if len(fake.requests()) >= count:
            return
        await asyncio.sleep(0.01)
    raise AssertionError("the model was never called")


async def test_cancelling_mid_call_leaves_nothing_half_done(js, fake_model):
    agent = make_agent(js, fake_model.base_url)
    fake_model.script(FIXED_USER)
    apply(agent, await agent.ask("fix validateUser in src/auth.js"))
    after_first = snapshot(js)

    fake_model.script({"hang": 5})
    task = asyncio.create_task(agent.ask("fix validateSession in src/auth.js"))
    await wait_for_request(fake_model, 2)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert snapshot(js) == after_first
    assert len(agent.history()) == 1  # the cancelled ask is not remembered

    undo = await agent.ask("undo")  # undo still reverts the applied action
    assert undo.kind == "edit", undo.message
    apply(agent, undo)
    assert agent.history() == []
    fake_model.script(FIXED_USER)
    assert (await agent.ask("fix validateUser in src/auth.js")).kind == "edit"  # still works


async def test_two_racing_asks_on_one_file_cannot_both_apply(js, fake_model):
    agent = make_agent(js, fake_model.base_url)
    fake_model.script(FIXED_BOTH, FIXED_BOTH)  # either reply serves either request
    first, second = await asyncio.gather(
        agent.ask("fix validateUser in src/auth.js"), agent.ask("fix validateSession in src/auth.js")
    )
    assert first.kind == second.kind == "edit", (first.message, second.message)
    assert first.edits[0].old_text == second.edits[0].old_text  # both computed against one text
    apply_to_disk(agent.workspace.root, first.edits)
    with pytest.raises(Refused, match="changed since the edit was computed"):
        apply_to_disk(agent.workspace.root, second.edits)
    assert (js / "src" / "auth.js").read_text() == first.edits[0].new_text


@pytest.mark.parametrize(
    "request_text, reply",
    [
        ("fix validateUser in src/auth.js", FIXED_USER),
        ("add a function that trims a token to src/auth.js", "function trimToken(t) {\n  return t.trim();\n}\n"),
    ],
)
async def test_an_edit_records_the_version_it_was_computed_against(js, fake_model, request_text, reply):
    """The document changes while the model thinks: the edit must carry the old version
    (and old text), so the front end's stale check can refuse it."""
    agent = make_agent(js, fake_model.base_url)
    original = (js / "src" / "auth.js").read_text()
    agent.workspace.open_document("src/auth.js", original, 7)
    real_chat = agent.model.chat

    async def typing_while_thinking(*args, **kwargs):
        reply = await real_chat(*args, **kwargs)
        agent.workspace.open_document("src/auth.js", original + "// typed meanwhile\n", 8)
        return reply

    agent.model.chat = typing_while_thinking
    fake_model.script(reply)
    outcome = await agent.ask(request_text)
    assert outcome.kind == "edit", outcome.message
    assert (outcome.edits[0].version, outcome.edits[0].old_text) == (7, original)


async def test_faults_never_enter_memory_and_undo_survives_them(js, fake_model):
    agent = make_agent(js, fake_model.base_url, timeout_seconds=0.5)
    original = (js / "src" / "auth.js").read_text()
    fake_model.script(FIXED_USER)
    apply(agent, await agent.ask("fix validateUser in src/auth.js"))
    for fault in FAULTS.values():
        fake_model.script(fault)
        failed = await agent.ask("fix validateSession in src/auth.js")
        agent.commit(failed)  # a careless front end: committing a refusal must do nothing
    assert agent.history() == ["Edited `validateUser` in src/auth.js: fix validateUser in src/auth.js."]

    fake_model.script(FIXED_BOTH)  # "do the same" repeats the applied fix, not a failed one
    repeat = await agent.ask("do the same to validateSession")
    assert repeat.kind == "edit" and "validateSession" in repeat.message
    undo = await agent.ask("undo")
    apply(agent, undo)
    assert (js / "src" / "auth.js").read_text() == original
