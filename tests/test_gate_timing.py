"""The test gate off the critical path (issue 24): the "before" run starts while the model
writes the change, its result serves the gate (and the retry) when it ran the same command on
the same files, and a change proven to touch documentation alone runs no tests at all."""

from __future__ import annotations

import asyncio
import sys
import threading
from pathlib import Path

import pytest

from agent_helpers import make_agent
from outrigger.agent import DOCUMENTATION_ONLY
from outrigger.guards import project_tests
from outrigger.guards.doc_only import documentation_only
from outrigger.guards.runs import ScratchRun
from outrigger.workspace.files import Workspace

SHED = {
    "shed/__init__.py": "",
    "shed/sizes.py": "def floor_area(width, depth):\n    return width + depth\n",
    "shed/tests/__init__.py": "",
    "shed/tests/test_sizes.py": (
        "from shed.sizes import floor_area\n\n\ndef test_floor_area():\n    assert floor_area(2, 3) == 6\n"
    ),
}
STILL_WRONG = "def floor_area(width, depth):\n    return width + depth + 0\n"
RIGHT = "def floor_area(width, depth):\n    return width * depth\n"
DOCUMENTED = 'def floor_area(width, depth):\n    """The floor\'s area in square metres."""\n    return width + depth\n'


def workspace(tmp_path: Path, sizes: str | None = None) -> Path:
    for path, text in SHED.items():
        (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / path).write_text(text)
    if sizes is not None:
        (tmp_path / "shed/sizes.py").write_text(sizes)
    return tmp_path


@pytest.fixture(autouse=True)
def forgotten(monkeypatch) -> None:
    """No passing run remembered from another test (the same files may have run there)."""
    monkeypatch.setattr(project_tests, "_PASSED_BEFORE", {})


@pytest.fixture
def counted(monkeypatch) -> list[list[str]]:
    """Every command run in a scratch copy."""
    calls: list[list[str]] = []
    original = ScratchRun.run

    async def counting(self, command, timeout, *options):
        calls.append(command)
        return await original(self, command, timeout, *options)

    monkeypatch.setattr(ScratchRun, "run", counting)
    return calls


@pytest.mark.parametrize(
    "request_text", ["add type hints to floor_area", "add type hints to floor_area in shed/sizes.py"]
)
async def test_the_before_run_starts_while_the_model_writes(tmp_path, fake_model, monkeypatch, request_text):
    started, seen_at_reply = threading.Event(), []
    original_run, original_next = ScratchRun.run, type(fake_model)._next

    async def marking(self, command, timeout, *options):
        started.set()
        return await original_run(self, command, timeout, *options)

    def waiting_reply(self, path, headers, body):
        seen_at_reply.append(started.wait(10))  # the reply waits for the tests to start (at most 10 s)
        return original_next(self, path, headers, body)

    monkeypatch.setattr(ScratchRun, "run", marking)
    monkeypatch.setattr(type(fake_model), "_next", waiting_reply)
    agent = make_agent(workspace(tmp_path, RIGHT), fake_model.base_url)
    fake_model.script("def floor_area(width: float, depth: float) -> float:\n    return width * depth\n")
    outcome = await agent.ask(request_text)
    assert outcome.kind == "edit", outcome.message
    assert seen_at_reply == [True]
    assert any("pass with this change" in note for note in outcome.notes), outcome.notes


async def test_a_failing_before_run_started_ahead_serves_the_fix_and_its_retry(tmp_path, fake_model, counted):
    agent = make_agent(workspace(tmp_path), fake_model.base_url)
    fake_model.script(STILL_WRONG, RIGHT)
    outcome = await agent.ask("floor_area(2, 3) should be the area of the floor, it adds the sides instead")
    assert outcome.kind == "edit", outcome.message
    assert any("failed before this fix and pass with it" in note for note in outcome.notes)
    assert len(counted) == 3  # before once (while the model wrote), after each try


