"""What the model needs to know about one symbol, and no more: its file's imports, the
signatures and first doc lines of what it uses and of what uses it (from the map), and
its own code. On a 2-core CPU a small model reads 50–60 prompt tokens a second, so a
question about one function of a 1,000-line file must not send the file.

The parts are ordered from the most stable to the least (imports, then neighbours, then
the symbol), so a model server's prompt cache reuses the start across requests on a file.
"""

from __future__ import annotations

import functools
import re
from collections import defaultdict
from pathlib import Path

from outrigger.edits import split_lines
from outrigger.errors import Refused
from outrigger.guards.secret_values import redact, values_in
from outrigger.workspace.files import Workspace
from outrigger.workspace.index import ProjectMap
from outrigger.workspace.symbols import Symbol, identifier_spans
from outrigger.workspace.syntax import language_for, parse

MAX_USED = 8  # definitions the symbol uses, listed at most
MAX_USERS = 6  # definitions using the symbol, listed at most
MAX_NAMED = 4  # other definitions the request names, listed at most
MAX_IMPORT_LINES = 30
# A name defined this many times or more says nothing about which one a call means.
_AMBIGUOUS = 3

# Top-level statements that bring names in, by their tree-sitter node type.
_IMPORT_WORDS = ("import", "include", "use_declaration", "using", "require", "package")


def symbol_context(project_map: ProjectMap, workspace: Workspace, symbol: Symbol, text: str, request: str = "") -> str:
    """The file's imports, then what `symbol` uses and what uses it, then other definitions
    the request names ("fix total so it uses round_price"), as short labelled lists; "" when
    there is nothing to say. `text` is the symbol's file as it is now."""
    parts = []
    if imports := file_imports(symbol.path, text):
        parts.append(f"Imports of {symbol.path}:\n{imports}")
    used = uses(project_map, symbol, text)
    if listed := _listed(used, workspace):
        parts.append(f"What `{symbol.name}` uses:\n{listed}")
    users = used_by(project_map, symbol)
    if listed := _listed(users, workspace):
        parts.append(f"What uses `{symbol.name}`:\n{listed}")
    named = [s for s in named_in(project_map, symbol, request) if s not in used and s not in users]
    if listed := _listed(named, workspace):
        parts.append(f"Named in the request:\n{listed}")
    return "\n\n".join(parts)


def named_in(project_map: ProjectMap, symbol: Symbol, request: str) -> list[Symbol]:
    """Definitions of the workspace whose names the request writes (identifier tokens),
    other than `symbol` and its own parts; names defined many times are left out."""
    order: dict[str, int] = {}
    for index, word in enumerate(_WORD.findall(request)):
        order.setdefault(word.rpartition(".")[2], index)
    order.pop(symbol.name, None)
    return _definitions(project_map, order, symbol)[:MAX_NAMED]


_WORD = re.compile(r"[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)*")


def symbol_block(symbol: Symbol, text: str) -> str:
    """The symbol's own lines (with its doc comment and decorators)."""
    return "".join(split_lines(text)[symbol.range.start.line : symbol.range.end.line + 1])


def file_imports(path: str, text: str) -> str:
    """The file's top-level import statements, as written (at most `MAX_IMPORT_LINES`)."""
    if language_for(path) is None:
        return ""
    try:
        root = parse(path, text).root_node
    except Refused:
        return ""
    lines = split_lines(text)
    kept: list[str] = []
    for node in root.named_children:
        if not _brings_names(node):
            continue
        kept += lines[node.start_point.row : node.end_point.row + 1]
        if len(kept) >= MAX_IMPORT_LINES:
            kept = kept[:MAX_IMPORT_LINES] + ["…\n"]
            break
    return "".join(kept).rstrip("\n")


def _brings_names(node) -> bool:
    if any(word in node.type for word in _IMPORT_WORDS):
        return True
    # `const fs = require("fs")`: CommonJS imports are declarations.
    return node.type in ("lexical_declaration", "variable_declaration") and b"require(" in (node.text or b"")


def uses(project_map: ProjectMap, symbol: Symbol, text: str) -> list[Symbol]:
    """Definitions of the workspace that names in `symbol`'s body refer to, in the order
    they are first used; names defined many times (`get`, `save`) are left out, since the
    map cannot tell which one is meant."""
    first, last = symbol.range.start.line, symbol.range.end.line
    used: dict[str, int] = {}
    for name, spans in identifier_spans(symbol.path, text).items():
        inside = [line * 10_000 + start for line, start, _ in spans if first <= line <= last]
        if inside and name != symbol.name:
            used[name] = min(inside)
    return _definitions(project_map, used, symbol)[:MAX_USED]


def _definitions(project_map: ProjectMap, names: dict[str, int], symbol: Symbol | None) -> list[Symbol]:
    """The map's definitions of `names` (ordered by their value), outside `symbol`; a name
    defined `_AMBIGUOUS` times or more says nothing about which one is meant."""
    if not names:
        return []
    by_name: dict[str, list[Symbol]] = defaultdict(list)
    for candidate in project_map.symbols():
        if candidate.name in names and _worth_listing(candidate) and not (symbol and _inside(candidate, symbol)):
            by_name[candidate.name].append(candidate)
    found: list[Symbol] = []
    for name in sorted(by_name, key=names.__getitem__):
        if len(by_name[name]) < _AMBIGUOUS:
            found += by_name[name]
    return found


