"""Blocks of code as lines of text: their indentation and their last newline."""

from __future__ import annotations

import textwrap

from outrigger.edits import split_lines


def reindent(block: str, indent: str) -> str:
    """`block` dedented, then indented by `indent` (blank lines stay blank)."""
    lines = split_lines(textwrap.dedent(block))
    return "".join(indent + line if line.strip() else line for line in lines)


def indent_of(text: str) -> str:
    return text[: len(text) - len(text.lstrip(" \t"))]


def with_newline(text: str) -> str:
    return text if text.endswith("\n") else text + "\n"
