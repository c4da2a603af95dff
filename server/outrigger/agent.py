"""The pipeline, top to bottom: check the request → plan → run the plan's executor → Outcome.

Front ends (the CLI, the language server, the benchmark) call `Agent.ask`, show the Outcome,
apply its edits their own way, and call `Agent.commit` once they are applied.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Literal

from outrigger.actions.context import ActionContext, Answer, Change, PromptContext
from outrigger.config import Settings
from outrigger.edits import FileEdit, combined_preview, file_edit
from outrigger.errors import BudgetExceeded, OutriggerError, Refused
from outrigger.guards import project_tests
from outrigger.guards.budget import Budget
from outrigger.guards.capabilities import refuse_new_capabilities_in
from outrigger.guards.covering_tests import covering_command
from outrigger.guards.doc_only import documentation_only, type_checked
from outrigger.guards.inert_docs import inert_docs
from outrigger.guards.replies import capped_answer, without_surrogates
from outrigger.guards.stats import RepairStats
from outrigger.guards.switches import Guards
from outrigger.memory import ActionRecord, Memory
from outrigger.model.client import ModelClient, OnText
from outrigger.offers import Offer, offers_at
from outrigger.plan import Intent, Plan
from outrigger.planner import intents, make_plan
from outrigger.planner.intents import INTENTS
from outrigger.progress import Progress, quiet, reporting_to
from outrigger.spans import Position
from outrigger.workspace.compilers import check_note
from outrigger.workspace.files import Workspace
from outrigger.workspace.index import ProjectMap
from outrigger.workspace.symbols import Symbol

# A page of text is more than an instruction to a coding agent needs (the planner's rules read
# at most `planner.MAX_RULE_CHARS` of it).
MAX_REQUEST_CHARS = 5_000


def check_request(request: str) -> None:
    """Refuse a request nothing useful can come from, before any rule or model sees it."""
    if not request.strip():
        raise Refused("The request is empty: say what you want to know or change.")
    if "\x00" in request:
        raise Refused("The request contains a NUL byte; send it as plain text.")
    if len(request) > MAX_REQUEST_CHARS:
        raise BudgetExceeded(
            f"The request is {len(request):,} characters long; Outrigger takes up to "
            f"{MAX_REQUEST_CHARS:,}. Put long text in a file and ask about that file."
        )


@dataclass
class Outcome:
    kind: Literal["answer", "edit", "refused"]
    message: str
    plan: Plan | None = None
    edits: list[FileEdit] = field(default_factory=list)
    preview: str = ""
    notes: list[str] = field(default_factory=list)  # what the checks found: imports added, the tests' result


class Agent:
    def __init__(
        self,
        workspace: Workspace,
        project_map: ProjectMap,
        model: ModelClient,
        settings: Settings,
        guards: Guards | None = None,
        memory: Memory | None = None,
    ) -> None:
        self.workspace = workspace
        self.project_map = project_map
        self.model = model
        self.settings = settings
        self.guards = guards or Guards()
        self.budget = Budget(settings.model.context_window, settings.model.max_output_tokens)
        self.stats = RepairStats()
        self.memory = memory or Memory()
        # Why the workspace's own code may not run (not a trusted folder); None: it may.
        self.untrusted: str | None = None
        self.prompt_context: PromptContext = "symbol"  # "file": the benchmark's baseline prompts

    async def ask(
        self,
        request: str,
        *,
        path: str | None = None,
        position: Position | None = None,
        progress: Progress | None = None,
        planned: Plan | None = None,
        partial: OnText | None = None,
    ) -> Outcome:
        """Plan and run one request. Guard failures come back as `refused`, never raised.
        `planned`: the plan a code action already knows (its words are then only its instruction).
        `partial` sees an answer the model writes as it comes (the text so far, the tokens written)."""
        request = without_surrogates(request)  # an editor's JSON or argv's surrogateescape
        ctx = ActionContext(
            workspace=self.workspace,
            project_map=self.project_map,
            model=self.model,
            budget=self.budget,
            stats=self.stats,
            memory=self.memory,
            guards=self.guards,
            settings=self._effective_settings(),
            progress=progress or quiet,
            dispatch=intents.execute,
            prompt_context=self.prompt_context,
            partial=partial,
        )
        plan: Plan | None = None
        ahead: asyncio.Task[project_tests.Ahead | None] | None = None
        deadline = self.settings.request.deadline_seconds
        # One deadline for the whole request: every model call, candidate and test run in it
        # (cancelled, a test run's processes killed, when it passes).
        timer = asyncio.timeout(deadline)
        try:
            async with timer:
                with reporting_to(ctx.progress):
                    check_request(request)
                    ctx.progress("planning…")
                    plan = planned or await make_plan(
                        request,
                        project_map=self.project_map,
                        model=ctx,
                        guards=self.guards,
                        stats=self.stats,
                        cursor=self._cursor_symbol(path, position),
                        path=path,
                        max_steps=self.settings.tasks.max_steps,
                    )
                    ahead = self._tests_ahead(plan)
                    # A question asked with the change: its answer leads the change's result.
                    answered = await intents.execute(plan.asked, ctx) if plan.asked else None
                    to_run = plan
                    if isinstance(answered, Answer) and plan.asked and plan.asked.symbol == plan.symbol:
                        # "what's wrong with X? fix it": the fix is told what the answer found.
                        found = f"{plan.instruction.rstrip('. ')}. What was found: {answered.text}"
                        to_run = plan.model_copy(update={"instruction": found})
                    result = await intents.execute(to_run, ctx)
                    if isinstance(result, Change) and isinstance(answered, Answer):
                        result.summary = f"{capped_answer(answered.text)}\n\n{result.summary}"
                    if isinstance(result, Change) and plan.intent is not Intent.UNDO:
                        result = _before_anything_runs(result)  # undo only brings back what the user had
                    if isinstance(result, Change):
                        tested = None
                        if INTENTS[plan.intent].tested and self.guards.project_tests:
                            fixing = plan.intent is Intent.FIX
                            result, tested = await self._project_tests(result, ctx, fixing=fixing, ahead=ahead)
                        elif result.needs_passing_tests:
                            _refuse_untested(result, "the project-tests guard is switched off")
                        result.notes += [n for e in result.edits if e.kind != "delete" and (n := check_note(e.path))]
                        result.notes += [tested] if tested else []
        except TimeoutError:
            if not timer.expired():
                raise
            return Outcome(kind="refused", message=_past_deadline(deadline), plan=plan)
        except OutriggerError as error:
            return Outcome(kind="refused", message=str(error), plan=plan)
        finally:
            if ahead is not None:
                ahead.cancel()  # unused (documentation only, a refusal): free the CPU
        if isinstance(result, Answer):
            return Outcome(kind="answer", message=capped_answer(result.text), plan=plan)
        return _edit_outcome(result, plan)

    def _effective_settings(self) -> Settings:
        """The settings, with nothing of the workspace's run (tests, examples) when it is untrusted."""
        if self.untrusted is None:
            return self.settings
        return self.settings.model_copy(update={"tests": self.settings.tests.model_copy(update={"run": "never"})})

    def _tests_ahead(self, plan: Plan) -> asyncio.Task[project_tests.Ahead | None] | None:
        """The project's tests on the files as they are, started while the model writes the
        change to `plan`'s file (they depend only on the files as they are); None when no
        tests would run, or when the change is expected to be documentation only."""
        if plan.intent not in _TESTED_AHEAD or not self.guards.project_tests or self.untrusted is not None:
            return None
        files = self._planned_files(plan)
        settings = self.settings.tests
        try:
            command = project_tests.test_command(self.workspace.root, settings)
        except OutriggerError:
            return None
        if command is None or not files:
            return None

        async def run() -> project_tests.Ahead | None:
            now = {path: self.workspace.read(path) for path in files}  # the command a change to these files runs
            configured = settings.command is not None
            covering = await asyncio.to_thread(covering_command, command, self.workspace, now, configured=configured)
            return await project_tests.run_ahead(
                self.workspace, covering, settings.timeout_seconds, settings.allow_unsandboxed
            )

        async def guarded() -> project_tests.Ahead | None:
            try:
                return await run()
            except Exception:  # noqa: BLE001 - whatever stopped it, the gate runs the tests itself
                return None

        return asyncio.create_task(guarded())

    def _planned_files(self, plan: Plan) -> list[str]:
        """The existing files `plan` names or whose symbols it names (a task: its steps' files)."""
        if plan.intent is Intent.TASK:
            named = [step.file for step in plan.steps]
        else:
            named = [
                f
                for t in plan.targets
                for f in ([t.file] if t.file else [s.path for s in self.project_map.find(t.symbol)])
            ]
        files = []
        for candidate in named:
            try:
                path = self.workspace.resolve(candidate)
            except OutriggerError:
                continue
            if path not in files and self.workspace.exists(path):
                files.append(path)
        return files

    async def _project_tests(
        self,
        change: Change,
        ctx: ActionContext,
        *,
        fixing: bool = False,
        ahead: asyncio.Task[project_tests.Ahead | None] | None = None,
    ) -> tuple[Change, str]:
        """The project's own tests on a scratch copy, before and after the change: the change
        (a second try, when its first turned passing tests red, or is a fix that left failing
        tests failing) and the preview's line. Not run for documentation alone."""
        if not fixing and not change.needs_passing_tests and self._documentation_only(change):
            return change, DOCUMENTATION_ONLY
        if self.untrusted is not None:
            _refuse_untested(change, "this folder is not trusted")
            return change, f"The project's tests did not run: {self.untrusted}"
        settings = self.settings.tests
        command = project_tests.test_command(self.workspace.root, settings)
        if command is None and settings.run == "never":
            _refuse_untested(change, "the project's tests are switched off (tests.run: never)")
            return change, "The project's tests did not run: they are switched off (tests.run: never)."
        if command is None:
            _refuse_untested(change, "no test command is configured or obvious")
            return change, "No test command is configured or obvious, so no tests ran."
        try:
            runs = await self._test_runs(change, command, ctx, ahead)
        except project_tests.NoSandbox as error:
            _refuse_untested(change, str(error))
            return change, f"The project's tests did not run: {error}."
        if runs is None:
            _refuse_untested(change, "the workspace is too large to copy for a test run")
            return change, "The workspace is too large to copy for a test run, so no tests ran."
        before, after = runs
        red_after = not after.passed and not after.timed_out and not after.not_run
        if (before.passed or (fixing and not before.timed_out)) and red_after and change.retry is not None:
            try:
                retried = _before_anything_runs(await change.retry(after.tail, after.output))
            except OutriggerError:
                retried = None  # the second try failed a guard or the model: the first one's failure stands
            if retried is not None and (again := await self._test_runs(retried, command, ctx, ahead)) is not None:
                change, runs = retried, again
        if not runs[0].passed:
            _refuse_untested(change, "the project's tests already fail without it")
        elif not runs[1].passed:
            _refuse_untested(change, "the project's tests do not pass with it")
        return change, project_tests.verdict(*runs, settings.on_failure, fixing=fixing)

    def _documentation_only(self, change: Change) -> bool:
        """Every edit of `change` changes documentation alone (`guards/doc_only.py`)."""
        checked = type_checked(self.workspace.root)
        return bool(change.edits) and all(
            edit.kind == "edit" and documentation_only(edit.path, edit.old_text, edit.new_text, type_checked=checked)
            for edit in change.edits
        )

    async def _test_runs(
        self,
        change: Change,
        command: list[str],
        ctx: ActionContext,
        ahead: asyncio.Task[project_tests.Ahead | None] | None = None,
    ) -> tuple[project_tests.TestRun, project_tests.TestRun] | None:
        ctx.progress("running the project's tests on a scratch copy…")
        changes = {edit.path: (None if edit.kind == "delete" else edit.new_text) for edit in change.edits}
        tests = self.settings.tests
        configured = tests.command is not None  # the user's own: narrowed only in a runner's plain form
        command = await asyncio.to_thread(covering_command, command, self.workspace, changes, configured=configured)
        return await project_tests.before_and_after(
            self.workspace, changes, command, tests.timeout_seconds, tests.allow_unsandboxed, ahead
        )

    def commit(self, outcome: Outcome) -> None:
        """The front end applied `outcome`'s edits: remember it (or forget the undone action)."""
        if outcome.kind != "edit" or outcome.plan is None:
            return
        if outcome.plan.intent is Intent.UNDO:
            self.memory.pop()
        else:
            self.memory.record(ActionRecord(outcome.message, outcome.plan.instruction, outcome.plan, outcome.edits))

    def history(self) -> list[str]:
        return self.memory.history()

    def offers(self, path: str, position: Position, diagnostics: Sequence[tuple[str, Position]] = ()) -> list[Offer]:
        return offers_at(self.project_map, path, position, diagnostics)

    def _cursor_symbol(self, path: str | None, position: Position | None) -> Symbol | None:
        if path is None or position is None:
            return None
        return self.project_map.symbol_at(self.workspace.resolve(path), position)


