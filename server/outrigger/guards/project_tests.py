"""The project's own tests as a guard, as Aider's `--auto-test` does, but without touching the
user's files or running as the user: the workspace (with the editor's unsaved buffers) is copied
to a scratch folder, and the project's test command runs there, in a sandbox
(`guards/runs.py`), before and after the proposed change, bounded in time. A change that turns
passing tests red is refused, or offered with the failure shown when the user chose so
(`tests.onFailure: "warn"`). Tests pass when the runner's own report says so
(`guards/test_report.py`), not when the exit code is 0. Tests that already failed guard
nothing; the preview says so.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import os
import sys
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path

from outrigger.config import TestSettings
from outrigger.errors import Refused
from outrigger.guards.runner_files import runner_files
from outrigger.guards.runs import KEPT_CHARS, NoSandbox, Output, ScratchRun, project_code_seconds, scratch_run, summary
from outrigger.guards.test_report import Report, expects_report, read_report
from outrigger.workspace.files import Workspace

__all__ = [
    "Ahead",
    "NoSandbox",
    "TestRun",
    "before_and_after",
    "run_ahead",
    "project_code_seconds",
    "test_command",
    "verdict",
]


@dataclass(frozen=True)
class TestRun:
    command: tuple[str, ...]
    passed: bool
    timed_out: bool
    tail: str  # what failed (guards/test_output.py), else the last lines of the output; redacted
    seconds: float
    exit_code: int | None = None  # None: it did not start, or timed out
    output: str = ""  # the output's end, paths relative to the workspace, redacted, for a retry
    report: Report | None = None  # the runner's own count of passed and failed tests
    not_run: str = ""  # why the tests could not run at all (a missing program), or did not report
    # The change's files the runner loads as its own (guards/runner_files.py): its report is the change's word.
    runner_files: tuple[str, ...] = ()

    @property
    def by_exit_code(self) -> bool:
        """Judged by its exit code alone: a command whose report Outrigger cannot read
        (`node test.js`, a custom script), so code that exits 0 would pass it."""
        return self.report is None and expects_report(self.command) is None and not self.not_run


def judged(command: list[str], output: Output) -> TestRun:
    """A run judged by the runner's report: exit code 0 alone (`os._exit(0)` in the code under
    test) is not a pass for a runner that always reports."""
    report = read_report(output.text)
    expected = expects_report(tuple(command))
    not_run = output.missing
    if not not_run and output.exit_code == 0 and report is None and expected:
        not_run = (
            f"{expected} ended without its report of the tests (exit code 0): the code under test may have ended it"
        )
    if not not_run and output.sealed is False and _LATE_PLUGINS in output.text:
        plugins = output.text.partition(_LATE_PLUGINS)[2].partition("\n")[0].strip()
        not_run = (
            f"the tests registered a pytest plugin while they ran ({plugins}): it can rewrite their reports, "
            "so they cannot vouch for the change"
        )
    if not not_run and output.sealed is False:  # a forged report, a test binary ended early
        ended = expected if expected == "pytest" else f"a {expected} test binary"
        not_run = (
            f"{ended} ended with exit code 0 before the end of its session, whatever it printed: "
            "the code under test ended it"
        )
    if not not_run and report is not None and report.passed == 0 and report.failed == 0:
        not_run = f"{report.runner} found no tests to run"
    passed = output.exit_code == 0 and not not_run and (report is None or report.failed == 0)
    tail = summary(output) if output.text else not_run
    return TestRun(
        tuple(command), passed, output.timed_out, tail, output.seconds, output.exit_code, output.text, report, not_run
    )


_LATE_PLUGINS = "outrigger-seal: pytest plugins registered while the tests ran:"  # seal/outrigger_pytest_seal.py


def seal_for(command: list[str]) -> str | None:
    """The runner whose own end can be told from code ending it with exit code 0
    (`ScratchRun.run`'s seal), or None. pytest: the command is pytest itself (a wrapper such as
    `make` would take the seal's status for a failure), on a Python that reads `PYTHONPATH`
    (not under `-I` or `-E`). `go test`, `cargo test`: unless the command already chooses how
    test binaries run (`-exec`, a cargo `--config`)."""
    runner = expects_report(tuple(command))
    if runner in ("go", "cargo"):
        chosen = any(part == "-exec" or part.startswith(("-exec=", "--config")) for part in command)
        return None if chosen else runner
    if runner != "pytest":
        return None
    if Path(command[0]).name in ("pytest", "py.test"):
        return runner
    if not Path(command[0]).name.startswith("python") or "-m" not in command:
        return None
    at = command.index("-m")
    isolated = any(o.startswith("-") and not o.startswith("--") and ("I" in o or "E" in o) for o in command[1:at])
    return runner if command[at + 1 : at + 2] == ["pytest"] and not isolated else None


def test_command(root: Path, settings: TestSettings) -> list[str] | None:
    """The configured command, or the one the project makes obvious; None to run no tests."""
    if settings.run == "never":
        return None
    if settings.command:
        return list(settings.command)
    found = _obvious_command(root)
    if found is None and settings.run == "always":
        raise Refused(
            "Running the project's tests is switched on (tests.run: always) but no test command is configured "
            "and none is obvious; set outrigger.tests.command."
        )
    return found


def _obvious_command(root: Path) -> list[str] | None:
    package = root / "package.json"
    if package.is_file():
        try:
            script = (json.loads(package.read_text("utf-8")).get("scripts") or {}).get("test", "")
        except (ValueError, AttributeError):
            script = ""
        if script and "no test specified" not in script:
            return ["npm", "test", "--silent"]
        if (root / "test.js").is_file():
            return ["node", "test.js"]
    if (root / "Cargo.toml").is_file():
        return ["cargo", "test", "--quiet"]
    if (root / "go.mod").is_file():
        return ["go", "test", "./..."]
    python_tests = (
        (root / "tests").is_dir()
        or any(root.glob("test_*.py"))
        or any(root.glob("*/tests/test_*.py"))  # a package's own tests (`shop/tests/`), no config
        or any(root.glob("*/test/test_*.py"))
        or any(root.glob("src/*/tests/test_*.py"))
        or (root / "pytest.ini").is_file()
        or (root / "conftest.py").is_file()
    )
    if python_tests:
        command = [project_python(root), "-m", "pytest", "-q", "-x", "-p", "no:cacheprovider"]
        if (root / "src").is_dir() and not any(root.glob("src/*.py")):  # a src layout, not installed here
            command += ["-o", "pythonpath=src"]
        return command
    return None


def project_python(root: Path) -> str:
    """The project's own virtualenv's Python when it has one (its dependencies are there)."""
    own = root / ".venv" / "bin" / "python"
    return str(own) if own.is_file() else sys.executable


async def before_and_after(
    workspace: Workspace,
    changes: Mapping[str, str | None],
    command: list[str],
    timeout: float,
    allow_unsandboxed: bool = False,
    ahead: asyncio.Task[Ahead | None] | None = None,
) -> tuple[TestRun, TestRun] | None:
    """The test command's result on the workspace as it is and with `changes` (path → new
    text, None to delete); None when the workspace is too large to copy. Raises NoSandbox
    when proposed code may not run here. `ahead`: the "before" run `run_ahead` started while
    the model wrote the change, taken when it ran the same command on the same files."""
    async with scratch_run(workspace, allow_unsandboxed) as run:
        if run is None:
            return None
        key = (tuple(command), await asyncio.to_thread(_fingerprint, run))
        before = _PASSED_BEFORE.get(key) or await _ran_ahead(key, ahead)
        if before is None:
            before = judged(command, await run.run(command, timeout, seal_for(command)))
        if before.passed:
            _remember(key, before)
        for path, text in changes.items():
            run.write(path, text)
        after = judged(command, await run.run(command, timeout, seal_for(command)))
        whole = len(after.output) < KEPT_CHARS  # nothing of its report was cut
        if after.passed and (fewer := _fewer_ran(before.report, after.report, whole)):
            after = TestRun(
                after.command, False, False, fewer, after.seconds, after.exit_code, after.output, after.report
            )
        if own := runner_files(changes, workspace.exists, lambda folder: _is_package(workspace, changes, folder)):
            after = replace(after, runner_files=tuple(own))
    return before, after


def _is_package(workspace: Workspace, changes: Mapping[str, str | None], folder: str) -> bool:
    init = f"{folder}/__init__.py"
    return changes[init] is not None if init in changes else workspace.exists(init)


def _fewer_ran(before: Report | None, after: Report | None, whole: bool = True) -> str:
    """Why the run with the change did not run the tests the run without it did ("" when it
    did): code that ends a runner, a test file or a test binary early leaves tests out of a
    report that otherwise reads as passing (a fix's tests that failed before count too).
    `whole`: the run's output was kept whole, so a test it does not name did not run."""
    if before is None or after is None:
        return ""
    if after.passed < before.passed:
        return f"fewer tests passed with the change ({after.passed}) than without it ({before.passed})"
    if after.passed + after.failed < before.passed + before.failed:
        ran = after.passed + after.failed
        return f"fewer tests ran with the change ({ran}) than without it ({before.passed + before.failed})"
    # node names a test file whose process ended before reporting a test after the file.
    ended = [name for name in after.names if name.endswith(_TEST_FILES) and name not in before.names]
    missing = [name for name in before.names if name not in after.names] if whole else []
    if named := missing or ended:
        listed = ", ".join(f"`{name}`" for name in named[:3]) + (", …" if len(named) > 3 else "")
        what = "tests that ran without the change did not run with it" if missing else "test files reported no test"
        return f"{what} ({listed}): the code under test may have ended them"
    return ""


_TEST_FILES = (".js", ".mjs", ".cjs", ".ts", ".mts", ".cts")


# A "before" run and what it ran: the command and the digest of the files it ran on.
Ahead = tuple[tuple[tuple[str, ...], str], TestRun]


async def run_ahead(
    workspace: Workspace, command: list[str], timeout: float, allow_unsandboxed: bool = False
) -> Ahead | None:
    """The test command on the workspace as it is, started while the model writes a change
    (it needs only the files as they are: on two cores the model's seconds would otherwise
    come before the tests' instead of beside them). A passing run is remembered like any
    "before" run; a failing one (the bug a fix is for) is only handed to `before_and_after`.
    None when it could not run (no sandbox, too large a workspace): the gate runs it then."""
    try:
        async with scratch_run(workspace, allow_unsandboxed) as run:
            if run is None:
                return None
            key = (tuple(command), await asyncio.to_thread(_fingerprint, run))
            before = _PASSED_BEFORE.get(key) or judged(command, await run.run(command, timeout, seal_for(command)))
    except NoSandbox:
        return None
    if before.passed:
        _remember(key, before)
    return key, before


async def _ran_ahead(key: tuple[tuple[str, ...], str], ahead: asyncio.Task[Ahead | None] | None) -> TestRun | None:
    """The run ahead's result when it ran `key` (the same command on the same files)."""
    if ahead is None:
        return None
    await asyncio.wait({ahead})  # never raises: a run ahead that failed or was cancelled is not used
    if ahead.cancelled() or ahead.exception() is not None or (result := ahead.result()) is None:
        return None
    ran, before = result
    return before if ran == key and not before.timed_out else None


# The tests' result on files already tested and found passing: every request on an unchanged
# workspace would otherwise run them twice. Keyed by the command and the copy's contents
# (the editor's unsaved buffers included), so any change to any file runs them again.
_PASSED_BEFORE: dict[tuple[tuple[str, ...], str], TestRun] = {}
_REMEMBERED = 16


def _remember(key: tuple[tuple[str, ...], str], run: TestRun) -> None:
    _PASSED_BEFORE.pop(key, None)
    _PASSED_BEFORE[key] = run
    while len(_PASSED_BEFORE) > _REMEMBERED:
        _PASSED_BEFORE.pop(next(iter(_PASSED_BEFORE)))


def _fingerprint(run: ScratchRun) -> str:
    """A digest of every file in the scratch copy and of the dependency folders' times."""
    copy = run.copy.path
    digest = hashlib.sha256(run.dependency_stamp().encode("utf-8", "surrogateescape"))
    for directory, subdirs, files in os.walk(copy):
        subdirs.sort()
        for name in sorted(files + [d for d in subdirs if (Path(directory) / d).is_symlink()]):
            path = Path(directory) / name
            digest.update(str(path.relative_to(copy)).encode("utf-8", "surrogateescape") + b"\0")
            try:
                if path.is_symlink():
                    digest.update(os.readlink(path).encode("utf-8", "surrogateescape"))
                else:
                    digest.update(path.read_bytes())
            except OSError:
                digest.update(b"?")
            digest.update(b"\0")
    return digest.hexdigest()


def verdict(before: TestRun, after: TestRun, on_failure: str, *, fixing: bool = False) -> str:
    """The preview's line about the tests; raises Refused when the change breaks them, or when
    it is a fix (`fixing`) and the tests that failed before it still fail with it."""
    command = " ".join(Path(before.command[0]).name if i == 0 else part for i, part in enumerate(before.command))
    if before.not_run:
        return f"The project's tests ({command}) could not check this change: {before.not_run}."
    if after.passed and after.runner_files and (before.passed or fixing):
        own = ", ".join(f"`{path}`" for path in after.runner_files[:3]) + (", …" if len(after.runner_files) > 3 else "")
        message = (
            f"The project's tests ({command}) pass with this change, but it changes {own}, which the test runner "
            "loads as its own (its configuration, a plugin, or a module in its place): their report is the "
            "change's own word, so it cannot vouch for it."
        )
        if fixing and not before.passed and not before.timed_out and on_failure == "refuse":
            raise Refused(f"{message} Nothing was changed.")
        return f"Warning: {message}"
    if fixing and not before.passed and not before.timed_out:
        if after.passed:
            line = f"The project's tests ({command}) failed before this fix and pass with it ({after.seconds:.1f} s)."
            return line + (" Judged by exit code only." if after.by_exit_code else "")
        if not after.timed_out:  # a run that did not report (ended early, no tests) is no fix either
            message = (
                f"The project's tests ({command}) did not report passing with this fix: {after.not_run}."
                if after.not_run
                else f"The project's tests ({command}) failed before this fix and still fail with it: {after.tail}"
            )
            if on_failure == "refuse":
                raise Refused(f"{message} Nothing was changed.")
            return f"Warning: {message}"
    if not before.passed:
        why = "did not finish in time" if before.timed_out else "already failed"
        return f"The project's tests ({command}) {why} before this change, so they could not check it."
    if after.passed:
        line = f"The project's tests ({command}) pass with this change ({after.seconds:.1f} s)."
        if after.by_exit_code:
            line += (
                f" Judged by exit code only: Outrigger cannot read `{command}`'s report of its tests, "
                "so code that ends it with exit code 0 passes too."
            )
        return line
    if after.timed_out:
        message = f"The project's tests ({command}) did not finish within the time limit with this change."
    elif after.not_run:
        message = f"The project's tests ({command}) did not report passing with this change: {after.not_run}."
    else:
        message = f"This change makes the project's tests fail ({command}): {after.tail}"
    if on_failure == "refuse":
        raise Refused(f"{message} Nothing was changed.")
    return f"Warning: {message}"
