"""Members and keyword arguments the map can vouch for (Python), for the names guard.

What may follow a dot or name a keyword argument depends on a type the map usually does not
know; where it does know every possibility, the guard checks these too:
- `f(kw=…)`, `obj.m(kw=…)`: every workspace function or method of that name (and only such
  definitions) lists its parameters, none takes `**kwargs`, and none has one named `kw`;
- `Class.name`, `self.name`, `cls.name` inside a class: the class is the workspace's, its
  bases are the workspace's too (or `object`), and `name` is mentioned nowhere in the files
  of the class and its bases, nor assigned by the completion, nor a dunder.
Anything else (an object of unknown type, a base class from a library, a function of that
name outside the workspace) is not judged: a guard that cannot know must not drop.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache

import tree_sitter

from outrigger.errors import Refused
from outrigger.workspace.files import Workspace
from outrigger.workspace.languages import language_for
from outrigger.workspace.symbols import Symbol
from outrigger.workspace.syntax import parse

_PYTHON = "python"


class Members:
    def __init__(self, workspace: Workspace, definitions: Mapping[str, list[Symbol]]) -> None:
        self.workspace = workspace
        self.definitions = definitions

    def invented(self, leaf: tree_sitter.Node, path: str, assigned: set[str]) -> bool:
        """Is `leaf` (a member or keyword-argument name in the parsed file with the completion)
        a name that cannot exist? `assigned`: attributes the completion itself assigns."""
        if language_for(path) != _PYTHON or leaf.parent is None:
            return False
        name = _text(leaf)
        parent = leaf.parent
        if parent.type == "keyword_argument":
            return self._unknown_keyword(parent, name)
        if parent.type == "attribute" and name not in assigned and not name.startswith("__"):
            allowed = self._members_of(parent.child_by_field_name("object"), leaf)
            return allowed is not None and name not in allowed
        return False

    # -- keyword arguments --------------------------------------------------------------------

    def _unknown_keyword(self, argument: tree_sitter.Node, keyword: str) -> bool:
        call = argument.parent.parent if argument.parent is not None else None
        callee = call.child_by_field_name("function") if call is not None and call.type == "call" else None
        if callee is None:
            return False
        kinds: tuple[str, ...]
        if callee.type == "identifier":
            kinds = ("function",)
            name = _text(callee)
        elif callee.type == "attribute" and (attribute := callee.child_by_field_name("attribute")) is not None:
            kinds = ("function", "method")
            name = _text(attribute)
        else:
            return False
        symbols = [s for s in self.definitions.get(name, ()) if s.source == "index"]
        if not symbols or any(s.kind not in kinds or not s.path.endswith(".py") for s in symbols):
            return False
        accepted: set[str] = set()
        for symbol in symbols:
            parameters = self._parameters(symbol)
            if parameters is None:
                return False  # **kwargs, or a definition we cannot read
            accepted |= parameters
        return keyword not in accepted

    def _parameters(self, symbol: Symbol) -> set[str] | None:
        node = self._definition_node(symbol, "function_definition")
        parameters = node.child_by_field_name("parameters") if node is not None else None
        if parameters is None:
            return None
        names: set[str] = set()
        for child in parameters.named_children:
            if child.type == "dictionary_splat_pattern":
                return None
            if child.type == "identifier":
                names.add(_text(child))
            elif (named := child.child_by_field_name("name")) is not None:
                names.add(_text(named))
            elif child.type == "typed_parameter" and child.named_children:
                names.add(_text(child.named_children[0]))
        return names

    # -- members after a dot ----------------------------------------------------------------------

    def _members_of(self, owner: tree_sitter.Node | None, leaf: tree_sitter.Node) -> set[str] | None:
        if owner is None or owner.type != "identifier":
            return None
        name = _text(owner)
        if name in ("self", "cls"):
            enclosing = leaf.parent
            while enclosing is not None and enclosing.type != "class_definition":
                enclosing = enclosing.parent
            class_name = enclosing.child_by_field_name("name") if enclosing is not None else None
            if class_name is None:
                return None
            name = _text(class_name)
        classes = [s for s in self.definitions.get(name, ()) if s.source == "index"]
        if not classes or any(s.kind != "class" or not s.path.endswith(".py") for s in classes):
            return None
        allowed: set[str] = set()
        for symbol in classes:
            members = self._class_members(symbol, set())
            if members is None:
                return None
            allowed |= members
        return allowed

    def _class_members(self, symbol: Symbol, seen: set[str]) -> set[str] | None:
        """Every identifier in the files of the class and its bases; None when a base is not
        the workspace's."""
        if symbol.qualified_name in seen:
            return set()
        seen.add(symbol.qualified_name)
        node = self._definition_node(symbol, "class_definition")
        if node is None:
            return None
        names = set(_identifiers(self._read(symbol.path) or "", symbol.path))
        bases = node.child_by_field_name("superclasses")
        for base in bases.named_children if bases is not None else ():
            if base.type != "identifier":
                return None  # `abc.ABC`, `Generic[T]`, `metaclass=…`: not the map's to know
            if _text(base) == "object":
                continue
            found = [s for s in self.definitions.get(_text(base), ()) if s.kind == "class" and s.source == "index"]
            if not found:
                return None
            for base_symbol in found:
                members = self._class_members(base_symbol, seen)
                if members is None:
                    return None
                names |= members
        return names

    # -- reading definitions ------------------------------------------------------------------------

    def _read(self, path: str) -> str | None:
        try:
            return self.workspace.read(path)
        except Refused:
            return None

    def _definition_node(self, symbol: Symbol, kind: str) -> tree_sitter.Node | None:
        text = self._read(symbol.path)
        if text is None:
            return None
        row = symbol.selection.start.line
        stack = [_tree(symbol.path, text).root_node]
        while stack:
            node = stack.pop()
            if node.start_point[0] > row or node.end_point[0] < row:
                continue
            if node.type == kind:
                name = node.child_by_field_name("name")
                if name is not None and name.start_point[0] == row and _text(name) == symbol.name:
                    return node
            stack.extend(node.children)
        return None


@lru_cache(maxsize=32)
def _tree(path: str, text: str) -> tree_sitter.Tree:
    return parse(path, text)


@lru_cache(maxsize=32)
def _identifiers(text: str, path: str) -> set[str]:
    found: set[str] = set()
    stack = [_tree(path, text).root_node]
    while stack:
        node = stack.pop()
        if node.child_count == 0:
            if node.type == "identifier":
                found.add(_text(node))
            continue
        stack.extend(node.children)
    return found


def _text(node: tree_sitter.Node) -> str:
    return (node.text or b"").decode("utf-8", "replace")
