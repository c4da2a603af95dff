"""Rename: the model (or the rules) only say old name, new name and file; the edit itself is
computed from the map's identifier occurrences, so a similar name (`validateUser` for
`validateToken`) or a substring (`validateTokens`) is never touched."""

from __future__ import annotations

import keyword
import unicodedata

from outrigger.actions.context import ActionContext, Change
from outrigger.edits import file_edit
from outrigger.errors import Refused
from outrigger.guards.syntax_check import refuse_new_syntax_errors
from outrigger.plan import Plan
from outrigger.spans import Range, line_starts, offset_of
from outrigger.workspace.syntax import language_for

_JS_RESERVED = frozenset(
    "break case catch class const continue debugger default delete do else enum export extends "
    "false finally for function if import in instanceof new null return super switch this throw "
    "true try typeof var void while with yield let static implements interface package private "
    "protected public await arguments eval undefined".split()
)
# JavaScript identifiers may also hold `$` anywhere and ZWNJ/ZWJ after the first character.
_JS_EXTRA = str.maketrans({"$": "_", "\u200c": "_", "\u200d": "_"})


def _is_identifier(name: str, python: bool) -> bool:
    """Unicode identifiers as the language defines them (`thé_x`, `変数`, `$el`).

    Python reads identifiers in NFKC form: a name that is not already NFKC (`ｇet_item`,
    fullwidth) would be read as another name, possibly one that exists, so it is refused.
    JS/TS identifiers use the same Unicode ID_Start/ID_Continue classes `str.isidentifier`
    tests (up to a handful of compatibility characters)."""
    if python:
        return name.isidentifier() and unicodedata.normalize("NFKC", name) == name
    return name[0] not in "\u200c\u200d" and name.translate(_JS_EXTRA).isidentifier()


def check_new_name(new_name: str | None, language: str | None) -> str:
    """The new name must be an identifier of the symbol's language, not a keyword."""
    if not new_name:
        raise Refused("Rename needs a new name, e.g. “rename validateToken to checkToken”.")
    python = language == "python"
    reserved = keyword.iskeyword(new_name) if python else new_name in _JS_RESERVED
    if not _is_identifier(new_name, python) or reserved:
        raise Refused(f"`{new_name}` is not a valid {language or 'identifier'} name.")
    return new_name


async def rename(plan: Plan, ctx: ActionContext) -> Change:
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
        refuse_new_syntax_errors(ctx.guards, path, old_text, new_text, f"Renaming `{old_name}`")
        edits.append(file_edit(path, old_text, new_text, ctx.workspace.version(path)))

    count = sum(len(ranges) for ranges in occurrences.values())
    files = len(edits)
    summary = (
        f"Renamed `{old_name}` to `{new_name}` ({count} occurrence{'s' * (count != 1)} "
        f"in {files} file{'s' * (files != 1)})."
    )
    return Change(edits=edits, summary=summary)


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
