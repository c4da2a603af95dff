"""Edit named symbols: docstrings, type hints, fixes, rewrites.

One model call per symbol, so never two files in one call. The model sees the file (trimmed
around the target to fit the budget) and is asked for the new version of the target only.
Whatever it sends back, only the target's lines change: the reply's definition of the target
is cut out of the reply (the 0.5B model documented every function when asked for one),
re-indented and spliced in; a docstring request keeps the original code and takes only the
docstring. Symbols sharing a file are edited bottom-up on the running text, so each edit
happens where the map says its symbol is.
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Callable
from dataclasses import dataclass, replace

from outrigger.actions.call_shapes import arity
from outrigger.actions.context import ActionContext, Change
from outrigger.actions.definitions import defined_block, find_definition
from outrigger.actions.doc_comments import before_examples, doc_messages, documented, with_doc_comment
from outrigger.actions.focus import symbol_context
from outrigger.actions.reply_end import definition_end
from outrigger.actions.type_hints import annotated, hints_messages, supports_hints
from outrigger.blocks import indent_of, reindent, with_newline
from outrigger.edits import FileEdit, file_edit, split_lines
from outrigger.errors import Refused
from outrigger.guards.budget import count_tokens, fit_excerpt
from outrigger.guards.capabilities import refuse_new_capabilities
from outrigger.guards.confinement import confine_to_symbol
from outrigger.guards.doc_only import same_code
from outrigger.guards.examples import example_check, stated_example
from outrigger.guards.fences import strip_fences
from outrigger.guards.map_check import editable, refuse_nested
from outrigger.guards.names import resolve_names
from outrigger.guards.replies import MAX_CHARS_PER_TOKEN, quoted_reply, refuse_cut_off, without_surrogates
from outrigger.guards.syntax_check import refuse_new_syntax_errors
from outrigger.model.client import ChatReply, OnText
from outrigger.plan import Intent, Plan
from outrigger.workspace.languages import doc_style, title
from outrigger.workspace.symbols import Symbol
from outrigger.workspace.syntax import language_for, syntax_errors

# The same for every symbol of a language: what names the symbol comes last (the user's part),
# so a server's prompt cache (llama.cpp's `cache_prompt`) reuses these tokens across requests.
SYSTEM_PROMPT = """You are a careful {language} programmer. You change exactly one definition, the one the task names, and nothing else.
Reply with its complete new code only: no other functions, no explanations, no markdown."""

USER_PROMPT = """File {path}{trimmed_note}:
{excerpt}

The current code of the {kind} `{name}`:
{block}

Task: {instruction}
Reply with the new code of `{name}` only."""

# The task for one symbol of a request that names several: the request's own words would
# tell the model to edit the others too.
_ONE_OF_SEVERAL = {
    Intent.DOCSTRING: "Add a docstring or doc comment to `{name}`.",
    Intent.TYPE_HINTS: "Add type hints to `{name}`.",
}


def edit_messages(symbol: Symbol, instruction: str, excerpt: str, trimmed: bool, block: str) -> list[dict[str, str]]:
    return [
        {
            "role": "system",
            "content": SYSTEM_PROMPT.format(language=title(language_for(symbol.path))),
        },
        {
            "role": "user",
            "content": USER_PROMPT.format(
                path=symbol.path,
                trimmed_note=" (excerpt)" if trimmed else "",
                excerpt=excerpt,
                kind=symbol.kind,
                name=symbol.name,
                block=block,
                instruction=instruction,
            ),
        },
    ]


FOCUSED_PROMPT = """{context}The current code of the {kind} `{name}` in {path}:
{block}

Task: {instruction}
Reply with the new code of `{name}` only."""


def focused_messages(symbol: Symbol, instruction: str, context: str, block: str) -> list[dict[str, str]]:
    """The edit prompt with only what the symbol needs around it (actions/focus.py): the
    instructions first and the task last, so a server's prompt cache keeps the start."""
    return [
        edit_messages(symbol, instruction, "", False, block)[0],
        {
            "role": "user",
            "content": FOCUSED_PROMPT.format(
                context=context + "\n\n" if context else "",
                kind=symbol.kind,
                name=symbol.name,
                path=symbol.path,
                block=block.rstrip("\n"),
                instruction=instruction,
            ),
        },
    ]


