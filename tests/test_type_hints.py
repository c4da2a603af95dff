"""Type hints take only the model's signature: the body never comes from the reply, and the
parameters must stay the same. Replies are the shapes small models send."""

from __future__ import annotations

from pathlib import Path

import pytest

from agent_helpers import make_agent

RECIPES = """\
class Recipe:
    name = ""


class Pantry:
    def __init__(self):
        self.stock = {}

    def find(self, name, default=None):
        return self.stock.get(name, default)


def find_recipe(recipes, name):
    for recipe in recipes:
        if recipe.name == name:
            return recipe
    return None
"""


@pytest.fixture
def recipes(tmp_path: Path) -> Path:
    (tmp_path / "recipes.py").write_text(RECIPES)
    return tmp_path


async def test_the_body_is_never_taken_from_a_type_hints_reply(recipes, fake_model):
    """The unsafe outcome seen in the field: the model "added type hints" by rewriting the
    condition. Only its signature is used; the body stays byte for byte."""
    fake_model.script(
        "def find_recipe(recipes: list, name: str) -> Optional[Recipe]:\n"
        "    for recipe in recipes:\n        if isinstance(recipe, Recipe):\n            return recipe\n"
    )
    agent = make_agent(recipes, fake_model.base_url)

    outcome = await agent.ask("Would you mind adding type hints to find_recipe?")

    assert outcome.kind == "edit", outcome.message
    new_text = outcome.edits[0].new_text
    assert "def find_recipe(recipes: list, name: str) -> Optional[Recipe]:" in new_text
    assert "        if recipe.name == name:\n" in new_text and "isinstance" not in new_text
    assert "from typing import Optional" in new_text


async def test_a_signature_alone_even_without_its_colon_is_enough(recipes, fake_model):
    fake_model.script("```python\ndef find(self, name: str, default: int | None = None) -> int | None\n```")
    agent = make_agent(recipes, fake_model.base_url)

    outcome = await agent.ask("add type hints to Pantry.find")

    assert outcome.kind == "edit", outcome.message
    assert (
        "    def find(self, name: str, default: int | None = None) -> int | None:\n"
        "        return self.stock.get(name, default)\n"
    ) in outcome.edits[0].new_text


async def test_a_signature_that_changes_the_parameters_is_refused(recipes, fake_model):
    changed = "def find(self, name: str) -> int:\n    return 0\n"  # drops `default`
    fake_model.script(changed, changed)
    agent = make_agent(recipes, fake_model.base_url)

    outcome = await agent.ask("add type hints to Pantry.find")

    assert outcome.kind == "refused"
    assert "changes its parameters ((self, name, default=None) became (self, name))" in outcome.message


async def test_a_signature_with_no_annotation_is_asked_for_again(recipes, fake_model):
    fake_model.script("def find_recipe(recipes, name):", "def find_recipe(recipes: list, name: str):")
    agent = make_agent(recipes, fake_model.base_url)

    outcome = await agent.ask("add type hints to find_recipe")

    assert outcome.kind == "edit", outcome.message
    assert "adds no type annotation" in fake_model.bodies()[1]["messages"][-1]["content"]


async def test_a_typescript_method_gets_its_annotated_signature(tmp_path, fake_model):
    (tmp_path / "stock.ts").write_text(
        "export class Stock {\n  private counts = new Map();\n\n  count(name, fallback = 0) {\n"
        "    return this.counts.get(name) ?? fallback;\n  }\n}\n"
    )
    fake_model.script("count(name: string, fallback: number = 0): number {")
    agent = make_agent(tmp_path, fake_model.base_url)

    outcome = await agent.ask("add type hints to Stock.count in stock.ts")

    assert outcome.kind == "edit", outcome.message
    assert (
        "  count(name: string, fallback: number = 0): number {\n    return this.counts.get(name) ?? fallback;\n"
        in outcome.edits[0].new_text
    )


