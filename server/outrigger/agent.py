"""The pipeline, top to bottom: plan → validate against the map → execute → Outcome.

Front ends (the CLI, the language server, the benchmark) call `Agent.ask`, show the
Outcome, apply its edits their own way, and call `Agent.commit` once they are applied.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

from .actions import question
from .actions.add_code import add_code
from .actions.context import ActionContext, Change, Guards
from .actions.edit_symbol import edit_symbol, instruction_for
from .actions.rename import oriented, rename
from .budget import Budget
from .config import Settings
from .edits import FileEdit, combined_preview, file_edit
from .errors import BudgetExceeded, OutriggerError, Refused
from .memory import ActionRecord, Memory, undo_edits
from .model.client import ModelClient
from .plan import ModelPlan, Plan, Target, merge_model_plan, plan_by_rules, plan_messages
from .progress import Progress, quiet
from .repair import RepairStats, structured_reply
from .spans import Position
from .workspace.files import Workspace
from .workspace.index import ProjectMap
from .workspace.symbols import Symbol
from .workspace.syntax import language_for

# The planner's rules cost O(n²) on pathological text ("add add add …"): at this length
# they stay near 0.2 s; a page of text is more than an instruction to a coding agent needs.
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


@dataclass(frozen=True)
class Offer:
    """A code action on a symbol. Building offers never calls the model."""

    title: str
    request: str
    symbol: str
    path: str
    kind: str
    needs_prompt: bool = False


class Agent:
    def __init__(
        self,
        workspace: Workspace,
        project_map: ProjectMap,
        model: ModelClient,
        settings: Settings,
        guards: Guards | None = None,
    ) -> None:
        self.workspace = workspace
        self.project_map = project_map
        self.model = model
        self.settings = settings
        self.guards = guards or Guards()
        self.budget = Budget(settings.model.context_window, settings.model.max_output_tokens)
        self.stats = RepairStats()
        self.memory = Memory()

    async def ask(
        self,
        request: str,
        *,
        path: str | None = None,
        position: Position | None = None,
        progress: Progress | None = None,
    ) -> Outcome:
        """Plan and run one request. Guard failures come back as `refused`, never raised."""
        ctx = ActionContext(
            workspace=self.workspace,
            project_map=self.project_map,
            model=self.model,
            budget=self.budget,
            stats=self.stats,
            guards=self.guards,
            progress=progress or quiet,
        )
        plan: Plan | None = None
        try:
            check_request(request)
            cursor = self._cursor_symbol(path, position)
            ctx.progress("planning…")
            plan = await self.plan(request, ctx, cursor, path)
            if plan.is_read_only:
                return Outcome(kind="answer", message=await question.answer(plan, ctx), plan=plan)
            change = await self._execute(plan, ctx)
        except OutriggerError as error:
            return Outcome(kind="refused", message=str(error), plan=plan)
        return Outcome(
            kind="edit", message=change.summary, plan=plan, edits=change.edits, preview=combined_preview(change.edits)
        )

    async def plan(
        self, request: str, ctx: ActionContext, cursor: Symbol | None = None, path: str | None = None
    ) -> Plan:
        """The rules decide when the wording settles it; otherwise the model's JSON plan."""
        cursor_name = cursor.name if cursor else None
        cursor_file = cursor.path if cursor else path
        routing = self.guards.question_routing
        if routing and (plan := plan_by_rules(request, cursor_symbol=cursor_name, cursor_file=cursor_file)):
            return plan
        messages = plan_messages(request, self.project_map.files(), cursor_name)
        reply = await structured_reply(ctx, messages, ModelPlan, self.stats, repair=self.guards.json_repair)
        plan = merge_model_plan(request, reply, cursor_symbol=cursor_name, cursor_file=cursor_file, routing=routing)
        return oriented(plan, self.project_map)

    def commit(self, outcome: Outcome) -> None:
        """The front end applied `outcome`'s edits: remember it (or forget the undone action)."""
        if outcome.kind != "edit" or outcome.plan is None:
            return
        if outcome.plan.action == "undo":
            self.memory.pop()
        else:
            self.memory.record(ActionRecord(outcome.message, outcome.plan.instruction, outcome.plan, outcome.edits))

    def history(self) -> list[str]:
        return self.memory.history()

    def offers(self, path: str, position: Position, diagnostics: Sequence[tuple[str, Position]] = ()) -> list[Offer]:
        """Code actions for the symbol at `position`: cheap lookups only, no model call."""
        symbol = self.project_map.symbol_at(path, position)
        if symbol is None:
            return []
        name, where = symbol.name, f"`{symbol.name}` in {symbol.path}"
        language = language_for(path)
        doc = "docstring" if language == "python" else "JSDoc"
        offers = [
            Offer(f"Explain `{name}`", f"Explain {where}", name, path, "refactor"),
            Offer(f"Add {doc} to `{name}`", f"Add a {doc} to {where}", name, path, "refactor.rewrite"),
        ]
        if language in ("python", "typescript", "tsx"):
            offers.append(
                Offer(f"Add type hints to `{name}`", f"Add type hints to {where}", name, path, "refactor.rewrite")
            )
        for message, at in diagnostics:
            if symbol.range.contains_position(at):
                short = message.strip().splitlines()[0][:80] if message.strip() else "the problem"
                offers.append(Offer(f"Fix “{short}” in `{name}`", f"Fix {where}: {short}", name, path, "quickfix"))
        offers.append(Offer(f"Ask Outrigger about `{name}`…", "", name, path, "refactor", needs_prompt=True))
        return offers

    def _cursor_symbol(self, path: str | None, position: Position | None) -> Symbol | None:
        if path is None or position is None:
            return None
        return self.project_map.symbol_at(self.workspace.resolve(path), position)

    async def _execute(self, plan: Plan, ctx: ActionContext) -> Change:
        if plan.action == "rename":
            return rename(plan, ctx)
        if plan.action == "edit_symbol" and plan.also:
            return await self._edit_each(plan, ctx)
        if plan.action == "edit_symbol":
            return await edit_symbol(plan, ctx)
        if plan.action == "add_code":
            return await add_code(plan, ctx)
        if plan.action == "undo":
            return self._undo()
        if plan.action == "repeat":
            return await self._repeat(plan, ctx)
        raise Refused(f"Outrigger does not know how to “{plan.action}”.")

    async def _edit_each(self, plan: Plan, ctx: ActionContext) -> Change:
        """A request naming several symbols: one model call per symbol (so never two files
        in one call). Symbols sharing a file are edited bottom-up on the running text, so
        each edit happens where the map says its symbol is."""
        targets = {}
        for target in [Target(symbol=plan.symbol or "", file=plan.file), *plan.also]:
            symbol = ctx.target(target.symbol, target.file)
            targets[(symbol.path, symbol.qualified_name)] = symbol
        ordered = sorted(targets.values(), key=lambda s: (s.path, -s.range.start.line))
        _refuse_nested(ordered)
        originals: dict[str, FileEdit] = {}
        current: dict[str, str] = {}
        summaries = []
        for symbol in ordered:
            single = plan.model_copy(
                update={
                    "symbol": symbol.qualified_name,
                    "file": symbol.path,
                    "also": [],
                    "instruction": instruction_for(plan.instruction, symbol.name),
                }
            )
            [edit] = (await edit_symbol(single, ctx, text=current.get(symbol.path))).edits
            originals.setdefault(symbol.path, edit)
            current[symbol.path] = edit.new_text
            summaries.append(f"`{symbol.name}`")
        edits = [file_edit(path, first.old_text, current[path], first.version) for path, first in originals.items()]
        return Change(edits=edits, summary=f"{_first_words(plan.instruction)}: {', '.join(reversed(summaries))}.")

    def _undo(self) -> Change:
        last = self.memory.last()
        if last is None:
            raise Refused("Nothing to undo: no action has been applied in this session.")
        edits = undo_edits(last, self.workspace.read, self.workspace.version)
        return Change(edits=edits, summary=f"Undid: {last.summary}")

    async def _repeat(self, plan: Plan, ctx: ActionContext) -> Change:
        last = self.memory.last()
        if last is None:
            raise Refused("Nothing to repeat yet: apply an action first, then ask to do the same to another symbol.")
        previous: Plan = last.plan
        if previous.action not in ("edit_symbol",):
            raise Refused(
                f"“Do the same” repeats symbol edits; the last action was a {previous.action.replace('_', ' ')}."
            )
        target = plan.symbol or ""
        instruction = _retarget(previous.instruction, previous.symbol or "", previous.file, target)
        repeated = previous.model_copy(update={"symbol": target, "file": plan.file, "instruction": instruction})
        return await self._execute(repeated, ctx)


