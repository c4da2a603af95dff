"""What the model sees for one completion: the text around the cursor (bounded), the
signatures of the names used near it that other files define (from the map), and chunks of
the files opened and edited lately (`recent.py`, added by the completer).

The cursor line is split in two: `head` (up to the cursor) is sent apart from the lines
before it, so a request built with it last (`fim.py`) changes only the end of the prompt as
the user types. Secret files are never read:
`Workspace.read` refuses them, and the current file is checked before anything is sent.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from outrigger.errors import Refused
from outrigger.spans import Position, offset_of
from outrigger.workspace.files import Workspace
from outrigger.workspace.index import ProjectMap
from outrigger.workspace.symbols import Symbol

PREFIX_CHARS = 6_000  # about 1,500 tokens before the cursor line
WINDOW_STEP_LINES = 32  # the prefix window's first line moves in steps of this many lines
SUFFIX_CHARS = 2_000
NEARBY_LINES = 30  # lines above the cursor whose names bring in signatures
MAX_SIGNATURES = 12
_IDENTIFIER = re.compile(r"[A-Za-z_$][\w$]*")


@dataclass
class FimContext:
    path: str
    text: str  # the whole file as the editor holds it
    offset: int  # the cursor, as a string index into `text`
    prefix: str  # lines before the cursor line (bounded, whole lines)
    head: str  # the cursor line up to the cursor
    suffix: str  # the rest of the cursor line and the lines after it (bounded, whole lines)
    multiline: bool  # the cursor opens an empty block: a fill may take several lines
    extras: list[tuple[str, str]] = field(default_factory=list)  # (path, signatures) of other files
    recent: list[tuple[str, str]] = field(default_factory=list)  # (path, chunk) of files opened or edited lately

    @property
    def other_files(self) -> list[tuple[str, str]]:
        """What the prompt carries before the current file: recent chunks (they change least
        while the user types here, so they go first and stay in the prompt cache), then
        signatures."""
        return [*self.recent, *self.extras]

    @property
    def line_rest(self) -> str:
        """The cursor line after the cursor."""
        return self.suffix.split("\n", 1)[0]


def gather(
    workspace: Workspace, definitions: Mapping[str, list[Symbol]], path: str, position: Position
) -> FimContext | None:
    """The context at `position` in `path`; None for a file that must not be sent (a secret)."""
    if workspace.ignore_reason(path) is not None:
        return None
    try:
        text = workspace.read(path)
    except Refused:
        return None
    offset = offset_of(text, position)
    line_start = text.rfind("\n", 0, offset) + 1
    before, head, after = text[:line_start], text[line_start:offset], text[offset:]
    prefix = _prefix_window(before, PREFIX_CHARS)
    suffix = _head_lines(after, SUFFIX_CHARS)
    context = FimContext(path, text, offset, prefix, head, suffix, _opens_empty_block(before, head, after))
    context.extras = signatures_near(workspace, definitions, path, before)
    return context


def _tail_lines(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    cut = text.find("\n", len(text) - limit)
    return text[cut + 1 :] if cut >= 0 else text[-limit:]


def _prefix_window(before: str, limit: int) -> str:
    """The last lines of `before` within `limit` characters, starting on a line whose number
    is a multiple of WINDOW_STEP_LINES. A window that slid by a line each time the user added
    one would change the prompt's first tokens and void the server's prompt cache; this one
    keeps its start until it has to move a whole step."""
    if len(before) <= limit:
        return before
    tail = _tail_lines(before, limit)
    first = before.count("\n", 0, len(before) - len(tail))  # the line `tail` starts on
    step = -(-first // WINDOW_STEP_LINES) * WINDOW_STEP_LINES
    at = len(before) - len(tail)
    for _ in range(step - first):
        at = before.find("\n", at) + 1
        if at == 0:
            return tail
    return before[at:] if at < len(before) else tail


def _head_lines(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    cut = text.rfind("\n", 0, limit)
    return text[: cut + 1] if cut > 0 else text[:limit]


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip())


def _opens_empty_block(before: str, head: str, after: str) -> bool:
    """The cursor sits alone on a line indented deeper than the line above, and nothing below
    is indented as deep: a new, empty block, where a fill of several lines is wanted."""
    rest = after.split("\n", 1)
    if head.strip() or rest[0].strip():
        return False
    above = next((line for line in reversed(before.split("\n")) if line.strip()), None)
    if above is None or _indent(above) >= len(head):
        return False
    below = next((line for line in (rest[1] if len(rest) > 1 else "").split("\n") if line.strip()), None)
    return below is None or _indent(below) < len(head)


def definitions_by_name(project_map: ProjectMap) -> dict[str, list[Symbol]]:
    """The map's definitions by name (the map's own, not an editor's pushed ranges)."""
    found: dict[str, list[Symbol]] = {}
    for symbol in project_map.symbols():
        found.setdefault(symbol.name, []).append(symbol)
    return found


def signatures_near(
    workspace: Workspace, definitions: Mapping[str, list[Symbol]], path: str, before: str
) -> list[tuple[str, str]]:
    """The first line of each definition, in another file, of a name used in the lines above
    the cursor line (not the cursor line itself: what the user is typing must not change the
    start of the prompt). Grouped by file, in a stable order."""
    lines = before.split("\n")[-NEARBY_LINES - 1 :]
    names = dict.fromkeys(_IDENTIFIER.findall("\n".join(lines)))
    found: list[Symbol] = []
    for name in names:
        found.extend(s for s in definitions.get(name, ()) if s.path != path and s.source == "index")
        if len(found) >= MAX_SIGNATURES:
            break
    by_file: dict[str, list[str]] = {}
    for symbol in sorted(found[:MAX_SIGNATURES], key=lambda s: (s.path, s.range.start)):
        if (signature := _signature(workspace, symbol)) is not None:
            by_file.setdefault(symbol.path, []).append(signature)
    return [(file, "\n".join(dict.fromkeys(signatures))) for file, signatures in by_file.items()]


def _signature(workspace: Workspace, symbol: Symbol) -> str | None:
    try:
        text = workspace.read(symbol.path)  # Refused for a secret or a vanished file
    except Refused:
        return None
    start = (symbol.code_range or symbol.range).start.line
    lines = text.split("\n")
    return lines[start].rstrip() if start < len(lines) else None
