"""Which occurrences of a name refer to one definition, for renames the name alone cannot settle.

A method `save` of `Repo` shares its name with `Queue.save`, with `dict.get`-like methods of
libraries and with any `x.save()` whose `x` could be anything. Renaming every `save` token
would break the others. For Python, jedi (the inference engine behind jedi-language-server)
follows each occurrence to its definition; an occurrence it cannot follow is reported as
unsure, and the rename is refused with those call sites listed. For other languages only what
is certain counts: the definition and `this.name` / `self.name` inside its own class.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from outrigger.spans import Range
from outrigger.workspace.index import ProjectMap
from outrigger.workspace.languages import language_for
from outrigger.workspace.symbols import Symbol


@dataclass
class References:
    ours: dict[str, list[Range]] = field(default_factory=dict)  # occurrences to rename, per file
    unsure: list[tuple[str, Range]] = field(default_factory=list)  # occurrences nobody can attribute

    def add(self, path: str, where: Range) -> None:
        self.ours.setdefault(path, []).append(where)


# Method names the standard libraries use on their own types (arrays, maps, lists, strings,
# streams, promises): `x.push(…)` is as likely an array's as the workspace's own `push`.
LIBRARY_METHOD_NAMES = frozenset(
    """push pop shift unshift get set add remove delete has clear keys values items entries update append
    extend insert index count sort reverse copy map filter reduce find forEach some every join split slice
    splice concat includes indexOf length size toString valueOf equals hashCode compareTo then catch finally
    close open read write send next run start stop emit on off call apply bind format parse encode decode
    replace strip trim lower upper render load save dump put post fetch contains isEmpty iterator stream
    collect apply accept test of from""".split()
)


def references(project_map: ProjectMap, symbol: Symbol) -> References:
    """The occurrences of `symbol`'s name that are `symbol`, and those that may or may not be.

    A name the workspace defines once, and no standard library uses for its own methods, is
    settled by the name: every occurrence is it (the rename of old)."""
    occurrences = project_map.occurrences(symbol.name)
    unique = len(project_map.find(symbol.name)) == 1 and symbol.name not in LIBRARY_METHOD_NAMES
    if unique:
        return References(ours={path: list(ranges) for path, ranges in occurrences.items()})
    if language_for(symbol.path) == "python":
        return _python(project_map, symbol, occurrences)
    return _by_class_body(project_map, symbol, occurrences)


def _python(project_map: ProjectMap, symbol: Symbol, occurrences: dict[str, list[Range]]) -> References:
    import jedi  # imported here: a second or so the first time, and only renames need it

    root = project_map.workspace.root
    project = jedi.Project(path=root, added_sys_path=[str(root)], smart_sys_path=False)
    scripts: dict[str, jedi.Script] = {}

    def script(path: str) -> jedi.Script:
        if path not in scripts:
            scripts[path] = jedi.Script(code=project_map.workspace.read(path), path=root / path, project=project)
        return scripts[path]

    target = (root / symbol.path, symbol.selection.start.line + 1)
    found = References()
    for path, ranges in occurrences.items():
        if language_for(path) != "python":
            continue
        for where in ranges:
            goes_to = _definitions(script(path), where)
            if target in goes_to:
                found.add(path, where)
            elif not goes_to:
                found.unsure.append((path, where))
    return found


def _definitions(script, where: Range) -> set[tuple[Path, int]]:
    try:
        names = script.goto(where.start.line + 1, where.start.character, follow_imports=True)
    except Exception:  # jedi on code it cannot analyse: treat as unknown
        return set()
    return {(Path(n.module_path), n.line) for n in names if n.module_path is not None and n.line is not None}


def _by_class_body(project_map: ProjectMap, symbol: Symbol, occurrences: dict[str, list[Range]]) -> References:
    """Without a type checker, what is certain: the definition, `this.name` / `self.name` in its
    own class, and `x.name` where the function says what `x` is (`x: Warehouse`, `x = new
    Warehouse(…)`). Another class's definition of the name is that class's; the rest is unsure."""
    found = References()
    owner = next(
        (s for s in project_map.find(symbol.container or "", symbol.path) if s.range.contains(symbol.range)), None
    )
    others = {(s.path, s.selection.start) for s in project_map.find(symbol.name) if s != symbol}
    classes_with_it = {s.container for s in project_map.find(symbol.name) if s.container}
    for path, ranges in occurrences.items():
        lines = project_map.workspace.read(path).split("\n")
        for where in ranges:
            if (path, where.start) in others:
                continue  # another class's own definition
            before = lines[where.start.line][: where.start.character]
            own_body = owner is not None and path == symbol.path and owner.range.contains(where)
            if where == symbol.selection or (own_body and re.search(r"\b(?:this|self)\s*(?:\.|->)\s*$", before)):
                found.add(path, where)
                continue
            receiver_type = _receiver_type(project_map, path, where, before, lines)
            if receiver_type == symbol.container:
                found.add(path, where)
            elif receiver_type not in classes_with_it:
                found.unsure.append((path, where))
    return found


def _receiver_type(project_map: ProjectMap, path: str, where: Range, before: str, lines: list[str]) -> str | None:
    """The class the enclosing function declares the receiver of `x.name` to be, or None."""
    m = re.search(r"([A-Za-z_$][\w$]*)\s*\??\.\s*$", before)
    if m is None:
        return None
    receiver = re.escape(m.group(1))
    enclosing = project_map.symbol_at(path, where.start)
    first, last = (enclosing.range.start.line, enclosing.range.end.line) if enclosing else (0, len(lines) - 1)
    scope = "\n".join(lines[first : last + 1])
    declared = re.search(rf"\b{receiver}\s*\??\s*:\s*([A-Z][\w$]*)\b", scope) or re.search(
        rf"\b{receiver}\s*=\s*new\s+([A-Z][\w$]*)\b", scope
    )
    return declared.group(1) if declared else None
