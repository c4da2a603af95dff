"""Run the suite through one configuration: the guarded pipeline (optionally with one guard
off) or the naive agent, each task on a fresh copy of its workspace.

Time is split into the model's (waiting on the server) and Outrigger's own (everything
else inside `ask` + applying the edits + re-indexing + `commit`); the checks are the
benchmark's time and count for neither.
"""

from __future__ import annotations

import json
import shutil
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path

from outrigger.agent import Agent
from outrigger.config import Settings
from outrigger.disk import apply_to_disk
from outrigger.errors import OutriggerError
from outrigger.guards import project_tests
from outrigger.guards.runs import project_code_seconds
from outrigger.guards.stats import RepairStats
from outrigger.guards.switches import Guards
from outrigger.model.client import ChatReply, ModelClient, OnText
from outrigger.workspace.files import Workspace
from outrigger.workspace.index import ProjectMap

from . import checks
from .checks import StepRecord
from .dependencies import link_node_modules
from .naive import NaiveAgent
from .suite import DEFAULT_SUITE, Suite, Task

GUARDS = (
    "fence_stripping",
    "json_repair",
    "map_validation",
    "question_routing",
    "plan_sense",
    "symbol_confinement",
    "syntax_check",
    "name_check",
    "project_tests",
)
GUARDED, NAIVE = "guarded", "naive"
# The guarded pipeline with the earlier prompts about one symbol (the whole file, trimmed
# around it): the latency table's baseline, measured in the same run.
FILE_PROMPTS = "file prompts"
CONFIGS = (GUARDED, FILE_PROMPTS, NAIVE, *(f"no {g}" for g in GUARDS))


def guards_for(config: str) -> Guards:
    if config in (GUARDED, FILE_PROMPTS):
        return Guards()
    name = config.removeprefix("no ")
    if name not in GUARDS:
        raise ValueError(f"unknown configuration {config!r}; known: {', '.join(CONFIGS)}")
    return Guards(**{name: False})


class MeteredModel(ModelClient):
    """A ModelClient that memoises identical requests within one benchmark run.

    At temperature 0 the same request gets the same reply, so the ablations (which mostly
    send the guarded run's exact requests) reuse it instead of recomputing it; this also
    keeps run-to-run noise out of the comparison. A reused reply counts as a model call with
    its original tokens and seconds. `live_seconds` is the time really spent waiting."""

    def __init__(self, settings, *, base_url_provider=None, memo: bool = True) -> None:
        super().__init__(settings, base_url_provider=base_url_provider)
        self.live_seconds = 0.0
        self.reused = 0
        self.failed_calls = 0  # errors and timeouts: no reply, but the time was the model's
        self.failed_seconds = 0.0
        self._memo: dict[str, ChatReply] | None = {} if memo else None

    async def chat(
        self,
        messages: list[dict],
        *,
        json_schema: dict | None = None,
        max_tokens: int | None = None,
        variant: int = 0,
        on_text: OnText | None = None,
    ) -> ChatReply:
        key = json.dumps([messages, json_schema, max_tokens, variant], sort_keys=True)
        if self._memo is not None and key in self._memo:
            reply = self._memo[key]
            self.stats.add(reply)
            self.reused += 1
            return reply
        started = time.perf_counter()
        try:
            reply = await super().chat(
                messages, json_schema=json_schema, max_tokens=max_tokens, variant=variant, on_text=on_text
            )
        except BaseException:
            self.failed_calls += 1
            self.failed_seconds += time.perf_counter() - started
            raise
        finally:
            self.live_seconds += time.perf_counter() - started
        if self._memo is not None:
            self._memo[key] = reply
        return reply


@dataclass
class TaskRun:
    task: str
    category: str
    success: bool
    failures: list[str]
    unsafe: list[str]
    changed: list[str]
    fence_leak: bool
    misrouted: bool
    steps: list[dict]
    calls: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    model_seconds: float = 0.0
    own_seconds: float = 0.0
    project_seconds: float = 0.0  # running the workspace's tests and the user's examples
    # What the user waited: the model's seconds plus the rest of the elapsed time. Less than
    # model + tests + own when the tests ran beside the model (the "before" run starts with
    # it); 0 in results files from before it was measured.
    wall_seconds: float = 0.0
    # Of model_seconds, what the server says it spent reading prompts and writing replies
    # (llama.cpp's timings; 0 when it does not say).
    prompt_seconds: float = 0.0
    generation_seconds: float = 0.0
    model_errors: int = 0  # calls that ended in an error or a timeout
    repair: dict[str, int] = field(default_factory=dict)
    suite: str = DEFAULT_SUITE
    tags: list[str] = field(default_factory=list)


