"""A task: several steps, one file each, in the order their dependencies give, all or nothing.

Every step is checked against the map before the first model call (guards/task_check.py).
Each model call sees one file; what earlier steps established reaches later ones as a few
lines of facts (signatures and how to import them), never another file's body. The steps
work on proposed texts; once all are done the cross-file checks run on the proposed workspace
(guards/cross_file.py) and the whole task becomes one Change — or, if any step or check
refuses, nothing, with the step named.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial

import tree_sitter

from outrigger.actions.add_code import appended
from outrigger.actions.blame import Written, places, responsible
from outrigger.actions.call_shapes import NewFunction, call_problems, new_functions, what_it_does
from outrigger.actions.call_sites import (
    bound_around,
    calls_outside_functions,
    locals_of,
    new_parameter,
    parameters_of,
    passes_by_keyword,
    with_argument,
    with_argument_at,
)
from outrigger.actions.context import ActionContext, Change
from outrigger.actions.definitions import defined_block
from outrigger.actions.edit_symbol import edit_one
from outrigger.actions.moves import move_definition
from outrigger.actions.removal import without_definition
from outrigger.actions.type_facts import MAX_TYPES, type_facts
from outrigger.edits import FileEdit, created_file, deleted_file, file_edit, split_lines
from outrigger.errors import Refused
from outrigger.guards.cross_file import check_proposal
from outrigger.guards.fences import strip_fences
from outrigger.guards.local_imports import unresolved_imports
from outrigger.guards.pytest_fixtures import fixtures_used_as_values
from outrigger.guards.replies import quoted_reply, refuse_cut_off
from outrigger.guards.task_check import checked_steps
from outrigger.plan import Intent, Plan, Step, StepAction
from outrigger.workspace.languages import language_for, title
from outrigger.workspace.references import references
from outrigger.workspace.symbols import Symbol, extract_symbols

# The file's path is in the user's part (it ends with it): the instructions stay the same for
# every new file of a language, a prefix the server's prompt cache keeps.
CREATE_PROMPT = """You are a careful {language} programmer. Write the complete new file the task names.
Reply with the file's code only: no explanations, no markdown."""

CREATE_TASK = """Task: {what}
{facts}Reply with the complete code of {path} only."""

MAX_FACTS = 12
# Small models asked for "a few tests" can write test_one_loan … test_twenty_loans until cut off.
_FEW_TESTS = "\nWrite at most 5 short tests, each checking something the facts above make certain."


@dataclass
class Proposal:
    """The texts the task proposes (None: the file goes), with what each file was before."""

    ctx: ActionContext
    request: str = ""  # the task's whole request, for what one step's clause leaves out
    texts: dict[str, str | None] = field(default_factory=dict)
    before: dict[str, tuple[str | None, int | None]] = field(default_factory=dict)
    steps_of: dict[str, list[int]] = field(default_factory=dict)
    removed: list[tuple[str, str]] = field(default_factory=list)  # (file, name) of definitions removed

    def read(self, path: str) -> str | None:
        if path in self.texts:
            return self.texts[path]
        workspace = self.ctx.workspace
        return workspace.read(path) if workspace.exists(path) else None

    def read_if_allowed(self, path: str) -> str | None:
        """`read` for a path someone else named (a test's output): None for a file Outrigger
        may not read (a secret, an ignored file) or one that is not there."""
        try:
            return self.read(path)
        except Refused:
            return None

    def write(self, path: str, text: str | None, step: Step) -> None:
        if path not in self.before:
            workspace = self.ctx.workspace
            original = workspace.read(path) if workspace.exists(path) else None
            self.before[path] = (original, workspace.version(path))
        self.texts[path] = text
        self.steps_of.setdefault(path, []).append(step.id)

    def edits(self) -> list[FileEdit]:
        out = []
        for path, text in self.texts.items():
            original, version = self.before[path]
            label = "step " + ", ".join(str(n) for n in self.steps_of[path])
            if original is None and text is not None:
                out.append(created_file(path, text, label))
            elif original is not None and text is None:
                out.append(deleted_file(path, original, version, label))
            elif original is not None and text is not None and text != original:
                out.append(_labelled(file_edit(path, original, text, version), label))
        return out


