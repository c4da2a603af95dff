"""The additions guard: code added to a file adds definitions, and nothing that runs when the
file is loaded or rebinds a name the file already has. A model once answered "add a function"
with `def hello(): ...` followed by `import os; os.system(...)`, `get_item.__code__ = ...` and
`globals()["get_item"] = hello`, and it was applied as "Added `hello`".

What may be added (read with tree-sitter, top-level statement by statement):
- functions and classes. What Python runs while defining them (decorators, default values,
  annotations, base classes, class bodies) may not call anything, except a few decorators
  known to only wrap or register the definition on the class itself (`@property`,
  `@dataclass(frozen=True)`, `@functools.cache` …). JS/TS evaluate defaults at call time;
  their class bodies (static fields, static blocks, computed keys, `extends`) may not call.
- constants whose value is a literal (`TIMEOUT = 30`, `const LIMIT = 10;`);
- imports (`import json`, `const fs = require("fs")`), which run the imported module's own
  code: they are named in the summary, and may not rebind a name the file has.
Part of symbol confinement: it honours that switch.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import tree_sitter

from outrigger.errors import Refused
from outrigger.guards.switches import Guards
from outrigger.workspace.syntax import language_for, parse

# Decorators that wrap or register a definition and run nothing of the model's choosing.
SAFE_DECORATORS = frozenset(
    {
        "staticmethod",
        "classmethod",
        "property",
        "abstractmethod",
        "abc.abstractmethod",
        "cache",
        "functools.cache",
        "lru_cache",
        "functools.lru_cache",
        "cached_property",
        "functools.cached_property",
        "dataclass",
        "dataclasses.dataclass",
        "overload",
        "typing.overload",
        "override",
        "typing.override",
        "final",
        "typing.final",
        "total_ordering",
        "functools.total_ordering",
    }
)
_PROPERTY_PARTS = (".setter", ".getter", ".deleter")  # `@value.setter` on a property of the class
_SAFE_CALLS = frozenset({"field", "dataclasses.field"})  # `x: list = field(default_factory=list)`

# Module-level functions Python itself calls (PEP 562): on every lookup of a name the module
# lacks (`from module import anything`, `hasattr`), on every `dir()` of it.
_MODULE_HOOKS = {
    "__getattr__": "every lookup of a name the module lacks (an import, `hasattr`)",
    "__dir__": "every `dir()` of the module",
}

_PY_RUNS = frozenset({"call", "await", "yield", "named_expression"})
_JS_RUNS = frozenset(
    {"call_expression", "new_expression", "await_expression", "yield_expression", "assignment_expression"}
)
_PY_LITERALS = frozenset(
    {
        "integer",
        "float",
        "string",
        "concatenated_string",
        "true",
        "false",
        "none",
        "unary_operator",
        "binary_operator",
        "tuple",
        "list",
        "set",
        "dictionary",
        "pair",
        "parenthesized_expression",
        "string_start",
        "string_content",
        "string_end",
        "escape_sequence",
    }
)
_JS_LITERALS = frozenset(
    {
        "number",
        "string",
        "string_fragment",
        "escape_sequence",
        "true",
        "false",
        "null",
        "undefined",
        "unary_expression",
        "binary_expression",
        "array",
        "object",
        "pair",
        "property_identifier",
        "parenthesized_expression",
        "template_string",  # without substitutions: checked below
    }
)
_JS_FUNCTIONS = frozenset({"arrow_function", "function_expression", "function", "generator_function"})
_JS_DECLARATIONS = frozenset(
    {
        "function_declaration",
        "generator_function_declaration",
        "interface_declaration",
        "type_alias_declaration",
        "ambient_declaration",
    }
)


@dataclass
class Additions:
    """What a reply adds: the names it imports (for the summary) besides its definitions."""

    imports: list[str] = field(default_factory=list)


class _Reject(Exception):
    def __init__(self, node: tree_sitter.Node, why: str) -> None:
        self.node, self.why = node, why


def _text(node: tree_sitter.Node | None) -> str:
    return (node.text or b"").decode("utf-8", "replace") if node is not None else ""


def _first(node: tree_sitter.Node, types: frozenset[str]) -> tree_sitter.Node | None:
    stack = [node]
    while stack:
        current = stack.pop()
        if current.type in types:
            return current
        stack.extend(reversed(current.children))
    return None


def _only(node: tree_sitter.Node, allowed: frozenset[str]) -> bool:
    """Every named node under `node` (itself included) is of an allowed type."""
    stack = [node]
    while stack:
        current = stack.pop()
        if current.is_named and current.type not in allowed:
            return False
        if current.type in ("interpolation", "template_substitution"):
            return False
        stack.extend(current.children)
    return True


def check_additions(guards: Guards, path: str, code: str, old_text: str, existing: set[str]) -> Additions:
    """Refuse (naming the statement) code that does more than add definitions to `path`.
    `existing` holds the names the file defines; its imports are read from `old_text`."""
    if not guards.symbol_confinement:
        return Additions()
    tree = parse(path, code)
    if tree.root_node.has_error:
        return Additions()  # the syntax guard refuses it, with the parse error
    python = language_for(path) == "python"
    reader = _Python() if python else _JavaScript()
    bound_before = reader.imports(parse(path, old_text).root_node)
    additions = Additions()
    try:
        for statement in tree.root_node.named_children:
            for name, source in reader.statement(statement):
                if name in existing or (name in bound_before and bound_before[name] != source):
                    raise _Reject(statement, f"rebinds `{name}`, which {path} already has")
                if source:
                    additions.imports.append(name)
    except RecursionError:  # the statement reader recurses per nesting level
        raise Refused("The model's code is nested too deeply to check; nothing was changed.") from None
    except _Reject as rejected:
        line = rejected.node.start_point.row + 1
        shown = " ".join(_text(rejected.node).split())
        shown = shown if len(shown) <= 60 else shown[:59] + "…"
        raise Refused(
            f"The model's code does more than add definitions: `{shown}` (line {line}) {rejected.why}; "
            "nothing was changed."
        ) from None
    return additions


class _Python:
    RUNS = "runs when the module is imported"

    def imports(self, root: tree_sitter.Node) -> dict[str, str]:
        """Names the module's imports bind → the import statement (normalized)."""
        bound: dict[str, str] = {}
        for statement in root.named_children:
            if statement.type in ("import_statement", "import_from_statement"):
                for name in self._import_names(statement):
                    bound[name] = " ".join(_text(statement).split())
        return bound

    def _import_names(self, statement: tree_sitter.Node) -> list[str]:
        names = []
        module = statement.child_by_field_name("module_name")
        for child in statement.named_children:
            if child == module:
                continue
            if child.type == "wildcard_import":
                raise _Reject(statement, "may rebind any name of the file")
            if child.type == "aliased_import":
                names.append(_text(child.child_by_field_name("alias")))
            elif child.type == "dotted_name":
                parts = _text(child).split(".")
                names.append(parts[0] if statement.type == "import_statement" else parts[-1])
        return names

    def statement(self, node: tree_sitter.Node) -> list[tuple[str, str]]:
        """(name bound, import source or "") per name the statement binds; _Reject otherwise."""
        if node.type in ("comment", "future_import_statement"):
            return []
        if node.type in ("import_statement", "import_from_statement"):
            source = " ".join(_text(node).split())
            return [(name, source) for name in self._import_names(node)]
        if node.type in ("function_definition", "class_definition", "decorated_definition"):
            name = self.definition(node)
            if name in _MODULE_HOOKS:
                raise _Reject(node, f"defines the module's `{name}`, which runs on {_MODULE_HOOKS[name]}")
            return [(name, "")]
        if node.type == "expression_statement":
            return [(self.constant(node), "")]
        raise _Reject(node, self.RUNS)

    def constant(self, node: tree_sitter.Node) -> str:
        assignment = node.named_children[0] if node.named_child_count == 1 else None
        if assignment is not None and assignment.type in _PY_LITERALS and _only(assignment, _PY_LITERALS):
            return ""  # a string statement: inert
        if assignment is None or assignment.type != "assignment":
            raise _Reject(node, self.RUNS)
        left, right = assignment.child_by_field_name("left"), assignment.child_by_field_name("right")
        annotation = assignment.child_by_field_name("type")
        if left is None or left.type != "identifier":
            raise _Reject(node, "assigns to something other than a new name")
        if right is not None and not _only(right, _PY_LITERALS):
            raise _Reject(node, f"gives `{_text(left)}` a value that is not a literal; it {self.RUNS}")
        if annotation is not None and (found := _first(annotation, _PY_RUNS)) is not None:
            raise _Reject(node, f"calls `{_text(found)}` in an annotation, which {self.RUNS}")
        return _text(left)

    def definition(self, node: tree_sitter.Node) -> str:
        definition = node
        if node.type == "decorated_definition":
            for decorator in (child for child in node.named_children if child.type == "decorator"):
                self.decorator(decorator)
            definition = node.child_by_field_name("definition") or node
        name = _text(definition.child_by_field_name("name"))
        where = f"in `{name}`'s definition"
        for part in ("parameters", "return_type", "superclasses", "type_parameters"):
            if (child := definition.child_by_field_name(part)) is not None:
                self.no_calls(child, node, where)
        if definition.type == "class_definition" and (body := definition.child_by_field_name("body")) is not None:
            for statement in body.named_children:
                self.class_statement(statement)
        return name

    def decorator(self, decorator: tree_sitter.Node) -> None:
        expression = decorator.named_children[0] if decorator.named_children else decorator
        callee: tree_sitter.Node | None = expression
        arguments: tree_sitter.Node | None = None
        if expression.type == "call":
            callee, arguments = expression.child_by_field_name("function"), expression.child_by_field_name("arguments")
        name = _text(callee)
        safe = name in SAFE_DECORATORS or (
            callee is not None and callee.type == "attribute" and name.endswith(_PROPERTY_PARTS)
        )
        if not safe or (
            arguments is not None
            and not all(_only(a, _PY_LITERALS | {"keyword_argument", "identifier"}) for a in arguments.named_children)
        ):
            raise _Reject(decorator, f"applies the decorator `{name}`, which {self.RUNS}")

    def class_statement(self, statement: tree_sitter.Node) -> None:
        if statement.type in ("comment", "pass_statement"):
            return
        if statement.type in ("function_definition", "class_definition", "decorated_definition"):
            self.definition(statement)
            return
        if statement.type == "expression_statement":
            for assignment in statement.named_children:
                if assignment.type in _PY_LITERALS and _only(assignment, _PY_LITERALS):
                    continue  # a docstring
                value = assignment.child_by_field_name("right") if assignment.type == "assignment" else None
                if assignment.type != "assignment" or (value is not None and not self.inert_value(value)):
                    raise _Reject(statement, f"runs in the class body, which {self.RUNS}")
                if (annotation := assignment.child_by_field_name("type")) is not None:
                    self.no_calls(annotation, statement, "in the class body")
            return
        raise _Reject(statement, f"runs in the class body, which {self.RUNS}")

    def inert_value(self, value: tree_sitter.Node) -> bool:
        if _only(value, _PY_LITERALS):
            return True
        if value.type == "call" and _text(value.child_by_field_name("function")) in _SAFE_CALLS:
            arguments = value.child_by_field_name("arguments")
            return arguments is None or _first(arguments, _PY_RUNS) is None
        return False

    def no_calls(self, part: tree_sitter.Node, statement: tree_sitter.Node, where: str) -> None:
        if (found := _first(part, _PY_RUNS)) is not None:
            raise _Reject(statement, f"calls `{_text(found)}` {where}, which {self.RUNS}")