async def edit_symbols(plan: Plan, ctx: ActionContext) -> Change:
    """Every symbol the plan names, all confirmed by the map before the first model call."""
    found = {}
    for target in plan.targets:
        symbol = editable(ctx.project_map, ctx.target(target.symbol, target.file, target.line))
        found[(symbol.path, symbol.qualified_name)] = symbol
    if len(found) == 1:
        [symbol] = found.values()
        failures: set[str] = set()  # how this request's tries failed, the retry after the tests' included
        change = await _edited(plan, plan, symbol, ctx, failures)
        if plan.intent in _RETRIED_AFTER_TESTS:

            async def again(failure: str, output: str) -> Change:
                told = _told_tests_fail(plan, symbol, change, failure)
                retried = await _edited(plan, told, symbol, ctx, failures)
                [first], [second] = change.edits, retried.edits
                if same_code(ctx.workspace.root, symbol.path, first.new_text, second.new_text):
                    # The tests would say what they said of the first: not worth their seconds.
                    raise Refused(f"The second try at `{symbol.name}` has the first one's code; nothing was changed.")
                retried.notes.append("Its first version made the project's tests fail; this is the second try.")
                return retried

            change.retry = again
        return change

    ordered = sorted(found.values(), key=lambda s: (s.path, -s.range.start.line))
    refuse_nested(ordered)
    originals: dict[str, FileEdit] = {}
    current: dict[str, str] = {}
    for symbol in ordered:
        instruction = _ONE_OF_SEVERAL.get(plan.intent, "{instruction} (only `{name}`).").format(
            name=symbol.name, instruction=plan.instruction.strip().rstrip(".")
        )
        single = plan.model_copy(update={"instruction": instruction, "also": []})
        edit = await edit_one(single, symbol, ctx, text=current.get(symbol.path))
        originals.setdefault(symbol.path, edit)
        current[symbol.path] = edit.new_text
    # Imports go in once every symbol of a file is edited: added above them, they would move
    # the lines the map says the next (higher) symbol is on.
    edits, notes = [], []
    for path, first in originals.items():
        resolved = resolve_names(ctx.guards, path, first.old_text, current[path], ctx.project_map)
        edits.append(file_edit(path, first.old_text, resolved.text, first.version))
        notes += resolved.notes
    return Change(edits=edits, summary=_summary(plan.intent, plan.instruction, list(reversed(ordered)), notes))


async def _edited(
    asked: Plan, told: Plan, symbol: Symbol, ctx: ActionContext, failures: set[str] | None = None
) -> Change:
    """One symbol edited as `told`, summed up as `asked` (the request as the user wrote it)."""
    edit = await edit_one(told, symbol, ctx, failures=failures)
    resolved = resolve_names(ctx.guards, symbol.path, edit.old_text, edit.new_text, ctx.project_map)
    edit = file_edit(symbol.path, edit.old_text, resolved.text, edit.version)
    return Change(edits=[edit], summary=_summary(asked.intent, asked.instruction, [symbol], resolved.notes))


# Changes of behaviour: the tests judge them, and a second try may fix what they found.
# (Documentation and types that fail the tests are wrong in a way a retry does not mend.)
_RETRIED_AFTER_TESTS = frozenset({Intent.FIX, Intent.REWRITE})
# What a fix of the text's form is about ("fix the typo in X's docstring", "fix the indentation
# of X"): there a change of comments or layout alone is the fix asked for.
_FORM_WORDS = frozenset(
    """doc docs docstring docstrings documentation comment comments jsdoc javadoc docblock typo typos spelling
    misspelled misspelling wording grammar formatting format indentation indent whitespace layout style""".split()
)


def _asks_about_form(instruction: str) -> bool:
    return _says_any(instruction, _FORM_WORDS)


def _says_any(request: str, words: frozenset[str]) -> bool:
    """Whether the request uses any of these (lowercase) words."""
    return bool(words & set(re.findall(r"[a-z]+", request.lower())))


