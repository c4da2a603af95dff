"""The pipeline end to end with the scripted fake model: the exact bad replies small
models give, and the guards that keep them from reaching the user's files."""

from __future__ import annotations

import asyncio

from agent_helpers import apply, make_agent

JS_FENCED_BOTH = """Here is the updated code:
```javascript
/**
 * Validates a user.
 * @param {object} user
 */
function validateUser(user) {
  return Boolean(user && user.name) && validateToken(user.token);
}

/**
 * Validates a session.
 */
function validateSession(session) {
  return false;
}
```
I added JSDoc comments."""


async def test_rename_is_exact_across_files_and_needs_no_model(js, fake_model):
    agent = make_agent(js, fake_model.base_url)
    outcome = await agent.ask("rename validateToken to checkToken in src/auth.js")
    assert outcome.kind == "edit", outcome.message
    changed = {edit.path: edit.new_text for edit in outcome.edits}
    assert set(changed) == {"src/auth.js", "src/user.js", "test.js"}
    assert "validateToken" not in changed["src/auth.js"].replace("validateTokens", "")
    assert changed["src/auth.js"].count("validateUser") == 3  # the similar name is untouched
    assert '"validateTokens"' in changed["src/user.js"]  # strings and comments are not code
    assert "// validateToken rejects" in changed["src/user.js"]
    assert fake_model.requests() == []
    assert "+++ b/src/auth.js" in outcome.preview


async def test_rename_of_a_missing_symbol_lists_close_matches(js, fake_model):
    agent = make_agent(js, fake_model.base_url)
    outcome = await agent.ask("rename validateTokn to checkToken")
    assert outcome.kind == "refused"
    assert "validateToken" in outcome.message and outcome.edits == []


async def test_rename_refuses_collisions_and_invalid_names(js, fake_model):
    agent = make_agent(js, fake_model.base_url)
    clash = await agent.ask("rename validateToken to validateUser")
    assert clash.kind == "refused" and "already" in clash.message
    keyword = await agent.ask("rename validateToken to class")
    assert keyword.kind == "refused" and "`class` is a reserved word in JavaScript" in keyword.message


async def test_rename_refuses_a_symbol_claimed_in_the_wrong_file(js, fake_model):
    agent = make_agent(js, fake_model.base_url)
    outcome = await agent.ask("rename validateToken in src/user.js to checkToken")
    assert outcome.kind == "refused"
    assert "src/auth.js" in outcome.message


async def test_line_count_question_is_answered_from_the_map(js, fake_model):
    agent = make_agent(js, fake_model.base_url)
    outcome = await agent.ask("how many lines does utils.js have")
    assert (outcome.kind, outcome.message) == ("answer", "utils.js has 16 lines.")
    assert outcome.edits == [] and fake_model.requests() == []


async def test_a_count_of_functions_takes_in_the_methods_and_says_so(tmp_path, fake_model):
    """Go's `func (k *Kettle) Boil()` and a Python method are functions too: "1 function"
    for a file of one constructor and its type's methods would be wrong."""
    (tmp_path / "go.mod").write_text("module kettle\n\ngo 1.21\n")
    (tmp_path / "kettle.go").write_text(
        "package kettle\n\ntype Kettle struct{ litres int }\n\nfunc New() *Kettle { return &Kettle{} }\n\n"
        "func (k *Kettle) Boil() {}\n\nfunc (k *Kettle) Pour(n int) { k.litres -= n }\n"
    )
    (tmp_path / "tea.py").write_text("def steep():\n    pass\n\n\ndef brew():\n    pass\n")
    agent = make_agent(tmp_path, fake_model.base_url)
    for request, answer in [
        ("how many functions does kettle.go define?", "kettle.go defines 3 functions: 1 top-level and 2 methods."),
        ("how many methods are in kettle.go?", "kettle.go defines 2 methods."),
        ("how many functions does tea.py have?", "tea.py defines 2 functions."),
    ]:
        outcome = await agent.ask(request)
        assert (outcome.kind, outcome.message) == ("answer", answer), request
    assert fake_model.requests() == []


async def test_where_is_defined_comes_from_the_map(py, fake_model):
    agent = make_agent(py, fake_model.base_url)
    outcome = await agent.ask("where is get_item_count defined?")
    assert outcome.kind == "answer"
    assert "items.py:" in outcome.message and fake_model.requests() == []


