"""Go's references: imported packages by path (`os/exec`) and `pkg.Name` selectors read through
the import's name."""

from __future__ import annotations

from collections.abc import Iterator

import tree_sitter

from outrigger.guards.capabilities.nodes import node_text, string_value, walk


def go_references(root: tree_sitter.Node) -> Iterator[str]:
    """Each package the tree imports and each `pkg.Name` it uses."""
    aliases: dict[str, str] = {}
    for node in walk(root):
        if node.type == "import_spec":
            path = string_value(node.child_by_field_name("path") or node)
            if path is None:
                continue
            yield path
            name = node.child_by_field_name("name")
            aliases[node_text(name) if name is not None else path.rpartition("/")[2]] = path
    for node in walk(root):
        if node.type == "selector_expression":
            operand, field = node.child_by_field_name("operand"), node.child_by_field_name("field")
            if operand is not None and operand.type == "identifier":  # an import the edit has yet to add too
                yield f"{aliases.get(node_text(operand), node_text(operand))}.{node_text(field)}"
