"""The project's tests as a guard, run directly: on a scratch copy, before and after the change,
the passing "before" remembered for files already tested (every request on an unchanged
workspace would otherwise run the tests twice)."""

from __future__ import annotations

import sys

import pytest

from outrigger.errors import Refused
from outrigger.guards import project_tests
from outrigger.guards.runs import ScratchRun
from outrigger.guards.test_output import failure_summary
from outrigger.workspace.files import Workspace


@pytest.fixture
def counted(monkeypatch) -> list[list[str]]:
    """Every command run in a scratch copy (the sandbox keeps the command itself from writing
    anywhere outside the copy, so it cannot count its own runs)."""
    calls: list[list[str]] = []
    original = ScratchRun.run

    async def counting(self, command, timeout, *options):
        calls.append(command)
        return await original(self, command, timeout, *options)

    monkeypatch.setattr(ScratchRun, "run", counting)
    return calls


PASSING = [sys.executable, "-c", "print('ok')"]


async def test_a_passing_before_run_is_remembered_until_a_file_changes(tmp_path, counted):
    root = tmp_path / "project"
    root.mkdir()
    (root / "app.py").write_text("X = 1\n")
    workspace = Workspace(root)

    first = await project_tests.before_and_after(workspace, {"app.py": "X = 2\n"}, PASSING, 30)
    again = await project_tests.before_and_after(workspace, {"app.py": "X = 3\n"}, PASSING, 30)
    assert first is not None and again is not None and first[0].passed and again[1].passed
    assert len(counted) == 3  # before once, after twice

    (root / "app.py").write_text("X = 10\n")  # the workspace changed: its tests run again
    await project_tests.before_and_after(workspace, {"app.py": "X = 11\n"}, PASSING, 30)
    assert len(counted) == 5


@pytest.mark.parametrize("program", ["ci/run-checks", "node_modules/.bin/checks"])
async def test_a_test_command_by_a_path_in_the_workspace_runs_there(tmp_path, program):
    """`node_modules/.bin/tape test/*.js` as the configured command: the program is the
    workspace's (a dependency folder is shown to the sandbox, not copied), whatever folder
    Outrigger itself runs in. It was reported missing, and no test ran."""
    root = tmp_path / "project"
    (root / program).parent.mkdir(parents=True)
    (root / program).write_text("#!/bin/sh\necho checked\n")
    (root / program).chmod(0o755)
    (root / "app.js").write_text("exports.x = 1;\n")
    before, after = await project_tests.before_and_after(
        Workspace(root), {"app.js": "exports.x = 2;\n"}, [program, "test/*.js"], 60
    )
    assert before.not_run == "" and after.not_run == "" and after.passed, after.not_run
    assert "checked" in after.output


async def test_a_failing_before_run_is_not_remembered(tmp_path, counted):
    root = tmp_path / "project"
    root.mkdir()
    (root / "app.py").write_text("X = 1\n")
    failing = [sys.executable, "-c", "raise SystemExit(1)"]
    workspace = Workspace(root)

    for _ in range(2):
        runs = await project_tests.before_and_after(workspace, {"app.py": "X = 2\n"}, failing, 30)
        assert runs is not None and not runs[0].passed

    assert len(counted) == 4


async def test_a_failing_node_test_is_named_with_its_error_not_only_the_tally(tmp_path):
    root = tmp_path / "shop"
    (root / "test").mkdir(parents=True)
    (root / "package.json").write_text('{"scripts": {"test": "node --test"}}')
    (root / "cart.js").write_text("function total(items) { return items.length; }\nmodule.exports = { total };\n")
    (root / "test" / "cart.test.js").write_text(
        'const test = require("node:test");\nconst assert = require("node:assert");\n'
        'const { total } = require("../cart");\n'
        'test("counts an empty cart", () => { assert.strictEqual(total([]), 0); });\n'
        'test("counts two items", () => { assert.strictEqual(total([1, 2]), 2); });\n'
    )
    workspace = Workspace(root)
    broken = "function total(items) { return items.length + 1; }\nmodule.exports = { total };\n"

    runs = await project_tests.before_and_after(workspace, {"cart.js": broken}, ["node", "--test"], 60)

    assert runs is not None and runs[0].passed and not runs[1].passed
    with pytest.raises(Refused) as refused:
        project_tests.verdict(*runs, "refuse")
    message = str(refused.value)
    assert "counts an empty cart (test/cart.test.js:4:1)" in message
    assert "1 !== 0 (the code gave 1, the test expected 0)" in message and "# pass" not in message
    assert str(tmp_path) not in message


def test_pytest_failures_show_the_failing_test_and_its_error():
    output = (
        "F\n=== FAILURES ===\n___ test_totals ___\n\n    def test_totals():\n>       assert total([]) == 0\n"
        "E       assert 1 == 0\nE        +  where 1 = total([])\n\ntests/test_cart.py:4: AssertionError\n"
        "=== short test summary info ===\nFAILED tests/test_cart.py::test_totals - assert 1 == 0\n1 failed in 0.02s\n"
    )
    summary = failure_summary(output)
    assert summary.startswith("FAILED tests/test_cart.py::test_totals - assert 1 == 0")
    assert "assert 1 == 0 (tests/test_cart.py:4: AssertionError)" in summary


async def test_a_plain_node_script_that_throws_is_summed_up_by_its_error_not_its_stack(tmp_path):
    """`node test.js` with bare asserts: the last lines are only stack frames."""
    root = tmp_path / "clock"
    root.mkdir()
    (root / "clock.js").write_text("exports.clock = (m) => `${Math.floor(m / 60)}:${m % 60}`;\n")
    (root / "test.js").write_text(
        'const assert = require("assert");\nconst { clock } = require("./clock");\n\n'
        'assert.strictEqual(clock(60), "1:0");\nassert.strictEqual(clock(605), "10:5");\n'
    )
    padded = "exports.clock = (m) => `${Math.floor(m / 60)}:${String(m % 60).padStart(2, '0')}`;\n"

    runs = await project_tests.before_and_after(Workspace(root), {"clock.js": padded}, ["node", "test.js"], 60)

    assert runs is not None and runs[0].passed and not runs[1].passed
    summary = runs[1].tail
    assert summary.startswith("AssertionError: Expected values to be strictly equal:")
    assert "(at test.js:4)" in summary and "(the code gave '1:00', the test expected '1:0')" in summary
    assert "node:internal" not in summary