def _exists_in(proposal: Proposal) -> Callable[[str], bool]:
    """Whether a file is in the workspace as the task has it so far (new files in, deleted out)."""
    return lambda path: proposal.read(path) is not None


def _labelled(edit: FileEdit, label: str) -> FileEdit:
    from dataclasses import replace

    return replace(edit, step=label)


async def run_task(plan: Plan, ctx: ActionContext) -> Change:
    steps = checked_steps(plan.steps, ctx.project_map, ctx.settings.tasks.max_steps)
    steps, notes = _outside_calls_checked(steps, ctx)
    proposal = Proposal(ctx, plan.instruction)
    facts: list[str] = []
    done: list[str] = []
    written: list[Written] = []
    functions: list[NewFunction] = []
    for number, step in enumerate(steps, start=1):
        ctx.progress(f"step {number}/{len(steps)}: {step.file} — {step.what or step.action.value}")
        try:
            summary = await _run_step(step, proposal, facts, ctx, written, functions)
        except Refused as error:
            raise Refused(f"Step {step.id} ({step.describe()}) was refused: {error} Nothing was changed.") from None
        done.append(summary)
    change = _checked_change(proposal, done, ctx, notes)

    async def retry(failure: str, output: str) -> Change:
        redone = await retry_after_tests(failure, output, written, proposal, ctx)
        return _checked_change(proposal, [*done, redone], ctx, notes)

    change.retry = retry if written else None
    return change


async def retry_after_tests(
    failure: str, output: str, written: list[Written], proposal: Proposal, ctx: ActionContext
) -> str:
    """The step the failing tests point at (actions/blame.py) done again, told what failed:
    a created file is written anew, a definition is edited where it now stands. Returns what
    the retry did, for the summary."""
    culprit, name = responsible(output, written, proposal.read_if_allowed)
    step = culprit.step
    said = f"The project's tests fail with this change: {failure}{_lines_named(failure, proposal)}"
    ctx.progress(f"the tests failed; redoing step {step.id}: {step.file}…")
    if step.action is StepAction.CREATE:
        before = proposal.read(step.file) or ""
        proposal.texts[step.file] = await _created(step, culprit.facts, ctx, _exists_in(proposal), (before, said))
        return f"rewrote {step.file} after the tests failed"
    text = proposal.read(step.file)
    if text is None or name is None:
        raise Refused(f"step {step.id} cannot be redone.")
    symbol = _located(step.model_copy(update={"symbol": name}), text, ctx)
    edit_plan = Plan(
        intent=Intent.FIX,
        symbol=symbol.qualified_name,
        file=step.file,
        instruction=f"{step.what}\n{_facts_text(culprit.facts)}\n{said}{_as_it_was(step, symbol, proposal)}\n"
        f"Fix `{symbol.name}` so they pass.".strip(),
    )
    edit = await edit_one(edit_plan, symbol, ctx, text=text)
    proposal.texts[step.file] = edit.new_text
    return f"fixed `{symbol.qualified_name}` in {step.file} after the tests failed"


def _as_it_was(step: Step, symbol: Symbol, proposal: Proposal) -> str:
    """The symbol's code before the task, when the step edited it: what the change may have
    dropped (the same file and symbol the retry edits, so still one file per call)."""
    original = proposal.before.get(step.file, (None, None))[0]
    if step.action is not StepAction.EDIT or original is None:
        return ""
    block = defined_block(step.file, original, symbol.qualified_name)
    return f"\nBefore this task, `{symbol.name}` was:\n{block.rstrip()}" if block else ""


def _lines_named(failure: str, proposal: Proposal) -> str:
    """The code at the first few places a test failure names (`test/routes.test.js:19`): the
    assertion that failed says more than its message."""
    quoted = []
    for path, line in dict.fromkeys(places(failure)):
        lines = split_lines(proposal.read_if_allowed(path) or "")
        if line < len(lines) and (code := _statement_at(lines, line)):
            quoted.append(f"{path}:{line + 1} is `{code[:300]}`")
        if len(quoted) == 3:
            break
    return "\n" + "\n".join(quoted) if quoted else ""


