"""Rust's references: `use` paths under their local names (`{…}` lists, `as`), scoped paths
(`std::process::Command`), macros (`include_str!`), `extern crate` and `unsafe`."""

from __future__ import annotations

from collections.abc import Iterator

import tree_sitter

from outrigger.guards.capabilities.nodes import node_text, walk


def rust_references(root: tree_sitter.Node) -> Iterator[str]:
    """Each reference the tree makes, read through its `use`s."""
    aliases: dict[str, str] = {}
    for node in walk(root):
        if node.type == "use_declaration":
            argument = node.child_by_field_name("argument")
            for full, local in _rust_uses(argument, "") if argument is not None else []:
                yield full
                if local:
                    aliases[local] = full
        elif node.type in ("unsafe_block", "unsafe") or (
            node.type == "function_modifiers" and "unsafe" in node_text(node)
        ):
            yield "<unsafe>"
        elif node.type == "macro_invocation":
            yield node_text(node.child_by_field_name("macro")).replace("::", ".") + "!"
        elif node.type == "extern_crate_declaration":
            yield node_text(node.child_by_field_name("name"))
    for node in walk(root):
        if node.type in ("scoped_identifier", "scoped_type_identifier") and not (
            node.parent is not None
            and node.parent.type in ("scoped_identifier", "scoped_type_identifier", "use_declaration")
        ):
            dotted = node_text(node).replace("::", ".").replace(" ", "")
            head, _, rest = dotted.partition(".")
            yield aliases.get(head, head) + ("." + rest if rest else "")
        elif node.type in ("identifier", "type_identifier") and node_text(node) in aliases:
            yield aliases[node_text(node)]


def _rust_uses(node: tree_sitter.Node, prefix: str) -> Iterator[tuple[str, str]]:
    """(full dotted path, local name) of each path a `use` brings in (`{…}` lists, `as`)."""
    join = (prefix + ".") if prefix else ""
    if node.type in ("identifier", "crate", "self", "super", "scoped_identifier"):
        full = join + node_text(node).replace("::", ".")
        if full.endswith(".self"):
            full = full.removesuffix(".self")
        yield full, full.rpartition(".")[2]
    elif node.type == "use_as_clause":
        path, alias = node.child_by_field_name("path"), node.child_by_field_name("alias")
        if path is not None:
            yield join + node_text(path).replace("::", "."), node_text(alias)
    elif node.type == "scoped_use_list":
        path, items = node.child_by_field_name("path"), node.child_by_field_name("list")
        inner = join + node_text(path).replace("::", ".") if path is not None else prefix
        yield inner, ""
        for item in items.named_children if items is not None else []:
            yield from _rust_uses(item, inner)
    elif node.type == "use_list":
        for item in node.named_children:
            yield from _rust_uses(item, prefix)
    elif node.type == "use_wildcard":
        yield join + node_text(node).replace("::", ".").removesuffix(".*"), ""