class _JavaScript:
    RUNS = "runs when the module is loaded"

    def imports(self, root: tree_sitter.Node) -> dict[str, str]:
        bound: dict[str, str] = {}
        for statement in root.named_children:
            try:
                names = self.statement(statement)
            except _Reject:
                continue
            bound.update({name: source for name, source in names if source})
        return bound

    def statement(self, node: tree_sitter.Node) -> list[tuple[str, str]]:
        if node.type == "comment" or (node.type == "expression_statement" and _is_directive(node)):
            return []
        if node.type == "import_statement":
            source = " ".join(_text(node).split())
            clause = next((c for c in node.named_children if c.type == "import_clause"), None)
            names = [_text(n) for n in _identifiers(clause)] if clause is not None else []
            return [(name, source) for name in names]
        if node.type == "export_statement":
            declaration = node.child_by_field_name("declaration")
            value = node.child_by_field_name("value")
            if declaration is not None:
                return self.statement(declaration)
            if value is not None and value.type not in _JS_FUNCTIONS and not _only(value, _JS_LITERALS):
                raise _Reject(node, self.RUNS)
            return []  # `export { a }`, `export * from "x"`
        if node.type in _JS_DECLARATIONS:
            return [(_text(node.child_by_field_name("name")), "")]
        if node.type in ("class_declaration", "abstract_class_declaration"):
            self.class_(node)
            return [(_text(node.child_by_field_name("name")), "")]
        if node.type == "enum_declaration":
            if (found := _first(node, _JS_RUNS)) is not None:
                raise _Reject(node, f"calls `{_text(found)}`, which {self.RUNS}")
            return [(_text(node.child_by_field_name("name")), "")]
        if node.type in ("lexical_declaration", "variable_declaration"):
            return [self.declarator(node, d) for d in node.named_children if d.type == "variable_declarator"]
        raise _Reject(node, self.RUNS)

    def declarator(self, statement: tree_sitter.Node, declarator: tree_sitter.Node) -> tuple[str, str]:
        name, value = declarator.child_by_field_name("name"), declarator.child_by_field_name("value")
        if name is not None and name.type in ("object_pattern", "array_pattern") and value is not None:
            if _is_require(value):  # `const { promisify } = require("util")`
                return _text(name), " ".join(_text(statement).split())
        if name is None or name.type != "identifier":
            raise _Reject(statement, "binds names by destructuring a value, which " + self.RUNS)
        if value is None or value.type in _JS_FUNCTIONS or _only(value, _JS_LITERALS):
            return _text(name), ""
        if value.type in ("class", "class_expression"):
            self.class_(value)
            return _text(name), ""
        if _is_require(value):
            return _text(name), " ".join(_text(statement).split())
        raise _Reject(statement, f"gives `{_text(name)}` a value that is computed when the module is loaded")

    def class_(self, node: tree_sitter.Node) -> None:
        if any(child.type == "decorator" for child in node.children):
            raise _Reject(node, "applies a decorator, which " + self.RUNS)
        heritage = next((c for c in node.named_children if c.type == "class_heritage"), None)
        if heritage is not None and (found := _first(heritage, _JS_RUNS)) is not None:
            raise _Reject(node, f"calls `{_text(found)}` in `extends`, which {self.RUNS}")
        body = node.child_by_field_name("body")
        for member in body.named_children if body is not None else []:
            if member.type == "class_static_block" or any(c.type == "decorator" for c in member.children):
                raise _Reject(member, self.RUNS)
            key = member.child_by_field_name("name") or member.child_by_field_name("property")
            if key is not None and key.type == "computed_property_name" and _first(key, _JS_RUNS) is not None:
                raise _Reject(member, f"computes a member's name, which {self.RUNS}")
            value = member.child_by_field_name("value")
            static = any(child.type == "static" for child in member.children)
            if static and value is not None and value.type not in _JS_FUNCTIONS and not _only(value, _JS_LITERALS):
                raise _Reject(member, f"initialises a static field, which {self.RUNS}")


