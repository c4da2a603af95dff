"""Removing one definition from a file, in code: its lines (with its doc comment and
decorators), the blank lines it leaves doubled where it was, and its entries in the module's
export lists. Who still uses the name is the cross-file guard's to check, over the whole
proposed workspace."""

from __future__ import annotations

from outrigger.actions.moves import without_export
from outrigger.edits import split_lines
from outrigger.workspace.languages import language_for
from outrigger.workspace.symbols import Symbol


def without_definition(path: str, text: str, symbol: Symbol) -> str:
    lines = split_lines(text)
    before, after = lines[: symbol.range.start.line], lines[symbol.range.end.line + 1 :]
    result = "".join(_joined(before, after, 2 if language_for(path) == "python" else 1))
    if language_for(path) in ("javascript", "typescript", "tsx") and symbol.container is None:
        result = without_export(result, symbol.name)
    return result


def _joined(before: list[str], after: list[str], blank_lines: int) -> list[str]:
    """`before` and `after` with at most `blank_lines` blank lines where they meet, and none
    at the end of the file when the definition was the last thing in it."""
    gap = []
    while before and not before[-1].strip():
        gap.append(before.pop())
    while after and not after[0].strip():
        gap.append(after.pop(0))
    if not after:
        if before:
            before[-1] = before[-1].rstrip() + ("\r\n" if before[-1].endswith("\r\n") else "\n")
        return before
    return before + gap[:blank_lines] + after