async def test_a_question_never_edits_even_when_the_model_replies_with_code(js, fake_model):
    fake_model.script("```javascript\nfunction validateToken(t) { return true; }\n```")
    agent = make_agent(js, fake_model.base_url)
    outcome = await agent.ask("what does validateToken do?")
    assert outcome.kind == "answer" and outcome.edits == []
    prompt = fake_model.bodies()[0]["messages"][-1]["content"]
    assert "function validateToken" in prompt


async def test_jsdoc_for_one_function_stays_in_that_function(js, fake_model):
    fake_model.script(JS_FENCED_BOTH)
    agent = make_agent(js, fake_model.base_url)
    outcome = await agent.ask("Add JSDoc to validateUser in src/auth.js")
    assert outcome.kind == "edit", outcome.message
    [edit] = outcome.edits
    old, new = edit.old_text, edit.new_text
    assert "Validates a user." in new
    assert "Validates a session." not in new  # the second function's doc was dropped
    assert "return validateUser(session.user)" in new  # and its body kept
    assert "```" not in new and "I added" not in new
    assert new.replace(new[new.index("/**\n * Validates a user.") : new.index("function validateUser")], "") == old


async def test_python_docstring_keeps_the_original_code(py, fake_model):
    reply = '```python\ndef get_item(item_id):\n    """Return the item named by item_id, or None."""\n    return ITEMS[item_id]\n\n\ndef get_items(ids):\n    """Many."""\n    return []\n```'
    fake_model.script(reply)
    agent = make_agent(py, fake_model.base_url)
    outcome = await agent.ask("add a docstring to get_item in items.py")
    assert outcome.kind == "edit", outcome.message
    new = outcome.edits[0].new_text
    assert '    """Return the item named by item_id, or None."""\n    return ITEMS.get(item_id)' in new
    assert '"""Many."""' not in new


async def test_an_edit_that_breaks_syntax_is_retried_once_then_refused(py, fake_model):
    broken = "def get_item(item_id)\n    return ITEMS.get(item_id, None)\n"
    fake_model.script(broken, broken)
    agent = make_agent(py, fake_model.base_url)
    outcome = await agent.ask("fix get_item in items.py so a missing id gives None")
    assert outcome.kind == "refused" and "parse" in outcome.message
    assert len(fake_model.requests()) == 2


async def test_a_retry_that_fixes_the_syntax_is_accepted(py, fake_model):
    fake_model.script(
        "def get_item(item_id)\n    return ITEMS.get(item_id, None)\n",
        "```python\ndef get_item(item_id):\n    return ITEMS.get(item_id, None)\n```",
    )
    agent = make_agent(py, fake_model.base_url)
    agent.guards.project_tests = False
    outcome = await agent.ask("fix get_item in items.py so a missing id gives None")
    assert outcome.kind == "edit", outcome.message
    assert "    return ITEMS.get(item_id, None)" in outcome.edits[0].new_text
    assert "does not parse" in fake_model.bodies()[1]["messages"][-1]["content"]


async def test_a_reply_for_a_similar_named_function_is_refused(js, fake_model):
    wrong = "function validateUser(user) {\n  return true;\n}\n"
    fake_model.script(wrong, wrong)
    agent = make_agent(js, fake_model.base_url)
    outcome = await agent.ask("fix validateToken in src/auth.js")
    assert outcome.kind == "refused" and "definition of `validateToken`" in outcome.message


async def test_the_model_plans_unusual_wording_and_its_prose_json_is_repaired(js, fake_model):
    fake_model.script(
        'Sure! Here is the plan:\n```json\n{"intent": "rename", "symbol": "validateToken", "file": "src/auth.js", "new_name": "checkToken",}\n```'
    )
    agent = make_agent(js, fake_model.base_url)
    outcome = await agent.ask("I prefer checkToken over validateToken in src/auth.js")  # no rule settles this
    assert outcome.kind == "edit", outcome.message
    assert outcome.plan.decided_by == "model"
    assert agent.stats.json_repaired == 1
    assert fake_model.bodies()[0]["response_format"]["type"] == "json_schema"


async def test_a_plan_the_model_cannot_give_twice_is_refused(js, fake_model):
    fake_model.script("I think you want to rename it.", "Rename!")
    agent = make_agent(js, fake_model.base_url)
    outcome = await agent.ask("please give validateToken a better name")
    assert outcome.kind == "refused" and outcome.edits == []
    assert agent.stats.json_retried == 1 and agent.stats.json_failed == 1


