"""The one tagging pass over a request's words and the clause grammar over its tags."""

from __future__ import annotations

import pytest

from outrigger.planner.words import Tag, clauses, commands, symbols, tag, with_subject
from outrigger.workspace.files import Workspace
from outrigger.workspace.index import ProjectMap


@pytest.fixture
def project(tmp_path) -> ProjectMap:
    (tmp_path / "loans.py").write_text(
        "def late_fee(days):\n    return days\n\n\ndef fee_for(book):\n    return 1\n\n\n"
        "def explain(x):\n    return x\n\n\ndef clean(x):\n    return x\n\n\ndef one(x):\n    return x\n"
    )
    project_map = ProjectMap(Workspace(tmp_path))
    project_map.build()
    return project_map


def test_a_verb_where_a_clause_starts_is_never_a_symbol_even_when_the_map_defines_it(project):
    text = "add a docstring to late_fee and explain what fee_for does"
    assert [c.text for c in clauses(text, project)] == ["add a docstring to late_fee", "explain what fee_for does"]
    assert symbols(text, project) == ["late_fee", "fee_for"]


def test_a_verb_word_elsewhere_is_the_symbol_the_map_defines(project):
    assert symbols("document clean and one in loans.py", project) == ["clean", "one"]


def test_words_requests_are_made_of_are_no_symbols_unless_written_as_code(project):
    assert symbols("fix it", project) == []
    words = {w.text: w.tag for w in tag("add `one` to `loans.py` then undo it", project)}
    assert words == {
        "add": Tag.VERB,
        "one": Tag.SYMBOL,
        "to": Tag.WORD,
        "loans.py": Tag.FILE,
        "then": Tag.JOIN,
        "undo": Tag.VERB,
        "it": Tag.PRONOUN,
    }


def test_a_question_is_one_clause_and_a_verb_before_its_subject_asks():
    assert [c.text for c in clauses("how do I rename X and update its callers?")] == [
        "how do I rename X and update its callers?"
    ]
    assert not any(c.commands for c in clauses("have we got anything that drains a queue?"))


def test_commands_keep_what_follows_them_and_a_statement_first_is_one_part():
    text = "add x to a.js. It should be fast. then call that from y"
    assert commands(text) == ["add x to a.js. It should be fast", "call that from y"]
    assert commands("x reads badly, make it y") == ["x reads badly, make it y"]
    assert commands("create test/f.test.js with node:test tests") == ["create test/f.test.js with node:test tests"]


def test_a_pronoun_stands_for_the_subject_and_a_relative_that_does_not():
    assert with_subject("call this one from y", "X") == "call X from y"
    assert with_subject("call that from y", "X") == "call X from y"
    assert with_subject("update every place that calls it", "X") == "update every place that calls X"
