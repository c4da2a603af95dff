"""The project's own tests as a guard, as Aider's `--auto-test` does, but without touching the
user's files: the workspace (with the editor's unsaved buffers) is copied to a scratch folder,
the project's test command runs there before and after the proposed change, bounded in time.
A change that turns passing tests red is refused, or offered with the failure shown when the
user chose so (`tests.onFailure: "warn"`). Tests that already failed guard nothing; the preview
says so.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import os
import shutil
import signal
import sys
import tempfile
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from outrigger.config import TestSettings
from outrigger.errors import Refused
from outrigger.guards.test_output import failure_summary
from outrigger.workspace.files import SKIPPED_DIRS, Workspace

MAX_COPY_BYTES = 200_000_000
_KEPT_CHARS = 20_000
# Folders too big to copy that tests still need: linked into the scratch copy instead.
_LINKED = ("node_modules", ".venv", "venv", "target")


@dataclass(frozen=True)
class TestRun:
    command: tuple[str, ...]
    passed: bool
    timed_out: bool
    tail: str  # what failed (guards/test_output.py), else the last lines of the output
    seconds: float
    exit_code: int | None = None  # None: it did not start, or timed out
    output: str = ""  # the output's end, paths relative to the workspace, for a retry


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
    python_tests = (root / "tests").is_dir() or any(root.glob("test_*.py")) or (root / "pytest.ini").is_file()
    if python_tests:
        return [project_python(root), "-m", "pytest", "-q", "-x", "-p", "no:cacheprovider"]
    return None


def project_python(root: Path) -> str:
    """The project's own virtualenv's Python when it has one (its dependencies are there)."""
    own = root / ".venv" / "bin" / "python"
    return str(own) if own.is_file() else sys.executable


async def before_and_after(
    workspace: Workspace, changes: Mapping[str, str | None], command: list[str], timeout: float
) -> tuple[TestRun, TestRun] | None:
    """The test command's result on the workspace as it is and with `changes` (path → new
    text, None to delete); None when the workspace is too large to copy."""
    with tempfile.TemporaryDirectory(prefix="outrigger-tests-") as scratch:
        copy = Path(scratch) / workspace.root.name
        if not await asyncio.to_thread(copy_workspace, workspace, copy):
            return None
        key = (tuple(command), await asyncio.to_thread(_fingerprint, copy))
        before = _PASSED_BEFORE.get(key) or await run_command(command, copy, timeout)
        if before.passed:
            _remember(key, before)
        for path, text in changes.items():
            target = copy / path
            if text is None:
                target.unlink(missing_ok=True)
            else:
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_text(text, encoding="utf-8", newline="")
        after = await run_command(command, copy, timeout)
    return before, after


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


def _fingerprint(copy: Path) -> str:
    """A digest of every file in the scratch copy; a linked folder (node_modules …) counts by
    where it points and when it last changed."""
    digest = hashlib.sha256()
    for directory, subdirs, files in os.walk(copy):
        subdirs.sort()
        for name in sorted(files + [d for d in subdirs if (Path(directory) / d).is_symlink()]):
            path = Path(directory) / name
            digest.update(str(path.relative_to(copy)).encode("utf-8", "surrogateescape") + b"\0")
            try:
                if path.is_symlink():
                    digest.update(os.readlink(path).encode("utf-8", "surrogateescape"))
                    digest.update(str(path.stat().st_mtime_ns).encode())
                else:
                    digest.update(path.read_bytes())
            except OSError:
                digest.update(b"?")
            digest.update(b"\0")
    return digest.hexdigest()


def verdict(before: TestRun, after: TestRun, on_failure: str) -> str:
    """The preview's line about the tests; raises Refused when the change breaks them."""
    command = " ".join(Path(before.command[0]).name if i == 0 else part for i, part in enumerate(before.command))
    if not before.passed:
        why = "did not finish in time" if before.timed_out else "already failed"
        return f"The project's tests ({command}) {why} before this change, so they could not check it."
    if after.passed:
        return f"The project's tests ({command}) pass with this change ({after.seconds:.1f} s)."
    if after.timed_out:
        message = f"The project's tests ({command}) did not finish within the time limit with this change."
    else:
        message = f"This change makes the project's tests fail ({command}): {after.tail}"
    if on_failure == "refuse":
        raise Refused(f"{message} Nothing was changed.")
    return f"Warning: {message}"


def copy_workspace(workspace: Workspace, copy: Path) -> bool:
    root = workspace.root
    size = 0
    for directory, subdirs, files in os.walk(root):
        subdirs[:] = [d for d in subdirs if d not in SKIPPED_DIRS and not (Path(directory) / d).is_symlink()]
        for name in files:
            try:
                size += (Path(directory) / name).stat().st_size
            except OSError:
                continue
        if size > MAX_COPY_BYTES:
            return False
    shutil.copytree(root, copy, symlinks=True, ignore=shutil.ignore_patterns(*SKIPPED_DIRS))
    for name in _LINKED:
        if (root / name).is_dir():
            (copy / name).symlink_to(root / name, target_is_directory=True)
    for path in workspace.open_paths():  # what the editor shows, saved or not
        try:
            text = workspace.read(path)
        except Refused:
            continue
        (copy / path).parent.mkdir(parents=True, exist_ok=True)
        (copy / path).write_text(text, encoding="utf-8", newline="")
    return True


def project_code_seconds() -> float:
    """Wall time this process has spent running the project's own code (its tests, a user's
    example): time Outrigger chose to spend, but not its own processing (the benchmark
    reports the two apart)."""
    return _project_code_seconds[0]


_project_code_seconds = [0.0]


async def run_command(command: list[str], cwd: Path, timeout: float) -> TestRun:
    started = time.perf_counter()
    try:
        return await _run_command(command, cwd, timeout, started)
    finally:
        _project_code_seconds[0] += time.perf_counter() - started


async def _run_command(command: list[str], cwd: Path, timeout: float, started: float) -> TestRun:
    try:
        process = await asyncio.create_subprocess_exec(
            *command,
            cwd=cwd,
            stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.STDOUT,
            start_new_session=True,  # its own process group: a timeout takes every child with it
        )
    except OSError as error:
        return TestRun(tuple(command), False, False, f"could not run {command[0]}: {error.strerror}", 0.0)
    try:
        output, _ = await asyncio.wait_for(process.communicate(), timeout)
        timed_out = False
    except TimeoutError:
        _kill_group(process.pid)
        await process.wait()
        output, timed_out = b"", True
    except asyncio.CancelledError:
        _kill_group(process.pid)
        raise
    text = output.decode("utf-8", "replace").strip().replace(str(cwd).rstrip("/") + "/", "")
    passed = not timed_out and process.returncode == 0
    return TestRun(
        tuple(command),
        passed,
        timed_out,
        failure_summary(text),
        time.perf_counter() - started,
        output=text[-_KEPT_CHARS:],
        exit_code=None if timed_out else process.returncode,
    )


def _kill_group(pid: int) -> None:
    try:
        os.killpg(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
