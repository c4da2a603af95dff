"""The project's tests as a guard, run directly: on a scratch copy, before and after the change,
the passing "before" remembered for files already tested (every request on an unchanged
workspace would otherwise run the tests twice)."""

from __future__ import annotations

import sys
from pathlib import Path

from outrigger.guards import project_tests
from outrigger.workspace.files import Workspace


def counting_command(counter: Path) -> list[str]:
    """A test command that passes and leaves one line in `counter` per run."""
    return [sys.executable, "-c", f"open({str(counter)!r}, 'a').write('run\\n')"]


async def test_a_passing_before_run_is_remembered_until_a_file_changes(tmp_path):
    root = tmp_path / "project"
    root.mkdir()
    (root / "app.py").write_text("X = 1\n")
    counter = tmp_path / "runs.txt"
    command = counting_command(counter)
    workspace = Workspace(root)

    first = await project_tests.before_and_after(workspace, {"app.py": "X = 2\n"}, command, 30)
    again = await project_tests.before_and_after(workspace, {"app.py": "X = 3\n"}, command, 30)
    assert first is not None and again is not None and first[0].passed and again[1].passed
    assert len(counter.read_text().splitlines()) == 3  # before once, after twice

    (root / "app.py").write_text("X = 10\n")  # the workspace changed: its tests run again
    await project_tests.before_and_after(workspace, {"app.py": "X = 11\n"}, command, 30)
    assert len(counter.read_text().splitlines()) == 5


async def test_a_failing_before_run_is_not_remembered(tmp_path):
    root = tmp_path / "project"
    root.mkdir()
    (root / "app.py").write_text("X = 1\n")
    counter = tmp_path / "runs.txt"
    failing = [*counting_command(counter)[:2], counting_command(counter)[2] + "; raise SystemExit(1)"]
    workspace = Workspace(root)

    for _ in range(2):
        runs = await project_tests.before_and_after(workspace, {"app.py": "X = 2\n"}, failing, 30)
        assert runs is not None and not runs[0].passed

    assert len(counter.read_text().splitlines()) == 4