async def test_a_run_ahead_on_other_files_is_not_taken(tmp_path, counted):
    root = workspace(tmp_path, RIGHT)
    command = [sys.executable, "-c", "print('ok')"]
    ahead = await project_tests.run_ahead(Workspace(root), command, 30)
    assert ahead is not None and ahead[1].passed
    (root / "shed/sizes.py").write_text(RIGHT + "\n")  # the user typed meanwhile
    task = asyncio.create_task(asyncio.sleep(0, ahead))
    runs = await project_tests.before_and_after(Workspace(root), {"shed/sizes.py": RIGHT}, command, 30, ahead=task)
    assert runs is not None and runs[0].passed
    assert len(counted) == 3  # the files changed after the run ahead: before runs again


async def test_a_docstring_alone_runs_no_tests_and_says_so(tmp_path, fake_model, counted):
    agent = make_agent(workspace(tmp_path, RIGHT), fake_model.base_url)
    fake_model.script(DOCUMENTED.replace("width + depth", "width * depth"))
    outcome = await agent.ask("add a docstring to floor_area")
    assert outcome.kind == "edit", outcome.message
    assert '"""The floor\'s area in square metres."""' in outcome.edits[0].new_text
    assert DOCUMENTATION_ONLY in outcome.notes
    assert counted == []


async def test_type_hints_keep_their_tests(tmp_path, fake_model, counted):
    agent = make_agent(workspace(tmp_path, RIGHT), fake_model.base_url)
    fake_model.script("def floor_area(width: float, depth: float) -> float:\n    return width * depth\n")
    outcome = await agent.ask("add type hints to floor_area")
    assert outcome.kind == "edit", outcome.message
    assert DOCUMENTATION_ONLY not in outcome.notes
    assert any("pass with this change" in note for note in outcome.notes), outcome.notes
    assert len(counted) == 2


DOCTESTED = 'def double(x):\n    """Twice x.\n\n    >>> double(2)\n    4\n    """\n    return 2 * x\n'


@pytest.mark.parametrize(
    ("path", "old", "new", "alone"),
    [
        ("a.py", "def f():\n    return 1\n", 'def f():\n    """One."""\n    return 1\n', True),
        ("a.py", "def f():\n    return 1\n", "def f():\n    # one\n    return 1\n", False),  # a comment is code
        ("a.py", "def f():\n    return 1\n", 'def f():\n    """One."""\n    return 2\n', False),
        ("a.py", DOCTESTED, DOCTESTED.replace("    4\n", "    5\n"), False),  # a doctest's expected value
        ("a.py", DOCTESTED, DOCTESTED.replace("Twice x.", "Twice x, doubled."), True),
        (
            "a.py",
            DOCTESTED,
            DOCTESTED.replace("    4\n    ", "    4\n    >>> double(3)  # doctest: +SKIP\n    6\n    "),
            True,
        ),
        ("a.py", DOCTESTED, DOCTESTED.replace("    >>> double(2)\n    4\n", ""), False),  # a doctest gone
        ("tests/test_a.py", "def f():\n    return 1\n", 'def f():\n    """One."""\n    return 1\n', False),
        ("a.go", "package a\n\nfunc F() {}\n", "package a\n\n// F does nothing.\nfunc F() {}\n", True),
        ("a.go", "package a\n\nfunc F() {}\n", "//go:build linux\n\npackage a\n\nfunc F() {}\n", False),
        ("a.ts", "function f() {}\n", "/** Nothing. */\nfunction f() {}\n", True),
        ("a.ts", "const x: number = '1';\n", "// @ts-ignore\nconst x: number = '1';\n", False),
        ("a.php", "<?php\nfunction f() {}\n", "<?php\n/** @test */\nfunction f() {}\n", False),
        ("a.rs", "fn f() {}\n", "/// Nothing.\n///\n/// ```text\n/// f();\n/// ```\nfn f() {}\n", True),
        ("a.rs", "fn f() {}\n", "/// Nothing.\n///\n/// ```\n/// f();\n/// ```\nfn f() {}\n", False),
    ],
)
def test_documentation_only_means_the_code_and_its_examples_are_unchanged(path, old, new, alone):
    assert documentation_only(path, old, new) is alone


def test_javascript_a_type_checker_reads_is_not_documentation_only():
    old, new = "function f(a) {}\n", "/** @param {number} a */\nfunction f(a) {}\n"
    assert documentation_only("a.js", old, new)
    assert not documentation_only("a.js", old, new, type_checked=True)