def used_by(project_map: ProjectMap, symbol: Symbol) -> list[Symbol]:
    """The definitions whose code names `symbol` (the innermost around each use), its own
    file first."""
    found: dict[tuple[str, str, int], Symbol] = {}
    for path, ranges in sorted(project_map.occurrences(symbol.name).items(), key=lambda item: item[0] != symbol.path):
        for where in ranges:
            user = project_map.symbol_at(path, where.start)
            if user is None or _inside(user, symbol) or not _worth_listing(user):
                continue
            found.setdefault((user.path, user.qualified_name, user.range.start.line), user)
            if len(found) >= MAX_USERS:
                return list(found.values())
    return list(found.values())


def signature_line(symbol: Symbol, lines: list[str]) -> str:
    """The first line of the symbol's code ("def parse(text: str) -> int:")."""
    start = (symbol.code_range or symbol.range).start.line
    return lines[start].strip() if start < len(lines) else symbol.name


def first_doc_line(lines: list[str], symbol: Symbol) -> str:
    """The first line of the symbol's doc comment above it, or of its docstring."""
    code = symbol.code_range or symbol.range
    for index in range(symbol.range.start.line, min(code.end.line, symbol.range.end.line, len(lines) - 1) + 1):
        text = lines[index].strip().strip("/*#").strip().strip("\"'").strip()
        if index >= code.start.line and index != code.start.line and lines[index].strip().startswith(('"""', "'''")):
            return text[:120]
        if index < code.start.line and text:
            return text[:120]
    return ""


def _listed(symbols: list[Symbol], workspace: Workspace) -> str:
    """One line per symbol: its file, signature and first doc line."""
    texts: dict[str, list[str]] = {}
    rows = []
    known = _secret_values(workspace) if symbols else frozenset()
    for s in symbols:
        if s.path not in texts:
            try:
                texts[s.path] = split_lines(workspace.read(s.path))
            except Refused:
                texts[s.path] = []
        lines = texts[s.path]
        signature = signature_line(s, lines) if lines else s.qualified_name
        doc = first_doc_line(lines, s) if lines else ""
        # A neighbour's line is context, never edited: a token in it (`TOKEN = "…"` in a
        # settings module) is redacted rather than sent.
        rows.append(redact(f"- {s.path}: {signature}" + (f" — {doc}" if doc else ""), known))
    return "\n".join(rows)


def _secret_values(workspace: Workspace) -> frozenset[str]:
    """The values of the workspace's top-level secret files (`.env`, `.npmrc`, …), read
    again only when one of them changed (every prompt that lists neighbours needs them)."""
    try:
        files = sorted(p for p in workspace.root.iterdir() if p.is_file() and workspace.is_secret(p.name))
        stamps = tuple((str(p), p.stat().st_mtime_ns, p.stat().st_size) for p in files)
    except OSError:
        return frozenset()
    return _values_of(stamps)


@functools.lru_cache(maxsize=8)
def _values_of(stamps: tuple[tuple[str, int, int], ...]) -> frozenset[str]:
    return values_in([Path(path) for path, _, _ in stamps])


def _worth_listing(symbol: Symbol) -> bool:
    """Functions, classes and such; a variable only when its definition is one line
    (`HANDLING = 250`), which then says all there is to say about it."""
    return symbol.kind not in ("variable", "constant") or symbol.range.start.line == symbol.range.end.line


def _inside(inner: Symbol, outer: Symbol) -> bool:
    """Whether `inner` is `outer` or one of its nested definitions."""
    return (
        inner.path == outer.path
        and outer.range.start.line <= inner.range.start.line
        and inner.range.end.line <= outer.range.end.line
    )


# New code in a file this long gets the file's outline, not the file: its end, its imports
# and one line per definition say what the new code may use and must not repeat.
OUTLINE_FROM_LINES = 120
OUTLINE_TAIL_LINES = 12
MAX_OUTLINED = 40


def file_outline(
    project_map: ProjectMap, workspace: Workspace, path: str, text: str, request: str = "", within: Symbol | None = None
) -> str:
    """What new code in `path` needs of the file (`within`: of that class): the file's
    imports, the definitions the request names, a line per definition of the file (its
    signature and first doc line), and the file's last lines, where the new code goes."""
    parts = []
    if imports := file_imports(path, text):
        parts.append(f"Imports of {path}:\n{imports}")
    named = _named(project_map, request)
    if listed := _listed(named, workspace):
        parts.append(f"Named in the request:\n{listed}")
    defined = [
        s
        for s in project_map.symbols(path)
        if _worth_listing(s) and s not in named and (s.container == within.name if within else s.container is None)
    ]
    where = f"`{within.name}`" if within else path
    if listed := _listed(defined[:MAX_OUTLINED], workspace):
        more = f"\n… and {len(defined) - MAX_OUTLINED} more" if len(defined) > MAX_OUTLINED else ""
        parts.append(f"Defined in {where}:\n{listed}{more}")
    lines = split_lines(text)
    end = (within.range.end.line + 1) if within else len(lines)
    tail = "".join(lines[max(0, end - OUTLINE_TAIL_LINES) : end]).rstrip("\n")
    parts.append(f"The last lines of {where}:\n{redact(tail, _secret_values(workspace))}")
    return "\n\n".join(parts)


def _named(project_map: ProjectMap, request: str) -> list[Symbol]:
    """Definitions whose names the request writes, in its order."""
    order: dict[str, int] = {}
    for index, word in enumerate(_WORD.findall(request)):
        order.setdefault(word.rpartition(".")[2], index)
    return _definitions(project_map, order, None)[:MAX_NAMED]