def _told_tests_fail(plan: Plan, symbol: Symbol, first: Change, failure: str) -> Plan:
    """The request again, with the first try's code and what the project's tests said of it.
    The retry starts from the file as it was, so it is one symbol of one file as before."""
    [edit] = first.edits
    tried = defined_block(symbol.path, edit.new_text, symbol.qualified_name)
    shown = f"A first version of `{symbol.name}`:\n{tried.rstrip()}\n" if tried else ""
    return plan.model_copy(
        update={
            "instruction": f"{plan.instruction.strip()}\n{shown}made the project's tests fail: {failure}\n"
            f"Write `{symbol.name}` so that it does what was asked and the tests pass."
        }
    )


async def edit_one(
    plan: Plan,
    symbol: Symbol,
    ctx: ActionContext,
    text: str | None = None,
    check: Callable[[str], None] | None = None,
    failures: set[str] | None = None,
) -> FileEdit:
    """Edit one symbol. `text` is the file with earlier edits of this request already made
    (only ever below the symbol, so the map's range for it still holds). `check` sees the new
    text and raises Refused with a problem the model is told about in its one retry.
    `failures`: how earlier tries of the request failed; a try that fails one of those ways
    again ends the tries (and is added to them)."""
    # The text and its version together, before the model call: the editor may change the
    # document while the model thinks, and the edit must say what it was computed against.
    version = ctx.workspace.version(symbol.path)
    old_text = ctx.workspace.read(symbol.path) if text is None else text
    # "\n" only, as symbol ranges count lines (not \f, \u2028)
    old_block = "".join(split_lines(old_text)[symbol.range.start.line : symbol.range.end.line + 1])

    instruction = plan.instruction
    shape = _reply_shape(ctx, plan.intent, symbol, old_text, old_block, plan.instruction)

    def messages(share: float) -> list[dict[str, str]]:
        return shape.messages(instruction, 0.0 if bare else share) + retry

    retry: list[dict[str, str]] = []
    bare = False  # the context left out: the model repeated it instead of writing the code
    failed = set() if failures is None else failures
    example = None
    if _runs_examples(plan.intent, ctx):
        _, most = arity(symbol.path, old_text, symbol) or (0, None)
        example = stated_example(plan.instruction, symbol, most)
    timeout = ctx.settings.tests.timeout_seconds
    allowed = ctx.settings.tests.allow_unsandboxed
    async with example_check(ctx.workspace, example, symbol.path, old_text, timeout, allowed) as example_run:
        # A fix with the user's example to check it gets more tries: each one is verified.
        attempts = 2 if example_run is None else _CHECKED_ATTEMPTS
        for attempt in range(attempts):
            ctx.progress(f"editing {symbol.path}…" if attempt == 0 else f"editing {symbol.path} (try {attempt + 1})…")
            asked = shape.messages(instruction, 1.0)
            # Retries are sampled: at temperature 0 the model answers a near-identical prompt the same way.
            reply = await ctx.chat_fitted(
                messages,
                max_tokens=shape.allowance,
                variant=attempt,
                on_text=_watched(ctx, symbol, shape, asked, old_text),
            )
            if shape.end is not None and (end := shape.end(reply.text, 1)) is not None:
                reply = replace(reply, text=reply.text[:end], cut_off=False)  # what follows the definition is not read
            try:
                if _echoes(reply.text, asked, old_text):
                    raise Echoed(
                        f"The model repeated its instructions instead of writing `{symbol.name}`; nothing was changed."
                    )
                new_text = shape.new_text(_complete(reply, shape, symbol))
                refuse_new_syntax_errors(
                    ctx.guards, symbol.path, old_text, new_text, f"The model's edit to `{symbol.name}`"
                )
                # Before the example runs it: the model may have been told to by the workspace.
                refuse_new_capabilities(symbol.path, old_text, new_text, f"The model's edit to `{symbol.name}`")
                edit = file_edit(symbol.path, old_text, new_text, version)  # in the file's line endings
                if edit.new_text == old_text:
                    raise Unchanged(f"The model returned `{symbol.name}` unchanged; nothing was changed.")
                if (
                    plan.intent in _RETRIED_AFTER_TESTS
                    and not _asks_about_form(plan.instruction)
                    and same_code(ctx.workspace.root, symbol.path, old_text, edit.new_text)
                ):
                    # Its comments or layout changed, not its code: no test or example run can make it a fix.
                    raise Unchanged(
                        f"The model returned the code of `{symbol.name}` unchanged (only comments or layout differ); "
                        "nothing was changed."
                    )
                if check is not None:
                    check(edit.new_text)
                if example_run is not None and (wrong := await example_run.problem(new_text)):
                    raise Refused(f"{wrong} Nothing was changed.")
                break
            except Refused as problem:
                # The last try, or one that failed just as an earlier try (the same guard, the same
                # words, the same wrong result): the next would most likely fail so too.
                how = "unchanged" if isinstance(problem, Unchanged) else str(problem)
                if attempt == attempts - 1 or how in failed:
                    failed.add(how)
                    raise
                failed.add(how)
                if isinstance(problem, Echoed):
                    # Shown its echo, a small model echoes again: ask afresh, without the context it repeated.
                    bare, retry = True, []
                    continue
                if isinstance(problem, Unchanged):
                    # Shown its unchanged reply, a small model sends it again: ask afresh, insisting.
                    instruction, retry = _insisted(plan.instruction, symbol), []
                    continue
                # A retry that states the problem: small models often fix what they are shown.
                retry = [
                    {"role": "assistant", "content": quoted_reply(reply.text)},
                    {"role": "user", "content": f"{problem} Reply with {shape.asks_for}."},
                ]

    if ctx.guards.symbol_confinement:
        confine_to_symbol(old_text, edit.new_text, symbol)
    return edit


