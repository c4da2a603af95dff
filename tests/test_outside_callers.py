""" "Every caller" reaches the calls no function encloses: a test's callback
(`test("…", () => f(…))`) and module-level code. They get the request's value without the model
when it is plain and in scope there; otherwise the task is refused, listing them, before any
model call (in plain JavaScript, where a missing argument is undefined, they are noted)."""

from __future__ import annotations

from pathlib import Path

import pytest

from agent_helpers import make_agent

PRICE_TS = """\
export function formatPrice(cents: number): string {
  return `${(cents / 100).toFixed(2)} USD`;
}
"""

ORDER_TS = """\
import { formatPrice } from "./price";

export interface Order {
  cents: number;
  currency: string;
}

export function orderLine(order: Order): string {
  return `total ${formatPrice(order.cents)}`;
}
"""

ORDER_TEST_TS = """\
import test from "node:test";
import assert from "node:assert";
import { formatPrice } from "../src/price";

const order = { cents: 250, currency: "GBP" };

test("prices have two decimals", () => {
  assert.strictEqual(formatPrice(order.cents), "2.50 GBP");
});

test("a second order", () => {
  const order = { cents: 5, currency: "CHF" };
  assert.strictEqual(formatPrice(order.cents), "0.05 CHF");
});
"""

NEW_PRICE = """\
export function formatPrice(cents: number, currency: string): string {
  return `${(cents / 100).toFixed(2)} ${currency}`;
}
"""


@pytest.fixture
def shop(tmp_path: Path) -> Path:
    root = tmp_path / "shop"
    (root / "src").mkdir(parents=True)
    (root / "test").mkdir()
    (root / "src/price.ts").write_text(PRICE_TS)
    (root / "src/order.ts").write_text(ORDER_TS)
    (root / "test/price.test.ts").write_text(ORDER_TEST_TS)
    return root


async def test_calls_in_test_callbacks_get_the_value_in_scope_there(shop, fake_model):
    fake_model.script(NEW_PRICE)
    agent = make_agent(shop, fake_model.base_url)
    agent.guards.project_tests = False

    outcome = await agent.ask(
        "Prices always say USD. Add a `currency: string` parameter to formatPrice and have every caller "
        "pass the order's currency."
    )

    assert outcome.kind == "edit", outcome.message
    assert len(fake_model.requests()) == 1  # the function; every call is written without the model
    texts = {edit.path: edit.new_text for edit in outcome.edits}
    assert "formatPrice(order.cents, order.currency)" in texts["src/order.ts"]
    test_text = texts["test/price.test.ts"]
    assert test_text.count("formatPrice(order.cents, order.currency)") == 2


async def test_calls_outside_functions_without_the_value_in_scope_refuse_before_any_model_call(shop, fake_model):
    (shop / "test/price.test.ts").write_text(
        ORDER_TEST_TS.replace("const order = { cents: 250", "const cart = { cents: 250").replace(
            'formatPrice(order.cents), "2.50', 'formatPrice(cart.cents), "2.50'
        )
    )
    agent = make_agent(shop, fake_model.base_url)

    outcome = await agent.ask(
        "add a `currency: string` parameter to formatPrice and have every caller pass the order's currency"
    )

    assert outcome.kind == "refused"
    assert "test/price.test.ts:8" in outcome.message and "test/price.test.ts:13" not in outcome.message
    assert fake_model.requests() == []


LATE_PY = """\
def late_fee(days):
    return days * 10
"""

RULES_PY = """\
from late import late_fee

WEEK_FEE = late_fee(7)


def fee_for(loan_days):
    return late_fee(loan_days)
"""


async def test_module_level_python_calls_get_a_plain_value_by_keyword(tmp_path, fake_model):
    root = tmp_path / "lib"
    root.mkdir()
    (root / "late.py").write_text(LATE_PY)
    (root / "rules.py").write_text(RULES_PY)
    fake_model.script("def late_fee(days, rate):\n    return days * rate\n")
    agent = make_agent(root, fake_model.base_url)
    agent.guards.project_tests = False

    outcome = await agent.ask("give late_fee a rate parameter and pass 10 from every caller")

    assert outcome.kind == "edit", outcome.message
    rules = {edit.path: edit.new_text for edit in outcome.edits}["rules.py"]
    assert "WEEK_FEE = late_fee(7, rate=10)" in rules and "return late_fee(loan_days, rate=10)" in rules


async def test_plain_javascript_calls_without_the_value_in_scope_are_noted_not_refused(tmp_path, fake_model):
    root = tmp_path / "desk"
    (root / "src").mkdir(parents=True)
    (root / "test").mkdir()
    (root / "src/mail.js").write_text(
        "function send(to, text) {\n  return { to, text };\n}\n\nmodule.exports = { send };\n"
    )
    (root / "src/jobs.js").write_text(
        'const { send } = require("./mail");\n\nfunction remind(job) {\n  return send(job.owner, "due");\n}\n\n'
        "module.exports = { remind };\n"
    )
    (root / "test/mail.test.js").write_text(
        'const test = require("node:test");\nconst { send } = require("../src/mail");\n\n'
        'test("sends", () => {\n  send("a@b", "hi");\n});\n'
    )
    fake_model.script("function send(to, text, job) {\n  return { to, text };\n}\n")
    agent = make_agent(root, fake_model.base_url)
    agent.guards.project_tests = False

    outcome = await agent.ask("add a `job` parameter to send and pass the job in from every place that calls it")

    assert outcome.kind == "edit", outcome.message
    texts = {edit.path: edit.new_text for edit in outcome.edits}
    assert 'send(job.owner, "due", job)' in texts["src/jobs.js"] and "test/mail.test.js" not in texts
    assert "test/mail.test.js:5 calls `send` without the new argument (it is undefined there)" in outcome.notes
