"""Add new code to one file: the model writes it, Outrigger appends it at the end.

Only additions: existing lines are never touched, the new code must parse, it may not
redefine a symbol the file already has, and it adds definitions (functions, classes, literal
constants) and imports only, nothing that runs when the file is loaded (the additions
guard). Imports are named in the summary.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from outrigger.actions.add_member import add_member
from outrigger.actions.checked_code import checked_code
from outrigger.actions.context import ActionContext, Change
from outrigger.actions.focus import OUTLINE_FROM_LINES, file_outline
from outrigger.edits import file_edit
from outrigger.errors import Refused
from outrigger.guards.additions import check_additions, without_repeats
from outrigger.guards.budget import fit_excerpt
from outrigger.guards.capabilities import refuse_new_capabilities
from outrigger.guards.cross_file import exported
from outrigger.guards.names import resolve_names
from outrigger.guards.replies import definitions_in_reply
from outrigger.guards.syntax_check import refuse_new_syntax_errors
from outrigger.plan import Plan
from outrigger.spans import Range
from outrigger.workspace.languages import language_for, title
from outrigger.workspace.specifiers import uses_module_syntax

SYSTEM_PROMPT = """You are a careful {language} programmer. Write only the new code the user asks for.
Do not repeat existing code. No explanations, no markdown."""

USER_PROMPT = """File {path}{trimmed_note}:
{excerpt}

