"""Reading tree-sitter nodes, for the capabilities guard's readers: a node's text, every node
below one, a plain string's value, and a dotted chain of names."""

from __future__ import annotations

from collections.abc import Iterator

import tree_sitter


def node_text(node: tree_sitter.Node | None) -> str:
    return (node.text or b"").decode("utf-8", "replace") if node is not None else ""


def walk(root: tree_sitter.Node) -> Iterator[tree_sitter.Node]:
    stack = [root]
    while stack:
        node = stack.pop()
        yield node
        stack.extend(reversed(node.children))


def string_value(node: tree_sitter.Node) -> str | None:
    """A plain string literal's value (no interpolation); None for anything else."""
    if node.type not in ("string", "interpreted_string_literal", "raw_string_literal", "string_literal"):
        return None
    if any(child.type in ("interpolation", "template_substitution") for child in node.children):
        return None
    return node_text(node)[1:-1] if len(node_text(node)) >= 2 else None


def dotted_name(node: tree_sitter.Node, kind: str, left: str, right: str) -> str | None:
    """`a.b.c` of a chain of names (`kind` nodes with `left` and `right` fields); None when the
    chain starts with something else (a call, a subscript)."""
    parts: list[str] = []
    while node.type == kind:
        parts.append(node_text(node.child_by_field_name(right)))
        inner = node.child_by_field_name(left)
        if inner is None:
            return None
        node = inner
    if node.type not in ("identifier", "type_identifier", "package_identifier", "crate", "self", "super"):
        return None
    parts.append(node_text(node))
    return ".".join(reversed(parts))