@pytest.mark.parametrize(
    "reply",
    [
        "`def find_recipe(recipes: list, name: str) -> Recipe | None`",  # an inline code span
        "find_recipe(recipes: list, name: str) -> Recipe | None",  # without its `def`
        "`find_recipe(recipes: list, name: str) -> Recipe | None:`",
    ],
)
async def test_a_signature_in_backticks_or_without_its_def_is_a_signature(recipes, fake_model, reply):
    """Shapes Qwen2.5-Coder-0.5B sent for 3 of 24 signatures it was asked for; each was refused
    twice over as having no signature at all."""
    fake_model.script(reply, reply)
    agent = make_agent(recipes, fake_model.base_url)

    outcome = await agent.ask("add type hints to find_recipe")

    assert outcome.kind == "edit", outcome.message
    assert "def find_recipe(recipes: list, name: str) -> Recipe | None:\n    for recipe" in outcome.edits[0].new_text


async def test_a_def_line_wins_over_a_call_named_in_prose(recipes, fake_model):
    fake_model.script("Call it as find_recipe(recipes, name):\ndef find_recipe(recipes: list, name: str) -> Recipe:")
    agent = make_agent(recipes, fake_model.base_url)

    outcome = await agent.ask("add type hints to find_recipe")

    assert outcome.kind == "edit", outcome.message
    assert "def find_recipe(recipes: list, name: str) -> Recipe:\n" in outcome.edits[0].new_text


async def test_the_model_is_given_the_signature_to_fill_in(recipes, fake_model):
    """Asked in words only, the 0.5B model annotated 14 of 24 signatures (`to_grams: float`, the
    `def` line back unchanged); given the line with a gap where each type goes, 23 of 24."""
    fake_model.script("def find(self, name: str, default: int | None = None) -> int | None:")
    agent = make_agent(recipes, fake_model.base_url)

    outcome = await agent.ask("look at Pantry.find. it needs type hints")

    assert outcome.kind == "edit", outcome.message
    asked = fake_model.bodies()[0]["messages"][-1]["content"]
    assert "filled in: `def find(self, name: …, default: … = None) -> …:`" in asked


SHED = '''\
"""A tool shed: what is borrowed, by whom, and for how long."""


def days_out(lent, returned):
    return (returned - lent).days


def label(tool, owner):
    return f"{tool} ({owner})"


def heaviest(weights):
    return max(weights.values())


def is_blunt(uses, limit=50):
    return uses >= limit


def split_name(text):
    first, _, last = text.partition(" ")
    return first, last


def total_hours(sessions):
    return sum(end - start for start, end in sessions)
'''


async def test_the_real_model_annotates_signatures_asked_for_in_users_words(tmp_path, embedded_model):
    """Through the whole pipeline (one retry), in the kinds of wording users type."""
    (tmp_path / "shed.py").write_text(SHED)
    agent = make_agent(tmp_path, embedded_model)
    requests = {
        "days_out": "look at days_out. it needs type hints",
        "label": "type hints for label pls",
        "heaviest": "annotate heaviest",
        "is_blunt": "can we get type annotations on is_blunt",
        "split_name": "add types to split_name",
        "total_hours": "total_hours needs type hints",
    }
    refused = {}
    for name, request in requests.items():
        outcome = await agent.ask(request)
        if outcome.kind != "edit" or f"def {name}(" not in outcome.edits[0].new_text:
            refused[request] = outcome.message
            continue
        [line] = [row for row in outcome.edits[0].new_text.splitlines() if row.startswith(f"def {name}(")]
        assert ":" in line.partition("(")[2].rpartition(")")[0] or "->" in line, line
    assert len(refused) <= 1, refused


async def test_star_parameters_annotated_are_the_same_parameters(tmp_path, fake_model):
    """cachetools' `hashkey(*args, **kwargs)` on the real model: its annotated signature kept
    both stars, yet was refused as "(args, kwargs) became (*args, **kwargs)"."""
    (tmp_path / "keys.py").write_text(
        "def hashkey(*args, **kwargs):\n    return args + tuple(sorted(kwargs.items()))\n"
    )
    fake_model.script("def hashkey(*args: object, **kwargs: object) -> tuple:")
    agent = make_agent(tmp_path, fake_model.base_url)

    outcome = await agent.ask("add type hints to hashkey")

    assert outcome.kind == "edit", outcome.message
    assert "def hashkey(*args: object, **kwargs: object) -> tuple:" in outcome.edits[0].new_text
