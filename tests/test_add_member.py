"""A new method goes into its class: planned by the rules, written by the model alone, placed
at the end of the class body with the class's indentation. The scripted replies are the
shapes Qwen2.5-Coder-0.5B sends (the method alone, the whole file again, a fenced method)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from agent_helpers import apply, make_agent

SHELF_PY = """\
class Shelf:
    def __init__(self, name):
        self.name = name
        self.books = []

    def add(self, book):
        self.books.append(book)


def cheapest(books):
    return min(books)
"""

OVEN_JS = """\
export class Oven {
  constructor() {
    this.temp = 20;
  }

  preheat(target) {
    this.temp = target;
  }
}

export class Loaf {}
"""


@pytest.fixture
def shelf(tmp_path: Path) -> Path:
    (tmp_path / "shelf.py").write_text(SHELF_PY)
    return tmp_path


@pytest.mark.parametrize(
    "request_text",
    [
        "add a method count() to Shelf that returns how many books it holds",
        "add a `count` method to the Shelf class returning the number of books",
        "give Shelf a count() method that returns how many books there are",
        "Shelf needs a count method that returns how many books it holds",
    ],
)
async def test_a_new_python_method_lands_at_the_end_of_its_class(shelf, fake_model, request_text):
    fake_model.script("def count(self):\n    return len(self.books)\n")
    agent = make_agent(shelf, fake_model.base_url)

    outcome = await agent.ask(request_text)

    assert outcome.kind == "edit", outcome.message
    [edit] = outcome.edits
    assert edit.new_text == SHELF_PY.replace(
        "        self.books.append(book)\n",
        "        self.books.append(book)\n\n    def count(self):\n        return len(self.books)\n",
    )
    assert outcome.message == "Added `Shelf.count` to shelf.py."
    apply(agent, outcome)
    check = "from shelf import Shelf\ns = Shelf('x')\ns.add(1)\nassert s.count() == 1\n"
    assert subprocess.run([sys.executable, "-c", check], cwd=shelf).returncode == 0


async def test_a_reply_repeating_the_whole_file_gives_just_the_method(shelf, fake_model):
    fake_model.script(
        "```python\n"
        + SHELF_PY.replace(
            "\n\ndef cheapest", "\n    def count(self):\n        return len(self.books)\n\n\ndef cheapest"
        )
        + "```"
    )
    agent = make_agent(shelf, fake_model.base_url)

    outcome = await agent.ask("add a method count() to Shelf")

    assert outcome.kind == "edit", outcome.message
    assert outcome.edits[0].new_text.count("class Shelf") == 1
    assert outcome.edits[0].new_text.count("def cheapest") == 1
    assert "\n    def count(self):\n        return len(self.books)\n" in outcome.edits[0].new_text


@pytest.mark.parametrize(
    "reply",
    [
        "```javascript\ncool() {\n  this.temp = 20;\n}\n```",
        "Oven.prototype.cool = function () {\n  this.temp = 20;\n};\n",  # Qwen2.5-Coder-1.5B's form
    ],
)
async def test_a_javascript_method_goes_before_the_closing_brace(tmp_path, fake_model, reply):
    (tmp_path / "oven.js").write_text(OVEN_JS)
    fake_model.script(reply)
    agent = make_agent(tmp_path, fake_model.base_url)

    outcome = await agent.ask("Oven needs a cool() method that sets temp back to 20")

    assert outcome.kind == "edit", outcome.message
    assert "    this.temp = target;\n  }\n\n  cool() {\n    this.temp = 20;\n  }\n}\n\nexport class Loaf {}" in (
        outcome.edits[0].new_text
    )


async def test_the_wrong_method_twice_is_refused_and_an_existing_one_is_not_added(shelf, fake_model):
    fake_model.script("def size(self):\n    return 0\n", "def size(self):\n    return 0\n")
    agent = make_agent(shelf, fake_model.base_url)

    wrong = await agent.ask("add a method count() to Shelf")
    existing = await agent.ask("add a method add() to Shelf")

    assert wrong.kind == "refused" and "should define the method `count` of `Shelf`; it defines `size`" in wrong.message
    assert existing.kind == "refused" and "already has a `add`" in existing.message
    assert len(fake_model.requests()) == 2


async def test_a_class_the_workspace_does_not_have_is_named_before_any_model_call(shelf, fake_model):
    agent = make_agent(shelf, fake_model.base_url)
    outcome = await agent.ask("add a method count() to Shelve")
    assert outcome.kind == "refused" and "`Shelve` is not defined" in outcome.message and "Shelf" in outcome.message
    assert fake_model.requests() == []
