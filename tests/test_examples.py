"""A fix request that states what a call should give ("price(2) should return 5") is checked
by making that call on a scratch copy with the model's code: a candidate that gives something
else is retried with what it gave, and never offered. Scripted replies reproduce a small
model's wrong fixes; the calls themselves run in real Python and Node."""

from __future__ import annotations

import shutil

import pytest

from agent_helpers import make_agent
from outrigger.guards.examples import stated_example
from outrigger.spans import Range
from outrigger.workspace.symbols import Symbol

needs_node = pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed")

PRICES_PY = """\
VAT = 0.2


def with_vat(net):
    return net + VAT


def label(name):
    return name.title()
"""

CLOCK_JS = """\
function clock(minutes) {
  return `${Math.floor(minutes / 60)}:${minutes % 60}`;
}

module.exports = { clock };
"""


def _function(name: str, path: str, container: str | None = None) -> Symbol:
    where = Range.of(0, 0, 1, 0)
    return Symbol(
        name=name,
        kind="method" if container else "function",
        path=path,
        range=where,
        selection=where,
        container=container,
    )


@pytest.mark.parametrize(
    ("request_text", "call", "expected"),
    [
        ("with_vat(10) should return 12.0", "with_vat(10)", "12.0"),
        ("`with_vat(10)` must give 12.0, it gives 10.2", "with_vat(10)", "12.0"),
        ("with_vat(10) returns 10.2 instead of 12.0", "with_vat(10)", "12.0"),
        ("with_vat(10) returns 10.2 but it should be 12.0", "with_vat(10)", "12.0"),
        ("please make with_vat(10) return 12.0", "with_vat(10)", "12.0"),
        ("with_vat(10) == 12.0 is what I expect", "with_vat(10)", "12.0"),
        ("label('ann lee') is expected to be 'Ann Lee'", "label('ann lee')", "'Ann Lee'"),
        ("with_vat(0, True) should be None", "with_vat(0, True)", "None"),
        ("can you make with_vat return 12.0 for 10? it gives 10.2", "with_vat(10)", "12.0"),
        ("with_vat should give 1.2 with 1 euro", "with_vat(1)", "1.2"),
    ],
)
def test_the_stated_example_is_read_from_the_ways_people_write_it(request_text, call, expected):
    example = stated_example(request_text, _function(call.partition("(")[0], "prices.py"), 1)
    assert example is not None and (example.call, example.expected) == (call, expected)


@pytest.mark.parametrize(
    ("request_text", "symbol"),
    [
        ("with_vat(net) should return net * 1.2", _function("with_vat", "prices.py")),  # not literals
        ("with_vat(10) should return true", _function("with_vat", "prices.py")),  # a JS constant in Python
        ("clock(65) should return None", _function("clock", "clock.js")),  # a Python constant in JS
        ("with_vat(10) should return 12.0", _function("label", "prices.py")),  # another function's example
        ("Cart.total(1) should return 2", _function("total", "cart.py", container="Cart")),  # a method
        ("area(2) should return 4", _function("area", "shapes.ts")),  # TypeScript needs compiling
        ("with_vat should add 20 percent", _function("with_vat", "prices.py")),  # no call at all
        ("make with_vat return 12.0 for 10", _function("with_vat", "prices.py")),  # two parameters: which one?
    ],
)
def test_only_examples_that_can_be_run_exactly_are_taken(request_text, symbol):
    assert stated_example(request_text, symbol, 2) is None


async def test_a_python_fix_that_misses_the_example_is_retried_with_what_it_gave(tmp_path, fake_model):
    (tmp_path / "prices.py").write_text(PRICES_PY)
    fake_model.script(
        "def with_vat(net):\n    return net + VAT * 2\n",  # gives 10.4
        "def with_vat(net):\n    return net * (1 + VAT)\n",
    )
    agent = make_agent(tmp_path, fake_model.base_url)

    outcome = await agent.ask("with_vat(10) should return 12.0 but it returns 10.2")

    assert outcome.kind == "edit", outcome.message
    assert "net * (1 + VAT)" in outcome.edits[0].new_text
    retry = fake_model.bodies()[1]["messages"][-1]["content"]
    assert "`with_vat(10)` gives 10.4 with the model's code, not 12.0" in retry
    assert (tmp_path / "prices.py").read_text() == PRICES_PY  # checked on a copy


