"""Property-based fuzzing of what models, users and workspace files hand the core.

The seed-fixed sample here runs in the normal suite (a few hundred cases, well under a
minute); `benchmarks/fuzz/run.py` runs the same properties on ≥10,000 cases. The harness
(benchmarks/fuzz/harness.py) lists the invariants; each test below names the ones it checks.
"""

from __future__ import annotations

import asyncio
import json
import re
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.fuzz.harness import (  # noqa: E402
    CANARY,
    Case,
    ScriptedModel,
    assert_untouched,
    build_workspaces,
    cases,
    run_case,
)

from outrigger.actions.context import ActionContext  # noqa: E402
from outrigger.agent import Agent  # noqa: E402
from outrigger.config import Settings  # noqa: E402
from outrigger.edits import apply_edits, file_edit  # noqa: E402
from outrigger.errors import Refused  # noqa: E402
from outrigger.guards.budget import Budget  # noqa: E402
from outrigger.guards.fences import strip_fences  # noqa: E402
from outrigger.guards.stats import RepairStats  # noqa: E402
from outrigger.guards.structured import extract_json, structured_reply  # noqa: E402
from outrigger.memory import Memory  # noqa: E402
from outrigger.planner.model_plan import ModelPlan  # noqa: E402
from outrigger.workspace.files import Workspace  # noqa: E402
from outrigger.workspace.index import ProjectMap  # noqa: E402
from outrigger.workspace.paths import resolve_in_workspace  # noqa: E402

SAMPLE = settings(
    max_examples=300, derandomize=True, database=None, deadline=None, suppress_health_check=list(HealthCheck)
)


@pytest.fixture(scope="module")
def spaces(tmp_path_factory):
    return build_workspaces(tmp_path_factory.mktemp("fuzz"))


@pytest.fixture(scope="module")
def loop():
    loop = asyncio.new_event_loop()
    yield loop
    loop.close()


def test_every_ask_keeps_the_invariants(spaces, loop):
    """No crash, nothing outside the root / the target / validated files, read-only never
    edits, no secret in a prompt, no file written (see the harness for the full list)."""
    before = {key: ws.snapshot() for key, ws in spaces.items()}
    kinds = set()

    @SAMPLE
    @given(cases(spaces))
    def every_case(case: Case) -> None:
        kinds.add(loop.run_until_complete(run_case(case, spaces)).kind)

    every_case()
    assert_untouched(spaces, before)
    assert kinds == {"answer", "edit", "refused"}  # the sample reaches every outcome


@SAMPLE
@given(st.text(alphabet=st.sampled_from("./\\~:ab\x00 C"), max_size=16) | st.text(max_size=30))
def test_a_resolved_path_is_normalized_and_inside_the_root(tmp_path_factory, candidate):
    root = _path_root(tmp_path_factory)
    try:
        relative = resolve_in_workspace(root, candidate)
    except Refused:
        return
    assert relative and not relative.startswith("/") and "\\" not in relative
    assert ".." not in relative.split("/") and "." not in relative.split("/")
    assert (root / relative).resolve().is_relative_to(root.resolve())


_ROOTS: dict[str, Path] = {}


def _path_root(factory) -> Path:
    """A root with a symlink leading out (`out`) and one staying in (`in`)."""
    if "root" not in _ROOTS:
        base = factory.mktemp("paths")
        (base / "elsewhere").mkdir()
        root = base / "root"
        (root / "a").mkdir(parents=True)
        (root / "out").symlink_to(base / "elsewhere")
        (root / "in").symlink_to(root / "a")
        _ROOTS["root"] = root
    return _ROOTS["root"]


@SAMPLE
@given(
    st.text(max_size=300)
    | st.sampled_from(["```", "~~~", "````\n```\n````", "```py\n```"]).flatmap(
        lambda fence: st.lists(st.sampled_from([fence, "code()", "Here:", "", "  ```", "\r"]), max_size=8).map(
            "\n".join
        )
    )
)
def test_strip_fences_never_fails(reply):
    assert isinstance(strip_fences(reply, RepairStats()), str)


@SAMPLE
@given(
    st.recursive(
        st.none() | st.integers() | st.text(max_size=5),
        lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=3), inner, max_size=3),
    ),
    st.integers(0, 200),
    st.sampled_from(["", "Sure: ", "```json\n"]),
)
def test_extract_json_returns_an_object_or_raises_value_error(value, cut, prefix):
    text = prefix + json.dumps(value)
    for candidate in (text, text[:cut]):
        try:
            assert isinstance(extract_json(candidate), dict)
        except ValueError:
            pass


@pytest.mark.parametrize("text", ["[" * 100_000, '{"a":' * 50_000, '{"a": [' * 20_000, '{"intent": ' + "[" * 5000])
def test_extract_json_refuses_pathological_nesting_with_value_error(text):
    """Regression: json and json_repair recurse per level; RecursionError escaped the agent."""
    with pytest.raises(ValueError):
        extract_json(text)


