"""A model's task list is checked for sense as a whole before any step runs (planner/plan_check.py).
The scripted replies are the bad plans a 0.5B model gave: one step repeated thirty times for a
one-line rename, and "add a function, edit it, create a file, delete it, remove the function"
for an add. Repeats are dropped; a list that contradicts itself is sent back once with its
problems quoted, then refused — never run until a later step fails."""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace

import pytest

from outrigger.errors import Refused
from outrigger.guards.stats import RepairStats
from outrigger.guards.switches import Guards
from outrigger.plan import Intent, StepAction
from outrigger.planner import make_plan
from outrigger.workspace.files import Workspace
from outrigger.workspace.index import ProjectMap

FEES = """\
DAILY_RATE = 0.25


def late_fee(days):
    return days * 0.25


def fee_for(loan, days):
    return late_fee(days) + loan
"""

DICTS = """\
def merge(*dicts):
    out = {}
    for d in dicts:
        out.update(d)
    return out
"""


class ScriptedModel:
    """Answers each call with the next scripted reply and keeps the messages it was sent."""

    def __init__(self, *replies: object) -> None:
        self.replies = [r if isinstance(r, str) else json.dumps(r) for r in replies]
        self.calls: list[list[dict]] = []
        self.schemas: list[dict | None] = []

    async def chat(self, messages, *, json_schema=None, max_tokens=None, variant=0):
        self.calls.append(messages)
        self.schemas.append(json_schema)
        return SimpleNamespace(text=self.replies.pop(0))


@pytest.fixture
def project(tmp_path: Path) -> ProjectMap:
    (tmp_path / "billing").mkdir()
    (tmp_path / "billing/charges.py").write_text(FEES)
    (tmp_path / "dictutil.py").write_text(DICTS)
    project_map = ProjectMap(Workspace(tmp_path))
    project_map.build()
    return project_map


def steps(*rows: dict) -> dict:
    return {"steps": [{"id": n, **row} for n, row in enumerate(rows, start=1)]}


async def plan(project: ProjectMap, request: str, model: ScriptedModel, **options):
    guards = Guards(**options.pop("guards", {}))
    return await make_plan(request, project_map=project, model=model, guards=guards, stats=RepairStats(), **options)


RENAME = {"action": "rename", "file": "billing/charges.py", "symbol": "late_fee", "new_name": "overdue_charge"}


async def test_a_step_repeated_thirty_times_is_planned_once(project):
    model = ScriptedModel(steps(*[RENAME] * 30))

    planned = await plan(project, "call late_fee overdue_charge from now on, and tidy the module up", model)

    assert planned.intent is Intent.TASK and planned.decided_by == "model"
    assert [(s.action, s.symbol, s.new_name) for s in planned.steps] == [
        (StepAction.RENAME, "late_fee", "overdue_charge")
    ]
    assert len(model.calls) == 1 and "split a developer's request into steps" in model.calls[0][0]["content"]


async def test_without_the_guard_the_thirty_steps_stand(project):
    model = ScriptedModel(steps(*[RENAME] * 30))

    planned = await plan(
        project, "call late_fee overdue_charge from now on, and tidy the module up", model, guards={"plan_sense": False}
    )

    assert len(planned.steps) == 30


ADD = {"action": "add", "file": "dictutil.py", "symbol": "flip", "what": "add flip(d) that swaps keys and values"}
SELF_CONTRADICTING = steps(
    ADD,
    {"action": "edit", "file": "dictutil.py", "symbol": "flip", "what": "swap keys and values"},
    {"action": "create", "file": "flip.d", "what": "a file for flip"},
    {"action": "delete", "file": "flip.d"},
    {"action": "remove", "file": "dictutil.py", "symbol": "flip"},
)
REQUEST = "put a flip(d) helper in dictutil.py that swaps keys and values, then tidy the file"


