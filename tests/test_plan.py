"""The deterministic first pass of the planner: wording that settles the action type."""

from __future__ import annotations

import pytest

from outrigger.errors import Refused
from outrigger.planner.model_plan import ModelPlan, merge_model_plan
from outrigger.planner.rules import as_plan, plan_clause
from outrigger.planner.words import read
from outrigger.workspace.files import Workspace
from outrigger.workspace.index import ProjectMap


@pytest.fixture
def plan_by_rules(tmp_path):
    """The pattern table's plan of a request, in a workspace that defines nothing."""
    project_map = ProjectMap(Workspace(tmp_path))
    project_map.build()
    return lambda text, cursor=None, cursor_file=None: as_plan(
        plan_clause(read(text, project_map), project_map, cursor=cursor, cursor_file=cursor_file)
    )


@pytest.mark.parametrize(
    "request_text",
    [
        "how many lines does utils.js have",  # Qwen2.5-Coder-0.5B called this an edit
        "what does validateToken do?",
        "where is get_items defined",
        "explain validateSession",
        "Is validateToken used in src/user.js",
        "list the functions in items.py",
        "validateToken handles null?",
    ],
)
def test_questions_are_read_only(plan_by_rules, request_text):
    plan = plan_by_rules(request_text)
    assert plan is not None and plan.intent == "question" and plan.is_read_only


@pytest.mark.parametrize(
    ("request_text", "intent", "symbol", "file", "new_name"),
    [
        ("rename validateToken to checkToken in src/auth.js", "rename", "validateToken", "src/auth.js", "checkToken"),
        ("rename `get_item` to fetch_item", "rename", "get_item", None, "fetch_item"),
        ("Add JSDoc to validateUser in src/auth.js", "docstring", "validateUser", "src/auth.js", None),
        ("add a docstring to get_item", "docstring", "get_item", None, None),
        ("add type hints to get_items in items.py", "type_hints", "get_items", "items.py", None),
        ("fix the function get_item_count", "fix", "get_item_count", None, None),
        ("simplify get_item_count", "rewrite", "get_item_count", None, None),
        ("add a function that sums two numbers to utils.js", "add", None, "utils.js", None),
        ("add a function named `sum_pair` to utils.js", "add", "sum_pair", "utils.js", None),
        ("undo", "undo", None, None, None),
        ("revert the last change", "undo", None, None, None),
        ("do the same to validateSession", "repeat", "validateSession", None, None),
    ],
)
def test_edits_are_parsed_exactly(plan_by_rules, request_text, intent, symbol, file, new_name):
    plan = plan_by_rules(request_text)
    assert plan is not None
    assert (plan.intent, plan.symbol, plan.file, plan.new_name) == (intent, symbol, file, new_name)


@pytest.mark.parametrize(
    "request_text",
    ["change the name of validateUser to checkUser", "validateSession should be called checkSession", "make it faster"],
)
def test_wording_the_rules_cannot_settle_goes_to_the_model(plan_by_rules, request_text):
    assert plan_by_rules(request_text) is None


def test_the_cursor_names_the_target_of_an_unnamed_edit(plan_by_rules):
    plan = plan_by_rules("add a docstring", cursor="get_item", cursor_file="items.py")
    assert (plan.intent, plan.symbol, plan.file) == ("docstring", "get_item", "items.py")


def test_a_question_stays_a_question_whatever_the_model_says():
    reply = ModelPlan(intent="rewrite", symbol="validateToken")
    plan = merge_model_plan("Is validateToken safe with null", reply, cursor_symbol=None, cursor_file=None)
    assert plan.intent == "question"


def test_a_file_the_user_never_named_is_dropped():
    reply = ModelPlan(intent="rename", symbol="validateToken", file="auth.js", new_name="checkToken")
    plan = merge_model_plan("validateToken should be called checkToken", reply, cursor_symbol=None, cursor_file=None)
    assert plan.file is None and plan.decided_by == "model"


def test_a_path_the_model_shortened_is_the_one_the_user_wrote():
    reply = ModelPlan(intent="add", file="playlist.js")
    request = "add a function shortest(tracks) to src/playlist.js that returns the shortest track"
    plan = merge_model_plan(request, reply, cursor_symbol=None, cursor_file=None)
    assert plan.file == "src/playlist.js"


@pytest.mark.parametrize(
    ("request_text", "model_says", "intent"),
    [
        ("put a comment above get_type explaining it", "rewrite", "docstring"),
        ("get_type needs annotations", "rewrite", "type_hints"),
        ("get_type crashes on None, repair it", "rewrite", "fix"),
        ("make get_type shorter", "fix", "fix"),  # the words say nothing more: the model's choice
    ],
)
def test_the_kind_of_edit_follows_the_words_where_they_say_it(request_text, model_says, intent):
    reply = ModelPlan(intent=model_says, symbol="get_type")
    plan = merge_model_plan(request_text, reply, cursor_symbol=None, cursor_file=None)
    assert plan.intent == intent