async def test_a_request_worded_as_a_question_never_reaches_the_models_planner(js, fake_model):
    fake_model.script("It checks the prefix.")
    agent = make_agent(js, fake_model.base_url)
    outcome = await agent.ask("Is validateToken safe to call with null")
    assert (outcome.kind, outcome.plan.intent, outcome.message) == ("answer", "question", "It checks the prefix.")
    assert len(fake_model.requests()) == 1  # the explanation only: no plan was asked for


async def test_paths_outside_the_workspace_and_missing_files_are_refused(js, fake_model):
    agent = make_agent(js, fake_model.base_url)
    escape = await agent.ask("add a function that reads secrets to ../../secrets.js")
    assert escape.kind == "refused" and "outside" in escape.message
    missing = await agent.ask("add a helper to src/missing.js")
    assert missing.kind == "refused" and "missing.js" in missing.message
    assert fake_model.requests() == []


async def test_a_prompt_that_cannot_fit_is_refused_before_sending(py, fake_model):
    agent = make_agent(py, fake_model.base_url, context_window=600, max_output_tokens=500)
    outcome = await agent.ask("add a docstring to get_item in items.py")
    assert outcome.kind == "refused" and "tokens" in outcome.message
    assert fake_model.requests() == []


async def test_undo_reverts_the_last_applied_action(js, fake_model):
    agent = make_agent(js, fake_model.base_url)
    original = (js / "src/auth.js").read_text()
    apply(agent, await agent.ask("rename validateToken to checkToken"))
    assert agent.history() == [agent.memory.last().summary]
    undo = await agent.ask("undo")
    assert undo.kind == "edit"
    apply(agent, undo)
    assert (js / "src/auth.js").read_text() == original
    assert agent.history() == []
    nothing = await agent.ask("undo")
    assert nothing.kind == "refused"


async def test_undo_refuses_when_the_file_changed_since(js, fake_model):
    agent = make_agent(js, fake_model.base_url)
    apply(agent, await agent.ask("rename validateToken to checkToken"))
    (js / "src/user.js").write_text("// rewritten by hand\n")
    undo = await agent.ask("undo")
    assert undo.kind == "refused" and "src/user.js" in undo.message


async def test_a_rejected_edit_is_not_remembered(js, fake_model):
    agent = make_agent(js, fake_model.base_url)
    await agent.ask("rename validateToken to checkToken")  # shown, never applied
    assert agent.history() == []


async def test_do_the_same_to_another_symbol(py, fake_model):
    fake_model.script(
        'def get_item(item_id):\n    """Return one item."""\n    return ITEMS.get(item_id)\n',
        'def get_items(ids):\n    """Return several items."""\n    return []\n',
    )
    agent = make_agent(py, fake_model.base_url)
    apply(agent, await agent.ask("add a docstring to get_item in items.py"))
    outcome = await agent.ask("do the same to get_items")
    assert outcome.kind == "edit", outcome.message
    new = outcome.edits[0].new_text
    assert '    """Return several items."""\n    return [get_item(item_id)' in new
    assert "get_items" in fake_model.bodies()[1]["messages"][-1]["content"]


async def test_add_code_appends_and_refuses_redefinitions(js, fake_model):
    fake_model.script(
        "```js\nfunction sum(a, b) {\n  return a + b;\n}\n```",
        "function clamp(v) { return v; }\n",
        "function clamp(v) { return v; }\n",  # asked again, the same again
    )
    agent = make_agent(js, fake_model.base_url)
    added = await agent.ask("add a function sum that adds two numbers to utils.js")
    assert added.kind == "edit", added.message
    assert added.edits[0].new_text.startswith(added.edits[0].old_text)
    clash = await agent.ask("add a clamp helper to utils.js")
    assert clash.kind == "refused" and "clamp" in clash.message


async def test_added_code_is_set_apart_as_the_language_expects(js, py, fake_model):
    """Two blank lines before a new Python definition (PEP 8: ruff's E302 flags one), one in JS.
    items.py has a method `Inventory.total`: a new top-level `total` does not clash with it."""
    fake_model.script("def total(xs):\n    return sum(xs)\n", "function sum(a, b) {\n  return a + b;\n}\n")
    python = await make_agent(py, fake_model.base_url).ask("add a function total that sums a list to items.py")
    script = await make_agent(js, fake_model.base_url).ask("add a function sum that adds two numbers to utils.js")

    assert python.kind == "edit" and script.kind == "edit", python.message + script.message
    old, new = python.edits[0].old_text, python.edits[0].new_text
    assert new == old.rstrip("\n") + "\n\n\ndef total(xs):\n    return sum(xs)\n"
    old, new = script.edits[0].old_text, script.edits[0].new_text
    assert new == old.rstrip("\n") + "\n\nfunction sum(a, b) {\n  return a + b;\n}\n"