def _statement_at(lines: list[str], line: int) -> str:
    """The line, joined with the next few while its brackets are open (`assert.deepStrictEqual(`
    alone says nothing)."""
    code = lines[line].strip()
    for more in lines[line + 1 : line + 6]:
        if sum(code.count(o) - code.count(c) for o, c in ("()", "[]", "{}")) <= 0:
            break
        code += " " + more.strip()
    return code


def _checked_change(proposal: Proposal, done: list[str], ctx: ActionContext, notes: list[str]) -> Change:
    checked = check_proposal(ctx.project_map, ctx.guards, proposal.texts, proposal.before, proposal.removed)
    edits = proposal.edits()
    if not edits:
        raise Refused("The task's steps changed nothing; nothing was changed.")
    return Change(edits=edits, summary=_summary(done), notes=notes + checked)


def _outside_calls_checked(steps: list[Step], ctx: ActionContext) -> tuple[list[Step], list[str]]:
    """Before any model call: the calls outside any function (a test's callback, module-level
    code) that "every caller" reaches. There is no function for the model to edit, so each
    gets the request's value without the model — when it is plain and in scope there (`'EUR'`,
    `RATE`, a test's own `invoice`). Where it is not, the task is refused listing those
    calls; in plain JavaScript, where a missing argument is `undefined`, they are noted."""
    kept: list[Step] = []
    unreached: list[str] = []
    notes: list[str] = []
    for step in steps:
        if not step.outside_functions:
            kept.append(step)
            continue
        callee = (step.callee or "").rpartition(".")[2]
        calls = calls_outside_functions(step.file, ctx.workspace.read(step.file), callee)
        missed = [f"{step.file}:{call.start_point.row + 1}" for call in calls if not _reaches(step, call)]
        if language_for(step.file) == "javascript":
            notes += [f"{site} calls `{callee}` without the new argument (it is undefined there)" for site in missed]
        else:
            unreached += missed
        if len(missed) < len(calls):
            kept.append(step)
    if unreached:
        raise Refused(
            f"The request's value for the new argument cannot be passed at calls outside any function — "
            f"{', '.join(unreached[:8])} — as it is not a plain value in scope there; say a value to pass there "
            "(a literal or a constant) or change those calls first. Nothing was changed."
        )
    return kept, notes


def _reaches(step: Step, call: tree_sitter.Node) -> bool:
    """Whether the request's value can be written at `call` as it stands."""
    if step.argument is None:
        return False
    if step.argument_local is None:
        return True
    if passes_by_keyword(step.file) and "." in step.argument:
        return False  # `loan.member` or `loan["member"]`? the model would know, but no model edits here
    return step.argument_local in bound_around(call)


def _passed_outside_functions(step: Step, text: str, proposal: Proposal, ctx: ActionContext) -> str:
    callee = ctx.project_map.require_symbol(step.callee or "", None)
    changed = proposal.read(callee.path)
    added = (
        new_parameter(callee.path, ctx.workspace.read(callee.path), changed, callee.qualified_name) if changed else None
    )
    keyword = passes_by_keyword(step.file)
    if added is None or not (keyword or added[1]):
        raise Refused(
            f"the change to `{callee.name}` is not one new last parameter, so its calls outside any function "
            f"in {step.file} cannot be given the value without the model."
        )
    calls = [call for call in calls_outside_functions(step.file, text, callee.name) if _reaches(step, call)]
    new_text = with_argument_at(text, calls, added[0], step.argument or "", keyword) if calls else None
    if new_text is None:
        raise Refused(f"the calls of `{callee.name}` outside any function in {step.file} could not be given the value.")
    proposal.write(step.file, new_text, step)
    return f"passed `{step.argument}` to `{callee.name}` outside any function in {step.file}"


