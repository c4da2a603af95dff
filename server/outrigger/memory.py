"""What the agent has done: one-sentence summaries, and the records that make undo safe.

A workspace's memory is kept in the state directory (never in the repository), so "undo" and
"do the same to X" work across CLI runs and editor restarts, and the CLI and an editor on the
same folder share it. Undo still refuses when a file changed since (the stale guard).
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import logging
import os
import tempfile
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from outrigger.cache import state_dir, workspace_key
from outrigger.edits import FileEdit, created_file, deleted_file, file_edit
from outrigger.errors import Refused
from outrigger.guards.stale import first_stale
from outrigger.plan import Plan

log = logging.getLogger(__name__)

# Records beyond this keep their summary (history) but not the texts undo needs: a memory of
# fifty whole files could grow to hundreds of megabytes.
UNDOABLE = 10


@dataclass
class ActionRecord:
    summary: str  # one sentence: "Added a docstring to `validateUser` in src/auth.js."
    request: str  # what the user asked, so "do the same to X" can replay it
    plan: Plan  # what produced the edits
    edits: list[FileEdit]


class Memory:
    """The last `limit` applied actions, oldest first; kept in `store` when given."""

    def __init__(self, limit: int = 50, store: Path | None = None):
        self._records: deque[ActionRecord] = deque(maxlen=limit)
        self._store = store

    @classmethod
    def for_workspace(cls, root: Path) -> Memory:
        return cls(store=state_dir() / "memory" / f"{workspace_key(root)}.json")

    def record(self, record: ActionRecord) -> None:
        with self._stored():
            self._records.append(record)

    def last(self) -> ActionRecord | None:
        with self._stored(write=False):
            return self._records[-1] if self._records else None

    def pop(self) -> ActionRecord | None:
        with self._stored():
            return self._records.pop() if self._records else None

    def history(self) -> list[str]:
        with self._stored(write=False):
            return [record.summary for record in self._records]

    @contextlib.contextmanager
    def _stored(self, write: bool = True) -> Iterator[None]:
        """Read the store (another process may have added to it), then write it back, under
        a lock. Without a store, or with one that cannot be used, memory is this process's."""
        if self._store is None:
            yield
            return
        try:
            self._store.parent.mkdir(parents=True, exist_ok=True)
            lock = open(self._store.with_suffix(".lock"), "w")  # noqa: SIM115 — held across the yield
        except OSError as error:
            log.warning("memory stays in this process: %s", error)
            self._store = None
            yield
            return
        with lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            self._load()
            yield
            if write:
                self._save()

    def _load(self) -> None:
        assert self._store is not None
        try:
            entries = json.loads(self._store.read_text("utf-8"))
            records = [_record_from(entry) for entry in entries]
        except FileNotFoundError:
            return
        except (OSError, ValueError, TypeError, KeyError, ValidationError) as error:
            log.warning("ignoring an unreadable memory file %s: %s", self._store, error)
            return
        self._records.clear()
        self._records.extend(records)

    def _save(self) -> None:
        assert self._store is not None
        records = list(self._records)
        entries = [_record_to(r, keep_texts=i >= len(records) - UNDOABLE) for i, r in enumerate(records)]
        handle, temp = tempfile.mkstemp(dir=self._store.parent, prefix=".memory-")
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as out:
                json.dump(entries, out)
            os.replace(temp, self._store)
        except OSError as error:
            log.warning("could not keep the memory in %s: %s", self._store, error)
            Path(temp).unlink(missing_ok=True)


def _edit_from(entry: dict[str, Any]) -> FileEdit:
    kind = entry.get("kind", "edit")
    if kind == "create":
        return created_file(entry["path"], entry["new_text"])
    if kind == "delete":
        return deleted_file(entry["path"], entry["old_text"], entry["version"])
    return file_edit(entry["path"], entry["old_text"], entry["new_text"], entry["version"])


def _record_to(record: ActionRecord, *, keep_texts: bool) -> dict[str, Any]:
    edits = [
        {"path": e.path, "version": e.version, "old_text": e.old_text, "new_text": e.new_text, "kind": e.kind}
        for e in record.edits
    ]
    return {
        "summary": record.summary,
        "request": record.request,
        "plan": record.plan.model_dump(mode="json"),
        "edits": edits if keep_texts else [],
    }


def _record_from(entry: dict[str, Any]) -> ActionRecord:
    edits = [_edit_from(e) for e in entry["edits"]]
    return ActionRecord(entry["summary"], entry["request"], Plan.model_validate(entry["plan"]), edits)


def undo_edits(
    record: ActionRecord, read: Callable[[str], str], version: Callable[[str], int | None]
) -> list[FileEdit]:
    """Edits that take each file of `record` back to its text before the action.

    Refuses unless every file still reads exactly as the action left it: reverting a file
    edited since would throw away the user's later work.
    """
    if not record.edits:
        raise Refused(
            f"Cannot undo “{record.summary}”: Outrigger keeps what undo needs for the last {UNDOABLE} actions only."
        )
    # Several edits to one file within an action collapse to its first old and last new text.
    first: dict[str, FileEdit] = {}
    last: dict[str, FileEdit] = {}
    for edit in record.edits:
        first.setdefault(edit.path, edit)
        last[edit.path] = edit

    reverts = []
    for path, edit in first.items():
        after = last[path]
        if edit.kind == "create":  # the action created it: undo deletes it
            reverts.append(deleted_file(path, after.new_text, version(path)))
        elif after.kind == "delete":  # the action deleted it: undo brings it back
            reverts.append(created_file(path, edit.old_text))
        else:
            reverts.append(file_edit(path, after.new_text, edit.old_text, version(path)))
    if stale := first_stale(reverts, read):
        raise Refused(f"Cannot undo “{record.summary}”: {stale} changed since it was edited.")
    return reverts
