"""Where Outrigger keeps what it downloads and builds (the cache) and what it remembers (its
state: the history and undo records of each workspace), both outside any repository."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path


def cache_dir() -> Path:
    """`$OUTRIGGER_CACHE`, else `$XDG_CACHE_HOME/outrigger`, else `~/.cache/outrigger`."""
    if explicit := os.environ.get("OUTRIGGER_CACHE"):
        return Path(explicit).expanduser()
    xdg = os.environ.get("XDG_CACHE_HOME")
    return (Path(xdg).expanduser() if xdg else Path.home() / ".cache") / "outrigger"


def state_dir() -> Path:
    """`$OUTRIGGER_STATE`, else `$XDG_STATE_HOME/outrigger`, else `~/.local/state/outrigger`."""
    if explicit := os.environ.get("OUTRIGGER_STATE"):
        return Path(explicit).expanduser()
    xdg = os.environ.get("XDG_STATE_HOME")
    return (Path(xdg).expanduser() if xdg else Path.home() / ".local" / "state") / "outrigger"


def workspace_key(root: Path) -> str:
    """A short stable name for a workspace folder (its resolved path, hashed)."""
    return hashlib.sha256(str(Path(root).resolve()).encode()).hexdigest()[:16]