@needs_node
async def test_a_javascript_fix_is_checked_by_running_the_call_in_node(tmp_path, fake_model):
    (tmp_path / "clock.js").write_text(CLOCK_JS)
    wrong = "function clock(minutes) {\n  return `${Math.floor(minutes / 60)}:${minutes % 60}0`;\n}\n"
    right = (
        "function clock(minutes) {\n"
        "  return `${Math.floor(minutes / 60)}:${String(minutes % 60).padStart(2, '0')}`;\n"
        "}\n"
    )
    fake_model.script(wrong, right)
    agent = make_agent(tmp_path, fake_model.base_url)

    outcome = await agent.ask('clock(605) should return "10:05", not "10:5"')

    assert outcome.kind == "edit", outcome.message
    assert "padStart" in outcome.edits[0].new_text
    assert (
        '`clock(605)` gives "10:50" with the model\'s code, not "10:05"'
        in fake_model.bodies()[1]["messages"][-1]["content"]
    )


async def test_fixes_that_never_give_the_stated_result_are_refused_and_nothing_changes(tmp_path, fake_model):
    (tmp_path / "prices.py").write_text(PRICES_PY)
    fake_model.script(*[f"def with_vat(net):\n    return net + {n}\n" for n in (4, 5, 6, 3)])
    agent = make_agent(tmp_path, fake_model.base_url)

    outcome = await agent.ask("fix with_vat: with_vat(10) should return 12.0")

    assert outcome.kind == "refused"
    assert "`with_vat(10)` gives 13 with the model's code, not 12.0" in outcome.message
    assert len(fake_model.requests()) == 4  # one call and three sampled retries, each checked
    assert [body.get("seed") for body in fake_model.bodies()] == [None, 1, 2, 3]


async def test_a_call_that_raises_counts_as_a_miss(tmp_path, fake_model):
    (tmp_path / "prices.py").write_text(PRICES_PY)
    fake_model.script("def with_vat(net):\n    return net / 0\n", "def with_vat(net):\n    return net * 1.2\n")
    agent = make_agent(tmp_path, fake_model.base_url)

    outcome = await agent.ask("with_vat(10) should return 12.0")

    assert outcome.kind == "edit", outcome.message
    assert "raises ZeroDivisionError" in fake_model.bodies()[1]["messages"][-1]["content"]


async def test_an_example_that_already_holds_checks_nothing(tmp_path, fake_model):
    """The example does not describe the bug as the code stands, so it cannot judge the fix."""
    (tmp_path / "prices.py").write_text(PRICES_PY)
    fake_model.script("def with_vat(net):\n    return net + VAT + 0\n")
    agent = make_agent(tmp_path, fake_model.base_url)

    outcome = await agent.ask("fix with_vat, with_vat(0) should return 0.2 and it does, but 10 is wrong")

    assert outcome.kind == "edit", outcome.message
    assert len(fake_model.requests()) == 1


async def test_running_examples_follows_the_switch_for_running_project_code(tmp_path, fake_model):
    (tmp_path / "prices.py").write_text(PRICES_PY)
    fake_model.script("def with_vat(net):\n    return net + VAT * 2\n")
    agent = make_agent(tmp_path, fake_model.base_url)
    agent.settings.tests.run = "never"

    outcome = await agent.ask("with_vat(10) should return 12.0 but it returns 10.2")

    assert outcome.kind == "edit"  # not run, so not judged: the preview is the user's check
    assert len(fake_model.requests()) == 1


async def test_a_fix_that_turns_the_tests_red_is_tried_once_more_told_what_failed(tmp_path, fake_model):
    """Like a task's step, a fix gets one second try when the project's tests fail with it;
    the retry sees its first version and the failing test."""
    (tmp_path / "prices.py").write_text(PRICES_PY)
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests" / "test_prices.py").write_text(
        "from prices import label, with_vat\n\n\ndef test_label():\n    assert label('ann lee') == 'Ann Lee'\n\n\n"
        "def test_with_vat_of_nothing():\n    assert with_vat(0) < 1\n"
    )
    (tmp_path / "tests" / "conftest.py").write_text("import sys\nsys.path.insert(0, '.')\n")
    fake_model.script(
        "def with_vat(net):\n    return net * 1.2 + 1\n",  # gives 13.0 for 10: the example fails
        "def with_vat(net):\n    return net * 1.2 if net else 1\n",  # the example passes, the tests do not
        "def with_vat(net):\n    return net * (1 + VAT)\n",
    )
    agent = make_agent(tmp_path, fake_model.base_url)

    outcome = await agent.ask("with_vat is wrong: with_vat(10) should give 12.0 - it only adds 0.2")

    assert outcome.kind == "edit", outcome.message
    assert "net * (1 + VAT)" in outcome.edits[0].new_text
    assert any("second try" in note for note in outcome.notes) and any("pass" in note for note in outcome.notes)
    told = fake_model.bodies()[2]["messages"][-1]["content"]
    assert "return net * 1.2 if net else 1" in told and "test_with_vat_of_nothing" in told
    assert outcome.message.startswith("Edited `with_vat` in prices.py: with_vat is wrong")
    assert "made the project's tests fail" not in outcome.message
