"""The model's planning prompt (planner/model_plan.py): a few worked examples, chosen from the
intents table by the request's words, for a single plan and a task list alike (issue 21);
what every request shares comes first, so the server's prompt cache keeps it."""

from __future__ import annotations

import pytest

from outrigger.plan import Intent, StepAction
from outrigger.planner.intents import INTENTS, STEPS
from outrigger.planner.model_plan import PLAN, TASK, prompt_for
from planning_helpers import map_of


@pytest.fixture
def project_map(tmp_path):
    return map_of(tmp_path, {"units.py": "def to_grams(oz):\n    return oz * 28\n"})


def shown(form, request: str, project_map) -> list[str]:
    """The requests of the worked examples, in the order the model reads them."""
    earlier = prompt_for(form, request, project_map)[1:-1]
    return [turn["content"] for turn in earlier if turn["role"] == "user"]


def example(rows, kind, number: int = 0) -> str:
    return f"Request: {rows[kind].examples[number][0]}"


@pytest.mark.parametrize(
    ("request_text", "kind"),
    [
        ("to_grams needs to be documented", Intent.DOCSTRING),  # a participle, no clause-opening verb
        ("could someone type hint to_grams", Intent.TYPE_HINTS),  # "could" asks for a change, not a question
        ("where does to_grams live?", Intent.QUESTION),  # a question word opening the request
        ("cn u rename to_grams to grams pls", Intent.RENAME),
        ("nvm, undo that", Intent.UNDO),
        ("to_grams is wrong for 2 oz, repair it", Intent.FIX),
        ("to_grams reads badly, simplify it", Intent.REWRITE),
    ],
)
def test_a_single_plan_is_shown_the_examples_of_what_its_words_ask_for(project_map, request_text, kind):
    prompt = shown(PLAN, request_text, project_map)
    assert example(INTENTS, kind) in prompt
    others = [i for i, row in INTENTS.items() if row.examples and i is not kind]
    assert not any(example(INTENTS, other) in prompt for other in others)


def test_a_doc_word_outranks_the_verb_that_asks_for_it(project_map):
    """ "add a doc comment" is a docstring: its example comes before the add example."""
    prompt = shown(PLAN, "nobody can tell what to_grams gives. add a doc comment to it", project_map)
    assert prompt.index(example(INTENTS, Intent.DOCSTRING)) < prompt.index(example(INTENTS, Intent.ADD))


@pytest.mark.parametrize(
    ("request_text", "action"),
    [
        ("to_grams should live in a new weights.py, move it", StepAction.MOVE),
        ("to_grams should take a unit; pass it from every caller", StepAction.EDIT_CALLERS),
        ("- document to_grams\n- add type hints to to_ounces", StepAction.EDIT),  # "document": an edit step
        ("get rid of to_grams", StepAction.REMOVE),
        ("delete units.py", StepAction.DELETE),
    ],
)
def test_a_task_list_is_shown_the_examples_of_the_steps_its_words_ask_for(project_map, request_text, action):
    prompt = shown(TASK, request_text, project_map)
    assert example(STEPS, action) in prompt
    assert len(prompt) <= TASK.most


def test_a_request_whose_words_ask_for_nothing_known_still_gets_examples(project_map):
    assert len(shown(PLAN, "collect -> gather", project_map)) == PLAN.most


def test_what_every_request_shares_comes_first(project_map):
    """The instructions and the workspace are the same for every request (the server's prompt
    cache keeps them); the examples, each a request and its reply, and the request come after."""
    one, two = (prompt_for(PLAN, text, project_map) for text in ("document to_grams", "where is to_grams?"))
    assert one[0] == two[0] and "units.py" in one[0]["content"]
    assert [turn["role"] for turn in one[1:]] == ["user", "assistant"] * (len(one) // 2 - 1) + ["user"]
    assert one[-1]["content"].endswith("Request: document to_grams")


@pytest.mark.parametrize(("form", "rows"), [(PLAN, INTENTS), (TASK, STEPS)], ids=["plan", "task list"])
def test_every_worked_example_is_a_reply_the_schema_takes(form, rows):
    for row in rows.values():
        for _, reply in row.examples:
            form.schema.model_validate_json(reply)


def test_the_request_is_told_where_the_names_it_names_are_defined(project_map):
    """A task's step is in the file that defines its symbol: the request's own names come with
    their files, after the part every request shares (a listing of every name in every file
    made the 0.5B model read plain requests as questions)."""
    prompt = prompt_for(TASK, "move to_grams into a new weights.py", project_map)
    assert prompt[-1]["content"].startswith("Defined in the workspace: to_grams (units.py).\n")
    assert "to_grams" not in prompt[0]["content"]
