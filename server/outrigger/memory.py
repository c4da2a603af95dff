"""What the agent has done: one-sentence summaries, and the records that make undo safe."""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

from outrigger.edits import FileEdit, file_edit
from outrigger.errors import Refused
from outrigger.guards.stale import first_stale
from outrigger.plan import Plan


@dataclass
class ActionRecord:
    summary: str  # one sentence: "Added a docstring to `validateUser` in src/auth.js."
    request: str  # what the user asked, so "do the same to X" can replay it
    plan: Plan  # what produced the edits
    edits: list[FileEdit]


class Memory:
    """The last `limit` applied actions, oldest first."""

    def __init__(self, limit: int = 50):
        self._records: deque[ActionRecord] = deque(maxlen=limit)

    def record(self, record: ActionRecord) -> None:
        self._records.append(record)

    def last(self) -> ActionRecord | None:
        return self._records[-1] if self._records else None

    def pop(self) -> ActionRecord | None:
        return self._records.pop() if self._records else None

    def history(self) -> list[str]:
        return [record.summary for record in self._records]


def undo_edits(
    record: ActionRecord, read: Callable[[str], str], version: Callable[[str], int | None]
) -> list[FileEdit]:
    """Edits that take each file of `record` back to its text before the action.

    Refuses unless every file still reads exactly as the action left it: reverting a file
    edited since would throw away the user's later work.
    """
    # Several edits to one file within an action collapse to its first old and last new text.
    before: dict[str, str] = {}
    after: dict[str, str] = {}
    for edit in record.edits:
        before.setdefault(edit.path, edit.old_text)
        after[edit.path] = edit.new_text

    reverts = [file_edit(path, after[path], old_text, version(path)) for path, old_text in before.items()]
    if stale := first_stale(reverts, read):
        raise Refused(f"Cannot undo “{record.summary}”: {stale} changed since it was edited.")
    return reverts