async def _run_step(
    step: Step,
    proposal: Proposal,
    facts: list[str],
    ctx: ActionContext,
    written: list[Written],
    functions: list[NewFunction],
) -> str:
    """One step on the proposed texts; `functions` gathers the module-level functions the steps
    define, so later steps' calls of them are checked for their shape."""
    text = proposal.read(step.file)
    if step.action is StepAction.DELETE:
        proposal.write(step.file, None, step)
        return f"deleted {step.file}"
    if step.action is StepAction.CREATE:
        written.append(Written(step, [], list(facts)))
        new_text = await _created(step, facts, ctx, _exists_in(proposal))
        proposal.write(step.file, new_text, step)
        facts.extend(_facts_about(step.file, "", new_text))
        functions.extend(new_functions(step.file, "", new_text))
        return f"created {step.file}"
    if text is None:
        raise Refused(f"`{step.file}` no longer exists at this step.")
    if step.action is StepAction.ADD:
        known = f"{_facts_text(facts)}\n{_code_named(step, ctx, proposal.request)}".strip()
        result = await appended(ctx, step.file, text, step.what, step.symbol, known)
        written.append(Written(step, result.added, list(facts)))
        proposal.write(step.file, result.text, step)
        facts.extend(_facts_about(step.file, text, result.text))
        functions.extend(new_functions(step.file, text, result.text))
        return f"added {result.names()} to {step.file}"
    if step.action is StepAction.EDIT and step.outside_functions:
        return _passed_outside_functions(step, text, proposal, ctx)
    if step.action is StepAction.EDIT:
        symbol = _located(step, text, ctx)
        if (passed := _passed_at_call_sites(step, symbol, text, proposal, ctx)) is not None:
            proposal.write(step.file, passed, step)
            return f"passed `{step.argument}` to `{step.callee}` in `{symbol.qualified_name}`"
        edit_plan = Plan(
            intent=step.intent or Intent.REWRITE,
            symbol=symbol.qualified_name,
            file=step.file,
            instruction=f"{step.what}\n{_facts_text(facts)}".strip(),
        )
        edit = await edit_one(
            edit_plan, symbol, ctx, text=text, check=_calls_checked(step, symbol, text, functions, ctx)
        )
        written.append(Written(step, [symbol.qualified_name], list(facts)))
        proposal.write(step.file, edit.new_text, step)
        facts.extend(_facts_about(step.file, text, edit.new_text))
        functions.extend(new_functions(step.file, text, edit.new_text))
        return f"edited `{symbol.qualified_name}` in {step.file}"
    if step.action is StepAction.REMOVE:
        symbol = _located(step, text, ctx)
        proposal.write(step.file, without_definition(step.file, text, symbol), step)
        proposal.removed.append((step.file, symbol.name))
        return f"removed `{symbol.qualified_name}` from {step.file}"
    if step.action is StepAction.RENAME:
        return _renamed(step, proposal, ctx)
    if step.action is StepAction.MOVE:
        assert step.symbol and step.to_file
        files = sorted(set(ctx.project_map.files()) | {p for p, t in proposal.texts.items() if t is not None})
        move = move_definition(step.symbol, step.file, step.to_file, proposal.read, files)
        for path, new_text in move.texts.items():
            proposal.write(path, new_text, step)
        facts.extend(_facts_about(step.to_file, "", move.texts[step.to_file]))
        return f"moved `{step.symbol}` from {step.file} to {step.to_file}"
    raise Refused(f"a step cannot {step.action.value} here.")


def _calls_checked(
    step: Step, symbol: Symbol, before: str, functions: list[NewFunction], ctx: ActionContext
) -> Callable[[str], None] | None:
    """The check of a step's new calls of functions earlier steps defined (actions/call_shapes.py)."""
    if not ctx.guards.name_check or not functions:
        return None
    methods = {f.name for f in functions if any(s.container for s in ctx.project_map.find(f.name))}

    def check(new_text: str) -> None:
        if problems := call_problems(step.file, before, new_text, symbol, functions, methods):
            raise Refused(" ".join(problems[:3]))

    return check


def _located(step: Step, text: str, ctx: ActionContext) -> Symbol:
    """The step's symbol where it is in the running text (earlier steps may have moved it)."""
    name = step.symbol or ""
    if language_for(step.file) is None:
        if step.file in ctx.project_map.files() and text == ctx.workspace.read(step.file):
            return ctx.project_map.require_symbol(name, step.file)
        raise Refused(f"`{step.file}` changed in an earlier step and Outrigger has no grammar to find `{name}` again.")
    found = [s for s in extract_symbols(step.file, text) if s.qualified_name == name or s.name == name]
    if len(found) != 1:
        raise Refused(f"`{name}` is not defined once in {step.file} at this step.")
    return found[0]