@SAMPLE
@given(
    st.lists(
        st.text(max_size=120)
        | st.sampled_from(
            ['{"intent": "question"}', '{"intent": 1}', '{"intent": "rename"', "[" * 3000, '{"a":' * 3000]
        ),
        min_size=2,
        max_size=2,
    )
)
def test_structured_reply_refuses_or_returns_a_valid_plan(replies):
    """Whatever two replies the model gives, a valid ModelPlan or a Refused: nothing else."""
    model = ScriptedModel(list(replies))
    try:
        plan = asyncio.run(structured_reply(model, [{"role": "user", "content": "x"}], ModelPlan, RepairStats()))
    except Refused:
        return
    assert isinstance(plan, ModelPlan)


@SAMPLE
@given(
    st.text(alphabet=st.sampled_from("ab\n\r\x0c\u2028 é"), max_size=40),
    st.text(alphabet=st.sampled_from("ab\n\r\x0c\u2028 é"), max_size=40),
)
def test_minimal_edits_reproduce_the_new_text(old, new):
    """Line breaks that are not "\\n" (\\r, \\f, \\u2028) must not shift edit positions; the
    file keeps its line endings."""
    edit = file_edit("f.py", old, new, None)
    assert apply_edits(old, edit.edits) == edit.new_text
    assert re.sub("\r+\n", "\n", edit.new_text) == re.sub("\r+\n", "\n", new)


def test_the_harness_model_records_every_prompt(spaces, loop):
    """The canary check is only as good as the recording: a leak must be seen."""
    model = ScriptedModel([f"leaked {CANARY}"])
    ctx = ActionContext(
        spaces["js"].workspace, spaces["js"].project_map, model, Budget(8192, 1024), RepairStats(), Memory()
    )
    loop.run_until_complete(ctx.chat([{"role": "user", "content": CANARY}]))
    assert CANARY in model.calls[0][0]["content"]


# --- regressions the fuzzer found ---------------------------------------------------------


@pytest.mark.parametrize("separator", ["\x0c", "\r", "\u2028", "\x85"])
def test_an_edit_lands_on_the_symbol_despite_other_line_breaks(tmp_path, loop, separator):
    """Symbol ranges count "\\n" lines; str.splitlines also splits on \\f, \\r, \\u2028 …,
    which shifted edit_symbol's splice onto the lines above the target."""
    text = f"# Section one{separator}\n\n\ndef first(x):\n    return x + 1\n\n\ndef second(y):\n    return y * 2\n"
    (tmp_path / "sections.py").write_bytes(text.encode())
    workspace = Workspace(tmp_path)
    project_map = ProjectMap(workspace)
    project_map.build()
    model = ScriptedModel(["def second(y):\n    return y * 3\n"])
    agent = Agent(workspace, project_map, model, Settings())
    outcome = loop.run_until_complete(agent.ask("fix second in sections.py"))
    assert outcome.kind == "edit", outcome.message
    assert outcome.edits[0].new_text == text.replace("y * 2", "y * 3")


def test_a_symlink_to_a_secret_is_as_secret_as_its_target(tmp_path, loop):
    """`notes.js -> .env` looked like source code: indexed, read, and sent to the model."""
    (tmp_path / ".env").write_text(f"TOKEN={CANARY}\n")
    (tmp_path / "notes.js").symlink_to(".env")
    (tmp_path / "main.js").write_text("function main() {}\n")
    workspace = Workspace(tmp_path)
    project_map = ProjectMap(workspace)
    project_map.build()
    assert project_map.files() == ["main.js"] and workspace.is_ignored("notes.js")
    model = ScriptedModel(["It holds a token."])
    outcome = loop.run_until_complete(
        Agent(workspace, project_map, model, Settings()).ask("add a function that logs to notes.js")
    )
    assert outcome.kind == "refused" and "links to `.env`" in outcome.message
    assert CANARY not in str(model.calls)


def test_a_request_naming_a_class_and_its_method_is_refused(tmp_path, loop):
    """Edited bottom-up on a running text, the class's map range went stale once its
    method grew: the class reply was spliced over part of itself, duplicating code that
    still parsed."""
    (tmp_path / "items.py").write_text(
        "class Inventory:\n    def add(self, item_id, quantity=1):\n        self.stock[item_id] = quantity\n\n"
        "    def total(self):\n        return sum(self.stock.values())\n"
    )
    workspace = Workspace(tmp_path)
    project_map = ProjectMap(workspace)
    project_map.build()
    grown = "def add(\n    self,\n    item_id: int,\n    quantity: int = 1,\n) -> None:\n    self.stock[item_id] = quantity\n"
    model = ScriptedModel([grown, (tmp_path / "items.py").read_text()])
    agent = Agent(workspace, project_map, model, Settings())
    outcome = loop.run_until_complete(agent.ask("add type hints to Inventory.add and Inventory in items.py"))
    assert outcome.kind == "refused" and "part of `Inventory`" in outcome.message
    assert model.calls == []  # refused while validating, before any model call
