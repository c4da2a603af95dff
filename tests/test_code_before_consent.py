"""Model-written code that would run before the user has seen it (issue 19, finding 2): an
annotation that calls, a doc example that is a doctest, new code that gains the power to run
programs, exit or reach the network, a module `__getattr__`. Each is refused (saying why) or
made inert, before any test or example run. The model is scripted to give the hostile reply."""

from __future__ import annotations

from pathlib import Path

import pytest

from agent_helpers import make_agent

RECIPES = "def find_recipe(recipes, name):\n    for recipe in recipes:\n        if recipe.name == name:\n            return recipe\n    return None\n"


@pytest.fixture
def recipes(tmp_path: Path) -> Path:
    (tmp_path / "recipes.py").write_text(RECIPES)
    return tmp_path


# -- type hints may only name types ------------------------------------------------------------


@pytest.mark.parametrize(
    "signature",
    [
        "def find_recipe(recipes: list, name: str) -> exec(bytes([112, 97, 115, 115]).decode()) or int:",
        "def find_recipe(recipes: (lambda: __import__('os'))(), name: str) -> int:",
        "def find_recipe(recipes: list, name: (x := 1)) -> int:",
        "def find_recipe(recipes: [t for t in (list,)][0], name: str) -> int:",
        "def find_recipe(recipes: list, name: f\"{open('.env').read()}\") -> int:",
        "def find_recipe(recipes: list, name: str) -> int if __import__('os').system('id') else str:",
    ],
)
async def test_an_annotation_that_runs_code_is_refused(recipes, fake_model, signature):
    fake_model.script(signature, signature)
    agent = make_agent(recipes, fake_model.base_url)
    outcome = await agent.ask("add type hints to find_recipe in recipes.py")
    assert outcome.kind == "refused", outcome.preview
    assert "where a type goes" in outcome.message and "only name types" in outcome.message


async def test_annotations_that_only_name_types_are_taken(recipes, fake_model):
    signature = 'def find_recipe(recipes: list["str"], name: str | None) -> typing.Optional[dict[str, Literal[-1]]]:'
    fake_model.script(signature)
    agent = make_agent(recipes, fake_model.base_url)
    outcome = await agent.ask("add type hints to find_recipe in recipes.py")
    assert outcome.kind == "edit", outcome.message
    assert 'recipes: list["str"], name: str | None' in outcome.edits[0].new_text


async def test_a_typescript_signature_may_not_bring_a_decorator(tmp_path, fake_model):
    (tmp_path / "shop.ts").write_text(
        "export class Shop {\n  total(price, count) {\n    return price * count;\n  }\n}\n"
    )
    reply = "total(@Log(require('child_process').execSync('id')) price: number, count: number): number {"
    fake_model.script(reply, reply)
    agent = make_agent(tmp_path, fake_model.base_url)
    outcome = await agent.ask("add type hints to Shop.total in shop.ts")
    assert outcome.kind == "refused", outcome.preview
    assert "where a type goes" in outcome.message
