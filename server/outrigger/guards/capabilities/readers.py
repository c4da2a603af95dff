"""Which reader reads each language's references (the dotted names its table lists), and the
language family a file belongs to: TypeScript is read as JavaScript, C++ as C. Ruby, PHP, Java,
C and C# are read as chains of names plus the methods called on values, both through the
file's namespace aliases."""

from __future__ import annotations

from collections.abc import Iterator

import tree_sitter

from outrigger.guards.capabilities.bash_reader import bash_references
from outrigger.guards.capabilities.chain_reader import chain_references
from outrigger.guards.capabilities.go_reader import go_references
from outrigger.guards.capabilities.javascript_reader import javascript_references
from outrigger.guards.capabilities.nodes import node_text, walk
from outrigger.guards.capabilities.python_reader import python_references
from outrigger.guards.capabilities.rust_reader import rust_references
from outrigger.guards.capabilities.value_classes import class_name, methods_called_on_values
from outrigger.workspace.syntax import language_for


def _chain_aliases(root: tree_sitter.Node) -> dict[str, str]:
    """Names a file gives namespaces and classes: C++'s `namespace fs = std::filesystem;`, C#'s
    `using P = System.Diagnostics.Process;`, PHP's `use Foo\\Bar as Baz;`."""
    aliases: dict[str, str] = {}
    for node in walk(root):
        if node.type == "namespace_alias_definition":
            name = node.child_by_field_name("name")
            target = next((c for c in node.named_children if c != name), None)
            if name is not None and target is not None:
                aliases[node_text(name)] = class_name(node_text(target))
        elif node.type == "using_directive" and (name := node.child_by_field_name("name")) is not None:
            target = next((c for c in node.named_children if c != name), None)
            if target is not None:
                aliases[node_text(name)] = class_name(node_text(target))
        elif node.type == "namespace_use_clause" and (alias := node.child_by_field_name("alias")) is not None:
            target = next((c for c in node.named_children if c != alias), None)
            if target is not None:
                aliases[node_text(alias)] = class_name(node_text(target))
    return aliases


def _names_and_receivers(root: tree_sitter.Node) -> Iterator[str]:
    """`chain_references` and `methods_called_on_values`, read through the file's aliases."""
    aliases = _chain_aliases(root)
    for reference in (*chain_references(root), *methods_called_on_values(root)):
        star = "*." if reference.startswith("*.") else ""
        head, dot, rest = reference[len(star) :].partition(".")
        yield star + aliases[head] + dot + rest if head in aliases else reference


READERS = {
    "python": python_references,
    "javascript": javascript_references,
    "rust": rust_references,
    "go": go_references,
    "ruby": _names_and_receivers,
    "php": _names_and_receivers,
    "lua": chain_references,
    "java": _names_and_receivers,
    "c": _names_and_receivers,
    "csharp": _names_and_receivers,
    "bash": bash_references,
}


def family_of(path: str) -> str | None:
    """The family whose table and reader judge `path`; None for a language without one."""
    language = language_for(path)
    if language in ("typescript", "tsx"):
        return "javascript"
    if language == "cpp":
        return "c"
    return language if language in READERS else None