def _refuse_nested(symbols: list[Symbol]) -> None:
    """A method and its class in one request: the outer edit would be spliced over the
    inner one's lines with a range that no longer holds (duplicating or dropping code)."""
    for inner in symbols:
        for outer in symbols:
            if outer is not inner and outer.path == inner.path and outer.range.contains(inner.range):
                raise Refused(
                    f"`{inner.qualified_name}` is part of `{outer.qualified_name}`; ask for one of "
                    f"them at a time (an edit to `{outer.name}` can cover `{inner.name}`)."
                )


def _first_words(instruction: str) -> str:
    """ "add docstrings to a, b and c" → "Add docstrings" (the summary's verb phrase)."""
    head = re.split(r"\s+(?:to|for|on)\s+", instruction.strip(), maxsplit=1)[0]
    return head[:1].upper() + head[1:]


def _retarget(instruction: str, old_symbol: str, old_file: str | None, new_symbol: str) -> str:
    """The previous instruction, aimed at the new symbol (its file is looked up afresh)."""
    text = re.sub(rf"(?<![\w$]){re.escape(old_symbol)}(?![\w$])", new_symbol, instruction)
    if old_file:
        text = re.sub(rf"\s+(?:in|from|of|inside)\s+(?:the\s+file\s+|file\s+)?`?{re.escape(old_file)}`?", "", text)
    return text
