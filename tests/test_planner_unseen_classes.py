"""Classes of wording the unseen corpora in TypeScript, Go and Rust found misread
(benchmarks/tasks/*_wording.json, `misread`), each tried here in other words on another
workspace. Planned without the model: a model that fails when called proves the rules and the
map decided."""

from __future__ import annotations

from pathlib import Path

import pytest

from outrigger.workspace.index import ProjectMap
from planning_helpers import map_of, plan_without_model

ORDERS = """\
def order_total(lines, shipping):
    return sum(line.price for line in lines)


def total(lines):
    return order_total(lines, 0)
"""
ORDER_TESTS = """\
from orders import order_total

receipt = [1, 2]


def basket():
    return []


def test_total():
    assert order_total(basket(), 0) == 0
"""


@pytest.fixture
def shop(tmp_path: Path) -> ProjectMap:
    return map_of(tmp_path, {"orders.py": ORDERS, "tests/test_orders.py": ORDER_TESTS})


@pytest.mark.parametrize(
    ("request_text", "intent", "targets"),
    [
        # A plain word the map defines only by chance (a test's variable, a test helper) is a
        # word of the sentence when the request writes the code it means as code.
        ("a receipt came out without the postage, so order_total should add shipping. fix", "fix", ["order_total"]),
        ("is every basket line counted by order_total? put that in its docstring", "docstring", ["order_total"]),
        ("the receipt printer calls order_total - what does it return?", "question", ["order_total"]),
        # Where a target goes, the plain name is still code: listed, after the verb or "to".
        ("add docstrings to total and order_total", "docstring", ["total", "order_total"]),
        ("fix total, order_total is fine", "fix", ["total"]),
        ("total should return what order_total returns", "fix", ["total"]),
        ("why does total give 0 when order_total works?", "question", ["total"]),
    ],
)
async def test_a_plain_word_is_prose_beside_code_written_as_code(shop, request_text, intent, targets):
    plan = await plan_without_model(shop, request_text)
    assert (plan.intent.value, [t.symbol for t in plan.targets]) == (intent, targets)


@pytest.mark.parametrize(
    ("request_text", "target"),
    [
        # A follow-up's joins before "the same" and its "too"/"as well" after the target.
        ("then the same to total as well", "total"),
        ("and do the same thing with order_total too", "order_total"),
        ("also same for total", "total"),
    ],
)
async def test_the_same_for_a_target_is_a_repeat_with_joins_before_and_too_after(shop, request_text, target):
    plan = await plan_without_model(shop, request_text)
    assert (plan.intent.value, plan.symbol) == ("repeat", target)


@pytest.mark.parametrize(
    ("request_text", "intent", "target"),
    [
        # "it" that opens a sentence is what the sentence before was about, not a name it used.
        ("isnt total slow? it calls order_total for every line. simplify it", "rewrite", "total"),
        ("total looks wrong. it passes 0 to order_total. fix it", "fix", "total"),
        ("order_total has a docstring but total has none. it should be documented as well", "docstring", "total"),
        ("total is documented and order_total is not. this one needs a docstring", "docstring", "order_total"),
    ],
)
async def test_a_sentence_opening_with_a_pronoun_is_about_the_subject_before(shop, request_text, intent, target):
    plan = await plan_without_model(shop, request_text)
    assert (plan.intent.value, [t.symbol for t in plan.targets]) == (intent, [target])


@pytest.mark.parametrize(
    "request_text", ["oops, that was wrong. undo", "hmm no. revert that", "the tests went red. revert it pls"]
)
async def test_a_statement_naming_no_code_before_an_undo_is_no_part_of_it(shop, request_text):
    plan = await plan_without_model(shop, request_text)
    assert plan.intent.value == "undo"


@pytest.mark.parametrize(
    ("request_text", "step"),
    [
        # A move or a removal said in the passive of what it is done to, after context.
        (
            "total doesnt belong with the orders. it should be moved into a new wrappers.py",
            ["move", "orders.py", "total"],
        ),
        (
            "the api suite covers orders now, so tests/test_orders.py must be deleted",
            ["delete", "tests/test_orders.py", None],
        ),
    ],
)
async def test_a_move_or_removal_said_in_the_passive_is_the_step(shop, request_text, step):
    plan = await plan_without_model(shop, request_text)
    assert [[s.action.value, s.file, s.symbol] for s in plan.steps] == [step]


@pytest.mark.parametrize(
    ("request_text", "intent", "target"),
    [
        # Told to explain in a doc: a doc, which says it; a question about a doc stays a question.
        ("total confuses people. describe it in a docstring", "docstring", "total"),
        ("explain order_total in its docstring pls", "docstring", "order_total"),
        ("explain the docstring of total", "question", "total"),
    ],
)
async def test_an_explanation_asked_into_a_doc_is_a_doc(shop, request_text, intent, target):
    plan = await plan_without_model(shop, request_text)
    assert (plan.intent.value, plan.symbol) == (intent, target)
