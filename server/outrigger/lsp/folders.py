"""One Session per workspace folder. A document belongs to the innermost folder that holds it;
a command with no document goes to the folder last asked in (or the first one)."""

from __future__ import annotations

from pathlib import Path

from pygls.uris import to_fs_path

from outrigger.session import Session


class Folders:
    def __init__(self) -> None:
        self._sessions: dict[Path, Session] = {}
        self._last: Path | None = None

    def __iter__(self):
        return iter(list(self._sessions.values()))

    def __len__(self) -> int:
        return len(self._sessions)

    def add(self, session: Session) -> None:
        self._sessions[session.root] = session

    def pop(self, root: Path) -> Session | None:
        session = self._sessions.pop(root.resolve(), None)
        if self._last == root.resolve():
            self._last = None
        return session

    def for_uri(self, uri: str) -> Session | None:
        """The session of the innermost folder holding `uri`, or None."""
        fs_path = to_fs_path(uri) if uri.startswith("file:") else None
        if not fs_path:
            return None
        path = Path(fs_path).absolute()
        holding = [root for root in self._sessions if path.is_relative_to(root) or _real(path).is_relative_to(root)]
        if not holding:
            return None
        return self._sessions[max(holding, key=lambda root: len(root.parts))]

    def default(self) -> Session | None:
        if self._last is not None and self._last in self._sessions:
            return self._sessions[self._last]
        return next(iter(self._sessions.values()), None)

    def used(self, session: Session) -> None:
        self._last = session.root


def _real(path: Path) -> Path:
    try:
        return path.resolve()
    except OSError:
        return path
