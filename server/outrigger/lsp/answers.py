"""Long answers as markdown documents the editor opens (`window/showDocument`): a toast
truncates them, and they must never land in the user's workspace, so they are written under
the cache directory and only the most recent few are kept."""

from __future__ import annotations

import time
from pathlib import Path

from outrigger.cache import cache_dir

LONG_LINES = 2  # more lines than this, or more characters, and the answer gets a document
LONG_CHARS = 200
TOAST_CHARS = 120
KEPT = 20


def is_long(message: str) -> bool:
    text = message.strip()
    return len(text) > LONG_CHARS or text.count("\n") >= LONG_LINES


def toast(message: str) -> str:
    """The first line of an answer, cut to fit a notification."""
    first = message.strip().splitlines()[0] if message.strip() else ""
    return first if len(first) <= TOAST_CHARS else first[: TOAST_CHARS - 1] + "…"


def write_answer(request: str, message: str, directory: Path | None = None) -> Path:
    """The question as a quote, then the answer as the model wrote it; older answers pruned."""
    folder = directory or cache_dir() / "answers"
    folder.mkdir(parents=True, exist_ok=True)
    quoted = "\n".join("> " + line for line in request.strip().splitlines())
    path = folder / f"answer-{time.time_ns()}.md"
    path.write_text(f"# Outrigger\n\n{quoted}\n\n{message.strip()}\n", encoding="utf-8")
    for old in sorted(folder.glob("answer-*.md"))[:-KEPT]:
        old.unlink(missing_ok=True)
    return path
