"""Rename: the model (or the rules) only say old name, new name and file; the edit itself is
computed from the map's identifier occurrences, so a similar name (`validateUser` for
`validateToken`) or a substring (`validateTokens`) is never touched."""

from __future__ import annotations

import asyncio

from outrigger.actions.context import ActionContext, Change
from outrigger.actions.doc_mentions import doc_mentions
from outrigger.actions.export_lists import all_entries, key_entries
from outrigger.edits import file_edit
from outrigger.errors import Refused
from outrigger.guards.syntax_check import refuse_new_syntax_errors
from outrigger.plan import Plan
from outrigger.spans import Range, line_starts, offset_of
from outrigger.workspace.languages import language_for, name_problem
from outrigger.workspace.references import references
from outrigger.workspace.symbols import Symbol

_LISTED_SITES = 6


def check_new_name(new_name: str | None, language: str | None, kind: str | None = None) -> str:
    """The new name must be an identifier of the symbol's language (Unicode where the
    language allows it) and not one of its keywords."""
    if not new_name:
        raise Refused("Rename needs a new name, e.g. “rename validateToken to checkToken”.")
    if problem := name_problem(language, new_name, kind):
        raise Refused(problem)
    return new_name


async def rename(plan: Plan, ctx: ActionContext) -> Change:
    symbol = ctx.target(plan.symbol or "", plan.file, plan.line)
    if (real := _through_a_link(ctx, symbol.path)) is not None:
        # `alias.py -> lib/real.py`: the importers are of `lib.real`; renamed through the link,
        # the definition would change and they would not.
        try:
            symbol = ctx.target(symbol.name, real, symbol.range.start.line + 1)
        except Refused:
            raise Refused(
                f"`{symbol.path}` is a symbolic link to `{real}`: rename `{symbol.name}` in `{real}`, "
                "where its uses are found."
            ) from None
    old_name = symbol.name
    new_name = check_new_name(plan.new_name, language_for(symbol.path), symbol.kind)
    if new_name == old_name:
        raise Refused(f"`{old_name}` already has that name.")

    ctx.progress(f"finding the uses of `{symbol.qualified_name}`…")
    found = await asyncio.to_thread(references, ctx.project_map, symbol)
    if found.unsure:
        raise Refused(_unsure_message(ctx, symbol, found.unsure))
    occurrences = found.ours
    _refuse_collisions(ctx, new_name, occurrences.keys())
    for path in list(occurrences):  # `__all__ = ["old_name"]`, `{"old_name": old_name}`, doc comments' code
        occurrences[path] = [*occurrences[path], *_named_as_text(ctx, symbol, path, occurrences[path])]

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
        f"Renamed `{symbol.qualified_name}` to `{new_name}` ({count} occurrence{'s' * (count != 1)} "
        f"in {files} file{'s' * (files != 1)})."
    )
    if not found.by_name:
        return Change(edits=edits, summary=summary, model_written=False)
    read = _sites(ctx, [(path, where, f"as `{owner}.{old_name}`") for path, where, owner in found.by_name])
    reading = f"Calls read by their receiver's name alone: {read}."
    return Change(
        edits=edits,
        summary=summary,
        notes=[reading],
        needs_passing_tests=f"Renaming `{symbol.qualified_name}` reads some calls by their receiver's name alone ({read})",
        model_written=False,
    )


def _through_a_link(ctx: ActionContext, path: str) -> str | None:
    """The workspace path of the file `path` reaches through a symbolic link, or None."""
    root = ctx.workspace.root
    real = (root / path).resolve()
    if real == root / path or not real.is_relative_to(root):
        return None
    return real.relative_to(root).as_posix()


def _named_as_text(ctx: ActionContext, symbol: Symbol, path: str, uses: list[Range]) -> list[Range]:
    """Where strings and doc comments in `path` spell the renamed name. A bare name in a doc
    comment is only ours in a file where every other use of that name is a member's (a method
    of that name, `x.name`): a member is never named bare there."""
    text = ctx.workspace.read(path)
    found = [*all_entries(path, text, symbol.name), *key_entries(path, text, symbol.name, uses)]
    owner = symbol.container or None
    others = set(ctx.project_map.occurrences(symbol.name).get(path, [])) - set(uses)
    if owner or all(_a_member(ctx, path, text, where) for where in others):
        found += doc_mentions(path, text, symbol.name, owner)
    return [where for where in dict.fromkeys(found) if where not in uses]


def _a_member(ctx: ActionContext, path: str, text: str, where: Range) -> bool:
    """The occurrence names a member: a method's or field's definition, or follows a `.`."""
    if any(s.selection == where and s.container for s in ctx.project_map.symbols(path)):
        return True
    line = text.split("\n")[where.start.line]
    return line[: where.start.character].rstrip().endswith(".")


def _unsure_message(ctx: ActionContext, symbol: Symbol, unsure: list[tuple[str, Range]]) -> str:
    """Which call sites stop the rename, so the user can check them (or use the editor's rename)."""
    sites = _sites(ctx, [(path, where, "") for path, where in unsure])
    return (
        f"Renaming `{symbol.qualified_name}` would change uses of `{symbol.name}` that Outrigger cannot tell are "
        f"this one: {sites}. Nothing was changed; rename it with your editor's rename, which "
        "knows the types, or make those calls unambiguous."
    )


def _sites(ctx: ActionContext, sites: list[tuple[str, Range, str]]) -> str:
    """`path:line `code` how`; …, the first few of them."""
    listed = []
    for path, where, how in sites[:_LISTED_SITES]:
        line = ctx.workspace.read(path).split("\n")[where.start.line].strip()
        listed.append(f"{path}:{where.start.line + 1} `{line[:60]}`" + (f" {how}" if how else ""))
    more = f" and {len(sites) - _LISTED_SITES} more" if len(sites) > _LISTED_SITES else ""
    return "; ".join(listed) + more


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
