"""Removing a function or class nothing uses: decided by the rules, done in code (no model
call), refused with every remaining use listed when something still needs it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from agent_helpers import apply, make_agent

BOOKS = '''\
from dataclasses import dataclass


@dataclass
class Book:
    title: str
    pence: int


def cheapest(books):
    return min(books, key=lambda book: book.pence)


@staticmethod
def legacy_total(books):
    """Old pricing, before copies were counted."""
    return sum(book.pence for book in books)


def newest(books):
    return books[-1]
'''

TESTS = """\
from books import Book, cheapest, newest


def test_books():
    books = [Book("a", 3), Book("b", 2)]
    assert cheapest(books).title == "b" and newest(books).title == "b"
"""


@pytest.fixture
def shelf(tmp_path: Path) -> Path:
    (tmp_path / "books.py").write_text(BOOKS)
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests" / "test_books.py").write_text(TESTS)
    (tmp_path / "pyproject.toml").write_text('[tool.pytest.ini_options]\npythonpath = ["."]\n')
    return tmp_path


@pytest.mark.parametrize(
    "request_text",
    [
        "remove legacy_total",
        "get rid of legacy_total, nothing needs it",
        "delete the function legacy_total from books.py",
        "legacy_total can go",
        "legacy_total is dead code",
    ],
)
async def test_an_unused_function_is_removed_with_its_decorator_and_docstring(shelf, fake_model, request_text):
    agent = make_agent(shelf, fake_model.base_url)

    outcome = await agent.ask(request_text)

    assert outcome.kind == "edit", outcome.message
    [edit] = outcome.edits
    assert "legacy_total" not in edit.new_text and "@staticmethod" not in edit.new_text
    assert "    return min(books, key=lambda book: book.pence)\n\n\ndef newest(books):" in edit.new_text
    assert outcome.message == "Removed `legacy_total` from books.py."
    assert fake_model.requests() == []
    apply(agent, outcome)
    tests = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"], cwd=shelf)
    assert tests.returncode == 0


async def test_a_function_still_used_is_not_removed_and_every_use_is_listed(shelf, fake_model):
    agent = make_agent(shelf, fake_model.base_url)

    outcome = await agent.ask("remove cheapest")

    assert outcome.kind == "refused"
    assert "`cheapest` cannot be removed from books.py" in outcome.message
    assert "tests/test_books.py:1, tests/test_books.py:6" in outcome.message
    assert fake_model.requests() == []


async def test_a_commonjs_function_leaves_the_export_list_too(tmp_path, fake_model):
    (tmp_path / "util.js").write_text(
        "function a() {\n  return 1;\n}\n\n/** Old. */\nfunction legacy() {\n  return 2;\n}\n\n"
        "module.exports = { a, legacy };\n"
    )
    (tmp_path / "main.js").write_text('const { a } = require("./util");\nif (a() !== 1) process.exit(1);\n')
    agent = make_agent(tmp_path, fake_model.base_url)

    outcome = await agent.ask("delete legacy from util.js")

    assert outcome.kind == "edit", outcome.message
    assert outcome.edits[0].new_text == "function a() {\n  return 1;\n}\n\nmodule.exports = { a };\n"
    apply(agent, outcome)
    assert subprocess.run(["node", "main.js"], cwd=tmp_path).returncode == 0


async def test_removing_a_name_that_is_a_file_deletes_nothing_else(shelf, fake_model):
    # "remove books.py" is the file; "remove Book" the class, which is used: refused.
    agent = make_agent(shelf, fake_model.base_url)
    outcome = await agent.ask("remove Book")
    assert outcome.kind == "refused" and "`Book` cannot be removed" in outcome.message


async def test_only_the_removed_lines_change_and_an_es_export_list_loses_the_name(tmp_path, fake_model):
    # Blank lines elsewhere in the file are not the removal's to tidy.
    source = (
        "function a() {\n  return 1;\n}\n\n\n\nfunction b() {\n  return 2;\n}\n\n"
        "function legacy() {\n  return 3;\n}\n\nexport { a, b, legacy };\n"
    )
    (tmp_path / "util.mjs").write_text(source)
    agent = make_agent(tmp_path, fake_model.base_url)

    outcome = await agent.ask("delete legacy from util.mjs")

    assert outcome.kind == "edit", outcome.message
    assert outcome.edits[0].new_text == (
        "function a() {\n  return 1;\n}\n\n\n\nfunction b() {\n  return 2;\n}\n\nexport { a, b };\n"
    )
