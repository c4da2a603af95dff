"""Writing edits to disk, for front ends that own the files (the CLI, the benchmark).

All or nothing: every file must still hold the text the edit was computed from before
any file is written, and each file is replaced atomically. A path that is a symbolic link
(inside the workspace, or containment refuses it) is written through: the file it points to
gets the new text and the link stays a link.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Sequence
from pathlib import Path

from .edits import FileEdit
from .errors import Refused
from .guards.stale import first_stale
from .workspace.paths import resolve_in_workspace


def apply_to_disk(root: Path, edits: Sequence[FileEdit]) -> None:
    """Every file is checked before any is written; created files get their folders, deleted
    ones are removed. A symbolic link is written through, to its target inside the workspace."""
    root = Path(root)
    targets: dict[Path, str] = {}
    for edit in edits:
        target = _target(root, edit.path)
        if (other := targets.setdefault(target, edit.path)) != edit.path:
            raise Refused(f"`{other}` and `{edit.path}` are the same file (a symbolic link); nothing was written.")

    def read(relative: str) -> str:
        path = _target(root, relative)
        if not path.is_file():
            raise Refused(f"`{relative}` does not exist.")
        return _read_exactly(path)

    if stale := first_stale(edits, read):
        raise Refused(f"{stale} changed since the edit was computed; nothing was written.")
    for edit in edits:
        path = _target(root, edit.path)
        if edit.kind == "delete":
            path.unlink()
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        _write_atomically(path, edit.new_text)


def _target(root: Path, relative: str) -> Path:
    """The file a workspace path names, symbolic links followed (containment has checked
    that they lead inside the workspace)."""
    return (root / resolve_in_workspace(root, relative)).resolve()


def _read_exactly(path: Path) -> str:
    with open(path, encoding="utf-8", newline="") as handle:  # keep CRLF as is
        return handle.read()


def _write_atomically(path: Path, text: str) -> None:
    fd, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".outrigger")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
        if path.exists():
            os.chmod(temp, path.stat().st_mode)
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
