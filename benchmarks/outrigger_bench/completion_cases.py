"""Completion cases: a line or a block hidden in real code, to be filled in again.

From every function and method the map finds in a workspace (the benchmark's workspaces, and
the Outrigger package itself as real project code):
- a line: the function's last line, cut after `return ` or ` = ` when it has one (where a
  user pauses while typing) else after its indentation; the rest is what should come back;
- a block: a body of one to three lines (after any docstring), replaced by one empty indented
  line — the empty block a multi-line completion is for.
Cases are chosen in a fixed order, so two runs ask the same questions.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from outrigger.spans import Position
from outrigger.workspace.files import Workspace
from outrigger.workspace.index import ProjectMap
from outrigger.workspace.symbols import Symbol

_ANCHORS = ("return ", " = ")
_OPENERS = (":", "{")
MAX_BLOCK_LINES = 3


@dataclass(frozen=True)
class Case:
    id: str
    kind: str  # "line" | "block"
    root: str  # the workspace folder, as given
    path: str  # workspace-relative
    text: str  # the file with the hidden part removed
    position: Position  # the cursor
    expected: str  # what was hidden
    original: str  # the file as it was

    def completed(self, completion: str) -> str:
        lines = self.text.split("\n")
        line = lines[self.position.line]
        lines[self.position.line] = line[: self.position.character] + completion + line[self.position.character :]
        return "\n".join(lines)


def cases_in(root: Path, *, paths: list[str] | None = None, limit: int = 6) -> list[Case]:
    """Up to `limit` line cases and `limit` block cases from the workspace at `root`."""
    workspace = Workspace(root)
    project_map = ProjectMap(workspace)
    project_map.build()
    lines_found: list[Case] = []
    blocks: list[Case] = []
    for path in paths or project_map.files():
        if _is_test(path):
            continue
        text = workspace.read(path)
        for symbol in project_map.symbols(path):
            if symbol.kind not in ("function", "method"):
                continue
            if (case := _line_case(root, path, text, symbol)) is not None:
                lines_found.append(case)
            if (case := _block_case(root, path, text, symbol)) is not None:
                blocks.append(case)
    return _spread(lines_found, limit) + _spread(blocks, limit)


def _is_test(path: str) -> bool:
    name = path.rsplit("/", 1)[-1]
    return path.startswith(("tests/", "test/")) or name.startswith("test") or ".test." in name or ".spec." in name


def _spread(cases: list[Case], limit: int) -> list[Case]:
    """`limit` cases spread over the list (not the first file's functions only)."""
    if len(cases) <= limit:
        return cases
    step = len(cases) / limit
    return [cases[int(i * step)] for i in range(limit)]


def _body(text: str, symbol: Symbol) -> tuple[list[str], int, int] | None:
    """(lines, first body line, last body line) of a function whose signature is one line."""
    lines = text.split("\n")
    start = (symbol.code_range or symbol.range).start.line
    end = symbol.range.end.line
    if start >= end or not lines[start].rstrip().endswith(_OPENERS):
        return None
    first, last = start + 1, end
    if lines[start].rstrip().endswith("{"):
        if lines[end].strip() != "}":
            return None
        last = end - 1
    while first <= last and lines[first].strip().startswith(('"""', "'''")):  # keep a docstring
        closing = lines[first].strip()
        first += 1
        if closing.count('"""') + closing.count("'''") < 2 or len(closing) < 6:
            while first <= last and '"""' not in lines[first] and "'''" not in lines[first]:
                first += 1
            first += 1
    return (lines, first, last) if first <= last else None


def _line_case(root: Path, path: str, text: str, symbol: Symbol) -> Case | None:
    found = _body(text, symbol)
    if found is None:
        return None
    lines, _, last = found
    line = lines[last]
    indent = len(line) - len(line.lstrip())
    cut = indent
    for anchor in _ANCHORS:
        at = line.find(anchor, indent)
        if at >= 0:
            cut = at + len(anchor)
            break
    expected = line[cut:]
    if len(expected.strip()) < 3:
        return None
    hidden = lines[:last] + [line[:cut]] + lines[last + 1 :]
    return Case(
        f"{root.name}/{path}:{symbol.qualified_name}:line",
        "line",
        str(root),
        path,
        "\n".join(hidden),
        Position(last, cut),
        expected,
        text,
    )


def _block_case(root: Path, path: str, text: str, symbol: Symbol) -> Case | None:
    found = _body(text, symbol)
    if found is None:
        return None
    lines, first, last = found
    body = lines[first : last + 1]
    if not 1 <= len(body) <= MAX_BLOCK_LINES or not body[0].strip():
        return None
    indent = body[0][: len(body[0]) - len(body[0].lstrip())]
    hidden = lines[:first] + [indent] + lines[last + 1 :]
    expected = "\n".join(body)[len(indent) :]
    return Case(
        f"{root.name}/{path}:{symbol.qualified_name}:block",
        "block",
        str(root),
        path,
        "\n".join(hidden),
        Position(first, len(indent)),
        expected,
        text,
    )
