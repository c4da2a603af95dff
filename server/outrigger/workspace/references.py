"""Which occurrences of a name refer to one definition, for renames the name alone cannot settle.

A method `save` of `Repo` shares its name with `Queue.save`, with `dict.get`-like methods of
libraries and with any `x.save()` whose `x` could be anything. Renaming every `save` token
would break the others. For Python, jedi (the inference engine behind jedi-language-server)
follows each occurrence to its definition. For other languages only what is certain counts:
the definition, `this.name` / `self.name` inside its own class, a receiver the function
declares, and a JavaScript field that only ever holds arrays.

What neither settles may still be read from the receiver's name: `history.push(track)`, in a
workspace whose only `push` methods are `PlayQueue.push` and `History.push`, is History's.
That is probable, not certain, so it is kept apart (`by_name`): a rename that relies on it
needs the project's tests to pass. The rest is unsure, and the rename is refused with those
call sites listed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from outrigger.spans import Range
from outrigger.workspace.index import ProjectMap
from outrigger.workspace.languages import language_for
from outrigger.workspace.symbols import TYPE_KINDS, Symbol


@dataclass
class References:
    ours: dict[str, list[Range]] = field(default_factory=dict)  # occurrences to rename, per file
    unsure: list[tuple[str, Range]] = field(default_factory=list)  # occurrences nobody can attribute
    # Occurrences attributed by their receiver's name alone, with the class read from it.
    by_name: list[tuple[str, Range, str]] = field(default_factory=list)

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
    same = project_map.same_symbol(symbol)  # with its stubs and re-exports: one symbol
    unique = len(project_map.find(symbol.name)) == len(same) and symbol.name not in LIBRARY_METHOD_NAMES
    if unique:
        return References(ours={path: list(ranges) for path, ranges in occurrences.items()})
    if language_for(symbol.path) == "python":
        found = _python(project_map, same, occurrences)
    else:
        found = _by_class_body(project_map, symbol, occurrences, same)
    return _by_receiver_name(project_map, symbol, found)


def _python(project_map: ProjectMap, same: list[Symbol], occurrences: dict[str, list[Range]]) -> References:
    import jedi  # imported here: a second or so the first time, and only renames need it

    root = project_map.workspace.root
    project = jedi.Project(path=root, added_sys_path=[str(root)], smart_sys_path=False)
    scripts: dict[str, jedi.Script] = {}

    def script(path: str) -> jedi.Script:
        if path not in scripts:
            scripts[path] = jedi.Script(code=project_map.workspace.read(path), path=root / path, project=project)
        return scripts[path]

    targets = {(root / s.path, s.selection.start.line + 1) for s in same}
    found = References()
    for path, ranges in occurrences.items():
        if language_for(path) != "python":
            continue
        for where in ranges:
            goes_to = _definitions(script(path), where)
            if goes_to and goes_to <= targets:  # the implementation, its stub or a re-export
                found.add(path, where)
            elif not goes_to or goes_to & targets:  # unknown, or this one among others (`collect(source)`)
                found.unsure.append((path, where))
    return found


def _definitions(script, where: Range) -> set[tuple[Path, int]]:
    try:
        names = script.goto(where.start.line + 1, where.start.character, follow_imports=True)
    except Exception:  # jedi on code it cannot analyse: treat as unknown
        return set()
    return {(Path(n.module_path), n.line) for n in names if n.module_path is not None and n.line is not None}


def _by_class_body(
    project_map: ProjectMap, symbol: Symbol, occurrences: dict[str, list[Range]], same: list[Symbol]
) -> References:
    """Without a type checker, what is certain: the definition, `this.name` / `self.name` in its
    own class, and `x.name` where the function says what `x` is (`x: Warehouse`, `x = new
    Warehouse(…)`). Another class's definition of the name is that class's; the rest is unsure."""
    found = References()
    owner = next(
        (s for s in project_map.find(symbol.container or "", symbol.path) if s.range.contains(symbol.range)), None
    )
    others = {(s.path, s.selection.start) for s in project_map.find(symbol.name) if s not in same}
    ours = {(s.path, s.selection) for s in same}
    classes_with_it = {s.container for s in project_map.find(symbol.name) if s.container}
    # Files with a top-level definition of their own of a top-level name (a test's helper
    # `pad` beside the library's): there a bare `pad` is that one.
    shadowed = (
        set()
        if symbol.container
        else {s.path for s in project_map.find(symbol.name) if s not in same and not s.container}
    )
    for path, ranges in occurrences.items():
        lines = project_map.workspace.read(path).split("\n")
        for where in ranges:
            if (path, where.start) in others:
                continue  # another class's own definition
            before = lines[where.start.line][: where.start.character]
            if path in shadowed and _bare(before, lines[where.start.line][where.end.character :]):
                continue
            own_body = owner is not None and path == symbol.path and owner.range.contains(where)
            if (path, where) in ours or (own_body and re.search(r"\b(?:this|self)\s*(?:\.|->)\s*$", before)):
                found.add(path, where)
                continue
            if not before.strip() and _declared_in_another_type(project_map, path, where, symbol):
                continue  # `Peek(key K) V` in an interface's body: that interface's own member
            receiver_type = _receiver_type(project_map, path, where, before, lines)
            if receiver_type == symbol.container:
                found.add(path, where)
            elif receiver_type in classes_with_it or _array_field(path, before, symbol.name, lines):
                continue  # another class's, or an array's own method
            elif receiver_type and any(s.kind in TYPE_KINDS for s in project_map.find(receiver_type)):
                continue  # a value of another of the workspace's types (an interface a field holds)
            else:
                found.unsure.append((path, where))
    return found


def _bare(before: str, after: str) -> bool:
    """The name stands alone: not `lib.pad`, `padr::pad` or `pkg.Clamp`, nor the imported name
    of `import { pad as libPad }` (a file with its own `pad` imports the other one renamed)."""
    return not re.search(r"(?:\.|::)\s*$", before) and not re.match(r"\s+as\b", after)


def _declared_in_another_type(project_map: ProjectMap, path: str, where: Range, symbol: Symbol) -> bool:
    """The occurrence opens a line of another type's body (an interface's method list)."""
    around = project_map.symbol_at(path, where.start)
    return around is not None and around.kind in TYPE_KINDS and around.name != symbol.container


# The methods of JavaScript's Array (and of the arrays its own methods return).
_ARRAY_METHODS = frozenset(
    """at concat copyWithin entries every fill filter find findIndex findLast findLastIndex flat flatMap
    forEach includes indexOf join keys lastIndexOf map pop push reduce reduceRight reverse shift slice some
    sort splice toReversed toSorted toSpliced unshift values with""".split()
)
# A right-hand side that is an array: a literal, or an array method that returns a new one.
_ARRAY_VALUE = re.compile(r"\[|this\.[\w$]+\.(?:slice|filter|map|concat|flat|flatMap|toSorted|toReversed)\(")


_MODIFIERS = r"^\s*(?:(?:private|public|protected|readonly|static|declare)\s+)*#?"


def _array_field(path: str, before: str, name: str, lines: list[str]) -> bool:
    """`this.items.push(…)` where the file declares `items` an array (`items: T[]`,
    `items: Array<T>`) or every `this.items = …` in it assigns one: the receiver is an
    Array, so `push` is Array's, not a class's of the workspace."""
    if name not in _ARRAY_METHODS or language_for(path) not in {"javascript", "typescript"}:
        return False
    field_name = re.search(r"\bthis\s*\.\s*([A-Za-z_$][\w$]*)\s*\.\s*$", before)
    if field_name is None:
        return False
    text, field_ = "\n".join(lines), re.escape(field_name.group(1))
    array_type = r"(?:readonly\s+)?(?:[\w$.<>]+\[\]|Array<)"
    if re.search(rf"{_MODIFIERS}{field_}\s*[?!]?\s*:\s*{array_type}", text, re.M):
        return True
    assigned = re.findall(rf"(?:\bthis\.|{_MODIFIERS}){field_}\s*=(?!=)\s*(.*)", text, re.M)
    return bool(assigned) and all(_ARRAY_VALUE.match(value) for value in assigned)


def _by_receiver_name(project_map: ProjectMap, symbol: Symbol, found: References) -> References:
    """Unsure `x.name` occurrences whose receiver is named after exactly one class that has
    the method (`recipe` → Recipe, `old_history` → History): attributed to it, and kept in
    `by_name` because the attribution is a reading, not a proof."""
    classes = {s.container for s in project_map.find(symbol.name) if s.container}
    texts: dict[str, str] = {}
    unsure = []
    for path, where in found.unsure:
        if path not in texts:  # one read per file, however many of its calls are unsure
            texts[path] = project_map.workspace.read(path)
        text = texts[path]
        receiver = _receiver_name(text.split("\n")[where.start.line][: where.start.character])
        owner = None if receiver and _imported_as(receiver, text) else _class_named_like(receiver, classes)
        if owner is None:
            unsure.append((path, where))
            continue
        found.by_name.append((path, where, owner))
        if owner == symbol.container:
            found.add(path, where)
    found.unsure = unsure
    return found


def _imported_as(name: str, text: str) -> bool:
    """`name` is a module the file imports (`const history = require(…)`, `import * as history`,
    `import history`): its `push` is the module's, whatever the name says."""
    name = re.escape(name)
    return bool(
        re.search(
            rf"\b(?:const|let|var)\s+{name}\s*=\s*require\(|\bimport\s+\*\s+as\s+{name}\b"
            rf"|\bimport\s+{name}\s+from\b|^\s*import\s+(?:[\w.]+\s+as\s+)?{name}\s*$|^\s*from\s+\S+\s+import\s+.*\b{name}\b",
            text,
            re.M,
        )
    )