@dataclass(frozen=True)
class _ReplyShape:
    """How one kind of symbol edit asks the model and reads its reply."""

    messages: Callable[[str, float], list[dict[str, str]]]  # (instruction, share of the room)
    new_text: Callable[[str], str]  # the reply → the file's new text
    allowance: int  # reply tokens
    asks_for: str  # what the reply should be, for a retry: "the new code of `f`"
    # The complete part of a reply cut off at its limit, when one can be used; None: refuse it.
    complete_part: Callable[[str], str | None] = lambda reply: None
    # Where a reply (read from line index n) is complete and the rest need not be written; None: no such end.
    end: Callable[[str, int], int | None] | None = None


def _watched(
    ctx: ActionContext, symbol: Symbol, shape: _ReplyShape, asked: list[dict[str, str]], old_text: str
) -> OnText:
    """The edit's progress, and the end of the stream as soon as the reply is complete
    (`shape.end`) or repeats the prompt (`_echoes`, refused whatever follows)."""
    shown = ctx.streaming_edit(symbol.path)
    seen = [0]  # the reply's complete lines already looked at

    def watch(text: str, tokens: int) -> bool:
        if shown is not None:
            shown(text, tokens)
        if len(text) > shape.allowance * MAX_CHARS_PER_TOKEN:
            return True  # longer than its allowance can be: refused whatever follows (guards/replies.py)
        lines = text.count("\n")
        if lines == seen[0]:
            return False
        text = without_surrogates(text)  # not yet through the reply guard
        first, seen[0] = seen[0], lines
        whole = text[: text.rfind("\n") + 1]
        return _echoes(whole, asked, old_text) or (shape.end is not None and shape.end(whole, first) is not None)

    return watch


def _complete(reply: ChatReply, shape: _ReplyShape, symbol: Symbol) -> str:
    """The reply's text; for one cut off at its limit, only a part known to be complete."""
    if reply.cut_off and (part := shape.complete_part(reply.text)) is not None:
        return part
    refuse_cut_off(reply.cut_off, f"code for `{symbol.name}`")
    return reply.text


