"""The map guard: a symbol or file a plan names must exist where the plan says; the workspace
map (the editor's symbols first) is the authority, never the model."""

from __future__ import annotations

from outrigger.errors import Refused
from outrigger.guards.switches import Guards
from outrigger.workspace.index import ProjectMap
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
