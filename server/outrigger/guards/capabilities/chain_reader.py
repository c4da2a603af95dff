"""References in Ruby, PHP, Lua, Java, C, C++ and C#, read as dotted chains of the names in the
tree's leaves, in order: `Net::HTTP.get`, `Runtime.getRuntime().exec` (`Runtime.getRuntime`,
then `*.exec`: a method on a value), `std::system`, `$this->run`,
`System.Diagnostics.Process.Start`. Strings and comments hold no names; a module loaded by name
(`require "socket"`) is read as that name; what runs a shell or calls a name computed at run
time is read as such."""

from __future__ import annotations

from collections.abc import Iterator

import tree_sitter

from outrigger.guards.capabilities.nodes import node_text

_NAME_LEAVES = frozenset(
    {"identifier", "constant", "name", "type_identifier", "field_identifier", "namespace_identifier",
     "property_identifier", "predefined_type"}
)  # fmt: skip
_SEPARATORS = frozenset({".", "::", "->", "\\", "&.", "?.", "?->"})
_KEYWORDS = frozenset({"exit", "die", "asm", "__asm__", "__asm", "unsafe", "eval"})
_QUOTED = ("string", "comment", "heredoc", "character", "char_literal", "string_literal")
_SHELL_NODES = frozenset({"subshell", "shell_command_expression"})  # Ruby's `…` and %x(), PHP's `…`
_LOADS = frozenset({"require", "require_relative", "load", "dofile", "loadfile"})
_PHP_INCLUDES = frozenset(
    {"include_expression", "include_once_expression", "require_expression", "require_once_expression"}
)


def chain_references(root: tree_sitter.Node) -> Iterator[str]:
    """Each chain of names in the tree, and what its nodes do beyond their names."""
    chain: list[str] = []
    method = False  # the chain starts after a separator: a method on a value (`f().exec`)
    previous = ""
    stack = [root]
    while stack:
        node = stack.pop()
        yield from _special(node)
        if node.child_count and not node.type.startswith(_QUOTED) and "comment" not in node.type:
            stack.extend(reversed(node.children))
            continue
        kind, text = (node.type, node_text(node)) if not node.child_count else ("", "")
        if kind in _NAME_LEAVES or (kind == text and text in _KEYWORDS):
            if chain and previous in _SEPARATORS:
                chain.append(text)
            else:
                if chain:
                    yield ("*." if method else "") + ".".join(chain)
                chain, method = [text], previous in _SEPARATORS and previous != "\\"
        elif text not in _SEPARATORS:
            if chain:
                yield ("*." if method else "") + ".".join(chain)
            chain = []
        previous = text
    if chain:
        yield ("*." if method else "") + ".".join(chain)


def _special(node: tree_sitter.Node) -> Iterator[str]:
    """What a node does beyond its names: runs a shell, loads or calls what is computed."""
    if node.type in _SHELL_NODES:
        yield "<shell command>"
    elif node.type in _PHP_INCLUDES and not any(c.type.endswith("string") for c in node.named_children):
        yield "<include of a computed path>"
    elif node.type in ("function_call_expression", "member_call_expression", "scoped_call_expression"):
        called = node.child_by_field_name("function") or node.child_by_field_name("name")
        if called is not None and called.type not in ("name", "qualified_name"):
            yield "<call of a computed name>"  # `$f()`, `$obj->$name()`
    elif node.type in ("call", "function_call"):
        yield from _loaded(node)


def _loaded(node: tree_sitter.Node) -> Iterator[str]:
    """A Ruby or Lua `require`/`load`: the module's name, or that the name is computed."""
    called = node.child_by_field_name("method") or node.child_by_field_name("name")
    if called is None or node_text(called) not in _LOADS or node.child_by_field_name("receiver") is not None:
        return
    arguments = node.child_by_field_name("arguments")
    first = next((a for a in arguments.named_children if a.type != "comment"), None) if arguments else None
    if first is not None and first.type == "string":
        parts = [c for c in first.named_children if c.type != "string_content"]
        if not parts:  # no interpolation
            yield node_text(first)[1:-1].strip("[]=")
            return
    yield "<load of a computed name>"