def _reply_shape(
    ctx: ActionContext, intent: Intent, symbol: Symbol, old_text: str, old_block: str, request: str
) -> _ReplyShape:
    """Docstrings and type hints ask for the words or the signature alone (so the body is
    never taken from the model); other edits ask for the symbol's new code, with what the
    map knows around it (actions/focus.py), or the file around it (`prompt_context` "file")."""

    def code(reply: str) -> str:
        return strip_fences(reply, ctx.stats) if ctx.guards.fence_stripping else reply

    confined = ctx.guards.symbol_confinement
    if confined and intent is Intent.DOCSTRING and doc_style(language_for(symbol.path)) is not None:
        return _ReplyShape(
            lambda instruction, share: doc_messages(symbol, old_block, instruction),
            lambda reply: documented(ctx.guards, old_text, code(reply), symbol),
            _DOC_ALLOWANCE,
            f"the documentation for `{symbol.name}` only",
            lambda reply: before_examples(reply, symbol),
        )
    if confined and intent is Intent.TYPE_HINTS and supports_hints(symbol.path):
        return _ReplyShape(
            lambda instruction, share: hints_messages(symbol, old_block, instruction),
            lambda reply: annotated(code(reply), symbol, old_text),
            _SIGNATURE_ALLOWANCE,
            f"the annotated signature of `{symbol.name}` only",
        )

    def whole(instruction: str, share: float) -> list[dict[str, str]]:
        if ctx.prompt_context == "symbol":  # a prompt too long for the server loses the neighbours
            context = symbol_context(ctx.project_map, ctx.workspace, symbol, old_text, instruction)
            return focused_messages(symbol, instruction, context if share == 1.0 else "", old_block)

        def build(excerpt: str, trimmed: bool) -> list[dict[str, str]]:
            return edit_messages(symbol, instruction, excerpt, trimmed, old_block)

        return fit_excerpt(ctx.budget, build, old_text, symbol.range, share)

    # Only the reply's definition is spliced in (confined), found once fences are stripped.
    ends = confined and ctx.guards.fence_stripping and language_for(symbol.path) is not None
    return _ReplyShape(
        whole,
        lambda reply: _new_text(ctx, reply, symbol, intent, old_text, request),
        _reply_allowance(old_block),
        f"valid code for `{symbol.name}` only",
        end=(lambda reply, first: definition_end(reply, symbol, first)) if ends else None,
    )


_DOC_ALLOWANCE = 400
_SIGNATURE_ALLOWANCE = 300


_CHECKED_ATTEMPTS = 4


def _runs_examples(intent: Intent, ctx: ActionContext) -> bool:
    """The user's example is run like the project's tests are, and only to check a fix."""
    return intent in (Intent.FIX, Intent.REWRITE) and ctx.guards.project_tests and ctx.settings.tests.run != "never"


class Unchanged(Refused):
    """The model sent the symbol back as it was."""


class Echoed(Refused):
    """The model sent its prompt back (the context around the symbol, the task) as its reply."""


def _echoes(reply: str, messages: list[dict[str, str]], old_text: str) -> bool:
    """The reply repeats lines of the prompt that are not the file's code (the context's
    summaries, the task): a small model that echoes its instructions (0.5B did, twice, for a
    Go method: "Imports of lru.go: …"). A reply of the whole file is not one: the symbol is
    taken out of it."""
    own = {line.strip() for line in old_text.splitlines()}
    asked = "\n".join(m["content"] for m in messages if m["role"] == "user")
    said = {line.strip() for line in asked.splitlines() if len(line.strip()) > 12} - own
    return sum(line.strip() in said for line in reply.splitlines()) >= 3


def _insisted(instruction: str, symbol: Symbol) -> str:
    """The task again, for a model that sent the symbol back unchanged."""
    return (
        f"The current code of `{symbol.name}` does not do this yet: {instruction.strip()}\n"
        f"Change the code of `{symbol.name}` so that it does."
    )


def _reply_allowance(block: str) -> int:
    """Room for the new version of the symbol: its size twice over, plus a docstring."""
    return 2 * count_tokens(block) + 300