def _passed_at_call_sites(step: Step, caller: Symbol, text: str, proposal: Proposal, ctx: ActionContext) -> str | None:
    """The caller's file with the request's value passed at its calls, when that is mechanical
    (see call_sites); None leaves the step to the model."""
    if not (step.argument and step.callee):
        return None
    callee = ctx.project_map.require_symbol(step.callee, None)
    changed = proposal.read(callee.path)
    if changed is None:
        return None
    added = new_parameter(callee.path, ctx.workspace.read(callee.path), changed, callee.qualified_name)
    if added is None:
        return None
    parameter, last = added
    keyword = passes_by_keyword(step.file)
    if not keyword and not last:
        return None  # by position only when the new parameter comes last
    if step.argument_local:
        if step.argument_local not in locals_of(step.file, text, caller):
            return None  # "the ticket": this caller has none of that name
        if keyword and "." in step.argument:
            return None  # "the loan's member": a Python dict or an object? the model knows
    return with_argument(step.file, text, caller, callee.name, parameter, step.argument, keyword)


def _renamed(step: Step, proposal: Proposal, ctx: ActionContext) -> str:
    """A rename inside a task, from the map's occurrences: only while none of the files it
    touches has been changed by an earlier step (the occurrences describe their old texts)."""
    from outrigger.actions.rename import _replace_ranges

    symbol = ctx.project_map.require_symbol(step.symbol or "", step.file)
    found = references(ctx.project_map, symbol)
    if found.unsure or found.by_name:  # alone, a rename may rely on the tests; not inside a task
        raise Refused(f"`{symbol.qualified_name}` has uses Outrigger cannot attribute; rename it on its own first.")
    if touched := sorted(set(found.ours) & set(proposal.texts)):
        raise Refused(f"an earlier step already changed {', '.join(touched)}; ask for the rename on its own first.")
    for path, ranges in found.ours.items():
        proposal.write(path, _replace_ranges(ctx.workspace.read(path), ranges, step.new_name or ""), step)
    return f"renamed `{symbol.qualified_name}` to `{step.new_name}`"


async def _created(
    step: Step,
    facts: list[str],
    ctx: ActionContext,
    exists: Callable[[str], bool],
    failed: tuple[str, str] | None = None,
) -> str:
    """The new file's code. `exists` says which files the workspace has at this step (for its
    imports); `failed`: (the code written before, what the project's tests said about it), for
    the one retry after failing tests. A reply cut off at the length limit, or importing a local
    module that does not exist, is asked for once more with the problem stated."""
    language = language_for(step.file)
    known = _facts_text(facts + _named_facts(step, ctx) + _sibling_test_imports(step.file, ctx))
    context = "".join(part + "\n" for part in (known, _code_named(step, ctx)) if part)
    messages = [
        {"role": "system", "content": CREATE_PROMPT.format(language=title(language))},
        {
            "role": "user",
            "content": CREATE_TASK.format(what=step.what, facts=context, path=step.file)
            + (_FEW_TESTS if _TEST_NAME.search(step.file) else ""),
        },
    ]
    if failed is not None:
        before, failure = failed
        messages += [
            {"role": "assistant", "content": quoted_reply(before)},
            {"role": "user", "content": f"{failure}\nReply with the complete corrected code of {step.file} only."},
        ]
    for attempt in range(1 if failed else 2):
        ctx.progress(f"writing {step.file}…")
        reply = await ctx.chat(messages)
        code = strip_fences(reply.text, ctx.stats) if ctx.guards.fence_stripping else reply.text
        code = code.strip("\n") + "\n"
        problem = _creation_problem(step, reply.cut_off, code, exists, ctx)
        if problem is None or attempt == 1 or failed:
            break
        messages += [
            {"role": "assistant", "content": quoted_reply(reply.text)},
            {"role": "user", "content": problem},
        ]
    refuse_cut_off(reply.cut_off, step.file)
    if problem is not None:
        raise Refused(problem.partition(" Reply with")[0])
    if not code.strip():
        raise Refused(f"the model wrote nothing for {step.file}.")
    if (
        language is not None
        and not extract_symbols(step.file, code)
        and not _TEST_CALL.search(code)
        and ctx.guards.symbol_confinement
    ):
        raise Refused(f"the model's {step.file} defines no function, class or test.")
    return code


