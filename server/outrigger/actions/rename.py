"""Rename: the model (or the rules) only say old name, new name and file; the edit itself is
computed from the map's identifier occurrences, so a similar name (`validateUser` for
`validateToken`) or a substring (`validateTokens`) is never touched."""

from __future__ import annotations

import keyword
import re

from ..edits import file_edit
from ..errors import Refused
from ..plan import Plan
from ..spans import Range, line_starts, offset_of
from ..workspace.index import ProjectMap
from ..workspace.syntax import language_for, syntax_errors
from .context import ActionContext, Change

_JS_RESERVED = frozenset(
    "break case catch class const continue debugger default delete do else enum export extends "
    "false finally for function if import in instanceof new null return super switch this throw "
    "true try typeof var void while with yield let static implements interface package private "
    "protected public await arguments eval undefined".split()
)
_PY_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_JS_IDENTIFIER = re.compile(r"[A-Za-z_$][A-Za-z0-9_$]*")


def check_new_name(new_name: str | None, language: str | None) -> str:
    """The new name must be a plain identifier of the symbol's language, not a keyword."""
    if not new_name:
        raise Refused("Rename needs a new name, e.g. “rename validateToken to checkToken”.")
    python = language == "python"
    pattern = _PY_IDENTIFIER if python else _JS_IDENTIFIER
    reserved = keyword.iskeyword(new_name) if python else new_name in _JS_RESERVED
    if not pattern.fullmatch(new_name) or reserved:
        raise Refused(f"`{new_name}` is not a valid {language or 'identifier'} name.")
    return new_name


def rename(plan: Plan, ctx: ActionContext) -> Change:
    symbol = ctx.target(plan.symbol or "", plan.file)
    old_name = symbol.name
    new_name = check_new_name(plan.new_name, language_for(symbol.path))
    if new_name == old_name:
        raise Refused(f"`{old_name}` already has that name.")

    occurrences = ctx.project_map.occurrences(old_name)
    _refuse_collisions(ctx, new_name, occurrences.keys())

    edits = []
    for path in sorted(occurrences):
        ctx.progress(f"renaming in {path}…")
        old_text = ctx.workspace.read(path)
        new_text = _replace_ranges(old_text, occurrences[path], new_name)
        before, after = syntax_errors(path, old_text), syntax_errors(path, new_text)
        if len(after) > len(before):
            raise Refused(f"Renaming `{old_name}` would break the syntax of {path} ({after[0]}).")
        edits.append(file_edit(path, old_text, new_text, ctx.workspace.version(path)))

    count = sum(len(ranges) for ranges in occurrences.values())
    files = len(edits)
    summary = (
        f"Renamed `{old_name}` to `{new_name}` ({count} occurrence{'s' * (count != 1)} "
        f"in {files} file{'s' * (files != 1)})."
    )
    return Change(edits=edits, summary=summary)


def oriented(plan: Plan, project_map: ProjectMap) -> Plan:
    """Put a model's rename plan the right way round, using only names the user wrote.

    Small models swap old and new name ("give X the name Y" → symbol Y), or give only the
    new one. When the model's "old" name is not defined but the request names exactly one
    defined symbol, that symbol is the old name and the model's name the new one."""
    if plan.action != "rename" or plan.decided_by != "model" or not plan.symbol:
        return plan
    if project_map.find(plan.symbol):
        return plan
    if plan.new_name and project_map.find(plan.new_name):
        return plan.model_copy(update={"symbol": plan.new_name, "new_name": plan.symbol})
    words = set(re.findall(r"[A-Za-z_$][\w$]*", plan.instruction))
    defined = [word for word in words if project_map.find(word)]
    if len(defined) == 1 and plan.symbol in words:
        return plan.model_copy(update={"symbol": defined[0], "new_name": plan.symbol})
    return plan


def _refuse_collisions(ctx: ActionContext, new_name: str, paths) -> None:
    defined = ctx.project_map.find(new_name)
    if defined:
        where = ", ".join(sorted({s.path for s in defined}))
        raise Refused(f"Cannot rename to `{new_name}`: that name is already defined in {where}.")
    used = ctx.project_map.occurrences(new_name)
    clashes = sorted(set(used) & set(paths))
    if clashes:
        raise Refused(f"Cannot rename to `{new_name}`: that name is already used in {', '.join(clashes)}.")


def _replace_ranges(text: str, ranges: list[Range], replacement: str) -> str:
    starts = line_starts(text)
    spans = sorted((offset_of(text, r.start, starts), offset_of(text, r.end, starts)) for r in ranges)
    pieces, cursor = [], 0
    for start, end in spans:
        pieces.append(text[cursor:start])
        pieces.append(replacement)
        cursor = end
    pieces.append(text[cursor:])
    return "".join(pieces)
