"""A step that writes a test file is told the shapes of what the tested functions take: the
interfaces and types their signatures name (and the types those name), for an untyped Python
parameter the class its name says with its fields and how an existing test builds one, and the
short code of the tested function. An addition "taken out of" a named short function sees that
function's code; a later step learns what a new function does (what it calls and sets). Short
definitions, never a whole file."""

from __future__ import annotations

from pathlib import Path

import pytest

from agent_helpers import make_agent

PARCEL_TS = """\
export type Zone = "north" | "south";

export interface Parcel {
  grams: number;
  zone: Zone;
  fragile?: boolean;
}

export const NORTH_CENTS = 300;

export function postage(parcel: Parcel): number {
  const base = parcel.zone === "north" ? NORTH_CENTS : 450;
  return base + (parcel.fragile ? 200 : 0);
}

export function unrelated(text: string): string {
  return text + "\\n".repeat(40);
}
"""


@pytest.fixture
def post(tmp_path: Path) -> Path:
    root = tmp_path / "post"
    (root / "src").mkdir(parents=True)
    (root / "test").mkdir()
    (root / "src/parcel.ts").write_text(PARCEL_TS)
    (root / "test/old.test.ts").write_text('import test from "node:test";\n')
    return root


async def test_a_typescript_test_file_is_told_the_interfaces_its_function_takes(post, fake_model):
    fake_model.script(
        'import test from "node:test";\nimport assert from "node:assert";\n'
        'import { Parcel, postage } from "../src/parcel";\n\n'
        'test("north", () => {\n  const p: Parcel = { grams: 10, zone: "north" };\n'
        "  assert.strictEqual(postage(p), 300);\n});\n"
    )
    agent = make_agent(post, fake_model.base_url)
    agent.guards.project_tests = False

    outcome = await agent.ask("create test/parcel.test.ts with tests for postage")

    assert outcome.kind == "edit", outcome.message
    prompt = fake_model.bodies()[0]["messages"][-1]["content"]
    assert "src/parcel.ts defines `export interface Parcel { grams: number; zone: Zone; fragile?: boolean; }`" in prompt
    assert 'import it with `import { Parcel } from "../src/parcel"`' in prompt
    assert "`const x: Parcel = { … }`" in prompt
    assert 'src/parcel.ts defines `export type Zone = "north" | "south";`' in prompt  # named by Parcel
    assert "parcel.fragile ? 200 : 0" in prompt  # the short code under test
    assert "src/parcel.ts defines `export const NORTH_CENTS = 300;`" in prompt  # and the constants it uses
    assert "repeat(40)" not in prompt  # not the rest of the file


SHELTER_PY = """\
class Kennel:
    def __init__(self, name, size=2):
        self.name = name
        self.size = size
        self.dogs = []

    def describe(self):
        return self.name


def has_room(kennel, arriving):
    return len(kennel.dogs) + arriving <= kennel.size
"""

TEST_SHELTER_PY = """\
from shelter import Kennel


def test_describe():
    north = Kennel("north", size=3)
    assert north.describe() == "north"
"""


async def test_a_python_test_file_is_told_the_class_an_untyped_parameter_names(tmp_path, fake_model):
    root = tmp_path / "shelter"
    (root / "tests").mkdir(parents=True)
    (root / "shelter.py").write_text(SHELTER_PY)
    (root / "tests/test_shelter.py").write_text(TEST_SHELTER_PY)
    fake_model.script(
        "from shelter import Kennel, has_room\n\n\ndef test_room():\n    assert has_room(Kennel('a'), 1)\n"
    )
    agent = make_agent(root, fake_model.base_url)
    agent.guards.project_tests = False

    outcome = await agent.ask("write tests/test_room.py with a few pytest tests for has_room")

    assert outcome.kind == "edit", outcome.message
    prompt = fake_model.bodies()[0]["messages"][-1]["content"]
    assert "shelter.py defines `class Kennel: def __init__(self, name, size=2)`" in prompt
    assert "import it with `from shelter import Kennel`" in prompt
    assert 'tests/test_shelter.py builds one as `north = Kennel("north", size=3)`' in prompt
    assert "return self.name" not in prompt  # its constructor, not its methods


@pytest.mark.parametrize(
    "request_text",
    [
        "Take the greeting out of welcome: add greeting(user) to src/text.js and have welcome in src/pages.js call it.",
        "add greeting(user) to src/text.js and use it in welcome in src/pages.js instead of building the line there",
    ],
)
async def test_an_addition_taken_out_of_a_named_function_sees_that_functions_code(tmp_path, fake_model, request_text):
    root = tmp_path / "site"
    (root / "src").mkdir(parents=True)
    (root / "src/text.js").write_text(
        "function shout(s) {\n  return s.toUpperCase();\n}\n\nmodule.exports = { shout };\n"
    )
    (root / "src/pages.js").write_text(
        'const { shout } = require("./text");\n\nfunction welcome(user) {\n'
        "  const line = `Hello, ${user.first} ${user.last}!`;\n  return shout(line);\n}\n\n"
        "module.exports = { welcome };\n"
    )
    fake_model.script(
        "function greeting(user) {\n  return `Hello, ${user.first} ${user.last}!`;\n}\n",
        "function welcome(user) {\n  return shout(greeting(user));\n}\n",
    )
    agent = make_agent(root, fake_model.base_url)
    agent.guards.project_tests = False

    outcome = await agent.ask(request_text)

    assert outcome.kind == "edit", outcome.message
    first = fake_model.bodies()[0]["messages"][-1]["content"]
    assert "The code of `welcome` in src/pages.js:\nfunction welcome(user) {" in first
    assert "Hello, ${user.first} ${user.last}!" in first


async def test_a_later_step_is_told_what_a_new_function_does_not_only_its_signature(tmp_path, fake_model):
    root = tmp_path / "till"
    (root / "src").mkdir(parents=True)
    (root / "src/orders.js").write_text(
        "function total(order) {\n  return order.sum;\n}\n\nmodule.exports = { total };\n"
    )
    (root / "src/checkout.js").write_text(
        'const { total } = require("./orders");\nconst { receipt } = require("./mail");\n\n'
        "function pay(order) {\n  order.paid = true;\n  receipt(order.email, total(order));\n  return order;\n}\n\n"
        "module.exports = { pay };\n"
    )
    (root / "src/mail.js").write_text(
        "function receipt(to, sum) {\n  return { to, sum };\n}\n\nmodule.exports = { receipt };\n"
    )
    fake_model.script(
        "function settle(order) {\n  order.paid = true;\n  receipt(order.email, total(order));\n}\n",
        "function pay(order) {\n  settle(order);\n  return order;\n}\n",
    )
    agent = make_agent(root, fake_model.base_url)
    agent.guards.project_tests = False

    outcome = await agent.ask("add settle(order) to src/orders.js and have pay in src/checkout.js call it")

    assert outcome.kind == "edit", outcome.message
    second = fake_model.bodies()[1]["messages"][-1]["content"]
    assert "src/orders.js defines `function settle(order) {`" in second
    assert "— it calls `receipt`, `total`; sets `order.paid`" in second
    assert "receipt(order.email" not in second.split("Known from earlier steps")[1]  # a summary, not the body
