"""Symbol extraction with tree-sitter: definitions and identifier tokens of one file."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass

import tree_sitter

from outrigger.spans import Position, Range
from outrigger.workspace.syntax import language_for, parse


@dataclass(frozen=True)
class Symbol:
    name: str
    kind: str  # "function" | "method" | "class" | "variable" | "interface" | "type" | "enum"
    path: str
    range: Range  # whole definition, incl. decorators and the doc comment directly above
    selection: Range  # the name identifier
    container: str | None = None
    source: str = "index"  # "index" | "editor"
    code_range: Range | None = None  # the definition without leading comments; None if unknown

    @property
    def qualified_name(self) -> str:
        return f"{self.container}.{self.name}" if self.container else self.name


# Every leaf a rename must touch; strings and comments never contain these node types.
IDENTIFIER_TYPES = frozenset(
    {
        "identifier",
        "property_identifier",
        "private_property_identifier",
        "shorthand_property_identifier",
        "shorthand_property_identifier_pattern",
        "type_identifier",
        "statement_identifier",
    }
)

_PY_DEFINITIONS = {"function_definition", "class_definition"}
# Module-level code can define things inside these (`if TYPE_CHECKING:`, `try: import`).
_PY_COMPOUND = {
    "if_statement",
    "elif_clause",
    "else_clause",
    "try_statement",
    "except_clause",
    "finally_clause",
    "with_statement",
    "block",
}
_JS_DECLARATIONS = {
    "function_declaration": "function",
    "generator_function_declaration": "function",
    "class_declaration": "class",
    "abstract_class_declaration": "class",
    "interface_declaration": "interface",
    "type_alias_declaration": "type",
    "enum_declaration": "enum",
}
_JS_FUNCTION_VALUES = {"arrow_function", "function_expression", "function", "generator_function"}
_JS_CLASS_VALUES = {"class", "class_expression"}


class _Columns:
    """tree-sitter counts bytes per line; the core counts code points."""

    def __init__(self, text: str, data: bytes):
        self._lines = None if text.isascii() else data.split(b"\n")

    def position(self, point: tree_sitter.Point) -> Position:
        row, column = point
        if self._lines is None:
            return Position(row, column)
        return Position(row, len(self._lines[row][:column].decode("utf-8", "ignore")))

    def range(self, start: tree_sitter.Node, end: tree_sitter.Node | None = None) -> Range:
        return Range(self.position(start.start_point), self.position((end or start).end_point))


def extract_symbols(path: str, text: str) -> list[Symbol]:
    """Top-level definitions and class members of one file, in document order."""
    data = text.encode("utf-8")
    root = parse(path, text).root_node
    extractor = _Extractor(path, _Columns(text, data))
    if language_for(path) == "python":
        return list(extractor.python(root, None))
    return list(extractor.javascript(root))


def identifier_spans(path: str, text: str) -> dict[str, list[tuple[int, int, int]]]:
    """Every identifier token of the file by its exact text, as (line, start, end) in code
    points: identifiers never span lines, and int tuples keep a large cache cheap to hold."""
    data = text.encode("utf-8")
    columns = _Columns(text, data)
    found: dict[str, list[tuple[int, int, int]]] = defaultdict(list)
    cursor = parse(path, text).walk()
    while True:
        node = cursor.node
        assert node is not None  # a cursor always stands on a node
        if node.type in IDENTIFIER_TYPES:
            start, end = columns.position(node.start_point), columns.position(node.end_point)
            name = data[node.start_byte : node.end_byte].decode("utf-8")
            found[name].append((start.line, start.character, end.character))
        elif cursor.goto_first_child():
            continue
        while not cursor.goto_next_sibling():
            if not cursor.goto_parent():
                return dict(found)


@dataclass
class _Extractor:
    path: str
    columns: _Columns

    def symbol(self, kind: str, name: tree_sitter.Node, outer: tree_sitter.Node, container: str | None) -> Symbol:
        return Symbol(
            name=(name.text or b"").decode("utf-8"),
            kind=kind,
            path=self.path,
            range=self.columns.range(_leading_comments(outer), outer),
            selection=self.columns.range(name),
            container=container,
            code_range=self.columns.range(outer),
        )

    def python(self, node: tree_sitter.Node, container: str | None) -> Iterator[Symbol]:
        for child in node.named_children:
            definition = child
            if child.type == "decorated_definition":
                definition = child.child_by_field_name("definition") or child
            name = definition.child_by_field_name("name")
            if definition.type in _PY_DEFINITIONS and name is not None:
                if definition.type == "class_definition":
                    yield self.symbol("class", name, child, container)
                    body = definition.child_by_field_name("body") or name
                    yield from self.python(body, _text(name))
                else:
                    yield self.symbol("method" if container else "function", name, child, container)
            elif child.type == "expression_statement" and container is None:
                for target in _python_targets(child):
                    yield self.symbol("variable", target, child, None)
            elif child.type in _PY_COMPOUND:
                yield from self.python(child, container)

    def javascript(self, node: tree_sitter.Node) -> Iterator[Symbol]:
        for child in node.named_children:
            declaration = child
            if child.type == "export_statement":
                declaration = child.child_by_field_name("declaration") or child
            name = declaration.child_by_field_name("name")
            kind = _JS_DECLARATIONS.get(declaration.type)
            if kind and name is not None:
                yield self.symbol(kind, name, child, None)
                if kind == "class":
                    body = declaration.child_by_field_name("body")
                    yield from self._class_members(body, _text(name)) if body else ()
            elif declaration.type in ("lexical_declaration", "variable_declaration"):
                declarators = [d for d in declaration.named_children if d.type == "variable_declarator"]
                for declarator in declarators:
                    name = declarator.child_by_field_name("name")
                    if name is None or name.type != "identifier" or _is_require(declarator):
                        continue
                    outer = child if len(declarators) == 1 else declarator
                    yield self.symbol(_value_kind(declarator), name, outer, None)

    def _class_members(self, body: tree_sitter.Node, container: str) -> Iterator[Symbol]:
        for member in body.named_children:
            if member.type == "method_definition":
                name = member.child_by_field_name("name")
            elif member.type in ("field_definition", "public_field_definition"):
                value = member.child_by_field_name("value")
                if value is None or value.type not in _JS_FUNCTION_VALUES:
                    continue
                name = member.child_by_field_name("property") or member.child_by_field_name("name")
            else:
                continue
            if name is not None:
                yield self.symbol("method", name, member, container)


def _text(node: tree_sitter.Node) -> str:
    return (node.text or b"").decode("utf-8")


def _python_targets(statement: tree_sitter.Node) -> list[tree_sitter.Node]:
    """Names bound by `x = ...`, `x: T = ...` and `a, b = ...`."""
    assignment = statement.named_children[0] if statement.named_children else None
    if assignment is None or assignment.type != "assignment":
        return []
    left = assignment.child_by_field_name("left")
    if left is None:
        return []
    if left.type == "identifier":
        return [left]
    if left.type in ("pattern_list", "tuple_pattern"):
        return [n for n in left.named_children if n.type == "identifier"]
    return []


def _is_require(declarator: tree_sitter.Node) -> bool:
    """`const fs = require("fs")` imports a module; it defines nothing here."""
    value = declarator.child_by_field_name("value")
    if value is None or value.type != "call_expression":
        return False
    callee = value.child_by_field_name("function")
    return callee is not None and callee.text == b"require"


def _value_kind(declarator: tree_sitter.Node) -> str:
    value = declarator.child_by_field_name("value")
    if value is not None and value.type in _JS_FUNCTION_VALUES:
        return "function"
    if value is not None and value.type in _JS_CLASS_VALUES:
        return "class"
    return "variable"


def _leading_comments(node: tree_sitter.Node) -> tree_sitter.Node:
    """The first comment of the block directly above `node` (no blank line between,
    each on its own line), or `node` itself: edits to a doc comment stay inside the symbol."""
    first = node
    previous = _previous(node)
    while (
        previous is not None
        and previous.type == "comment"
        and previous.end_point.row >= first.start_point.row - 1
        and _starts_line(previous)
    ):
        first = previous
        previous = _previous(previous)
    return first


def _previous(node: tree_sitter.Node) -> tree_sitter.Node | None:
    # tree-sitter-python puts a comment above a class's first member before the body block.
    if node.prev_sibling is None and node.parent is not None and node.parent.type == "block":
        return node.parent.prev_sibling
    return node.prev_sibling


def _starts_line(comment: tree_sitter.Node) -> bool:
    before = _previous(comment)
    return before is None or before.end_point.row < comment.start_point.row