def _creation_problem(
    step: Step, cut_off: bool, code: str, exists: Callable[[str], bool], ctx: ActionContext
) -> str | None:
    """What to tell the model about a new file it wrote, or None when nothing is wrong."""
    if cut_off:  # a small model can repeat itself to the limit
        shorter = "at most 5 short tests" if _TEST_NAME.search(step.file) else "only what the task needs"
        return f"That reply was cut off at the length limit. Reply with a shorter complete {step.file}: {shorter}."
    if ctx.guards.name_check and step.file.endswith(".py") and (unused := fixtures_used_as_values(code)):
        listed = "; ".join(
            f"`{test}` uses the fixture `{name}` without taking it as a parameter" for test, name in unused[:4]
        )
        return (
            f"{listed}. pytest passes a fixture's value only to a test that names it as a parameter "
            f"(`def {unused[0][0]}({unused[0][1]}):`). Reply with the complete corrected code of {step.file} only."
        )
    if ctx.guards.name_check and (missing := unresolved_imports(step.file, code, exists)):
        listed = ", ".join(f"`{name}`" for name in missing)
        return (
            f"{step.file} imports {listed}, which the workspace does not have. Import only the modules the "
            f"facts name. Reply with the complete corrected code of {step.file} only."
        )
    return None


_SHORT_FUNCTION_LINES = 12
_CODE_NAMED_CHARS = 1200


def _code_named(step: Step, ctx: ActionContext, request: str = "") -> str:
    """The code of the short existing functions of other files that a test file's task names,
    or an addition's whole request: what a test must expect is in the body (`customerLabel`
    adds ", VAT …" only with a VAT id); "take the closing logic out of handleClose", "use it in
    overdue_report instead of comparing the dates there" point at the lines the new function
    takes over. A function of a dozen lines is a short definition, not another file's body."""
    if step.action is StepAction.CREATE and not _TEST_NAME.search(step.file):
        return ""
    words = f"{step.what} {request}".replace("`", " ").replace(",", " ").replace(":", " ").split()
    blocks = []
    for word in dict.fromkeys(words):
        for symbol in ctx.project_map.find(word.strip(".()?!"))[:1]:
            if symbol.container is not None or symbol.kind != "function" or symbol.path == step.file:
                continue
            if symbol.range.end.line - symbol.range.start.line < _SHORT_FUNCTION_LINES:
                lines = split_lines(ctx.workspace.read(symbol.path))
                code = "".join(lines[symbol.range.start.line : symbol.range.end.line + 1]).rstrip()
                blocks.append(f"The code of `{symbol.name}` in {symbol.path}:\n{code}\n")
                blocks += [line for line in _constants_used(symbol, code, lines, ctx) if line not in blocks]
    text = "".join(blocks)
    return text if len(text) <= _CODE_NAMED_CHARS else ""


def _constants_used(function: Symbol, code: str, lines: list[str], ctx: ActionContext) -> list[str]:
    """The one-line module constants of the function's file that its code uses (a test's
    expected values come from `PRIORITIES = ["low", …]`)."""
    found = []
    for symbol in ctx.project_map.symbols(function.path):
        if symbol.container is not None or symbol.kind not in ("variable", "constant"):
            continue
        if symbol.range.start.line != symbol.range.end.line or not re.search(
            rf"(?<![\w$]){re.escape(symbol.name)}(?![\w$])", code
        ):
            continue
        found.append(f"{function.path} defines `{lines[symbol.range.start.line].strip()}`\n")
    return found


# node:test, Jest, Mocha and Vitest tests are calls, not definitions: `test("…", () => …)`.
_TEST_CALL = re.compile(r"^\s*(?:test|it|describe|suite)(?:\.\w+)?\s*\(\s*[\"'`]", re.M)


