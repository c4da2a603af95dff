"""A doc comment's `@param` lines for parameters the function does not have are dropped: small
models document the parameters they imagine (`@param {string} type` on `sourdough()`), and a
doc comment that names parameters the code lacks misleads whoever reads it. Only functions
whose parameters are all plain names are checked; a destructured or spread parameter may be
documented by any name."""

from __future__ import annotations

import re

import tree_sitter

from outrigger.actions.call_sites import parameter_list
from outrigger.edits import split_lines
from outrigger.errors import Refused
from outrigger.workspace.symbols import Symbol, extract_symbols
from outrigger.workspace.syntax import parse

# `@param {Type} name`, `@param name`, `@param [name]`, `@param {Type} [name=default]`, `@param $name`.
_PARAM_TAG = re.compile(r"^\s*(?:/\*\*|\*)?\s*@param\b\s*(?:\{[^}]*\}\s*)?\[?\$?([A-Za-z_$][\w$]*)")
_TAG = re.compile(r"^\s*(?:/\*\*|\*)?\s*@\w+|^\s*\*/")
# A parameter that is only a name (with a type, a default, `?`): its name is all a doc can say.
_PLAIN_PARAMETERS = frozenset(
    {
        "identifier",
        "required_parameter",
        "optional_parameter",
        "assignment_pattern",
        "formal_parameter",
        "simple_parameter",
        "parameter_declaration",
        "default_parameter",
        "typed_parameter",
        "typed_default_parameter",
    }
)


def without_unknown_params(path: str, text: str, symbol: Symbol) -> str:
    """`text` without the `@param` lines of `symbol`'s doc comment that name no parameter of it."""
    found = [s for s in extract_symbols(path, text) if s.qualified_name == symbol.qualified_name]
    if len(found) != 1 or found[0].code_range is None:
        return text
    target = found[0]
    assert target.code_range is not None
    names = _parameter_names(path, text, target)
    if names is None:
        return text
    lines = split_lines(text)
    first, code = target.range.start.line, target.code_range.start.line
    kept, skipping = [], False
    for line in lines[first:code]:
        if m := _PARAM_TAG.match(line):
            skipping = m.group(1) not in names
        elif _TAG.match(line):
            skipping = False
        if not skipping:
            kept.append(line)
    return "".join(lines[:first] + kept + lines[code:])


def _parameter_names(path: str, text: str, symbol: Symbol) -> set[str] | None:
    assert symbol.code_range is not None
    try:
        tree = parse(path, text)
    except Refused:  # no grammar: nothing to check against
        return None
    parameters = parameter_list(tree.root_node, symbol.code_range.start.line, symbol.code_range.end.line)
    if parameters is None:
        return None
    names = set()
    for child in parameters.named_children:
        if child.type == "comment":
            continue
        if child.type not in _PLAIN_PARAMETERS:
            return None  # destructured, spread, …: any name may be right
        name = _name_of(child)
        if name is None:
            return None
        names.add(name.lstrip("$"))
    return names


def _name_of(node: tree_sitter.Node) -> str | None:
    if node.type in ("identifier", "variable_name", "name") and node.text is not None:
        return node.text.decode("utf-8")
    for field in ("pattern", "name", "left"):
        if (child := node.child_by_field_name(field)) is not None:
            return _name_of(child)
    named = [c for c in node.named_children if c.type in ("identifier", "variable_name", "name")]
    return _name_of(named[0]) if named else None
