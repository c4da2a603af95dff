"""Names listed as strings that a rename must change with the name: Python's `__all__`, and the
string keys an export map gives the name (`{"slugify": slugify}`, `exports["slugify"] = slugify`).

`__all__ = ["keep_values", …]` is how `from pkg import *` finds a name; a rename that leaves
the old string there breaks that import (Pylance and rope rename these entries too). A key
spelled as the name it maps to is that name's public spelling, as `{ slugify }` is."""

from __future__ import annotations

import ast
import re

from outrigger.spans import Range
from outrigger.workspace.languages import language_for


def all_entries(path: str, text: str, name: str) -> list[Range]:
    """The string `name` inside `__all__`'s list in a Python file (assigned, added to, or
    extended), the quotes left out; [] for other files or text that does not parse."""
    if language_for(path) != "python" or "__all__" not in text or name not in text:
        return []
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError):
        return []
    lines = text.split("\n")
    found = []
    for listing in _all_listings(tree):
        for node in ast.walk(listing):
            if not (isinstance(node, ast.Constant) and node.value == name and node.end_lineno == node.lineno):
                continue
            line = lines[node.lineno - 1]
            start = len(line.encode("utf-8")[: node.col_offset].decode("utf-8", "replace"))
            quote = line[start : start + 1]
            if quote in "'\"" and line[start + 1 : start + 1 + len(name) + 1] == name + quote:
                found.append(Range.of(node.lineno - 1, start + 1, node.lineno - 1, start + 1 + len(name)))
    return found


_KEYED = frozenset({"python", "javascript", "typescript", "tsx"})


def key_entries(path: str, text: str, name: str, uses: list[Range]) -> list[Range]:
    """The string keys spelled `name` whose value is one of `uses` (the renamed name's own
    occurrences): `"name": name` in a dict or object, `exports["name"] = name`."""
    if language_for(path) not in _KEYED:
        return []
    lines = text.split("\n")
    key = "([\"'])" + re.escape(name) + "\\1"
    spelled = (re.compile(rf"{key}\s*:\s*$"), re.compile(rf"\[\s*{key}\s*\]\s*=\s*$"))
    found = []
    for use in uses:
        before = lines[use.start.line][: use.start.character]
        if m := spelled[0].search(before) or spelled[1].search(before):
            found.append(Range.of(use.start.line, m.start(1) + 1, use.start.line, m.start(1) + 1 + len(name)))
    return found


def _all_listings(tree: ast.Module) -> list[ast.AST]:
    """The values given to `__all__`: `__all__ = […]`, `__all__ += […]`, `__all__.extend([…])`."""
    values: list[ast.AST] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and any(_is_all(t) for t in node.targets):
            values.append(node.value)
        elif isinstance(node, ast.AugAssign | ast.AnnAssign) and _is_all(node.target) and node.value is not None:
            values.append(node.value)
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in {"extend", "append"}
            and _is_all(node.func.value)
        ):
            values.extend(node.args)
    return values


def _is_all(node: ast.AST) -> bool:
    return isinstance(node, ast.Name) and node.id == "__all__"