def _receiver_name(before: str) -> str | None:
    m = re.search(r"([A-Za-z_$][\w$]*)\s*\??\.\s*$", before)
    return m.group(1) if m else None


def _class_named_like(receiver: str | None, classes: set[str]) -> str | None:
    """The class `receiver` is named after: its whole name, or its end (`next_recipe`,
    `currentHistory`), ignoring case and underscores; the longest when several fit."""
    if receiver is None or receiver in {"self", "this", "cls"}:
        return None
    plain = receiver.replace("_", "").lower()
    fits = [c for c in classes if plain.endswith(c.replace("_", "").lower())]
    return max(fits, key=len) if fits else None


def _receiver_type(project_map: ProjectMap, path: str, where: Range, before: str, lines: list[str]) -> str | None:
    """The class the receiver of `x.name` is: one constructed right there (`new Toaster().bake`),
    or one the enclosing function declares or creates `x` as; else None."""
    if constructed := _constructed_here(before):
        return constructed
    if (name := _receiver_name(before)) is None:
        return None
    receiver = re.escape(name)
    enclosing = project_map.symbol_at(path, where.start)
    first, last = (enclosing.range.start.line, enclosing.range.end.line) if enclosing else (0, len(lines) - 1)
    scope = "\n".join(lines[first : last + 1])
    declared = re.search(rf"\b{receiver}\s*\??\s*:\s*&?\s*(?:mut\s+)?([A-Z][\w$]*)\b", scope) or re.search(
        rf"\b{receiver}\s*=\s*new\s+([A-Z][\w$]*)\b", scope
    )
    if declared is None and language_for(path) == "go":  # `func (c *Cache)`, `c *Cache`, `var c Cache`
        declared = re.search(rf"(?:[(,]\s*|\bvar\s+){receiver}\s+\*?([A-Z]\w*)\b", scope)
        if re.search(rf"\.\s*{receiver}\s*\.\s*$", before):  # `c.recent.Peek`: the struct field's type
            declared = re.search(rf"^\s*{receiver}\s+\*?(?:\w+\.)?([A-Z]\w*)\s*(?://.*)?$", "\n".join(lines), re.M)
    return declared.group(1) if declared else _built_by_constructor(project_map, receiver, scope)


