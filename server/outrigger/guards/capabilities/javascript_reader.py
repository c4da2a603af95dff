"""JavaScript's and TypeScript's references: what an import, `require(…)` or `import(…)` loads
(without `node:`; a computed name is read as such), the names it binds (`const cp =
require("child_process")` makes `cp.exec` `child_process.exec`), and the globals that need no
import (`process`, `fetch`, `eval`)."""

from __future__ import annotations

from collections.abc import Iterator

import tree_sitter

from outrigger.guards.capabilities.nodes import dotted_name, node_text, string_value, walk


def javascript_references(root: tree_sitter.Node) -> Iterator[str]:
    """Each reference the tree makes, read through its imports and `require`s."""
    aliases: dict[str, str] = {}
    for node in walk(root):
        module = _js_module(node)
        if module is None:
            continue
        if module == "":
            yield "<require of a computed name>"
            continue
        yield module
        binding = _js_binding(node)
        if binding is None:
            continue
        if binding.type == "identifier":
            aliases[node_text(binding)] = module
        for part in walk(binding):
            if part.type in ("import_specifier", "shorthand_property_identifier_pattern", "pair_pattern"):
                name = part.child_by_field_name("name") or part.child_by_field_name("key") or part
                local = part.child_by_field_name("alias") or part.child_by_field_name("value") or name
                aliases[node_text(local)] = f"{module}.{node_text(name)}"
                yield f"{module}.{node_text(name)}"
            elif part.type == "namespace_import":
                aliases[node_text(part.named_children[-1])] = module
            elif part.type == "identifier" and part.parent is not None and part.parent.type == "import_clause":
                aliases[node_text(part)] = module
    for node in walk(root):
        if node.type in ("member_expression", "identifier") and not _inner_js_name(node):
            if (dotted := dotted_name(node, "member_expression", "object", "property")) is not None:
                head, _, rest = dotted.partition(".")
                if head in ("globalThis", "window", "global", "self") and rest:
                    head, _, rest = rest.partition(".")
                if head in aliases or head in _JS_GLOBALS:
                    yield aliases.get(head, head) + ("." + rest if rest else "")


# Globals that reach a capability without an import (a local `http` is not the module).
_JS_GLOBALS = frozenset(
    {"process", "Deno", "Bun", "eval", "Function", "fetch", "XMLHttpRequest", "WebSocket", "EventSource"}
)


def _js_module(node: tree_sitter.Node) -> str | None:
    """The module an import, `require(…)` or `import(…)` loads ("" when computed), without `node:`."""
    source: tree_sitter.Node | None = None
    if node.type in ("import_statement", "export_statement"):
        source = node.child_by_field_name("source")
        if source is None:
            return None
    elif node.type == "call_expression":
        function = node.child_by_field_name("function")
        if function is None or function.type not in ("import",) and node_text(function) != "require":
            return None
        arguments = node.child_by_field_name("arguments")
        named = arguments.named_children if arguments is not None else []
        source = named[0] if named else None
        if source is None:
            return ""
    else:
        return None
    value = string_value(source)
    if value is None:
        return ""
    return value.removeprefix("node:")


def _js_binding(node: tree_sitter.Node) -> tree_sitter.Node | None:
    """What an import or `require` binds: the import clause, or the declarator's name."""
    if node.type == "import_statement":
        return next((child for child in node.named_children if child.type == "import_clause"), None)
    parent = node.parent
    if parent is not None and parent.type == "await_expression":
        parent = parent.parent
    if parent is not None and parent.type == "variable_declarator":
        return parent.child_by_field_name("name")
    return None


def _inner_js_name(node: tree_sitter.Node) -> bool:
    parent = node.parent
    if parent is None:
        return False
    if parent.type == "member_expression":
        return True
    return parent.type in ("variable_declarator", "function_declaration", "class_declaration") and (
        parent.child_by_field_name("name") == node
    )
