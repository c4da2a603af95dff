"""Symbols of one file: definitions found by the language's tag query (`queries/`), and
identifier tokens (what a rename may touch). One code path for every language."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import NamedTuple

import tree_sitter

from outrigger.spans import Position, Range
from outrigger.workspace.languages import Language, language_for, row
from outrigger.workspace.syntax import grammar, parse


@dataclass(frozen=True)
class Symbol:
    name: str
    # "function" | "method" | "class" | "struct" | "interface" | "trait" | "enum" | "type"
    # | "module" | "namespace" | "variable" | "constant"; editors may send others
    kind: str
    path: str
    range: Range  # whole definition, incl. decorators, attributes and the doc comment directly above
    selection: Range  # the name identifier
    container: str | None = None
    source: str = "index"  # "index" | "editor"
    code_range: Range | None = None  # the definition without leading comments; None if unknown

    @property
    def qualified_name(self) -> str:
        return f"{self.container}.{self.name}" if self.container else self.name


# Kinds whose functions are methods and whose variables are fields (fields are not listed).
TYPE_KINDS = frozenset({"class", "struct", "interface", "trait", "enum", "impl"})


@cache
def definition_query(language: str) -> tree_sitter.Query:
    """The language's definition query, compiled once."""
    source = resources.files("outrigger.workspace").joinpath("queries", row(language).query_file)
    return tree_sitter.Query(grammar(language), source.read_text(encoding="utf-8"))


def extract_symbols(path: str, text: str) -> list[Symbol]:
    """Definitions and class members of one file, in document order; [] without a grammar."""
    language = language_for(path)
    if language is None:
        return []
    data = text.encode("utf-8")
    root = parse(path, text).root_node
    table = row(language)
    columns = _Columns(text, data)
    symbols = []
    for found in _definitions(table, root):
        first, code = _leading(found.node, table)
        symbols.append(
            Symbol(
                name=_text(found.name),
                kind=found.kind,
                path=path,
                range=columns.range(first, found.node),
                selection=columns.range(found.name),
                container=found.container,
                code_range=columns.range(code, found.node),
            )
        )
    return symbols


def identifier_spans(path: str, text: str) -> dict[str, list[tuple[int, int, int]]]:
    """Every identifier token of the file by its exact text, as (line, start, end) in code
    points: identifiers never span lines, and int tuples keep a large cache cheap to hold.
    {} without a grammar."""
    language = language_for(path)
    if language is None:
        return {}
    table = row(language)
    identifiers, under = table.identifiers, table.identifiers_under
    data = text.encode("utf-8")
    columns = _Columns(text, data)
    found: dict[str, list[tuple[int, int, int]]] = defaultdict(list)
    cursor = parse(path, text).walk()
    while True:
        node = cursor.node
        assert node is not None
        if node.type in identifiers or (node.type in under and _parent_type(node) in under[node.type]):
            start, end = columns.position(node.start_point), columns.position(node.end_point)
            name = data[node.start_byte : node.end_byte].decode("utf-8")
            found[name].append((start.line, start.character, end.character))
        elif cursor.goto_first_child():
            continue
        while not cursor.goto_next_sibling():
            if not cursor.goto_parent():
                return dict(found)


@dataclass
class _Found:
    pattern: int  # the first pattern of the query that captured this name wins
    kind: str
    node: tree_sitter.Node  # the definition, widened over wrappers such as `export`
    name: tree_sitter.Node
    container: str | None  # named by the query (`@container`) or by the enclosing definition


def _definitions(table: Language, root: tree_sitter.Node) -> list[_Found]:
    """The query's definitions minus those inside `@local` nodes, each with its container."""
    by_name: dict[tuple[int, int], _Found] = {}
    ignored: set[tuple[int, int]] = set()
    scopes: list[tuple[tree_sitter.Node, str]] = []
    local: list[tree_sitter.Node] = []
    for pattern, captures in tree_sitter.QueryCursor(definition_query(table.name)).matches(root):
        if nodes := captures.get("local"):
            local.extend(nodes)
        elif nodes := captures.get("ignore"):
            ignored.update((n.start_byte, n.end_byte) for n in nodes)
        elif (scope := captures.get("scope")) and (names := captures.get("name")):
            scopes.append((scope[0], _text(names[0])))
        else:
            definition = next((key for key in captures if key.startswith("definition.")), None)
            if definition is None:
                continue
            node = captures[definition][0]
            container = captures.get("container")
            for name in captures.get("name", ()):
                key = (name.start_byte, name.end_byte)
                if key not in by_name or pattern < by_name[key].pattern:
                    kind = definition.removeprefix("definition.")
                    by_name[key] = _Found(pattern, kind, node, name, _text(container[0]) if container else None)
    for key in ignored:
        by_name.pop(key, None)
    # Document order; definitions sharing a node (`C, D = 3, 4`) by their names.
    found = sorted(by_name.values(), key=lambda f: (f.node.start_byte, f.name.start_byte))
    for each in found:
        each.node = _widen(each.node, table.wrappers)
    return _contained(found, scopes, local)


_LOCAL, _SCOPE, _DEFINITION = 0, 1, 2


