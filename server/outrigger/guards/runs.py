"""Running proposed code: in a scratch copy (`guards/scratch.py`), in a sandbox
(`guards/sandbox.py`), bounded in time and resources, its whole process tree ended with it,
and its output redacted (`guards/secret_values.py`) before anyone quotes it.

Scratch copies live in the temp folder only while a run needs them; a server stopped by
SIGTERM (or exiting any other way) removes the ones it still has (`remove_scratch_on_exit`).
"""

from __future__ import annotations

import asyncio
import atexit
import json
import os
import re
import secrets
import shutil
import signal
import sys
import tempfile
import threading
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from types import FrameType

from outrigger.guards import sandbox
from outrigger.guards.scratch import ScratchCopy, build_copy, write_into
from outrigger.guards.secret_values import redact, values_in
from outrigger.guards.test_output import failure_summary
from outrigger.workspace.files import Workspace

KEPT_CHARS = 20_000  # the end of a run's output kept (its report is there)
SEAL_FOLDER = Path(__file__).resolve().parent / "seal"  # what `ScratchRun.run(seal=…)` loads (pytest's plugin, …)
# Go's and cargo's test binaries run through this (`seal/outrigger_binary_seal.py`).
_BINARY_SEAL = SEAL_FOLDER / "outrigger_binary_seal.py"
_BINARY_SEAL_BROKEN = b"outrigger-seal: the test binary ended with exit code 0"
# Exit statuses no runner gives for a pass (pytest's own end at 5; signals from 128).
_SEAL_STATUSES = range(64, 126)


class NoSandbox(Exception):
    """No sandbox on this machine, and the user has not allowed running proposed code without one."""

    MESSAGE = (
        "no sandbox (bubblewrap or unshare) is available on this machine, and running proposed code "
        "unsandboxed is off (allow it with --allow-unsandboxed or outrigger.tests.allowUnsandboxed)"
    )


@dataclass(frozen=True)
class Output:
    """What one command did: its exit code (None: it did not start or ran out of time)."""

    exit_code: int | None
    timed_out: bool
    text: str  # redacted, paths relative to the workspace, the end of it
    seconds: float
    missing: str = ""  # why it could not start ("`npm` is not installed")
    # False: the runner's process (pytest) or one of its test binaries (go, cargo) ended with exit
    # code 0 before the runner's own end; None: no seal was asked, or the run failed otherwise.
    sealed: bool | None = None


