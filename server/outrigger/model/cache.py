"""The embedded model's files (models, llama.cpp builds, logs, what it learnt about this
machine) live in Outrigger's cache directory; the lock here serialises slow work on them
between processes."""

from __future__ import annotations

import fcntl
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from outrigger.cache import cache_dir

__all__ = ["cache_dir", "cache_lock", "write_atomically"]


@contextmanager
def cache_lock(name: str) -> Iterator[None]:
    """Serialise slow cache work between processes (two editors starting at once)."""
    path = cache_dir() / f".{name}.lock"
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        yield


def write_atomically(path: Path, text: str) -> None:
    """Readers see the old file or the new one, never half of it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(handle, "w") as out:
            out.write(text)
        os.chmod(temp, 0o644)  # mkstemp makes it private; the cache is not secret
        os.replace(temp, path)
    finally:
        if os.path.exists(temp):
            os.unlink(temp)
