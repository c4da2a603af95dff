"""Python's references: imported modules and names under their aliases (`from os import system
as s`), dotted names of modules and builtins, methods on values an imported name made
(`p = Path(x); p.unlink()` is `pathlib.Path.unlink`), and lookups of a computed name
(`getattr(os, name)`, `os.__dict__[…]`, reflective attributes)."""

from __future__ import annotations

import builtins
import sys
from collections.abc import Iterator

import tree_sitter

from outrigger.guards.capabilities.nodes import dotted_name, node_text, string_value, walk


def python_references(root: tree_sitter.Node) -> Iterator[str]:
    """Each reference the Python tree makes, read through its imports and aliases."""
    aliases: dict[str, str] = {}
    values: dict[str, str] = {}  # a local name → what made its value (`p = Path(x)`: `pathlib.Path`)
    for node in walk(root):
        if node.type == "import_statement":
            for child in node.named_children:
                module = node_text(child.child_by_field_name("name") if child.type == "aliased_import" else child)
                yield module
                if child.type == "aliased_import":
                    aliases[node_text(child.child_by_field_name("alias"))] = module
        elif node.type == "import_from_statement":
            module = node_text(node.child_by_field_name("module_name"))
            yield module
            for child in node.named_children:
                if child == node.child_by_field_name("module_name"):
                    continue
                name = node_text(child.child_by_field_name("name") if child.type == "aliased_import" else child)
                local = node_text(child.child_by_field_name("alias")) if child.type == "aliased_import" else name
                if name:
                    aliases[local] = f"{module}.{name}"
                    yield f"{module}.{name}"
    for node in walk(root):
        left, right = node.child_by_field_name("left"), node.child_by_field_name("right")
        if node.type == "assignment" and left is not None and left.type == "identifier" and right is not None:
            made = _py_maker(right, aliases)
            if made is not None:
                values[node_text(left)] = made
    for node in walk(root):
        if node.type == "attribute" and node_text(node.child_by_field_name("attribute")) in _PY_REFLECTIVE:
            yield "<reflective attribute>"  # `().__class__.__bases__[0].__subclasses__()`, `f.__globals__`
        if node.type == "attribute" and (made := _py_maker(node.child_by_field_name("object"), aliases)):
            yield f"{made}.{node_text(node.child_by_field_name('attribute'))}"  # `Path(p).unlink`
        if node.type in ("attribute", "identifier") and not _inner_python_name(node):
            if (dotted := dotted_name(node, "attribute", "object", "attribute")) is not None:
                head, _, rest = dotted.partition(".")
                if head in aliases or head in _PY_GLOBALS:  # not a local that shares a module's name
                    yield aliases.get(head, head) + ("." + rest if rest else "")
                    if dotted.endswith(".__dict__"):  # `os.__dict__[name]`: any of its functions
                        yield "<dynamic attribute of a module>"
                elif head in values and rest:  # `p = Path(x)`, then `p.unlink`
                    yield f"{values[head]}.{rest}"
        elif node.type == "call" and node_text(node.child_by_field_name("function")) in ("getattr", "setattr"):
            arguments = node.child_by_field_name("arguments")
            named = [a for a in arguments.named_children if a.type != "comment"] if arguments else []
            if len(named) >= 2 and (owner := dotted_name(named[0], "attribute", "object", "attribute")) is not None:
                owner = (
                    aliases.get(owner.partition(".")[0], owner.partition(".")[0])
                    + owner[len(owner.partition(".")[0]) :]
                )
                value = string_value(named[1])
                if value is not None:
                    yield f"{owner}.{value}"
                elif owner in aliases.values() or owner in _PY_MODULE_NAMES:
                    yield "<dynamic attribute of a module>"


def _py_maker(node: tree_sitter.Node | None, aliases: dict[str, str]) -> str | None:
    """What made a called value, read through imports: `Path(p)` → `pathlib.Path`
    (`from pathlib import Path`); None when the call is not of an imported name or a module's."""
    if node is None or node.type != "call":
        return None
    function = node.child_by_field_name("function")
    dotted = dotted_name(function, "attribute", "object", "attribute") if function is not None else None
    if dotted is None:
        return None
    head, _, rest = dotted.partition(".")
    if head not in aliases and (head not in _PY_GLOBALS or not rest):  # a builtin's result (`open(p)`) is read as is
        return None
    return aliases.get(head, head) + ("." + rest if rest else "")


# Attributes that reach any object's functions, globals or classes by a computed name.
_PY_REFLECTIVE = frozenset(
    {
        "__globals__",
        "__builtins__",
        "__subclasses__",
        "__bases__",
        "__mro__",
        "__code__",
        "__getattribute__",
        "__closure__",
        "cell_contents",
        "f_globals",
        "f_locals",
        "f_back",
        "tb_frame",
        "gi_frame",
        "cr_frame",
    }
)
_PY_MODULE_NAMES = frozenset({"os", "sys", "subprocess", "builtins", "importlib", "shutil", "socket", "ctypes"})
# Names that mean the module or builtin without an import in sight: builtins, and standard
# modules (the names guard imports one an edit starts using).
_PY_GLOBALS = frozenset(dir(builtins)) | frozenset(sys.stdlib_module_names) | {"__builtins__"}


def _inner_python_name(node: tree_sitter.Node) -> bool:
    """A name that is part of a longer dotted name (read whole), or of an import (read above),
    or one the code binds rather than uses (a parameter, a keyword argument's name)."""
    parent = node.parent
    if parent is None:
        return False
    if parent.type == "attribute":
        return True
    if parent.type in ("import_statement", "import_from_statement", "aliased_import", "dotted_name"):
        return True
    if parent.type == "keyword_argument" and parent.child_by_field_name("name") == node:
        return True
    return parent.type in ("function_definition", "class_definition") and parent.child_by_field_name("name") == node