class ScratchRun:
    """One scratch copy of a workspace and the sandbox that runs commands in it."""

    def __init__(self, copy: ScratchCopy, kind: sandbox.Backend, home: Path) -> None:
        self.copy, self.kind = copy, kind
        mount_at = sandbox.mount_point(copy.root, kind) or copy.path
        dependencies = tuple(copy.root / d for d in copy.dependencies)
        uid = None if kind == "none" else sandbox.run_as()  # as root: an unprivileged uid of its own
        self.place = sandbox.Place(copy.path, mount_at, dependencies, copy.root, home, uid, (SEAL_FOLDER,))
        self.secrets = values_in(copy.secret_files) | values_in(copy.ignored_files, tokens_only=True)

    processes = sandbox.Limits.processes  # at most this many processes at once (tests lower it)

    def write(self, path: str, text: str | None) -> None:
        write_into(self.copy.path, path, text)

    def dependency_stamp(self) -> str:
        """Where the read-only dependency folders are and when they last changed."""
        stamps = []
        for folder in self.place.dependencies:
            try:
                stamps.append(f"{folder}:{folder.stat().st_mtime_ns}")
            except OSError:
                stamps.append(f"{folder}:?")
        return "\n".join(stamps)

    async def run(self, command: list[str], timeout: float, seal: str | None = None) -> Output:
        """`command`'s output; `seal`: the runner the command is, told apart from code that ends
        it with exit code 0. "pytest": a session that ends with every test passed exits with a
        status chosen here (`seal/outrigger_pytest_seal.py`); "go", "cargo": each test binary
        runs through `seal/outrigger_binary_seal.py`, which fails one that exits 0 before its
        harness's closing report (Go's `init`, a Rust test ending its binary)."""
        started = time.perf_counter()
        try:
            return await self._run(command, timeout, started, seal)
        finally:
            _project_code_seconds[0] += time.perf_counter() - started

    async def _run(self, command: list[str], timeout: float, started: float, seal: str | None) -> Output:
        root = str(self.place.root)
        # The workspace's own paths in the command (its .venv's python) name the copy's.
        seen = [str(self.place.mount_at) + part[len(root) :] if part.startswith(root) else part for part in command]
        if (missing := _missing_program(seen[0], (self.copy.path, self.place.root))) is not None:
            return Output(None, False, "", 0.0, missing=missing)
        if seal in ("go", "cargo"):
            seen = await asyncio.to_thread(_through_binary_seal, seen, seal, self.copy.path)
        limits = sandbox.Limits(cpu_seconds=int(timeout) + 30, processes=self.processes)
        await asyncio.to_thread(sandbox.give_to, self.place)
        argv, env = sandbox.wrap(seen, self.place, self.kind, limits)
        status: int | None = None
        descriptors: tuple[int, ...] = ()
        if seal == "pytest":
            status = secrets.choice(_SEAL_STATUSES)
            reading, writing = os.pipe()
            os.write(writing, str(status).encode())
            os.close(writing)
            descriptors = (reading,)
            env |= {"OUTRIGGER_SEAL_FD": str(reading), "PYTEST_ADDOPTS": "-p outrigger_pytest_seal"}
            env["PYTHONPATH"] = str(SEAL_FOLDER)
        try:
            process = await asyncio.create_subprocess_exec(
                *argv,
                cwd=self.copy.path,
                env=env,
                stdin=asyncio.subprocess.DEVNULL,
                stdout=asyncio.subprocess.PIPE,
                stderr=asyncio.subprocess.STDOUT,
                start_new_session=True,
                preexec_fn=lambda: sandbox.apply_limits(limits),
                pass_fds=descriptors,
            )
        except OSError as error:
            return Output(None, False, "", 0.0, missing=f"`{seen[0]}` could not run: {error.strerror}")
        finally:
            for descriptor in descriptors:
                os.close(descriptor)
        _running.add(process.pid)
        try:
            output, _ = await asyncio.wait_for(process.communicate(), timeout)
            timed_out = False
        except TimeoutError:
            output, timed_out = b"", True
            if self.kind == "none":  # the reaper kills what the command left (daemons too), then exits
                process.terminate()
                try:
                    await asyncio.wait_for(process.wait(), 5)
                except TimeoutError:
                    pass
        finally:
            _kill_group(process.pid)  # the sandbox's namespace, or the reaper's group: every process
            _running.discard(process.pid)
            if process.returncode is None:
                await process.wait()
        text = output.decode("utf-8", "replace").strip()
        for prefix in (str(self.place.mount_at), str(self.copy.path)):
            text = text.replace(prefix.rstrip("/") + "/", "")
        # The end of the output is kept (the runner's report is there), redacted before the cut.
        text = redact(text[-KEPT_CHARS - 512 :], self.secrets, limit=KEPT_CHARS + 512)[-KEPT_CHARS:]
        code = None if timed_out else process.returncode
        sealed = None
        if status is not None and code in (status, 0):
            sealed, code = code == status, 0
        elif seal in ("go", "cargo") and _BINARY_SEAL_BROKEN in output:
            sealed = False
        return Output(code, timed_out, text, time.perf_counter() - started, sealed=sealed)


def _through_binary_seal(command: list[str], runner: str, copy: Path) -> list[str]:
    """`go test …` / `cargo test …` with each test binary run through the binary seal: Go's
    `-exec` (split on spaces by go, so not for paths with one), cargo's `runner` (not in a
    project with a `harness = false` test, whose binary prints no libtest summary)."""
    seal = [sys.executable, "-I", str(_BINARY_SEAL), runner]
    if runner == "cargo" and _own_harness(copy):
        return command
    at = 2  # after `go test` / `cargo test`
    if runner == "go":
        if any(" " in part for part in seal):
            return command
        return [*command[:at], "-exec", " ".join(seal), *command[at:]]
    runner_setting = "target.'cfg(all())'.runner=" + json.dumps(seal)
    return [*command[:at], "--config", runner_setting, *command[at:]]