def _identifiers(node: tree_sitter.Node) -> list[tree_sitter.Node]:
    """The local names an import clause binds (`a`, `{ b as c }` → c, `* as d`)."""
    found: list[tree_sitter.Node | None] = []
    stack = [node]
    while stack:
        current = stack.pop()
        if current.type == "identifier":
            found.append(current)
        elif current.type == "import_specifier":
            found.append(current.child_by_field_name("alias") or current.child_by_field_name("name"))
            continue
        stack.extend(current.named_children)
    return [n for n in found if n is not None]


def _is_require(value: tree_sitter.Node) -> bool:
    """`require("fs")`: a CommonJS import, with a literal module name."""
    if value.type != "call_expression" or _text(value.child_by_field_name("function")) != "require":
        return False
    arguments = value.child_by_field_name("arguments")
    return arguments is not None and [a.type for a in arguments.named_children] == ["string"]


def _is_directive(node: tree_sitter.Node) -> bool:
    """`"use strict";`: a string statement, inert."""
    return node.named_child_count == 1 and node.named_children[0].type == "string"


_EXPORTS_LIST = re.compile(r"^\s*module\.exports\s*=\s*\{([^}]*)\}\s*;?\s*$")


def without_repeats(path: str, code: str, old_text: str) -> tuple[str, list[str]]:
    """The reply without what the file already has: small models asked for one new function
    send the whole file back (its functions unchanged, its imports, its `module.exports`).
    Top-level pieces equal to one of the file's are dropped; a `module.exports = { … }` copy is
    dropped too, and the names it lists come back so the caller can export the new ones in
    the file's own list. A piece that differs from the file's stays, for the other checks."""
    try:
        old_root, new_root = parse(path, old_text).root_node, parse(path, code).root_node
    except Refused:
        return code, []
    known = {_normalized(_text(node)) for node in old_root.named_children}
    data = code.encode("utf-8")
    runs: list[list[int]] = []  # [start, end] byte spans of kept pieces next to each other
    listed: list[str] = []
    dropped = True
    for node in new_root.named_children:
        piece = _text(node)
        if (m := _EXPORTS_LIST.match(piece)) and language_for(path) in ("javascript", "typescript", "tsx"):
            listed += [name.strip().split(":")[0].strip() for name in m.group(1).split(",") if name.strip()]
            dropped = True
        elif _normalized(piece) in known:
            dropped = True
        elif dropped or not runs:
            runs.append([node.start_byte, node.end_byte])
            dropped = False
        else:
            runs[-1][1] = node.end_byte  # its neighbour was kept too: their spacing stays
    if len(runs) == 1 and runs[0] == [new_root.named_children[0].start_byte, new_root.named_children[-1].end_byte]:
        return code, []  # nothing repeated: the reply as it came, spacing and all
    # A comment stays on the definition it sits on; pieces with a dropped one between are
    # set apart by a blank line.
    return "\n\n".join(data[start:end].decode("utf-8") for start, end in runs), listed


def _normalized(text: str) -> str:
    return " ".join(text.split())
