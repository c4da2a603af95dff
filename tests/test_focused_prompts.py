"""Prompts about one symbol carry the symbol, not its file (issue 24): its code, its file's
imports and the signatures and first doc lines of what it uses and what uses it. On a
2-core CPU every prompt token is ~20 ms of the user's wait."""

from __future__ import annotations

import json
from pathlib import Path

from agent_helpers import make_agent
from outrigger.guards.budget import count_messages

TARGET = '''def shipping_cost(weight, zone):
    """What sending a parcel costs, in cents."""
    rate = zone_rate(zone)
    if weight > 30:
        raise ValueError("too heavy")
    return round(weight * rate + HANDLING)
'''


def thousand_lines(root: Path) -> Path:
    """A module of about 1,000 lines: filler functions around one that uses a helper and is
    used by another."""
    filler = [
        f'def filler_{n}(values):\n    """Filler number {n}."""\n    total = 0\n    for v in values:\n'
        f"        total += v * {n}\n    return total\n\n\n"
        for n in range(124)
    ]
    head = "import math\nfrom decimal import Decimal\n\nHANDLING = 250\n\n\n"
    helper = 'def zone_rate(zone):\n    """Cents per kilogram for a delivery zone."""\n    return 100 + 40 * zone\n\n\n'
    caller = "def quote(order):\n    return shipping_cost(order.weight, order.zone)\n"
    text = head + "".join(filler[:62]) + helper + TARGET + "\n\n" + "".join(filler[62:]) + caller
    assert text.count("\n") >= 1000
    (root / "shipping.py").write_text(text)
    return root


def the_prompt(fake) -> list[dict]:
    [body] = [b for b in fake.bodies() if "response_format" not in b]
    return body["messages"]


async def test_a_question_about_one_function_of_a_long_file_sends_that_function(tmp_path, fake_model):
    fake_model.script("It returns the shipping cost in cents.")
    agent = make_agent(thousand_lines(tmp_path), fake_model.base_url)

    outcome = await agent.ask("what does shipping_cost do?")

    assert outcome.kind == "answer", outcome.message
    messages = the_prompt(fake_model)
    text = "\n".join(m["content"] for m in messages)
    assert count_messages(messages) < 400, count_messages(messages)
    assert TARGET.rstrip() in text
    assert "def zone_rate(zone): — Cents per kilogram for a delivery zone." in text  # what it uses
    assert "def quote(order):" in text  # what uses it
    assert "from decimal import Decimal" in text  # the file's imports
    assert "HANDLING = 250" in text  # a one-line constant it uses
    assert "filler_" not in text
    assert text.rstrip().endswith("Question: what does shipping_cost do?")  # the request last


async def test_a_fix_of_one_function_of_a_long_file_sends_that_function(tmp_path, fake_model):
    fixed = TARGET.replace("weight > 30", "weight > 40")
    fake_model.script(fixed)
    agent = make_agent(thousand_lines(tmp_path), fake_model.base_url)
    agent.guards.project_tests = False

    outcome = await agent.ask("fix shipping_cost so parcels up to 40 kg are accepted")

    assert outcome.kind == "edit", outcome.message
    messages = the_prompt(fake_model)
    text = "\n".join(m["content"] for m in messages)
    assert count_messages(messages) < 450, count_messages(messages)
    assert TARGET.rstrip() in text and "def zone_rate(zone):" in text
    assert "filler_" not in text
    assert messages[-1]["content"].rstrip().endswith("Reply with the new code of `shipping_cost` only.")


async def test_the_baseline_switch_sends_the_file_as_before(tmp_path, fake_model):
    """`prompt_context = "file"` is the earlier shape, kept for the benchmark's comparison."""
    fake_model.script("It returns the shipping cost in cents.")
    agent = make_agent(thousand_lines(tmp_path), fake_model.base_url)
    agent.prompt_context = "file"

    await agent.ask("what does shipping_cost do?")

    assert count_messages(the_prompt(fake_model)) > 3000


async def test_the_real_model_answers_from_the_focused_prompt(tmp_path, embedded_model):
    agent = make_agent(thousand_lines(tmp_path), embedded_model)

    outcome = await agent.ask("what does shipping_cost do?")

    assert outcome.kind == "answer", outcome.message
    assert any(word in outcome.message.lower() for word in ("cost", "shipping", "parcel")), outcome.message
    assert agent.model.stats.prompt_tokens < 600, agent.model.stats.prompt_tokens


async def test_each_reply_is_capped_by_what_its_kind_can_need(py, fake_model):
    """A plan is a short object and an answer a few sentences: a small model that loops is
    stopped there, not at the configured 1,024 tokens (~100 s on two cores)."""
    from outrigger.actions.question import ANSWER_TOKENS
    from outrigger.planner import PLAN_TOKENS

    fake_model.script(json.dumps({"intent": "question", "symbol": "get_item"}), "It returns an item.")
    agent = make_agent(py, fake_model.base_url)

    outcome = await agent.ask("curious about get_item")  # wording only the model plans

    assert outcome.kind == "answer", outcome.message
    plan, answer = fake_model.bodies()
    assert plan["max_tokens"] == PLAN_TOKENS <= 256
    assert answer["max_tokens"] == ANSWER_TOKENS <= 320