def _named_facts(step: Step, ctx: ActionContext) -> list[str]:
    """For a new file: the signatures (and first doc line) of the symbols its task names, with
    how to import them from the new file — the facts a test file needs, not the bodies."""
    from outrigger.guards.names import import_hint

    facts: list[str] = []
    types: list[str] = []
    seen: set[str] = set()
    for word in dict.fromkeys(step.what.replace("`", " ").replace(",", " ").split()):
        for symbol in ctx.project_map.find(word.strip(".()?!"))[:2]:
            if symbol.container is not None:
                continue
            lines = split_lines(ctx.workspace.read(symbol.path))
            start = (symbol.code_range or symbol.range).start.line
            signature = lines[start].strip() if start < len(lines) else symbol.name
            doc = _doc_line(lines, symbol)
            style = ctx.workspace.read(symbol.path)  # how the project imports (ES modules, extensions)
            hint = import_hint(step.file, symbol, style)
            facts.append(
                f"{symbol.path} defines `{signature}`{f' — {doc}' if doc else ''}{f'; {hint}' if hint else ''}"
            )
            seen.add(symbol.qualified_name)
            if symbol.kind in ("function", "method"):  # what its arguments look like
                types += type_facts(symbol, ctx.project_map, partial(import_hint, step.file, style=style), seen)
    return facts + types[:MAX_TYPES]


_TEST_NAME = re.compile(r"(?:^|[/_.-])(?:tests?|spec)(?:[/_.-]|$)", re.I)
_IMPORT_LINE = re.compile(r"^\s*(?:import\b|from\s+\S+\s+import\b|const\s+.+=\s*require\(|use\s|#include\b)")


def _sibling_test_imports(path: str, ctx: ActionContext) -> list[str]:
    """For a new test file: how an existing test of the same language begins (its imports), so
    the model uses the project's test framework the way the project does (node:test's `test`,
    not Jest's global `it`)."""
    if not _TEST_NAME.search(path):
        return []
    suffix = path.rsplit(".", 1)[-1]
    folder = path.rpartition("/")[0]
    siblings = sorted(
        (f for f in ctx.project_map.files() if f != path and f.endswith("." + suffix) and _TEST_NAME.search(f)),
        key=lambda f: (f.rpartition("/")[0] != folder, f),
    )
    for sibling in siblings[:1]:
        imports = [line.strip() for line in split_lines(ctx.workspace.read(sibling))[:30] if _IMPORT_LINE.match(line)]
        if imports:
            return [f"{sibling}, an existing test, begins with `{' '.join(imports[:6])}`"]
    return []


def _doc_line(lines: list[str], symbol: Symbol) -> str:
    code = symbol.code_range or symbol.range
    for index in range(code.start.line + 1, min(code.end.line, code.start.line + 3) + 1):
        if index < len(lines) and (stripped := lines[index].strip()).startswith(('"""', "'''")):
            return stripped.strip("\"'").strip()
    if symbol.range.start.line < code.start.line:
        return lines[symbol.range.start.line].strip().strip("/*#").strip()
    return ""


def _facts_about(path: str, before: str, after: str) -> list[str]:
    """The definitions a step added or changed in `path`, as one line each."""
    old = {s.qualified_name: s for s in extract_symbols(path, before)} if before and language_for(path) else {}
    facts = []
    if language_for(path) is None:
        return [f"{path} was written"]
    lines = split_lines(after)
    old_lines = split_lines(before)
    for symbol in extract_symbols(path, after):
        start = (symbol.code_range or symbol.range).start.line
        signature = lines[start].strip() if start < len(lines) else symbol.name
        previous = old.get(symbol.qualified_name)
        if previous is not None:
            old_start = (previous.code_range or previous.range).start.line
            if old_start < len(old_lines) and old_lines[old_start].strip() == signature:
                continue
        does = what_it_does(path, after, symbol) if symbol.kind in ("function", "method") else ""
        facts.append(
            f"{path} defines `{signature}`{_how_to_call(path, after, symbol)}{f' — it {does}' if does else ''}"
        )
    return facts


def _how_to_call(path: str, text: str, symbol: Symbol) -> str:
    """For a module-level function: how a call looks, since small models tend to call a new
    `is_overdue(loan, today)` as a method of the loan."""
    if symbol.container is not None or symbol.kind != "function":
        return ""
    names = parameters_of(path, text, symbol.qualified_name)
    if not names:
        return ""
    return f" (a function, not a method: call it as `{symbol.name}({', '.join(names)})`)"


def _facts_text(facts: list[str]) -> str:
    if not facts:
        return ""
    return "Known from earlier steps: " + "; ".join(facts[-MAX_FACTS:]) + "."


def _summary(done: list[str]) -> str:
    text = "; ".join(done)
    return text[:1].upper() + text[1:] + "."
