"""The confinement guard: an edit of one symbol changes that symbol's lines and nothing else."""

from __future__ import annotations

from outrigger.edits import split_lines
from outrigger.errors import Refused
from outrigger.workspace.symbols import Symbol


def confine_to_symbol(old_text: str, new_text: str, symbol: Symbol) -> None:
    """Refuse when anything outside the target's lines changed."""
    old_lines, new_lines = split_lines(old_text), split_lines(new_text)
    first, last = symbol.range.start.line, symbol.range.end.line
    head_same = new_lines[:first] == old_lines[:first]
    tail = len(old_lines) - last - 1
    tail_same = tail == 0 or new_lines[len(new_lines) - tail :] == old_lines[last + 1 :]
    if not (head_same and tail_same) or len(new_lines) < first + tail:
        raise Refused(f"The edit reaches outside `{symbol.name}` in {symbol.path}; nothing was changed.")