async def test_a_question_about_the_whole_workspace_is_capped_and_shown_as_it_comes(py, fake_model):
    """The catalogue search names the matching functions in a few lines. Uncapped, the 0.5B
    model once wrote 1,024 tokens (119 s on two cores, past an editor's 120 s model timeout
    under load) for a "which …" question of the generalization suite, with nothing shown."""
    from outrigger.actions.question import ANSWER_TOKENS

    fake_model.script({"content": "items.py: get_item returns one item by its key.", "pause": 0.01})
    agent = make_agent(py, fake_model.base_url)
    seen: list[str] = []

    outcome = await agent.ask(
        "is there a function that looks up one item?", partial=lambda text, tokens: seen.append(text)
    )

    assert outcome.kind == "answer", outcome.message
    [body] = [b for b in fake_model.bodies() if "response_format" not in b]
    assert body["messages"][-1]["content"].startswith("Functions and classes:")
    assert body["max_tokens"] == ANSWER_TOKENS and body.get("stream")
    assert seen and "get_item" in seen[-1]


async def test_an_answer_shown_as_it_comes_is_encodable(tmp_path, fake_model):
    """A streamed answer reaches the front end before the reply guard: a lone surrogate in
    it must not reach a terminal or an editor's JSON as is."""
    fake_model.script({"content": "It costs \ud800 cents."})
    agent = make_agent(thousand_lines(tmp_path), fake_model.base_url)
    seen: list[str] = []

    outcome = await agent.ask("what does shipping_cost do?", partial=lambda text, tokens: seen.append(text))

    assert outcome.kind == "answer" and seen
    assert all(text.encode("utf-8") for text in seen) and "\ufffd" in seen[-1]


async def test_a_definition_the_request_names_is_shown_with_its_signature(tmp_path, fake_model):
    """ "fix X so it uses Y": X's body does not use Y yet, so only the request says it is
    needed; without the file around X the model must still see how Y is called."""
    fake_model.script(TARGET.replace("round(", "filler_7([").replace("HANDLING)", "HANDLING])"))
    agent = make_agent(thousand_lines(tmp_path), fake_model.base_url)
    agent.guards.project_tests = False

    await agent.ask("fix shipping_cost so it totals with filler_7")

    text = "\n".join(m["content"] for m in the_prompt(fake_model))
    assert "Named in the request:\n- shipping.py: def filler_7(values): — Filler number 7." in text
    assert "filler_8" not in text


async def test_the_secret_files_are_read_again_only_when_they_change(tmp_path, fake_model, monkeypatch):
    from outrigger.actions import focus

    read: list[int] = []
    original = focus.values_in

    def counting(files):
        read.append(len(files))
        return original(files)

    monkeypatch.setattr(focus, "values_in", counting)
    root = thousand_lines(tmp_path)
    (root / ".env").write_text("SHIPPING_TOKEN=first-secret-value-4711\n")
    agent = make_agent(root, fake_model.base_url)
    fake_model.script("It returns the cost.", "Still the cost.", "The cost again.")
    for _ in range(2):
        assert (await agent.ask("what does shipping_cost do?")).kind == "answer"
    assert len(read) == 1  # the second prompt's neighbours were redacted with the values read once

    (root / ".env").write_text("SHIPPING_TOKEN=second-secret-value-0815\n")
    assert (await agent.ask("what does shipping_cost do?")).kind == "answer"
    assert len(read) == 2


async def test_new_code_in_a_long_file_is_asked_with_the_files_outline(tmp_path, fake_model):
    plan = {"intent": "add", "file": "shipping.py", "symbol": "free_shipping"}
    fake_model.script(json.dumps(plan), "def free_shipping(weight):\n    return weight < 1\n")
    agent = make_agent(thousand_lines(tmp_path), fake_model.base_url)

    outcome = await agent.ask(
        "put a free_shipping(weight, zone) function in shipping.py: free when zone_rate(zone) is under 150"
    )

    assert outcome.kind == "edit", outcome.message
    messages = the_prompt(fake_model)
    text = "\n".join(m["content"] for m in messages)
    assert count_messages(messages) < 1_200, count_messages(messages)  # the file is ~6,000
    assert "def zone_rate(zone): — Cents per kilogram for a delivery zone." in text  # an outline line
    assert "total += v * 5\n" not in text  # no body but those of the last lines
    assert "def quote(order):\n    return shipping_cost(order.weight, order.zone)" in text  # the file's end
    assert "from decimal import Decimal" in text


async def test_a_new_method_in_a_long_file_is_asked_with_its_class_not_the_file(tmp_path, fake_model):
    root = thousand_lines(tmp_path)
    text = (root / "shipping.py").read_text()
    crate = "class Crate:\n    def __init__(self, weight):\n        self.weight = weight\n"
    (root / "shipping.py").write_text(text + "\n\n" + crate)
    fake_model.script("def heavy(self):\n    return self.weight > 30\n")
    agent = make_agent(root, fake_model.base_url)

    outcome = await agent.ask("add a method heavy() to Crate")

    assert outcome.kind == "edit", outcome.message
    messages = the_prompt(fake_model)
    text = "\n".join(m["content"] for m in messages)
    assert count_messages(messages) < 400, count_messages(messages)
    assert crate.rstrip() in text and "from decimal import Decimal" in text
    assert "filler_" not in text
