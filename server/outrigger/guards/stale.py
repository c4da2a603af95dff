"""The stale guard: an edit applies only to the text it was computed from. The editor (or the
user) may change a file while the model thinks; writing over that would lose their work."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from outrigger.edits import FileEdit
from outrigger.errors import Refused


def first_stale(
    edits: Iterable[FileEdit], read: Callable[[str], str], version: Callable[[str], int | None] | None = None
) -> str | None:
    """The first edited file whose text (or open document's version) moved on, or None. A
    file to create must still not exist: `read` raising Refused says so."""
    for edit in edits:
        if version is not None and (current := version(edit.path)) is not None and current != edit.version:
            return edit.path
        try:
            current_text = read(edit.path)
        except Refused:
            if edit.kind != "create":
                return edit.path
            continue
        if edit.kind == "create" or current_text != edit.old_text:
            return edit.path
    return None
