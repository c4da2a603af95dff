"""Edits as data: minimal text edits between two versions of a file, and their preview.

The core never writes a file; it hands `FileEdit`s to a front end, which previews
(`unified_diff`) and applies them (LSP `WorkspaceEdit`, or `apply_edits` in the CLI).
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Literal

from outrigger.spans import Range, line_starts, offset_of, position_of


@dataclass(frozen=True)
class TextEdit:
    range: Range
    new_text: str


@dataclass(frozen=True)
class FileEdit:
    path: str
    version: int | None  # the editor's document version the edits were computed against
    old_text: str
    new_text: str
    edits: tuple[TextEdit, ...]
    # "create": the file does not exist yet (old_text is ""); "delete": it goes (new_text is "").
    kind: Literal["edit", "create", "delete"] = "edit"
    step: str | None = None  # for tasks: which step(s) changed the file, for the preview's grouping


def created_file(path: str, text: str, step: str | None = None) -> FileEdit:
    return replace(file_edit(path, "", text, None), kind="create", step=step)


def deleted_file(path: str, text: str, version: int | None, step: str | None = None) -> FileEdit:
    return replace(file_edit(path, text, "", version), kind="delete", step=step)


def split_lines(text: str) -> list[str]:
    """Lines with their endings, split on "\\n" only (as `spans` counts lines).

    `str.splitlines` would also split on \\r, \\f, \\u2028 …, disagreeing with LSP line numbers.
    """
    parts = text.split("\n")
    lines = [part + "\n" for part in parts[:-1]]
    if parts[-1]:
        lines.append(parts[-1])
    return lines


def line_ending(text: str) -> str:
    """The file's line ending: "\\r\\n" when most of its lines end so, else "\\n"."""
    crlf = text.count("\r\n")
    return "\r\n" if crlf > text.count("\n") - crlf else "\n"


def _content(line: str) -> tuple[str, bool]:
    """What a line says, whatever its ending: (text without "\\n" and the "\\r"s before it, has
    a newline). A model's "\\r\\r\\n" (CRLF put through a CRLF conversion) ends a line too."""
    if line.endswith("\n"):
        return line[:-1].rstrip("\r"), True
    return line, False


def _ending(line: str, ending: str) -> str:
    text, newline = _content(line)
    return text + ending if newline else line


def file_edit(path: str, old_text: str, new_text: str, version: int | None) -> FileEdit:
    """The edit turning `old_text` into `new_text`, touching only the lines that changed.

    Each changed run of lines becomes one block replacement: small edits keep the editor's
    undo history, cursors and unrelated lines intact, unlike a whole-file replacement.
    Lines are compared by what they say, not how they end: a model writes "\\n" into a CRLF
    file, so a line it kept stays as the file has it, and every line it wrote takes the
    file's ending. A preview then shows only real changes, and no file ends up mixed.
    """
    ending = line_ending(old_text)
    old_lines, new_lines = split_lines(old_text), split_lines(new_text)
    # Line offsets let us place block boundaries exactly, including a last line without "\n".
    offsets = [0]
    for line in old_lines:
        offsets.append(offsets[-1] + len(line))
    starts = line_starts(old_text)
    # autojunk would treat frequent lines (blank lines, braces) as noise and widen the edits.
    matcher = difflib.SequenceMatcher(
        a=[_content(line) for line in old_lines], b=[_content(line) for line in new_lines], autojunk=False
    )
    edits, result = [], []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            result.extend(old_lines[i1:i2])
            continue
        written = "".join(_ending(line, ending) for line in new_lines[j1:j2])
        result.append(written)
        start = position_of(old_text, offsets[i1], starts)
        end = position_of(old_text, offsets[i2], starts)
        edits.append(TextEdit(Range(start, end), written))
    return FileEdit(path, version, old_text, "".join(result), tuple(edits))


def apply_edits(text: str, edits: Sequence[TextEdit]) -> str:
    """Apply non-overlapping edits; raises ValueError when two edits overlap.

    Edits at the same position (insertions) are applied in the order given, as LSP specifies.
    """
    starts = line_starts(text)
    spans = sorted(
        (offset_of(text, edit.range.start, starts), offset_of(text, edit.range.end, starts), index)
        for index, edit in enumerate(edits)
    )
    for (_, previous_end, _), (start, _, _) in zip(spans, spans[1:], strict=False):
        if start < previous_end:
            raise ValueError("Edits overlap; they cannot be applied together.")
    # Back to front, so earlier offsets stay valid.
    for start, end, index in reversed(spans):
        text = text[:start] + edits[index].new_text + text[end:]
    return text


def unified_diff(edit: FileEdit) -> str:
    """A git-style unified diff of one file's edit ("" when nothing changed); a created or
    deleted file is diffed against /dev/null, as git shows it."""
    lines = difflib.unified_diff(
        split_lines(edit.old_text),
        split_lines(edit.new_text),
        fromfile="/dev/null" if edit.kind == "create" else f"a/{edit.path}",
        tofile="/dev/null" if edit.kind == "delete" else f"b/{edit.path}",
    )
    # A last line without "\n" would run into the next diff line; mark it the way git does.
    return "".join(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n" for line in lines)


def combined_preview(edits: list[FileEdit]) -> str:
    """One diff for every file an action touches, in order."""
    return "".join(unified_diff(edit) for edit in edits)
