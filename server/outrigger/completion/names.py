"""Guard: a completion may use only names that exist. A name it uses must be defined or
imported in the file (any identifier the rest of the file has), defined in the workspace map,
a builtin of the language, or defined by the completion itself (an assignment's target, a
parameter, a new function's name). The completion is shortened to before the first name that
is none of these: to the start of its line when earlier lines remain, else to the name.

Members after a dot (`obj.name`), keyword-argument names and object keys are looked up only
where the map knows every name they may be (`members.py`: Python's workspace functions and
classes); elsewhere what they may be depends on a type the map does not know.
"""

from __future__ import annotations

from collections.abc import Callable

import tree_sitter

from outrigger.completion.builtins import builtin_names
from outrigger.completion.context import FimContext
from outrigger.completion.inserted import Inserted
from outrigger.completion.members import Members
from outrigger.workspace.languages import language_for, row
from outrigger.workspace.syntax import parse

# Identifier leaves that name a member or a label, never a free name.
_MEMBER_TYPES = frozenset(
    {
        "property_identifier",
        "private_property_identifier",
        "shorthand_property_identifier",
        "field_identifier",
        "statement_identifier",
        "label_name",
    }
)
# A child in one of these fields names a member or an argument, not something in scope.
_MEMBER_FIELDS = ("attribute", "property", "field", "key")
# A child in one of these fields (or inside a parameter or pattern) is being defined.
_DEFINING_FIELDS = ("name", "left", "alias", "parameter", "pattern", "declarator", "target")
# A child in one of these fields is a value read, even inside a declaration (`int x = y`).
_USING_FIELDS = ("value", "default", "right", "body", "type", "arguments", "function", "object")
_DEFINING_PARENTS = ("parameter", "pattern", "declarator")


def file_names(path: str, text: str) -> set[str]:
    """Every identifier the file's text has (outside strings and comments)."""
    language = language_for(path)
    if language is None:
        return set()
    kinds = row(language).identifiers
    found: set[str] = set()
    stack = [parse(path, text).root_node]
    while stack:
        node = stack.pop()
        if node.type == "import_spec" and node.child_by_field_name("name") is None:
            if (package := _go_package(node)) is not None:
                found.add(package)
        if node.child_count == 0:
            if node.type in kinds and node.text:
                found.add(node.text.decode("utf-8", "replace"))
            continue
        stack.extend(node.children)
    return found


def _go_package(spec: tree_sitter.Node) -> str | None:
    """Go's `import "net/http"` names the package `http` in a string, not an identifier:
    the path's last element (`yaml.v3` → `yaml`, `…/client/v2` → `client`)."""
    path = spec.child_by_field_name("path")
    parts = (path.text or b"").decode("utf-8", "replace").strip('"`').split("/") if path is not None else []
    if len(parts) > 1 and parts[-1][:1] == "v" and parts[-1][1:].isdigit():
        parts.pop()
    return parts[-1].split(".")[0] if parts and parts[-1] else None


Known = Callable[[str], bool]  # is this name defined in the file, the map or elsewhere we trust?


def invented_names(
    context: FimContext, completion: str, known: Known, members: Members | None = None
) -> list[tuple[str, int]]:
    """(name, character offset in the completion) of each name the completion uses that does
    not exist, in order (members and keyword arguments too, where `members` can tell)."""
    language = language_for(context.path)
    if language is None or not completion.strip():
        return []
    inserted = Inserted(context, completion)
    kinds = row(language).identifiers - _MEMBER_TYPES
    used: list[tuple[str, tree_sitter.Node]] = []
    defined: set[str] = set()
    leaves = list(inserted.leaves_inside())
    members_invented: list[tuple[str, tree_sitter.Node]] = []
    if members is not None:
        assigned = {(leaf.text or b"").decode("utf-8", "replace") for leaf in leaves if _is_assigned_member(leaf)}
        # Cut before `obj.` too: a completion ending in a dot does not parse.
        members_invented = [
            ((leaf.text or b"").decode("utf-8", "replace"), _member_expression(leaf))
            for leaf in leaves
            if leaf.type in row(language).identifiers
            and _is_member(leaf)
            and members.invented(leaf, context.path, assigned)
        ]
    for leaf in leaves:
        if leaf.type not in kinds or _is_member(leaf):
            continue
        name = (leaf.text or b"").decode("utf-8", "replace")
        if _is_definition(leaf):
            defined.add(name)
        else:
            used.append((name, leaf))
    allowed = defined | builtin_names(language)
    found = [(name, leaf) for name, leaf in used if name not in allowed and not known(name)]
    found += members_invented
    found.sort(key=lambda pair: pair[1].start_byte)
    return [(name, inserted.chars_before(leaf.start_byte)) for name, leaf in found]


def shortened_before_invented(
    context: FimContext, completion: str, known: Known, members: Members | None = None
) -> tuple[str, list[str]]:
    """The completion up to its first invented name, and the invented names found."""
    invented = invented_names(context, completion, known, members)
    if not invented:
        return completion, []
    _, at = invented[0]
    line_start = completion.rfind("\n", 0, at) + 1
    cut = line_start if line_start > 0 else at
    return completion[:cut].rstrip(), [name for name, _ in invented]


def _field_of(node: tree_sitter.Node) -> str | None:
    parent = node.parent
    if parent is None:
        return None
    for index, child in enumerate(parent.children):
        if child == node:
            return parent.field_name_for_child(index)
    return None


def _is_member(leaf: tree_sitter.Node) -> bool:
    field = _field_of(leaf)
    parent = leaf.parent
    if parent is not None and parent.type == "keyword_argument" and field == "name":
        return True
    return field in _MEMBER_FIELDS


def _member_expression(leaf: tree_sitter.Node) -> tree_sitter.Node:
    """`obj.name` for the `name` of a member; the leaf itself for a keyword argument."""
    parent = leaf.parent
    return parent if parent is not None and parent.type == "attribute" else leaf


def _is_assigned_member(leaf: tree_sitter.Node) -> bool:
    """`self.total = …`: the completion gives the object this member."""
    attribute = leaf.parent
    if attribute is None or _field_of(leaf) not in _MEMBER_FIELDS or attribute.parent is None:
        return False
    return "assignment" in attribute.parent.type and _field_of(attribute) == "left"


def _is_definition(leaf: tree_sitter.Node) -> bool:
    """The leaf, or a pattern it is part of, is in a defining position; or it is imported."""
    ancestor = leaf.parent
    while ancestor is not None:
        if "import" in ancestor.type:
            return True
        ancestor = ancestor.parent
    node: tree_sitter.Node = leaf
    while node.parent is not None:
        parent = node.parent
        field = _field_of(node)
        if field in _USING_FIELDS:
            return False
        if field in _DEFINING_FIELDS or any(word in parent.type for word in _DEFINING_PARENTS):
            return True
        if not any(word in parent.type for word in ("pattern", "list", "tuple", "parenthesized")):
            return False
        node = parent
    return False