class _Span(NamedTuple):
    start: int
    end: int
    role: int  # _LOCAL, _SCOPE or _DEFINITION: on equal ranges a local scope holds the
    # definition (a Python body block starts and ends with its only statement)
    item: int  # its position in `local`, `scopes` or `found`


def _contained(found: list[_Found], scopes: list[tuple[tree_sitter.Node, str]], local: list[tree_sitter.Node]):
    """One sweep over all ranges in document order, outer before inner: the innermost open
    range around a definition is its container, or a local scope that hides it."""
    spans = [_Span(n.start_byte, n.end_byte, _LOCAL, i) for i, n in enumerate(local)]
    spans += [_Span(n.start_byte, n.end_byte, _SCOPE, i) for i, (n, _) in enumerate(scopes)]
    spans += [_Span(f.node.start_byte, f.node.end_byte, _DEFINITION, i) for i, f in enumerate(found)]
    spans.sort(key=lambda s: (s.start, -s.end, s.role, s.item))
    kept: list[_Found] = []
    around: list[_Span] = []  # the open ranges holding the current one, innermost last
    for span in spans:
        while around and (around[-1].end < span.end or _siblings(around[-1], span)):
            around.pop()
        outer = around[-1] if around else None
        if span.role != _DEFINITION:
            around.append(span)
            continue
        if outer is not None and outer.role == _LOCAL:
            continue  # defined inside a function body: local, not a symbol of the file
        each = found[span.item]
        if outer is not None:
            name, kind = (
                (_text(found[outer.item].name), found[outer.item].kind)
                if outer.role == _DEFINITION
                else (scopes[outer.item][1], "impl")
            )
            each.container = each.container or name
            if kind in TYPE_KINDS and each.kind == "variable":
                continue  # a field
            if kind in TYPE_KINDS and each.kind == "function":
                each.kind = "method"
        kept.append(each)
        around.append(span)
    return kept


def _siblings(a: _Span, b: _Span) -> bool:
    """`C, D = 3, 4`: definitions sharing one node are siblings, not container and member."""
    return a.role == b.role == _DEFINITION and (a.start, a.end) == (b.start, b.end)


def _widen(node: tree_sitter.Node, wrappers: frozenset[str]) -> tree_sitter.Node:
    """`export function f`, `@cache def f`, `const f = …`: the wrapper is part of the
    definition when it wraps nothing else of the kind (`const a = 1, b = 2` keeps each alone)."""
    while (parent := node.parent) is not None and parent.type in wrappers:
        if any(child.type == node.type and child != node for child in parent.named_children):
            break
        node = parent
    return node


def _leading(node: tree_sitter.Node, table: Language) -> tuple[tree_sitter.Node, tree_sitter.Node]:
    """(first comment or attribute of the block directly above `node`, first attribute
    after the last comment): edits to a doc comment stay inside the symbol's range. Each
    must start its own line, with no blank line between."""
    first = code = node
    previous = _previous(node)
    while (
        previous is not None
        and (previous.type in table.comments or previous.type in table.attributes)
        and _last_row(previous) >= first.start_point.row - 1
        and _starts_line(previous)
        and not _is_shebang(previous)
    ):
        if previous.type in table.attributes and code is first:
            code = previous
        first = previous
        previous = _previous(previous)
    return first, code


def _previous(node: tree_sitter.Node) -> tree_sitter.Node | None:
    # A comment above the first statement of a block can land before the block itself
    # (tree-sitter-python does this with a class's first member).
    parent = node.parent
    if node.prev_sibling is None and parent is not None and parent.start_byte == node.start_byte:
        return parent.prev_sibling
    return node.prev_sibling


def _starts_line(comment: tree_sitter.Node) -> bool:
    before = _previous(comment)
    return before is None or _last_row(before) < comment.start_point.row


def _last_row(node: tree_sitter.Node) -> int:
    """The line of a node's last character: Rust's `///` comments and C's `#define`s end
    with their newline, at column 0 of the next line."""
    row, column = node.end_point
    return row - 1 if column == 0 and row > node.start_point.row else row


def _is_shebang(comment: tree_sitter.Node) -> bool:
    return comment.start_byte == 0 and (comment.text or b"").startswith(b"#!")


def _parent_type(node: tree_sitter.Node) -> str | None:
    return node.parent.type if node.parent is not None else None


def _text(node: tree_sitter.Node) -> str:
    return (node.text or b"").decode("utf-8")


class _Columns:
    """tree-sitter counts bytes per line; the core counts code points."""

    def __init__(self, text: str, data: bytes):
        self._data = data
        self._lines = None if text.isascii() else data.split(b"\n")

    def position(self, point: tree_sitter.Point) -> Position:
        row, column = point
        if self._lines is None:
            return Position(row, column)
        return Position(row, len(self._lines[row][:column].decode("utf-8", "ignore")))

    def range(self, start: tree_sitter.Node, end: tree_sitter.Node | None = None) -> Range:
        end = end or start
        row = _last_row(end)
        if row == end.end_point.row:
            return Range(self.position(start.start_point), self.position(end.end_point))
        return Range(self.position(start.start_point), self._line_end(row))

    def _line_end(self, row: int) -> Position:
        line = self._data.split(b"\n", row + 1)[row]
        return Position(row, len(line.decode("utf-8", "ignore")))
