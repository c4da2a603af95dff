"""The wording corpus: every benchmark step that carries a `plan` (benchmarks/tasks/*.json, see
`py_recipes_wording.json`) is planned here without a model, and must come out as that plan —
or as the refusal it names. The benchmark runs the same requests end to end on a real model.
A miss found in the field becomes a case there, in other words than the report's."""

from __future__ import annotations

import json
import shutil
import tempfile
from dataclasses import replace
from pathlib import Path

import pytest

from outrigger.errors import Refused
from outrigger.guards.stats import RepairStats
from outrigger.guards.switches import Guards
from outrigger.plan import Question
from outrigger.planner import make_plan
from outrigger.workspace.files import Workspace
from outrigger.workspace.index import ProjectMap
from planning_helpers import NoModel

BENCHMARKS = Path(__file__).resolve().parents[1] / "benchmarks"


def corpus() -> list:
    cases = []
    for path in sorted((BENCHMARKS / "tasks").glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        for task in data["tasks"]:
            for number, step in enumerate(task["steps"], start=1):
                if "plan" in step:
                    workspace = (data["workspace"], json.dumps(task.get("seed", {})))
                    case = (workspace, step["request"], step["plan"])
                    cases.append(pytest.param(*case, id=f"{task['id']}:{number}"))
    return cases


_MAPS: dict[str, ProjectMap] = {}
_SEEDED: list[tempfile.TemporaryDirectory] = []


def project(workspace: str | tuple[str, str]) -> ProjectMap:
    """Planning reads the workspace and never writes it: one map per workspace for the run. A
    task that seeds code (`seed`: {path: [old, new]}) is planned in a copy with it planted, as
    the benchmark runs it: a request may name what only the seed defines."""
    name, seed = (workspace, "{}") if isinstance(workspace, str) else workspace
    key = name + seed
    if key not in _MAPS:
        root = BENCHMARKS / "workspaces" / name
        if seed != "{}":
            _SEEDED.append(tempfile.TemporaryDirectory(prefix="wording-seed-"))
            root = Path(shutil.copytree(root, Path(_SEEDED[-1].name) / name))
            for path, (old, new) in json.loads(seed).items():
                (root / path).write_text((root / path).read_text(encoding="utf-8").replace(old, new), encoding="utf-8")
        _MAPS[key] = ProjectMap(Workspace(root))
        _MAPS[key].build()
    return _MAPS[key]


def test_the_corpus_has_a_case_for_each_misread_of_issue_21():
    tags = {
        tag
        for path in (BENCHMARKS / "tasks").glob("*.json")
        for t in json.loads(path.read_text())["tasks"]
        if any("plan" in s for s in t["steps"])
        for tag in t.get("tags", ())
    }
    assert {
        "mixed",
        "context-first",
        "pronoun",
        "passive",
        "text-speak",
        "same-for",
        "undo-words",
        "question-words",
    } <= tags


@pytest.mark.parametrize(("workspace", "request_text", "expected"), corpus())
async def test_the_planner_reads_the_corpus_as_written(workspace, request_text, expected):
    async def planned():
        return await make_plan(
            request_text, project_map=project(workspace), model=NoModel(), guards=Guards(), stats=RepairStats()
        )

    if "refused" in expected:
        with pytest.raises(Refused) as refused:
            await planned()
        assert expected["refused"] in str(refused.value)
        return
    plan = await planned()
    assert plan.decided_by == "rules"
    for field, value in expected.items():
        if field == "steps":
            assert [[s.action.value, s.file, s.symbol] for s in plan.steps] == value
        elif field == "asked":  # the question asked with the change, answered in the same result
            assert plan.asked is not None and {"intent": plan.asked.intent.value, "symbol": plan.asked.symbol} == value
        else:
            actual = getattr(plan, field)
            assert (actual.value if hasattr(actual, "value") else actual) == value, field


@pytest.mark.parametrize(
    "request_text",
    [
        "rename parse_amount to split_amount. then undo it",
        "fix cups_to_ml. and then revert that",
    ],
)
async def test_a_request_the_rules_read_only_in_part_goes_whole_to_the_model(request_text):
    """All or nothing: one action the rules can read, in a request with more commands, is not
    carried out alone; the whole request is the model's to plan as a task."""
    with pytest.raises(AssertionError, match="the model was asked to plan"):
        await make_plan(
            request_text, project_map=project("py_recipes"), model=NoModel(), guards=Guards(), stats=RepairStats()
        )


def test_text_speak_is_read_word_for_word_unless_the_map_defines_the_word():
    from outrigger.planner.wording import normalize

    assert normalize("can u rename to_grams to grams pls") == "rename to_grams to grams"
    assert normalize("rename u to user", known=lambda name: name == "u") == "rename u to user"


async def test_a_question_asked_with_a_change_is_answered_and_the_change_made_in_one_result(tmp_path, fake_model):
    """ "why does X …? fix it": the answer and the edit preview, neither part dropped."""
    from agent_helpers import copy_fixture, make_agent

    root = copy_fixture("py_recipes", tmp_path)
    fake_model.script(
        "It multiplies by 250, but a cup is ML_PER_CUP (240) millilitres.",
        "```python\ndef cups_to_ml(cups):\n    return cups * ML_PER_CUP\n```",
    )
    agent = make_agent(root, fake_model.base_url)
    agent.guards = replace(agent.guards, project_tests=False)
    outcome = await agent.ask("why does cups_to_ml give 500 for 2 cups? please fix it")
    assert outcome.kind == "edit", outcome.message
    assert "a cup is ML_PER_CUP (240)" in outcome.message
    assert "cups * ML_PER_CUP" in outcome.edits[0].new_text
    fix_prompt = fake_model.requests()[-1]["body"]["messages"][-1]["content"]
    assert "a cup is ML_PER_CUP (240)" in fix_prompt  # the fix is told what the answer found


@pytest.mark.parametrize(
    ("request_text", "why"),
    [
        ("document to_ounces, but only if it has no docstring yet", "under a condition"),
        ("if cups_to_ml is too slow, rewrite it", "under a condition"),
        ("in case parse_amount has no type hints, add some", "under a condition"),
        ("give find_recipe a docstring unless there is one", "under a condition"),
        ("where is stocked_pantry defined, and what does it return?", "several questions"),
        ("how long is units.py? and who calls to_grams?", "several questions"),
        ("explain to_grams, to_ounces and cups_to_ml", "several symbols"),
    ],
)
async def test_a_request_that_would_be_done_only_in_part_is_refused_saying_so(request_text, why):
    """Never half done silently: a change under a condition the planner would drop, a second
    question the map's answer to the first would leave out, a question about a list of symbols
    answered for the first one only: refused, saying which, before the model or an edit."""
    with pytest.raises(Refused, match=why):
        await make_plan(
            request_text, project_map=project("py_recipes"), model=NoModel(), guards=Guards(), stats=RepairStats()
        )


@pytest.mark.parametrize(
    ("request_text", "intent", "symbol"),
    [
        ("if nothing calls missing any more, delete it", "task", "missing"),  # what a removal checks itself
        ("if possible, document to_grams", "docstring", "to_grams"),  # a courtesy, about no code
        ("if it's not too much trouble, add type hints to to_ounces", "type_hints", "to_ounces"),
        ("find_recipe should return None if nothing matches", "fix", "find_recipe"),  # behaviour, not a condition
        ("how does find_recipe work and why is it slow?", "question", "find_recipe"),  # one explanation of both
        ("what's the difference between to_grams and to_ounces?", "question", "to_grams"),
    ],
)
async def test_conditions_of_behaviour_and_questions_one_answer_covers_are_not_refused(request_text, intent, symbol):
    plan = await make_plan(
        request_text, project_map=project("py_recipes"), model=NoModel(), guards=Guards(), stats=RepairStats()
    )
    assert (plan.intent.value, plan.symbol) == (intent, symbol)


async def test_a_pronoun_in_a_question_asked_after_a_change_is_the_changed_symbol():
    plan = await make_plan(
        "rename to_grams to ounces_to_grams, and tell me where it's used",
        project_map=project("py_recipes"),
        model=NoModel(),
        guards=Guards(),
        stats=RepairStats(),
    )
    assert (plan.intent.value, plan.symbol, plan.new_name) == ("rename", "to_grams", "ounces_to_grams")
    assert plan.asked is not None and (plan.asked.symbol, plan.asked.question) == ("to_grams", Question.USAGES)