# `c := NewCache(…)`, `c, err := New(…)`, `c := &Cache{…}` (Go), `let mut c = Cache::new(…)` (Rust), `c = Cache(…)`:
# the value a name is bound to, as the type or function that builds it.
_BOUND_TO = r"(?:\blet\s+(?:mut\s+)?|\bvar\s+|\bconst\s+|^\s*|[;(]\s*)NAME(?:\s*,\s*[A-Za-z_]\w*)*\s*(?::=|=(?!=))\s*&?\s*([A-Za-z_]\w*)(?:::([A-Za-z_]\w*))?\s*([({])"


def _built_by_constructor(project_map: ProjectMap, receiver: str, scope: str) -> str | None:
    """The type every binding of `receiver` in `scope` builds: a type's literal or call
    (`Cache{}`, `Cache()`), a type's function returning it (`Cache::new`), or a function the
    map knows returns it (`NewCache`); None when the bindings disagree or say nothing."""
    built = set()
    for m in re.finditer(_BOUND_TO.replace("NAME", receiver), scope, re.M):
        name, function, opening = m.groups()
        types = {s.name for s in project_map.find(name) if s.kind in TYPE_KINDS}
        if function is not None:
            returns = [_returned_type(project_map, s) for s in project_map.find(f"{name}.{function}")]
            built.add(name if types and returns and all(r in ("Self", name) for r in returns) else None)
        elif types:
            built.add(name)
        elif opening == "(":
            returns = [_returned_type(project_map, s) for s in project_map.find(name) if s.container is None]
            built.add(returns[0] if len(set(returns)) == 1 else None)
        else:
            built.add(None)
    return built.pop() if len(built) == 1 else None


def _returned_type(project_map: ProjectMap, function: Symbol) -> str | None:
    """The type a function's signature says it returns (`-> Self`, `) *Cache {`, `-> Cache:`)."""
    lines = project_map.workspace.read(function.path).split("\n")
    header = "\n".join(lines[function.selection.start.line : function.selection.start.line + 6])
    header = header[: min((i for i in (header.find("{"), header.find(":\n")) if i >= 0), default=len(header))]
    m = re.search(r"\)\s*(?:->\s*)?\(?\s*[*&]?\s*([A-Z]\w*)\b[^)]*\)?\s*:?\s*$", header)
    return m.group(1) if m else None


def _constructed_here(before: str) -> str | None:
    """`Toaster` for `… new Toaster(…).`: the object the call is made on is built in place."""
    if not re.search(r"\)\s*\??\.\s*$", before):
        return None
    depth, index = 0, before.rindex(")")
    while index >= 0:  # back to the "(" that opens the arguments
        depth += {")": 1, "(": -1}.get(before[index], 0)
        if depth == 0:
            break
        index -= 1
    m = re.search(r"\bnew\s+([A-Z][\w$]*)\s*(?:<[^<>]*>)?\s*$", before[: max(index, 0)])
    return m.group(1) if index >= 0 and m else None
