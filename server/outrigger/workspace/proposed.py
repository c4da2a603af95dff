"""The workspace as a task would leave it: the texts its steps propose (created, changed and
deleted files) over the real ones. Cross-file checks run against this view before anything is
shown to the user; nothing is written."""

from __future__ import annotations

from collections.abc import Callable, Iterator

from outrigger.errors import Refused
from outrigger.workspace.files import Workspace
from outrigger.workspace.languages import language_for


class ProposedWorkspace(Workspace):
    def __init__(self, base: Workspace, changes: dict[str, str | None]) -> None:
        super().__init__(base.root, base.ignore)
        for path in base.open_paths():
            try:
                self.open_document(path, base.read(path), base.version(path))
            except Refused:
                continue
        # path → proposed text, None when the task deletes it; shared with the task, so checks
        # that complete a text (an added export) are seen by the checks after them.
        self.changes = changes

    def read(self, path: str) -> str:
        relative = self.resolve(path)
        if relative in self.changes:
            text = self.changes[relative]
            if text is None:
                raise Refused(f"`{relative}` is deleted by this task.")
            return text
        return super().read(relative)

    def exists(self, path: str) -> bool:
        try:
            relative = self.resolve(path)
        except Refused:
            return False
        if relative in self.changes:
            return self.changes[relative] is not None
        return super().exists(relative)

    def source_files(self, stop: Callable[[], bool] = lambda: False) -> Iterator[str]:
        seen = set()
        for path in super().source_files(stop):
            seen.add(path)
            if self.changes.get(path, "") is not None:
                yield path
        for path, text in sorted(self.changes.items()):
            if path not in seen and text is not None and language_for(path) and self.ignore_reason(path) is None:
                yield path
