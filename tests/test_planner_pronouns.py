"""A pronoun in a command ("it", "this one", "that") stands for the symbol the request named
before it — in a statement first ("X is too long, simplify it") or in the command before — else
the one under the cursor. Planned without the model: a model that fails when called proves the
rules and the map decided."""

from __future__ import annotations

from pathlib import Path

import pytest

from outrigger.plan import Intent
from outrigger.workspace.index import ProjectMap
from planning_helpers import map_of, plan_without_model

TARIFFS = """\
class Tariff:
    def yearly_cost(self, units):
        return sum(self.rate(u) for u in range(units))


def split_bill(total, people):
    return round(total / people, 2)


def render_invoice(lines):
    return "\\n".join(f"{name}: {cost}" for name, cost in lines)
"""


@pytest.fixture
def project(tmp_path: Path) -> ProjectMap:
    return map_of(tmp_path, {"tariffs.py": TARIFFS})


async def plan(project: ProjectMap, request: str, cursor: str | None = None):
    return await plan_without_model(project, request, cursor)


@pytest.mark.parametrize(
    ("request_text", "intent", "symbol"),
    [
        ("render_invoice is hard to read; clean it up", Intent.REWRITE, "render_invoice"),
        ("i feel split_bill is far too clever, simplify it", Intent.REWRITE, "split_bill"),
        ("Tariff.yearly_cost is slow — could you optimize it?", Intent.REWRITE, "Tariff.yearly_cost"),
        ("split_bill is messy. refactor this one please", Intent.REWRITE, "split_bill"),
        ("the output of render_invoice is ugly; tidy it up", Intent.REWRITE, "render_invoice"),
        # several symbols: "it" is the one the last statement is about
        ("render_invoice is fine but split_bill rounds badly, fix it", Intent.FIX, "split_bill"),
        ("split_bill has a docstring and render_invoice does not. document it", Intent.DOCSTRING, "render_invoice"),
        ("split_bill works, render_invoice doesn't - add a docstring to it", Intent.DOCSTRING, "render_invoice"),
        # a polite command after a comma, a question on "it"
        ("Tariff.yearly_cost is slow, could you optimize it?", Intent.REWRITE, "Tariff.yearly_cost"),
        ("split_bill is hard to follow, would you mind adding a docstring to it", Intent.DOCSTRING, "split_bill"),
        ("render_invoice broke again, can u fix it pls", Intent.FIX, "render_invoice"),
        ("split_bill is confusing. explain it", Intent.QUESTION, "split_bill"),
        ("Tariff.yearly_cost confuses me; walk me through it", Intent.QUESTION, "Tariff.yearly_cost"),
        # said in disbelief, or a bare command: about the statement's subject, no question beside it
        ("render_invoice returns None for an empty list?? it shouldn't. fix", Intent.FIX, "render_invoice"),
        ("split_bill divides by zero?! fix it", Intent.FIX, "split_bill"),
        ("split_bill is broken. fix", Intent.FIX, "split_bill"),
        ("Tariff.yearly_cost looks slow. speed it up", Intent.REWRITE, "Tariff.yearly_cost"),
    ],
)
async def test_a_statement_then_one_command_on_it_is_that_command_on_the_named_symbol(
    project, request_text, intent, symbol
):
    decided = await plan(project, request_text)
    assert (decided.intent, decided.symbol, decided.decided_by, decided.asked) == (intent, symbol, "rules", None)


async def test_it_without_a_name_before_is_the_symbol_under_the_cursor(project):
    decided = await plan(project, "please simplify it", cursor="split_bill")
    assert (decided.intent, decided.symbol) == (Intent.REWRITE, "split_bill")


@pytest.mark.parametrize(
    ("request_text", "intent"),
    [("add a docstring to it", Intent.DOCSTRING), ("rename it to share_bill", Intent.RENAME)],
)
async def test_it_in_a_command_alone_is_the_symbol_under_the_cursor(project, request_text, intent):
    decided = await plan(project, request_text, cursor="split_bill")
    assert (decided.intent, decided.symbol) == (intent, "split_bill")


async def test_it_in_the_first_of_several_commands_is_the_symbol_under_the_cursor(project):
    decided = await plan(project, "add type hints to it, then call it from render_invoice", cursor="split_bill")
    assert decided.intent is Intent.TASK
    assert [(s.action.value, s.symbol) for s in decided.steps] == [("edit", "split_bill"), ("edit", "render_invoice")]
    assert "split_bill" in decided.steps[1].what  # the call step calls the symbol "it" stood for


@pytest.mark.parametrize(
    ("request_text", "symbol"),
    [
        ("split_bill(total, people, name) should round up, not to even. fix it", "split_bill"),
        ("render_invoice(lines, update) prints the total twice; fix that one please", "render_invoice"),
    ],
)
async def test_a_call_with_its_arguments_in_the_statement_is_one_name_not_clauses(project, request_text, symbol):
    """A call's arguments are not the request's words: "name" after a comma inside them is no
    new command (a rename), so "fix it" is the fix of the function called."""
    decided = await plan(project, request_text)
    assert (decided.intent, decided.symbol) == (Intent.FIX, symbol)


@pytest.mark.parametrize("request_text", ["please", "thanks!", ", and"])
async def test_words_that_ask_for_nothing_go_to_the_model(project, request_text):
    with pytest.raises(AssertionError, match="the model was asked"):
        await plan(project, request_text, cursor="split_bill")