async def test_offers_name_the_symbol_and_never_call_the_model(js, fake_model):
    from outrigger.spans import Position

    agent = make_agent(js, fake_model.base_url)
    titles = [offer.title for offer in agent.offers("src/auth.js", Position(7, 12))]
    assert "Explain `validateToken`" in titles and "Add JSDoc to `validateToken`" in titles
    assert titles[-1] == "Ask Outrigger about `validateToken`…"
    assert fake_model.requests() == []


async def test_a_model_plan_with_old_and_new_name_swapped_is_put_right(js, fake_model):
    fake_model.script('{"intent": "rename", "symbol": "checkToken", "file": "auth.js", "new_name": "validateToken"}')
    agent = make_agent(js, fake_model.base_url)
    outcome = await agent.ask("I prefer checkToken over validateToken everywhere")
    assert outcome.kind == "edit", outcome.message
    assert outcome.message.startswith("Renamed `validateToken` to `checkToken`")
    assert (outcome.plan.symbol, outcome.plan.new_name) == ("validateToken", "checkToken")


async def test_several_targets_get_one_model_call_each(py, js, fake_model):
    fake_model.script(
        'def get_items(ids):\n    """Return several items."""\n    return []\n',
        'def get_item(item_id):\n    """Return one item."""\n    return None\n',
    )
    agent = make_agent(py, fake_model.base_url)
    outcome = await agent.ask("add docstrings to get_item and get_items in items.py")
    assert outcome.kind == "edit", outcome.message
    [edit] = outcome.edits
    assert '    """Return one item."""\n    return ITEMS.get(item_id)' in edit.new_text
    assert '    """Return several items."""\n    return [get_item(item_id)' in edit.new_text
    prompts = [body["messages"][-1]["content"] for body in fake_model.bodies()]
    assert len(prompts) == 2 and "`get_items`" in prompts[0] and "`get_item`" in prompts[1]
    assert outcome.message == "Added docstrings to `get_item`, `get_items` in items.py."


async def test_one_missing_target_refuses_the_whole_request(py, fake_model):
    agent = make_agent(py, fake_model.base_url)
    outcome = await agent.ask("add docstrings to get_item and get_itemz")
    assert outcome.kind == "refused" and "get_itemz" in outcome.message
    assert fake_model.requests() == []


async def test_a_model_plan_naming_only_the_new_name_takes_the_old_from_the_request(js, fake_model):
    fake_model.script('{"intent": "rename", "symbol": "checkToken", "file": null, "new_name": null}')
    agent = make_agent(js, fake_model.base_url)
    outcome = await agent.ask("checkToken reads better than validateToken")
    assert outcome.kind == "edit", outcome.message
    assert (outcome.plan.symbol, outcome.plan.new_name) == ("validateToken", "checkToken")


async def test_added_code_must_define_what_was_asked(js, fake_model):
    fake_model.script(
        "console.log('loaded');\n",
        "console.log('loaded');\n",
        "function isKnown(x) {\n  return true;\n}\n",
        "function isKnown(x) {\n  return true;\n}\n",
    )
    agent = make_agent(js, fake_model.base_url)
    loose = await agent.ask("add a function isBlankish to utils.js")
    assert (
        loose.kind == "refused" and "`console.log('loaded');` (line 1) runs when the module is loaded" in loose.message
    )
    other = await agent.ask("add a function isBlankish to utils.js")
    assert other.kind == "refused" and "`isBlankish`" in other.message


async def test_model_start_up_progress_goes_to_the_request_waiting_for_it(js, fake_model):
    """Two requests in flight: the start-up reports of the model reach the one that started it,
    never the other one's sink (a single shared slot used to be overwritten by the second)."""
    from outrigger import progress
    from outrigger.config import ModelSettings
    from outrigger.model.client import ModelClient

    started = asyncio.Event()

    async def start_model() -> str:
        progress.current("starting the model…", 10)
        started.set()
        await asyncio.sleep(0.1)
        return fake_model.base_url

    agent = make_agent(js, fake_model.base_url)
    agent.model = ModelClient(ModelSettings(), base_url_provider=start_model)
    fake_model.script("It checks a user.", "It checks a token.")
    first: list[tuple[str, int | None]] = []
    second: list[tuple[str, int | None]] = []

    asking = asyncio.ensure_future(agent.ask("explain validateUser", progress=lambda m, p=None: first.append((m, p))))
    await started.wait()
    await agent.ask("explain validateToken", progress=lambda m, p=None: second.append((m, p)))
    await asking

    assert ("starting the model…", 10) in first
    assert all(message != "starting the model…" for message, _ in second)