_HARNESS_OFF = re.compile(r"^\s*harness\s*=\s*false\b", re.MULTILINE)


def _own_harness(copy: Path, most: int = 5_000) -> bool:
    """Whether a Cargo.toml in the copy turns libtest's harness off for a target (a walk
    bounded at `most` entries, not into links or hidden folders)."""
    seen = 0
    for directory, subdirs, files in os.walk(copy):
        subdirs[:] = [d for d in subdirs if not d.startswith(".") and d not in ("node_modules", "target")]
        seen += len(subdirs) + len(files)
        if "Cargo.toml" in files:
            try:
                if _HARNESS_OFF.search((Path(directory) / "Cargo.toml").read_text("utf-8", "replace")):
                    return True
            except OSError:
                continue
        if seen > most:
            return False
    return False


def summary(output: Output) -> str:
    """What failed, in a few lines, with secrets redacted (it is quoted to the model)."""
    return redact(failure_summary(output.text))


def _missing_program(program: str, folders: tuple[Path, ...]) -> str | None:
    """Why `program` cannot start, or None. A relative path (`node_modules/.bin/tape`) is the
    workspace's own: it runs in the copy, where dependency folders are the workspace's, shown
    by the sandbox (`folders`: the copy, the workspace), not in Outrigger's current folder."""
    if "/" in program:
        places = [Path(program)] if os.path.isabs(program) else [folder / program for folder in folders]
        runnable = any(os.access(place, os.X_OK) for place in places)
        return None if runnable else f"`{program}` does not exist or cannot be run"
    if shutil.which(program) is None:
        return f"`{program}` is not installed (not found on the PATH)"
    return None


def may_run(allow_unsandboxed: bool) -> bool:
    """Whether proposed code may run here: in a sandbox, or without one by the user's choice."""
    return sandbox.backend() != "none" or allow_unsandboxed


@asynccontextmanager
async def scratch_run(workspace: Workspace, allow_unsandboxed: bool) -> AsyncIterator[ScratchRun | None]:
    """A scratch copy of `workspace` to run proposed code in, removed afterwards; None when the
    workspace is too large to copy. Raises NoSandbox when there is no sandbox and no opt-in."""
    if not may_run(allow_unsandboxed):
        raise NoSandbox(NoSandbox.MESSAGE)
    kind = sandbox.backend()
    scratch = Path(tempfile.mkdtemp(prefix="outrigger-scratch-"))
    _scratch_folders.add(scratch)
    try:
        home = scratch / "home"  # beside the copy's folder: a workspace may be called "home"
        home.mkdir()
        copy_path = scratch / "copy" / (workspace.root.name or "root")
        copy = await asyncio.to_thread(build_copy, workspace, copy_path, kind == "none")
        yield None if copy is None else ScratchRun(copy, kind, home)
    finally:
        await asyncio.to_thread(shutil.rmtree, scratch, True)
        _scratch_folders.discard(scratch)


def project_code_seconds() -> float:
    """Wall time this process has spent running the project's own code (its tests, a user's
    example): time Outrigger chose to spend, but not its own processing (the benchmark
    reports the two apart)."""
    return _project_code_seconds[0]


_project_code_seconds = [0.0]
_scratch_folders: set[Path] = set()
_running: set[int] = set()


def _kill_group(pid: int) -> None:
    try:
        os.killpg(pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


def _remove_all() -> None:
    for pid in list(_running):
        _kill_group(pid)
    for folder in list(_scratch_folders):
        shutil.rmtree(folder, ignore_errors=True)


def remove_scratch_on_exit() -> None:
    """Remove every scratch copy (they may hold the proposed code's output) when the process
    exits, normally or by SIGTERM / SIGHUP; called once by the front end, in the main thread."""
    atexit.register(_remove_all)
    if threading.current_thread() is not threading.main_thread():
        return
    for number in (signal.SIGTERM, signal.SIGHUP):
        previous = signal.getsignal(number)

        def handler(signum: int, frame: FrameType | None, previous: object = previous) -> None:
            _remove_all()
            if callable(previous):
                previous(signum, frame)
                return
            signal.signal(signum, signal.SIG_DFL)
            os.kill(os.getpid(), signum)

        signal.signal(number, handler)
