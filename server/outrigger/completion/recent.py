"""The files the user opened and edited lately, for inline completion's context: the code
being written most often follows what was just read or changed in another file.

Each file gives one chunk: the lines around where it was last edited (its top when it was
only opened). A chunk starts on a line that is a multiple of half its length, so small edits
nearby leave it byte-identical and the server's prompt cache keeps it. While the user types
in one file, the other files' chunks do not change at all. Secret files are never read
(`Workspace.read` refuses them).
"""

from __future__ import annotations

from outrigger.errors import Refused
from outrigger.workspace.files import Workspace

MAX_FILES = 3  # chunks in one prompt
CHUNK_LINES = 32
CHUNK_CHARS = 2_000
REMEMBERED = 16  # files remembered, most recent last


class RecentFiles:
    def __init__(self) -> None:
        self._lines: dict[str, int] = {}  # path → line last edited, least recent first

    def touch(self, path: str, line: int | None = None) -> None:
        """`path` was opened (`line` None) or edited at `line`."""
        previous = self._lines.pop(path, None)
        self._lines[path] = line if line is not None else (previous or 0)
        while len(self._lines) > REMEMBERED:
            del self._lines[next(iter(self._lines))]

    def forget(self, path: str) -> None:
        self._lines.pop(path, None)

    def chunks(self, workspace: Workspace, current: str) -> list[tuple[str, str]]:
        """(path, text) of the most recent other files' chunks, least recent first (the
        most recent sits next to the current file in the prompt)."""
        found: list[tuple[str, str]] = []
        for path, line in reversed(self._lines.items()):
            if len(found) == MAX_FILES:
                break
            if path == current or workspace.ignore_reason(path) is not None:
                continue
            try:
                text = workspace.read(path)
            except Refused:  # a secret, or a file that went away
                continue
            if chunk := _chunk(text, line):
                found.append((path, chunk))
        return found[::-1]


def _chunk(text: str, line: int) -> str:
    lines = text.split("\n")
    half = CHUNK_LINES // 2
    start = max(0, min(line, len(lines) - 1) - half) // half * half
    kept: list[str] = []
    size = 0
    for text_line in lines[start : start + CHUNK_LINES]:
        size += len(text_line) + 1
        if size > CHUNK_CHARS:
            break
        kept.append(text_line)
    return "\n".join(kept).strip("\n")