async def test_a_plan_that_creates_then_deletes_is_refused_before_any_step_runs(project):
    model = ScriptedModel(SELF_CONTRADICTING, SELF_CONTRADICTING)

    with pytest.raises(Refused) as refused:
        await plan(project, REQUEST, model)

    message = str(refused.value)
    assert "step 4 deletes flip.d, which step 3 creates" in message
    assert "step 5 removes `flip`, which step 1 adds" in message
    assert "nothing was run" in message
    assert len(model.calls) == 2
    retry = model.calls[1][-1]["content"]  # the second try quotes what was wrong with the first
    assert "step 4 deletes flip.d, which step 3 creates" in retry and "step 2 changes `flip`" in retry


async def test_a_self_contradicting_plan_is_replaced_by_the_retry(project):
    model = ScriptedModel(SELF_CONTRADICTING, steps(ADD))

    planned = await plan(project, REQUEST, model)

    assert [(s.action, s.file) for s in planned.steps] == [(StepAction.ADD, "dictutil.py")]


async def test_a_plan_longer_than_the_limit_is_sent_back(project):
    tidy = {"action": "edit", "file": "billing/charges.py", "symbol": "fee_for", "what": "tidy"}
    model = ScriptedModel(steps(RENAME, tidy), steps(RENAME))

    planned = await plan(
        project, "call late_fee overdue_charge from now on, and tidy the module up", model, max_steps=1
    )

    assert len(planned.steps) == 1
    assert "it has 2 steps; at most 1 are allowed" in model.calls[1][-1]["content"]


async def test_steps_on_what_the_request_never_mentions_are_sent_back(project):
    stray = {"action": "edit", "file": "dictutil.py", "symbol": "merge", "what": "clean up"}
    model = ScriptedModel(steps(RENAME, stray), steps(RENAME))

    planned = await plan(project, "call late_fee overdue_charge from now on, and tidy the module up", model)

    assert [s.symbol for s in planned.steps] == ["late_fee"]
    assert (
        "step 2 (edit `merge` in dictutil.py — clean up) does nothing the request mentions"
        in (model.calls[1][-1]["content"])
    )


async def test_a_step_on_a_symbol_nobody_defines_or_adds_is_sent_back(project):
    ghost = {"action": "edit", "file": "billing/charges.py", "symbol": "overdue_charge"}
    model = ScriptedModel(steps(ghost), steps(ghost))

    with pytest.raises(Refused, match="`overdue_charge`, which does not exist and no earlier step adds"):
        await plan(project, "call late_fee overdue_charge from now on, and tidy the module up", model)


IDENTIFIER = "^[A-Za-z_$][A-Za-z0-9_$]*$"


async def test_a_task_list_is_decoded_under_a_schema_it_cannot_leave(project):
    """Where the backend constrains decoding (llama.cpp, vLLM), thirty steps or a made-up symbol
    cannot be written at all: at most maxSteps steps, files of the workspace or the request,
    symbols the request points to, identifiers for new names."""
    model = ScriptedModel(steps(RENAME))

    await plan(project, "call late_fee overdue_charge from now on, and tidy the module up", model, max_steps=3)

    schema = model.schemas[0]
    assert schema["properties"]["steps"]["maxItems"] == 3
    step = schema["$defs"]["ModelStep"]["properties"]
    assert set(step["file"]["enum"]) == {"billing/charges.py", "dictutil.py"}
    names = step["symbol"]["anyOf"][0]["enum"]
    assert names[:2] == ["late_fee", "overdue_charge"] and "merge" not in names
    assert step["new_name"]["anyOf"][0]["pattern"] == IDENTIFIER


async def test_a_single_plan_names_only_what_the_request_points_to(project):
    model = ScriptedModel({"intent": "docstring", "symbol": "fee_for"})

    planned = await plan(project, "the charges for a late loan are a mystery to me, sort that out", model)

    properties = model.schemas[0]["properties"]
    assert properties["symbol"]["anyOf"][0]["enum"] == ["late_fee"]  # "late" points to it; nothing else does
    assert properties["file"] == {"type": "null"}  # the request names no file
    assert properties["new_name"]["anyOf"][0]["pattern"] == IDENTIFIER
    assert planned.decided_by == "model"
