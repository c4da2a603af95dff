"""Methods called on values, read through the value's class (Java, C#, C/C++, PHP, Ruby).

`File f = new File(p); f.delete()`, `new File(p).delete()`, `Runtime.getRuntime().exec(…)`,
`var fi = new FileInfo(p); fi.Delete()`, `$f = new SplFileObject($p); $f->fwrite(…)`,
`f = File.new(p); f.chmod(…)`: the class is read from a declaration's type, a constructor,
or a static call on a class (a factory returns its own class's values), and the call is
the class's method (`File.delete`), so a table names `File.delete` once, not each way of
reaching it. Scopes are not told apart: a name means the last class the file declares it with.
Python's values (`Path(p).unlink()`) are read in `python_reader`, through the file's imports.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import tree_sitter

from outrigger.guards.capabilities.nodes import node_text, walk

# Node type → (receiver field, method field) of a method called on a value.
_METHOD_CALLS = {
    "method_invocation": ("object", "name"),  # Java
    "member_access_expression": ("expression", "name"),  # C#
    "field_expression": ("argument", "field"),  # C++
    "member_call_expression": ("object", "name"),  # PHP
    "call": ("receiver", "method"),  # Ruby
}
_CREATIONS = frozenset({"object_creation_expression", "new_expression"})
_INFERRED = frozenset({"var", "auto", "dynamic", "implicit_type", "placeholder_type_specifier"})
_RUBY_MAKERS = frozenset({"new", "open"})


def methods_called_on_values(root: tree_sitter.Node) -> Iterator[str]:
    """`Class.method` for each method called on a value whose class the code shows."""
    classes: dict[str, str] = {}
    for node in walk(root):
        for name, kind in _declared(node):
            classes[name] = kind
    for node in walk(root):
        fields = _METHOD_CALLS.get(node.type)
        if fields is None:
            continue
        receiver, method = node.child_by_field_name(fields[0]), node.child_by_field_name(fields[1])
        if receiver is not None and method is not None and (owner := _class_of(receiver, classes)):
            yield f"{owner}.{node_text(method)}"


def _declared(node: tree_sitter.Node) -> Iterator[tuple[str, str]]:
    """(name, class) for each name `node` declares with a class the code shows."""
    kind = node.child_by_field_name("type")
    if kind is not None and node.type not in _CREATIONS and "function" not in node.type and "method" not in node.type:
        inferred = kind.type in _INFERRED or node_text(kind) in _INFERRED
        for name, value in _declared_names(node):
            made = _created(value) if value is not None else None
            if made or not inferred:
                yield name, made or class_name(node_text(kind))
    elif node.type in ("assignment", "assignment_expression"):  # Ruby, PHP: `f = File.new(p)`
        left, right = node.child_by_field_name("left"), node.child_by_field_name("right")
        if left is not None and right is not None and (made := _created(right)):
            yield node_text(left), made


def _declared_names(node: tree_sitter.Node) -> Iterator[tuple[str, tree_sitter.Node | None]]:
    """The names a declaration binds, each with its initial value (None when it has none)."""
    name = node.child_by_field_name("name")
    if name is not None:
        yield node_text(name), node.child_by_field_name("value")
    for child in node.named_children:
        if child.type == "variable_declarator":  # Java, C#: `File a = …, b;`
            inner = child.child_by_field_name("name") or next(
                (c for c in child.named_children if c.type == "identifier"), None
            )
            value = child.child_by_field_name("value") or next(
                (c for c in child.named_children if c.type in _CREATIONS), None
            )
            if inner is not None:
                yield node_text(inner), value
    declarator = node.child_by_field_name("declarator")
    while declarator is not None and declarator.type != "variable_declarator":  # C++
        if declarator.type in ("identifier", "field_identifier"):
            yield node_text(declarator), None
            break
        if declarator.type == "init_declarator":
            inner, value = declarator.child_by_field_name("declarator"), declarator.child_by_field_name("value")
            if inner is not None and inner.type == "identifier":
                yield node_text(inner), value
                break
        declarator = declarator.child_by_field_name("declarator") or next(iter(declarator.named_children), None)


def _created(node: tree_sitter.Node) -> str | None:
    """The class a constructor call makes: `new File(p)`, `File.new(p)`, `File.open(p)`."""
    if node.type in _CREATIONS:
        kind = node.child_by_field_name("type") or next(
            (c for c in node.named_children if c.type in ("name", "qualified_name")), None
        )
        return class_name(node_text(kind)) if kind is not None else None
    if node.type == "call" and node_text(node.child_by_field_name("method")) in _RUBY_MAKERS:
        receiver = node.child_by_field_name("receiver")
        if receiver is not None and receiver.type in ("constant", "scope_resolution"):
            return class_name(node_text(receiver))
    return None


def _class_of(node: tree_sitter.Node, classes: dict[str, str]) -> str | None:
    """The class of the value `node` is, where the code shows it."""
    while node.type == "parenthesized_expression" and node.named_children:
        node = node.named_children[0]
    if node.type in ("identifier", "variable_name"):
        return classes.get(node_text(node))
    if node.type == "field_access" and node_text(node.child_by_field_name("object")) == "this":  # Java's `this.f`
        return classes.get(node_text(node.child_by_field_name("field")))
    if (made := _created(node)) is not None:
        return made
    # A static call on a class (`Runtime.getRuntime()`, `File.open(p)`): a value of that class.
    fields = _METHOD_CALLS.get(node.type)
    if node.type == "invocation_expression":  # C#: the call around `Type.Method`
        function = node.child_by_field_name("function")
        if function is not None and function.type == "member_access_expression":
            node, fields = function, _METHOD_CALLS[function.type]
    if fields is None:
        return None
    owner = node.child_by_field_name(fields[0])
    if owner is not None and owner.type in ("identifier", "constant") and node_text(owner)[:1].isupper():
        return classes.get(node_text(owner)) or class_name(node_text(owner))
    return None


def class_name(text: str) -> str:
    """`java.util.List<File>[]` → `java.util.List`; `std::ofstream` → `std.ofstream`."""
    while "<" in text and (shorter := re.sub(r"<[^<>]*>", "", text)) != text:
        text = shorter
    for word in ("const ", "final ", "struct ", "class "):
        text = text.replace(word, "")
    text = text.replace("::", ".").replace("\\", ".").strip(" *&?[]\t\n.")
    return text