Task: {instruction}
Reply with the new code only{named}: not the code the file already has."""


async def add_code(plan: Plan, ctx: ActionContext) -> Change:
    if not plan.file:
        raise Refused("Say which file the new code goes in, e.g. “add a function that … to src/utils.js”.")
    path = ctx.project_map.require_file(plan.file)
    if plan.symbol and "." in plan.symbol:  # "Class.method": a new method of that class
        owner_name, _, method = plan.symbol.rpartition(".")
        owner = ctx.project_map.require_symbol(owner_name, path)
        return await add_member(ctx, owner, method, plan.instruction)
    old_text, version = ctx.workspace.read(path), ctx.workspace.version(path)  # before the model call
    result = await appended(ctx, path, old_text, plan.instruction, plan.symbol)
    resolved = resolve_names(ctx.guards, path, old_text, result.text, ctx.project_map)
    notes = result.notes + resolved.notes
    summary = f"Added {result.names()} to {path}" + (f" ({'; '.join(notes)})." if notes else ".")
    return Change(edits=[file_edit(path, old_text, resolved.text, version)], summary=summary)


@dataclass
class Appended:
    text: str  # the file with the new code at its end
    added: list[str]  # the names the new code defines
    imports: list[str]  # the names it imports (said in the summary)

    def names(self) -> str:
        return ", ".join(f"`{n}`" for n in self.added) or "new code"

    @property
    def notes(self) -> list[str]:
        return [f"with imports of {', '.join(f'`{n}`' for n in self.imports)}"] if self.imports else []


async def appended(
    ctx: ActionContext, path: str, old_text: str, instruction: str, asked: str | None, facts: str = ""
) -> Appended:
    """`old_text` with the model's new definitions appended. `facts` are what earlier steps
    of a task established (signatures), for the prompt. A reply that fails a check is asked
    for once more, with the problem stated."""
    language = language_for(path)
    if language is None:
        raise Refused(
            f"Outrigger cannot check new code in {path}: it has no grammar for that language, so it could not "
            "tell what the code defines or whether it parses."
        )
    # The text's own definitions, and the editor's for the file: either may name one the other misses.
    # Top-level names only: a new function `total` does not clash with a method `Cart.total`.
    existing = {s.name for s in definitions_in_reply(path, old_text) if s.container is None}
    if old_text == ctx.workspace.read(path):
        existing |= {s.name for s in ctx.project_map.symbols(path) if s.container is None}
    task = f"{instruction}\n{facts}".strip()
    named = f" (the definition of `{asked}`)" if asked else ""
    ctx.progress(f"writing code for {path}…")
    return await checked_code(
        ctx,
        lambda share: _fit_messages(ctx, path, language, task, old_text, share, named),
        lambda code: _checked_addition(ctx, path, old_text, code, asked, existing),
        what=f"code for {path}",
        ask_again=f"Reply with only the new code{named}.",
    )


def _checked_addition(
    ctx: ActionContext, path: str, old_text: str, code: str, asked: str | None, existing: set[str]
) -> Appended:
    if ctx.guards.symbol_confinement:
        code, to_export = without_repeats(path, code, old_text)
    else:
        to_export = []
    code = code.strip("\n")
    if not code.strip():
        raise Refused("The model returned no new code (only what the file already has); nothing was changed.")
    defined = definitions_in_reply(path, code)
    added = [s.name for s in defined]
    clashes = sorted(existing.intersection(s.name for s in defined if s.container is None))
    if clashes and ctx.guards.symbol_confinement:
        raise Refused(
            f"The model's code redefines {', '.join(f'`{n}`' for n in clashes)} in {path}; nothing was changed."
        )
    additions = check_additions(ctx.guards, path, code, old_text, existing)
    if ctx.guards.symbol_confinement:
        _require_new_definitions(asked, added, path)

    new_text = old_text + _separator(path, old_text) + code + "\n"
    for name in to_export:
        if name in added:  # the model listed it in a copy of the exports: export it in the file's own
            new_text = exported(new_text, name)
    if _exports_all_it_defines(path, old_text):  # the file's convention: so the new code is usable
        for symbol in defined:
            if symbol.container is None and symbol.kind in _EXPORTED_KINDS:
                new_text = exported(new_text, symbol.name)
    refuse_new_syntax_errors(ctx.guards, path, old_text, new_text, "The model's code")
    refuse_new_capabilities(path, old_text, new_text, "The model's code")
    return Appended(new_text, added, additions.imports)


_EXPORTED_KINDS = frozenset({"function", "class"})


def _exports_all_it_defines(path: str, text: str) -> bool:
    """An ES module that exports every function and class it defines: `export` goes on the
    new code itself, so no existing line changes (a CommonJS `module.exports` list would)."""
    if language_for(path) not in ("javascript", "typescript", "tsx"):
        return False
    if not uses_module_syntax(text) or re.search(r"\bmodule\.exports\b", text):
        return False
    names = [s.name for s in definitions_in_reply(path, text) if s.container is None and s.kind in _EXPORTED_KINDS]
    return bool(names) and all(exported(text, name) == text for name in names)


def _separator(path: str, old_text: str) -> str:
    """The newlines that set new code apart from the file's end: two blank lines in Python
    (PEP 8, as formatters and linters expect), one elsewhere; what the file ends with counts."""
    if not old_text.strip():
        return ""
    wanted = 3 if language_for(path) == "python" else 2
    present = len(old_text) - len(old_text.rstrip("\n"))
    return "\n" * max(0, wanted - present)


def _require_new_definitions(asked: str | None, added: list[str], path: str) -> None:
    """New code must define something, and the name the user asked for if they gave one:
    loose statements appended to a module run at import time, which nobody asked for."""
    if not added:
        raise Refused(f"The model's code defines no new function or class for {path}; nothing was changed.")
    if asked and asked not in added:
        defined = ", ".join(f"`{n}`" for n in added)
        raise Refused(f"The model's code does not define `{asked}` (it defines {defined}); nothing was changed.")


def _fit_messages(
    ctx: ActionContext, path: str, language: str, instruction: str, text: str, share: float, named: str = ""
) -> list[dict[str, str]]:
    def build(excerpt: str, trimmed: bool) -> list[dict[str, str]]:
        note = " (outline)" if trimmed else ""
        return [
            {"role": "system", "content": SYSTEM_PROMPT.format(language=title(language))},
            {
                "role": "user",
                "content": USER_PROMPT.format(
                    path=path, trimmed_note=note, excerpt=excerpt, instruction=instruction, named=named
                ),
            },
        ]

    last = max(text.count("\n") - 1, 0)  # new code goes at the end: keep the end in view
    if ctx.prompt_context == "symbol" and last >= OUTLINE_FROM_LINES and share == 1.0:
        return build(file_outline(ctx.project_map, ctx.workspace, path, text, instruction), True)
    return fit_excerpt(ctx.budget, build, text, Range.of(last, 0, last, 0), share)
