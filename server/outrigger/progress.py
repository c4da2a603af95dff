"""Progress reports: a line per stage, with a percentage where the work can be measured
(a download, an index). Every front end supplies one sink: the CLI draws lines on stderr,
the language server sends `$/progress`."""

from __future__ import annotations

import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
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


# The sink of the request being served: work that one request triggers on behalf of others
# (starting the embedded model) reports to whoever is waiting on it, even with requests in flight.
_current: ContextVar[Progress] = ContextVar("outrigger_progress", default=quiet)


@contextmanager
def reporting_to(sink: Progress) -> Iterator[None]:
    token = _current.set(sink)
    try:
        yield
    finally:
        _current.reset(token)


def current(message: str, percent: int | None = None, /) -> None:
    """Report to the sink of the request being served."""
    _current.get()(message, percent)
