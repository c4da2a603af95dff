"""Add new code to one file: the model writes it, Outrigger appends it at the end.

Only additions: existing lines are never touched, the new code must parse, and it may not
redefine a symbol the file already has.
"""

from __future__ import annotations

import re

from ..budget import trim_around
from ..edits import file_edit
from ..errors import Refused
from ..plan import Plan
from ..repair import strip_fences
from ..spans import Range
from ..workspace.symbols import extract_symbols
from ..workspace.syntax import language_for, syntax_errors
from .context import ActionContext, Change

SYSTEM_PROMPT = """You are a careful {language} programmer. Write only the new code the user asks for.
Do not repeat existing code. No explanations, no markdown."""

USER_PROMPT = """File {path}{trimmed_note}:
{excerpt}

Task: {instruction}
Reply with the new code only."""


async def add_code(plan: Plan, ctx: ActionContext) -> Change:
    if not plan.file:
        raise Refused("Say which file the new code goes in, e.g. “add a function that … to src/utils.js”.")
    path = ctx.project_map.require_file(plan.file)
    language = language_for(path)
    if language is None:
        raise Refused(f"Outrigger cannot check code in {path}: unsupported language.")
    old_text, version = ctx.workspace.read(path), ctx.workspace.version(path)  # before the model call
    messages = _fit_messages(ctx, path, language, plan.instruction, old_text)
    ctx.progress(f"writing code for {path}…")
    reply = await ctx.chat(messages)
    code = strip_fences(reply.text, ctx.stats) if ctx.guards.fence_stripping else reply.text
    code = code.strip("\n")
    if not code.strip():
        raise Refused("The model returned no code; nothing was changed.")

    existing = {s.name for s in ctx.project_map.symbols(path)}
    added = [s.name for s in extract_symbols(path, code)]
    clashes = sorted(existing.intersection(added))
    if clashes and ctx.guards.symbol_confinement:
        raise Refused(
            f"The model's code redefines {', '.join(f'`{n}`' for n in clashes)} in {path}; nothing was changed."
        )
    if ctx.guards.symbol_confinement:
        _require_new_definitions(plan.instruction, added, path)

    separator = "" if not old_text or old_text.endswith("\n\n") else ("\n" if old_text.endswith("\n") else "\n\n")
    new_text = old_text + separator + code + "\n"
    if ctx.guards.syntax_check and len(syntax_errors(path, new_text)) > len(syntax_errors(path, old_text)):
        raise Refused(
            f"The model's code does not parse as {language} ({syntax_errors(path, code)[:1] or ['syntax error']}); nothing was changed."
        )
    names = ", ".join(f"`{n}`" for n in added) or "new code"
    return Change(edits=[file_edit(path, old_text, new_text, version)], summary=f"Added {names} to {path}.")


_ENGLISH = frozenset("a an the that which to for in into with called named returning computing".split())
_ASKED_NAME = re.compile(
    r"`([A-Za-z_$][\w$]*)`|\b(?:function|class|method|helper|named|called)\s+([A-Za-z_$][\w$]*)", re.I
)


def _require_new_definitions(instruction: str, added: list[str], path: str) -> None:
    """New code must define something, and the name the user asked for if they gave one:
    loose statements appended to a module run at import time, which nobody asked for."""
    if not added:
        raise Refused(f"The model's code defines no new function or class for {path}; nothing was changed.")
    asked = {
        name for pair in _ASKED_NAME.findall(instruction) for name in pair if name and name.lower() not in _ENGLISH
    }
    if asked and not asked & set(added):
        wanted = ", ".join(f"`{name}`" for name in sorted(asked))
        raise Refused(
            f"The model's code does not define {wanted} (it defines {', '.join(f'`{n}`' for n in added)}); nothing was changed."
        )


def _fit_messages(ctx: ActionContext, path: str, language: str, instruction: str, text: str) -> list[dict[str, str]]:
    def build(excerpt: str, trimmed: bool) -> list[dict[str, str]]:
        return [
            {"role": "system", "content": SYSTEM_PROMPT.format(language=language)},
            {
                "role": "user",
                "content": USER_PROMPT.format(
                    path=path,
                    trimmed_note=" (end of file)" if trimmed else "",
                    excerpt=excerpt,
                    instruction=instruction,
                ),
            },
        ]

    skeleton = build("", False)
    ctx.budget.check(skeleton)
    last = max(text.count("\n") - 1, 0)  # new code goes at the end: keep the end in view
    excerpt, _ = trim_around(text, Range.of(last, 0, last, 0), ctx.budget.room(skeleton))
    return build(excerpt, excerpt != text)
