"""The one tagging pass over a request's words and the clause grammar over its tags."""

from __future__ import annotations

import pytest

from outrigger.planner.words import Tag, commands, imperative, placed, read, symbols, tag, with_subject
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
    assert [c.text for c in read(text, project).clauses] == ["add a docstring to late_fee", "explain what fee_for does"]
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
    assert [c.text for c in read("how do I rename X and update its callers?").clauses] == [
        "how do I rename X and update its callers?"
    ]
    assert not any(c.commands for c in read("have we got anything that drains a queue?").clauses)


def test_commands_keep_what_follows_them_and_a_statement_first_is_one_part():
    def commands_of(text: str) -> list[str]:
        return [part.text for part in commands(read(text))]

    text = "add x to a.js. It should be fast. then call that from y"
    assert commands_of(text) == ["add x to a.js. It should be fast", "call that from y"]
    assert commands_of("x reads badly, make it y") == ["x reads badly, make it y"]
    assert commands_of("create test/f.test.js with node:test tests") == ["create test/f.test.js with node:test tests"]


def test_a_pronoun_stands_for_the_subject_and_a_relative_that_does_not():
    assert with_subject(read("call this one from y"), "X") == "call X from y"
    assert with_subject(read("call that from y"), "X") == "call X from y"
    assert with_subject(read("update every place that calls it"), "X") == "update every place that calls X"


def test_a_verb_addressed_to_someone_asks(project):
    parts = read("fix late_fee and let me know why it broke", project).clauses
    assert [(p.text, p.commands, p.asks) for p in parts] == [
        ("fix late_fee", True, False),
        ("let me know why it broke", False, True),
    ]
    assert read("walk me through fee_for", project).clauses[0].asks


def test_where_code_should_live_is_a_move_to_another_file(project):
    assert placed(tag("shouldn't late_fee live in a new fees.py?", project), project) == ("late_fee", "fees.py")
    assert placed(tag("late_fee belongs in its own module, fees.py", project), project) == ("late_fee", "fees.py")
    assert placed(tag("wouldn't late_fee be better off in fees.py?", project), project) == ("late_fee", "fees.py")
    assert placed(tag("is late_fee in fees.py?", project), project) is None  # asks where it is
    assert placed(tag("late_fee goes wrong in loans.py", project), project) is None  # where it is already
    assert placed(tag("late_fee should live apart. move it to fees.py", project), project) is None  # the move says so


@pytest.mark.parametrize(
    ("sentence", "command"),
    [
        ("would you be so kind as to add a docstring to late_fee", "add a docstring to late_fee"),
        ("hey, when you get a chance could you fix late_fee", "fix late_fee"),
        ("mind adding type hints to late_fee?", "add type hints to late_fee?"),
        ("i was hoping you could document fee_for", "document fee_for"),
        ("please get rid of it", "get rid of it"),
        ("how do you add a docstring?", None),  # a question about how
        ("did you add a docstring to late_fee?", None),  # about what happened
        ("can you explain late_fee?", None),  # asks to be told
        ("late_fee is slow, can you fix it", None),  # says something of late_fee first
    ],
)
def test_a_polite_opening_is_any_order_of_courtesies_addressing_someone(sentence, command):
    assert imperative(sentence) == command


@pytest.mark.parametrize(
    ("request_text", "left_out"),
    [
        # The words after the command describe it: the names there are not parts of their own.
        ("add a waive(days) function to loans.py: free when late_fee(days) is 0", []),
        ("write waive in loans.py, which returns fee_for(book) halved", []),
        ("add waive to loans.py - it should call late_fee", []),
        # A second command is a part, and a one-action plan leaves it out.
        ("add waive to loans.py and fix late_fee", ["`late_fee`"]),
        ("add waive to loans.py. Then document fee_for", ["`fee_for`"]),
    ],
)
def test_names_that_describe_the_one_command_are_not_parts_left_out(project, request_text, left_out):
    from outrigger.plan import Intent, Plan
    from outrigger.planner.tasks import leaves_out

    plan = Plan(intent=Intent.ADD, symbol="waive", file="loans.py")
    assert leaves_out(plan, read(request_text, project), project) == left_out