def test_the_model_may_not_plan_repeat_or_a_task_as_one_action():
    for intent in ("repeat", "task"):
        with pytest.raises(ValueError, match="intent must be one of"):
            ModelPlan(intent=intent)
        assert intent not in ModelPlan.model_json_schema()["properties"]["intent"]["enum"]


def test_an_add_plan_names_only_what_the_user_asked_for():
    reply = ModelPlan(intent="add", symbol="helper", file="utils.py")
    plan = merge_model_plan("put a function named slugify into utils.py", reply, cursor_symbol=None, cursor_file=None)
    assert (plan.symbol, plan.file) == ("slugify", "utils.py")


def test_undo_is_among_the_models_choices_when_the_words_take_something_back():
    """ "scrap that, I want the old version back": no rule reads it, and the model could not
    answer "undo" (not one of its choices). Now it can, when a word of the request takes back."""
    schema = ModelPlan.model_json_schema()
    assert "undo" in schema["properties"]["intent"]["enum"]
    reply = ModelPlan(intent="undo", symbol="whatever")
    plan = merge_model_plan("scrap that, I want the old version back", reply, cursor_symbol=None, cursor_file=None)
    assert plan.intent == "undo" and plan.symbol is None and plan.decided_by == "model"


def test_a_models_undo_without_a_word_of_taking_back_is_refused():
    with pytest.raises(Refused, match="none of its words says so"):
        merge_model_plan("make late_fee faster", ModelPlan(intent="undo"), cursor_symbol=None, cursor_file=None)


def test_one_row_per_intent_drives_the_models_choices_its_prompt_and_the_dispatch(tmp_path):
    from outrigger.plan import Intent
    from outrigger.planner.intents import INTENTS
    from outrigger.planner.model_plan import PLAN, prompt_for

    project_map = ProjectMap(Workspace(tmp_path))
    project_map.build()
    assert set(INTENTS) == set(Intent)
    offered = [intent.value for intent, row in INTENTS.items() if row.choice]
    assert ModelPlan.model_json_schema()["properties"]["intent"]["enum"] == offered
    for intent, row in INTENTS.items():
        if row.choice:
            assert f'- "{intent.value}": {row.choice}' in PLAN.told
            assert row.examples, f"the model is shown no example of {intent.value}"
            asked = prompt_for(PLAN, f"{row.verbs.split()[0]} parse_row", project_map)
            assert {"role": "user", "content": f"Request: {row.examples[0][0]}"} in asked
    assert not INTENTS[Intent.QUESTION].tested and INTENTS[Intent.FIX].tested


@pytest.mark.parametrize(
    ("request_text", "symbol"),
    [
        ("Cache.Len reports one item fewer than the cache holds", "Cache.Len"),  # found on golang-lru
        ("the `parse_amount` helper drops the cents of negative amounts", "parse_amount"),
        ("slugify() keeps trailing dashes", "slugify"),
    ],
)
def test_a_statement_of_what_a_symbol_does_is_a_fix_not_a_question(request_text, symbol):
    plan = merge_model_plan(
        request_text, ModelPlan(intent="question", symbol=symbol), cursor_symbol=None, cursor_file=None
    )
    assert plan.intent == "fix" and plan.symbol == symbol


@pytest.mark.parametrize(
    "request_text", ["Cache.Len and its tests", "parse_amount, explain it to me", "I wonder why slugify keeps dashes"]
)
def test_a_statement_the_model_calls_a_question_stays_one_unless_it_reports_behaviour(request_text):
    symbol = request_text.split()[0] if request_text[0] != "I" else "slugify"
    reply = ModelPlan(intent="question", symbol=symbol.strip(","))
    plan = merge_model_plan(request_text, reply, cursor_symbol=None, cursor_file=None)
    assert plan.intent == "question"


def test_a_backup_file_named_as_an_example_is_not_the_models_file():
    # found on pyflakes: the model put a.py (from "a.py~") in the file slot
    reply = ModelPlan(intent="fix", symbol="is_source", file="notes.py")
    request = "is_source says True for editor backups like notes.py~; they are not source"
    assert merge_model_plan(request, reply, cursor_symbol=None, cursor_file=None).file is None
    request = "is_source in notes.py says True for editor backups"
    assert merge_model_plan(request, reply, cursor_symbol=None, cursor_file=None).file == "notes.py"