class _Meter:
    """Model statistics and own time across one task."""

    def __init__(self, model: MeteredModel) -> None:
        self.model = model
        s = model.stats
        self.start = (
            s.calls + model.failed_calls,
            s.prompt_tokens,
            s.completion_tokens,
            s.seconds + model.failed_seconds,
            s.prompt_seconds,
            s.generation_seconds,
            model.failed_calls,
        )
        self.own = 0.0
        self.project = 0.0
        self.beside_model = 0.0  # elapsed time not spent waiting on the model

    @contextmanager
    def timed(self) -> Iterator[None]:
        """Count the block's wall time, minus the time spent waiting on the model and running
        the project's own code, as own time."""
        started, live, project = time.perf_counter(), self.model.live_seconds, project_code_seconds()
        try:
            yield
        finally:
            ran = project_code_seconds() - project
            beside = time.perf_counter() - started - (self.model.live_seconds - live)
            self.project += ran
            self.beside_model += max(beside, 0.0)
            self.own += beside - ran

    @property
    def calls(self) -> int:
        """Model calls made (or attempted) since the task started."""
        return self.model.stats.calls + self.model.failed_calls - self.start[0]

    def fill(self, run: TaskRun) -> TaskRun:
        s = self.model.stats
        m = self.model
        run.calls = self.calls
        run.prompt_tokens = s.prompt_tokens - self.start[1]
        run.completion_tokens = s.completion_tokens - self.start[2]
        run.model_seconds = round(s.seconds + m.failed_seconds - self.start[3], 4)
        run.own_seconds = round(max(self.own, 0.0), 4)
        run.project_seconds = round(self.project, 4)
        run.wall_seconds = round(run.model_seconds + self.beside_model, 4)
        run.prompt_seconds = round(s.prompt_seconds - self.start[4], 4)
        run.generation_seconds = round(s.generation_seconds - self.start[5], 4)
        run.model_errors = m.failed_calls - self.start[6]
        return run


# The workspaces' pytest runs on this (Outrigger's development) Python, whose pytest loads
# hypothesis, pytest-lsp, pytest-asyncio and anyio on every start: 22 s of a pytest run under
# load against 3 s without them, for plugins no workspace uses (a project's own venv has its
# own). Switched off, as the gate fuzzer does (benchmarks/fuzz/gate.py); then the command is
# the configured one, so the whole (small) suite runs, not the covering test files.
NO_DEV_PLUGINS = ("-p", "no:hypothesispytest", "-p", "no:pytest-lsp", "-p", "no:asyncio", "-p", "no:anyio")


def _dev_pytest(root: Path, settings: Settings) -> list[str] | None:
    """The obvious pytest command without the development venv's plugins, when the
    workspace's tests would run on this Python."""
    try:
        command = project_tests.test_command(root, settings.tests)
    except OutriggerError:
        return None
    if command is None or command[0] != sys.executable or "pytest" not in command:
        return None
    return [*command, *NO_DEV_PLUGINS]


