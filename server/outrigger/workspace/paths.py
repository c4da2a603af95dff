"""Containment guard: a path named by a model or a user must stay inside the workspace."""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from outrigger.errors import Refused

_DRIVE = re.compile(r"^[A-Za-z]:")


@lru_cache(maxsize=32)
def real_root(root: Path) -> Path:
    """The root with symlinks resolved, computed once per root."""
    return root.resolve()


def resolve_in_workspace(root: Path, candidate: str) -> str:
    """Normalize `candidate` to a workspace-relative POSIX path, or raise Refused.

    Backslashes count as separators because models trained on Windows code emit them.
    The file need not exist; every existing component is checked for symlink escapes.
    """
    shown = candidate.replace("\x00", "\\0")
    text = candidate.strip()
    if not text:
        raise Refused("Refused an empty path: name a file inside the workspace.")
    if "\x00" in text:
        raise Refused(f"Refused path `{shown}`: it contains a NUL byte.")
    if text.startswith("~"):
        raise Refused(
            f"Refused path `{shown}`: home-directory (`~`) paths are not allowed; use a path relative to the workspace."
        )
    text = text.replace("\\", "/")
    if _DRIVE.match(text):
        raise Refused(f"Refused path `{shown}`: it is a Windows drive path outside the workspace.")

    root_real = real_root(root)
    if text.startswith("/"):
        text = _relative_to_root(text, root, root_real, shown)
    relative = _normalize(text, shown)

    # Lexical checks cannot see symlinks: ask the file system where the path really leads.
    if not (root_real / relative).resolve().is_relative_to(root_real):
        raise Refused(f"Refused path `{shown}`: it goes through a symbolic link that leads outside the workspace.")
    return relative


def _relative_to_root(text: str, root: Path, root_real: Path, shown: str) -> str:
    """An absolute path is accepted only when it lies under the root (as given or resolved)."""
    absolute = Path(_normalize(text, shown, absolute=True))
    for base in (root_real, root.absolute()):
        if absolute.is_relative_to(base):
            return absolute.relative_to(base).as_posix() or "."
    raise Refused(f"Refused path `{shown}`: it points outside the workspace.")


def _normalize(text: str, shown: str, absolute: bool = False) -> str:
    parts: list[str] = []
    for part in text.split("/"):
        if part in ("", "."):
            continue
        if part == "..":
            if not parts:
                raise Refused(f"Refused path `{shown}`: it points outside the workspace.")
            parts.pop()
        else:
            parts.append(part)
    if absolute:
        return "/" + "/".join(parts)
    if not parts:
        raise Refused(f"Refused path `{shown}`: it names the workspace folder, not a file.")
    return "/".join(parts)
