"""Progress reports: a line per stage, with a percentage where the work can be measured
(a download, an index). Every front end supplies one sink: the CLI draws lines on stderr,
the language server sends `$/progress`."""

from __future__ import annotations

import sys
import time
from typing import Protocol


class Progress(Protocol):
    def __call__(self, message: str, percent: int | None = None, /) -> None: ...


def quiet(message: str, percent: int | None = None, /) -> None:
    """The sink for callers that show nothing."""


class TerminalProgress:
    """Progress lines on stderr, timed, so a long model start-up never looks hung."""

    def __init__(self) -> None:
        self.started = time.monotonic()

    def __call__(self, message: str, percent: int | None = None, /) -> None:
        done = f" {percent:3d}%" if percent is not None else ""
        print(f"[{time.monotonic() - self.started:5.1f}s]{done} {message}", file=sys.stderr, flush=True)