def _new_text(ctx: ActionContext, reply: str, symbol: Symbol, intent: Intent, old_text: str, request: str) -> str:
    """The file with the reply's version of `symbol` spliced over the symbol's lines."""
    lines = split_lines(old_text)
    first, last = symbol.range.start.line, symbol.range.end.line
    head, old_block, tail = "".join(lines[:first]), "".join(lines[first : last + 1]), "".join(lines[last + 1 :])
    code = strip_fences(reply, ctx.stats) if ctx.guards.fence_stripping else reply
    if not ctx.guards.symbol_confinement:
        return head + with_newline(code) + tail
    if language_for(symbol.path) is None:
        return head + _unparsed_block(code, symbol, intent, old_block) + tail
    target = find_definition(code, symbol)
    if target is None:
        if ctx.guards.syntax_check and (errors := syntax_errors(symbol.path, textwrap.dedent(code))):
            raise Refused(f"The model's code for `{symbol.name}` does not parse ({errors[0]}); nothing was changed.")
        raise Refused(f"The model's reply does not contain a definition of `{symbol.name}`; nothing was changed.")
    if intent is Intent.DOCSTRING:
        return with_doc_comment(ctx.guards, old_text, target, symbol)
    return head + reindent(_export_kept(old_block, target, request), indent_of(old_block)) + tail


# The words that open a definition to other modules, which small models often leave out of
# the definition they send back (`export function f` → `function f`): every import breaks.
_EXPORTS = ("export default", "export", "pub(crate)", "pub", "public")
_ABOUT_EXPORTS = frozenset("export exported exports exporting unexport public private pub visibility visible".split())


def _export_kept(old_block: str, target: str, request: str) -> str:
    """The reply's definition with the old one's export word, unless the request is about
    what the code exports."""
    kept = next((word for word in _EXPORTS if old_block.lstrip().startswith(word + " ")), None)
    if kept is None or _says_any(request, _ABOUT_EXPORTS):
        return target
    lines = split_lines(target)
    # The definition's first line, after the leading comments (and annotations) find_definition keeps.
    opening = next((i for i, line in enumerate(lines) if not line.lstrip().startswith(("/", "*", "#", "@"))), None)
    if opening is None or lines[opening].lstrip().startswith(kept + " "):
        return target
    line = lines[opening]
    indent = line[: len(line) - len(line.lstrip())]
    lines[opening] = f"{indent}{kept} {line.lstrip()}"
    return "".join(lines)


def _unparsed_block(code: str, symbol: Symbol, intent: Intent, old_block: str) -> str:
    """A reply for a symbol in a language Outrigger has no grammar for (the editor's symbols
    locate it): taken whole, in the symbol's range, when it still names the symbol. Nothing can
    tell a doc comment from code there, so docstring requests are refused."""
    name = symbol.name.rpartition(".")[2]
    if intent is Intent.DOCSTRING:
        raise Refused(
            f"Outrigger has no grammar for {symbol.path}, so it cannot add only a doc comment; nothing was changed."
        )
    if not re.search(rf"(?<![\w$]){re.escape(name)}(?![\w$])", code):
        raise Refused(f"The model's reply does not define `{name}`; nothing was changed.")
    return reindent(with_newline(textwrap.dedent(code).strip("\n")), indent_of(old_block))


def _summary(intent: Intent, instruction: str, symbols: list[Symbol], notes: list[str]) -> str:
    """ "Added a docstring to `f` in a.py." — one sentence for the history and "undo"."""
    return _what(intent, instruction, symbols).removesuffix(".") + (f" ({'; '.join(notes)})." if notes else ".")


def _article(noun: str) -> str:
    return "an" if noun[:1].lower() in "aeiou" else "a"


def _what(intent: Intent, instruction: str, symbols: list[Symbol]) -> str:
    names = ", ".join(f"`{s.name}`" for s in symbols)
    where = f"{names} in {symbols[0].path}" if len({s.path for s in symbols}) == 1 else names
    several = len(symbols) > 1
    if intent is Intent.DOCSTRING:
        style = doc_style(language_for(symbols[0].path))
        noun = style.noun if style else "doc comment"
        return f"Added {(noun + 's') if several else _article(noun) + ' ' + noun} to {where}."
    if intent is Intent.TYPE_HINTS:
        return f"Added type hints to {where}."
    return f"Edited {where}: {instruction.strip().rstrip('.')}."
