"""The CLI's progress sink: a bar redrawn in place on a terminal, clean lines in a log."""

from __future__ import annotations

import io

from outrigger.progress import TerminalProgress


class Screen(io.StringIO):
    encoding = "utf-8"

    def __init__(self, tty: bool) -> None:
        super().__init__()
        self.tty = tty

    def isatty(self) -> bool:
        return self.tty


def test_a_terminal_gets_one_line_redrawn_as_a_bar():
    screen = Screen(tty=True)
    progress = TerminalProgress(screen)

    progress("Starting")
    for percent in (0, 40, 100):
        progress("Downloading model.gguf", percent)
    progress("Model ready")

    lines = screen.getvalue().split("\n")
    assert lines[0].endswith("] Starting")
    bar_line = lines[1]
    assert bar_line.count("\r") == 3  # one line, drawn three times
    assert bar_line.endswith("Downloading model.gguf " + "█" * 30 + " 100%")
    assert " 40%" in bar_line and "█" * 12 + "░" * 18 in bar_line
    assert lines[2].endswith("] Model ready") and lines[3] == ""


def test_an_unfinished_bar_is_closed_before_the_next_line():
    screen = Screen(tty=True)
    progress = TerminalProgress(screen)

    progress("Compiling llama-server", 37)
    progress("error: the compiler failed")

    first, second, _ = screen.getvalue().split("\n")
    assert first.endswith(" 37%") and second.endswith("] error: the compiler failed")


def test_a_log_gets_a_line_per_quarter_not_per_percent():
    log = Screen(tty=False)
    progress = TerminalProgress(log)

    for percent in range(0, 101):
        progress("Downloading model.gguf", percent)
    progress("Assembling", 0)

    lines = log.getvalue().splitlines()
    assert [line.split("] ", 1)[1] for line in lines] == [
        "Downloading model.gguf: 0%",
        "Downloading model.gguf: 25%",
        "Downloading model.gguf: 50%",
        "Downloading model.gguf: 75%",
        "Downloading model.gguf: 100%",
        "Assembling: 0%",
    ]
    assert "\r" not in log.getvalue()