class Runner:
    def __init__(self, suite: Suite, model: MeteredModel, settings: Settings) -> None:
        self.suite = suite
        self.model = model
        self.settings = settings
        self._originals: dict[str, tuple[dict[str, str], ProjectMap]] = {}

    def original(self, workspace: str) -> tuple[dict[str, str], ProjectMap]:
        if workspace not in self._originals:
            root = self.suite.workspace(workspace)
            self._originals[workspace] = (checks.snapshot(root), checks.index(root))
        return self._originals[workspace]

    async def run(self, config: str, task: Task) -> TaskRun:
        with tempfile.TemporaryDirectory(prefix=f"outrigger-bench-{task.id}-") as tmp:
            root = Path(tmp) / task.workspace
            shutil.copytree(self.suite.workspace(task.workspace), root)
            link_node_modules(self.suite.packages(task.workspace), root)
            before, original = self.original(task.workspace)
            if task.seed:
                seed(root, task)
                before, original = checks.snapshot(root), checks.index(root)
            meter = _Meter(self.model)
            repair = RepairStats()
            if config == NAIVE:
                steps = await self._naive(root, task, meter)
            else:
                steps = await self._guarded(root, task, config, meter, repair)
            verdict = checks.check(
                task, root, before, original, steps, check_kinds=config != NAIVE, model_calls=meter.calls
            )
        run = TaskRun(
            task=task.id,
            category=task.category,
            success=verdict.success,
            failures=verdict.failures,
            unsafe=verdict.unsafe,
            changed=verdict.changed,
            fence_leak=verdict.fence_leak,
            misrouted=verdict.misrouted,
            steps=[asdict(s) for s in steps],
            repair=repair.as_dict(),
            suite=task.suite,
            tags=list(task.tags),
        )
        return meter.fill(run)

    async def _guarded(
        self, root: Path, task: Task, config: str, meter: _Meter, repair: RepairStats
    ) -> list[StepRecord]:
        guards = guards_for(config)
        workspace = Workspace(root, self.settings.ignore)
        project_map = ProjectMap(workspace)
        project_map.build()  # the editor's start-up cost, reported separately (perf.py)
        settings = self.settings
        if task.test_command:  # as the project's user would configure it
            tests = settings.tests.model_copy(update={"command": list(task.test_command)})
            settings = settings.model_copy(update={"tests": tests})
        elif (command := _dev_pytest(root, settings)) is not None:
            settings = settings.model_copy(update={"tests": settings.tests.model_copy(update={"command": command})})
        agent = Agent(workspace, project_map, self.model, settings, guards)
        if config == FILE_PROMPTS:
            agent.prompt_context = "file"
        steps = []
        for step in task.steps:
            with meter.timed():
                outcome = await agent.ask(step.request)
                kind, message = outcome.kind, outcome.message
                if outcome.kind == "edit":
                    try:
                        apply_to_disk(root, outcome.edits)
                    except OutriggerError as error:
                        kind, message = "refused", f"could not apply: {error}"
                    else:
                        for edit in outcome.edits:
                            project_map.update(edit.path)
                        agent.commit(outcome)
            plan = outcome.plan.describe() if outcome.plan else ""
            steps.append(StepRecord(step.request, kind, message, plan))
        repair.merge(agent.stats)
        return steps

    async def _naive(self, root: Path, task: Task, meter: _Meter) -> list[StepRecord]:
        agent = NaiveAgent(root, self.model)
        steps = []
        for step in task.steps:
            with meter.timed():
                try:
                    steps.append(await agent.ask(step.request))
                except OutriggerError as error:
                    steps.append(StepRecord(step.request, "refused", f"model error: {error}"))
        return steps


def seed(root: Path, task: Task) -> None:
    """Plant the task's bug in its copy: each `old` text, found exactly once, becomes `new`."""
    for path, (old, new) in task.seed.items():
        text = (root / path).read_text(encoding="utf-8")
        if text.count(old) != 1:
            raise ValueError(f"task {task.id}: the seed's text occurs {text.count(old)} times in {path}, not once")
        (root / path).write_text(text.replace(old, new), encoding="utf-8")


async def run_suite(
    suite: Suite,
    model: MeteredModel,
    settings: Settings,
    configs: list[str],
    progress: Callable[[int, int, str], None] | None = None,
    task_done: Callable[[dict[str, list[TaskRun]]], None] | None = None,
) -> dict[str, list[TaskRun]]:
    """Every task through every configuration, task by task (so a run cut short still
    compares the configurations on the same tasks); `task_done` sees the results so far."""
    runner = Runner(suite, model, settings)
    results: dict[str, list[TaskRun]] = {config: [] for config in configs}
    total, done = len(configs) * len(suite.tasks), 0
    for task in suite.tasks:
        for config in configs:
            if progress:
                progress(done, total, f"{task.id}: {config}")
            results[config].append(await runner.run(config, task))
            done += 1
        if task_done:
            task_done(results)
    if progress:
        progress(done, total, "done")
    return results
