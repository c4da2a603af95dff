"""The map guard: a symbol or file a plan names must exist where the plan says; the workspace
map (the editor's symbols first) is the authority, never the model."""

from __future__ import annotations

import re

from outrigger.errors import Refused
from outrigger.guards.switches import Guards
from outrigger.workspace.index import ProjectMap
from outrigger.workspace.languages import has_grammar
from outrigger.workspace.symbols import Symbol


def confirmed_symbol(
    project_map: ProjectMap, guards: Guards, name: str, path: str | None, line: int | None = None
) -> Symbol:
    """The symbol a plan names, confirmed by the map (refused with close matches).

    With the guard off (the benchmark's ablation) it does what an unguarded agent does: takes
    the closest name it can find."""
    try:
        return project_map.require_symbol(name, path, line)
    except Refused:
        if guards.map_validation:
            raise
        for guess in project_map.close_matches(name, None):
            if found := project_map.find(guess):
                return found[0]
        raise


def editable(project_map: ProjectMap, symbol: Symbol) -> Symbol:
    """The symbol with a range an edit can trust.

    Symbols the editor pushed say what exists; their ranges may be stale, cover the whole
    file, or belong to a neighbour. An edit uses the index's own definition of the name,
    read from the current text: the one whose name lies in the pushed range, else the only
    one in the file (the pushed range is stale). With neither, the edit is refused."""
    if symbol.source != "editor":
        return symbol
    if not has_grammar(symbol.path):
        return _checked_without_grammar(project_map, symbol)
    try:
        own = [s for s in project_map.own_symbols(symbol.path) if s.name == symbol.name]
    except Refused:
        own = []
    inside = [s for s in own if symbol.range.start.line <= s.selection.start.line <= symbol.range.end.line]
    if len(inside) != 1 and symbol.container:
        inside = [s for s in inside or own if s.container == symbol.container]
    if len(inside) == 1:
        return inside[0]
    if len(own) == 1:
        return own[0]
    first, last = symbol.range.start.line + 1, symbol.range.end.line + 1
    found = f"{len(own)} definitions of it, none alone in that range" if own else "no definition of it"
    raise Refused(
        f"The editor places `{symbol.name}` at lines {first}–{last} of {symbol.path}, but its current text "
        f"has {found}; save the file or ask again once the editor has caught up. Nothing was changed."
    )


def _checked_without_grammar(project_map: ProjectMap, symbol: Symbol) -> Symbol:
    """A file Outrigger cannot parse: the editor's range is used when the current text still
    shows the name on the range's first lines, where a definition names itself."""
    lines = project_map.workspace.read(symbol.path).split("\n")
    first, last = symbol.range.start.line, symbol.range.end.line
    head = "\n".join(lines[first : min(first + 3, last + 1, len(lines))])
    if last < len(lines) and first <= last and re.search(rf"(?<![\w$]){re.escape(symbol.name)}(?![\w$])", head):
        return symbol
    raise Refused(
        f"The editor places `{symbol.name}` at lines {first + 1}–{last + 1} of {symbol.path}, but the text there "
        "does not define it; save the file or ask again once the editor has caught up. Nothing was changed."
    )


def refuse_nested(symbols: list[Symbol]) -> None:
    """A method and its class in one request: the outer edit would be spliced over the
    inner one's lines with a range that no longer holds (duplicating or dropping code)."""
    for inner in symbols:
        for outer in symbols:
            if outer is not inner and outer.path == inner.path and outer.range.contains(inner.range):
                raise Refused(
                    f"`{inner.qualified_name}` is part of `{outer.qualified_name}`; ask for one of "
                    f"them at a time (an edit to `{outer.name}` can cover `{inner.name}`)."
                )