# Intents whose change the model writes and the tests judge: their "before" run starts while
# the model writes. Not docstrings: they are expected to be documentation only, not tested.
_TESTED_AHEAD = frozenset({Intent.FIX, Intent.TYPE_HINTS, Intent.REWRITE, Intent.ADD, Intent.TASK})
DOCUMENTATION_ONLY = "Documentation only: code unchanged, tests not run."


def _past_deadline(seconds: float) -> str:
    return (
        f"Stopped: the request took longer than its {seconds:g} seconds (the model, its retries and the test "
        "runs share them; setting `request.deadlineSeconds`). Nothing was changed."
    )


def _refuse_untested(change: Change, why_not: str) -> None:
    """A change only passing tests can confirm, when they cannot: refused, saying why."""
    if change.needs_passing_tests:
        raise Refused(
            f"{change.needs_passing_tests}. Only the project's tests passing with the change could confirm that, "
            f"and {why_not}. Nothing was changed; your editor's rename knows the types."
        )


def _before_anything_runs(change: Change) -> Change:
    """Every change, whichever action made it, before a test run executes it: refused if its
    code gains a capability its files did not have; the doc examples a model wrote made inert."""
    refuse_new_capabilities_in([(e.path, e.old_text, e.new_text) for e in change.edits], "The proposed change")
    return _with_inert_docs(change) if change.model_written else change


def _with_inert_docs(change: Change) -> Change:
    """The change with the doc examples it adds made inert (`guards/inert_docs.py`)."""
    edits, notes = [], []
    for edit in change.edits:
        text, note = inert_docs(edit.path, edit.old_text, edit.new_text) if edit.kind != "delete" else (None, None)
        if text is not None and text != edit.new_text:
            edit = replace(file_edit(edit.path, edit.old_text, text, edit.version), kind=edit.kind, step=edit.step)
        edits.append(edit)
        notes += [note] if note and note not in notes else []
    if not notes:
        return change
    change.edits = edits
    change.notes += [f"The change's {note}." for note in notes]
    return change


def _edit_outcome(change: Change, plan: Plan) -> Outcome:
    return Outcome(
        kind="edit",
        message=change.summary,
        plan=change.plan or plan,
        edits=change.edits,
        preview=combined_preview(change.edits),
        notes=change.notes,
    )
