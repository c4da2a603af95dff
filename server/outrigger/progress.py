"""Progress reports: a line per stage, with a percentage where the work can be measured
(a download, a build, an index). Every front end supplies one sink: the CLI draws lines on
stderr, the language server sends `$/progress`."""

from __future__ import annotations

import shutil
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Protocol, TextIO


class Progress(Protocol):
    def __call__(self, message: str, percent: int | None = None, /) -> None: ...


def quiet(message: str, percent: int | None = None, /) -> None:
    """The sink for callers that show nothing."""


class TerminalProgress:
    """Progress on stderr, timed, so a long model start-up never looks hung.

    On a terminal a measured stage is one line redrawn as a bar; in a log (CI, a pipe) it
    is a line at 0, 25, 50, 75 and 100 %, so the log stays readable."""

    BAR_WIDTH = 30
    LOG_STEP = 25

    def __init__(self, stream: TextIO | None = None) -> None:
        self.stream = stream or sys.stderr
        self.started = time.monotonic()
        self.tty = self.stream.isatty()
        self._bar: str | None = None  # the stage whose bar is on screen, unfinished
        self._logged: tuple[str, int] | None = None  # the last (stage, step) written to a log
        encoding = (getattr(self.stream, "encoding", None) or "").lower()
        self._cells = ("█", "░") if encoding.startswith("utf") else ("#", "-")

    def __call__(self, message: str, percent: int | None = None, /) -> None:
        stamp = f"[{time.monotonic() - self.started:5.1f}s]"
        if percent is None:
            self._end_bar()
            self._write(f"{stamp} {message}\n")
            return
        percent = max(0, min(100, percent))
        if not self.tty:
            step = percent // self.LOG_STEP
            if self._logged != (message, step):
                self._logged = (message, step)
                self._write(f"{stamp} {message}: {percent}%\n")
            return
        if self._bar != message:
            self._end_bar()
            self._bar = message
        filled = percent * self.BAR_WIDTH // 100
        bar = self._cells[0] * filled + self._cells[1] * (self.BAR_WIDTH - filled)
        room = shutil.get_terminal_size().columns - len(stamp) - self.BAR_WIDTH - 8
        text = message if len(message) <= room else message[: max(0, room - 1)] + "…"
        self._write(f"\r\033[K{stamp} {text} {bar} {percent:3d}%")
        if percent == 100:
            self._end_bar()

    def _end_bar(self) -> None:
        if self._bar is not None:
            self._bar = None
            self._write("\n")

    def _write(self, text: str) -> None:
        self.stream.write(text)
        self.stream.flush()


class StreamedText:
    """An answer as the model writes it, on stderr: each report's new part. The answer itself
    is printed on stdout once it is complete (a pipe gets it whole)."""

    def __init__(self, stream: TextIO | None = None) -> None:
        self.stream = stream or sys.stderr
        self.shown = ""

    def __call__(self, text: str, tokens: int = 0, /) -> None:
        new = text[len(self.shown) :] if text.startswith(self.shown) else "\n" + text
        self.shown = text
        self.stream.write(new)
        self.stream.flush()

    def end(self) -> None:
        if self.shown:
            self.stream.write("\n")
            self.stream.flush()
            self.shown = ""


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
