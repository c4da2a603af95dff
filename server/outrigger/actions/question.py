"""Read-only requests. This module returns text and has no way to build an edit: it never
imports the edit builder, and the agent wraps its answer in an Outcome with no edits.

Questions the map answers exactly (line counts, where something is defined, what a file
defines) never reach the model; the model only explains code.
"""

from __future__ import annotations

import re

from outrigger.actions.context import ActionContext, Answer
from outrigger.errors import Refused
from outrigger.guards.budget import fit_excerpt
from outrigger.plan import Plan
from outrigger.spans import Range

SYSTEM_PROMPT = """You are a senior engineer answering a question about a codebase.
Answer in plain prose, briefly (at most 6 sentences). Do not rewrite the code."""

_LINES = re.compile(r"\bhow\s+many\s+lines\b", re.I)
_WHERE = re.compile(r"\b(?:where\s+is|where's|which\s+file|in\s+which\s+file|where\s+are)\b", re.I)
_LIST = re.compile(r"\b(?:what|which|list|show)\b.*\b(?:functions|classes|symbols|methods|defined|defines)\b", re.I)
_COUNT_SYMBOLS = re.compile(r"\bhow\s+many\s+(functions|classes|methods|symbols)\b", re.I)


def mentioned_symbol(request: str, ctx: ActionContext) -> str | None:
    """The first word of the request that names a symbol the map knows."""
    for word in re.findall(r"[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)?", request):
        if ctx.project_map.find(word):
            return word
    return None


async def answer(plan: Plan, ctx: ActionContext) -> Answer:
    request = plan.instruction
    path = ctx.project_map.require_file(plan.file) if plan.file else None
    symbol_name = mentioned_symbol(request, ctx) or plan.symbol

    if exact := _answer_from_map(request, path, symbol_name, ctx):
        return Answer(exact)
    return Answer(await _explain(request, path, symbol_name, ctx))


def _answer_from_map(request: str, path: str | None, symbol_name: str | None, ctx: ActionContext) -> str | None:
    pm = ctx.project_map
    if _LINES.search(request):
        if path:
            count = _line_count(ctx.workspace.read(path))
            return f"{path} has {count} line{'s' * (count != 1)}."
        if symbol_name:
            s = pm.require_symbol(symbol_name, None)
            count = s.range.end.line - s.range.start.line + 1
            return f"`{s.name}` spans {count} line{'s' * (count != 1)} ({s.path}:{s.range.start.line + 1}–{s.range.end.line + 1})."
    if m := _COUNT_SYMBOLS.search(request):
        kind = m.group(1).rstrip("s")
        symbols = [s for s in pm.symbols(path) if kind == "symbol" or s.kind == kind]
        where = path or "the workspace"
        return f"{where} defines {len(symbols)} {m.group(1) if len(symbols) != 1 else kind}."
    if _WHERE.search(request) and symbol_name:
        found = pm.find(symbol_name)
        if not found:
            pm.require_symbol(symbol_name, None)  # raises with close matches
        return "\n".join(f"`{s.name}` ({s.kind}) is defined in {s.path}:{s.range.start.line + 1}." for s in found)
    if path and _LIST.search(request):
        symbols = pm.symbols(path)
        if not symbols:
            return f"{path} defines no functions or classes."
        listing = "\n".join(f"- `{s.name}` ({s.kind}, line {s.range.start.line + 1})" for s in symbols)
        return f"{path} defines:\n{listing}"
    return None


async def _explain(request: str, path: str | None, symbol_name: str | None, ctx: ActionContext) -> str:
    if symbol_name:
        symbol = ctx.project_map.require_symbol(symbol_name, path)
        path, keep = symbol.path, symbol.range
    elif path:
        keep = Range.of(0, 0, 0, 0)  # no target: keep the top of the file
    else:
        raise Refused(
            "Name a symbol or a file, or put the cursor on one, so Outrigger knows what you are asking about."
        )
    text = ctx.workspace.read(path)
    messages = fit_excerpt(ctx.budget, lambda excerpt, _: _messages(request, path, excerpt), text, keep)
    ctx.progress(f"reading {path}…")
    reply = await ctx.chat(messages)
    return reply.text.strip() or "The model gave no answer."


def _messages(request: str, path: str, excerpt: str) -> list[dict[str, str]]:
    return [
        {"role": "system", "content": SYSTEM_PROMPT},
        {"role": "user", "content": f"File {path}:\n{excerpt}\n\nQuestion: {request}"},
    ]


def _line_count(text: str) -> int:
    if not text:
        return 0
    return text.count("\n") + (0 if text.endswith("\n") else 1)