async def test_new_code_repeating_the_file_keeps_only_what_is_new_and_exports_it(tmp_path, fake_model):
    """Qwen2.5-Coder-0.5B, asked for one new function, sends the file back with it and its name
    added to a copy of `module.exports`."""
    (tmp_path / "session.js").write_text(
        "function startSession(user) {\n  return { user, active: true };\n}\n\nmodule.exports = { startSession };\n"
    )
    fake_model.script(
        "```javascript\nfunction startSession(user) {\n  return { user, active: true };\n}\n\n"
        "function logout(session) {\n  session.active = false;\n}\n\nmodule.exports = { startSession, logout };\n```"
    )
    agent = make_agent(tmp_path, fake_model.base_url)

    outcome = await agent.ask("add a logout(session) function to session.js")

    assert outcome.kind == "edit", outcome.message
    assert outcome.edits[0].new_text == (
        "function startSession(user) {\n  return { user, active: true };\n}\n\n"
        "module.exports = { startSession, logout };\n\nfunction logout(session) {\n  session.active = false;\n}\n"
    )


async def test_a_comment_on_new_code_stays_on_it_when_repeats_are_dropped(tmp_path, fake_model):
    """Found by fuzzing: with the exports copy dropped, the pieces left were joined with blank
    lines, which cut a JSDoc off the function it documents."""
    (tmp_path / "session.js").write_text(
        "function startSession(user) {\n  return { user };\n}\n\nmodule.exports = { startSession };\n"
    )
    fake_model.script(
        "// Session helpers.\n/**\n * Ends the session.\n */\nfunction logout(session) {\n  session.active = false;\n}\n\n"
        "module.exports = { logout };\n"
    )
    agent = make_agent(tmp_path, fake_model.base_url)

    outcome = await agent.ask("add a logout(session) function to session.js")

    assert outcome.kind == "edit", outcome.message
    assert outcome.edits[0].new_text.endswith(
        "module.exports = { startSession, logout };\n\n// Session helpers.\n/**\n * Ends the session.\n */\n"
        "function logout(session) {\n  session.active = false;\n}\n"
    )


async def test_new_code_that_defines_nothing_is_asked_for_once_more(tmp_path, fake_model):
    (tmp_path / "session.js").write_text("function startSession(user) {\n  return { user };\n}\n")
    fake_model.script(
        "function startSession(user) {\n  return { user };\n}\n",  # only the file back
        "function logout(session) {\n  session.active = false;\n}\n",
    )
    agent = make_agent(tmp_path, fake_model.base_url)

    outcome = await agent.ask("add a logout(session) function to session.js")

    assert outcome.kind == "edit", outcome.message
    retry = fake_model.bodies()[1]["messages"][-1]["content"]
    assert "no new code" in retry and "the definition of `logout`" in retry


async def test_new_code_in_a_module_that_exports_all_it_defines_is_exported_too(tmp_path, fake_model):
    # Appended unexported to an ES module whose every function is exported, a new function
    # cannot be imported by the code the user is about to write.
    (tmp_path / "package.json").write_text('{"type": "module"}\n')
    (tmp_path / "temps.js").write_text("export function toF(c) {\n  return c * 9 / 5 + 32;\n}\n")
    (tmp_path / "mixed.js").write_text("export function a() {\n  return 1;\n}\n\nfunction helper() {\n  return 2;\n}\n")
    fake_model.script("function toC(f) {\n  return (f - 32) * 5 / 9;\n}\n", "function b() {\n  return helper();\n}\n")
    agent = make_agent(tmp_path, fake_model.base_url)

    everything = await agent.ask("add a function toC(f) to temps.js")
    mixed = await agent.ask("add a function b() to mixed.js")

    assert everything.kind == "edit" and mixed.kind == "edit", everything.message + mixed.message
    assert everything.edits[0].new_text.endswith("\nexport function toC(f) {\n  return (f - 32) * 5 / 9;\n}\n")
    assert mixed.edits[0].new_text.endswith("\nfunction b() {\n  return helper();\n}\n")  # no convention to follow
