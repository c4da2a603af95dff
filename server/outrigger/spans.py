"""Positions and ranges inside a text, as the core sees them.

Lines are 0-based; characters count Unicode code points (Python string indices).
The LSP adapter converts to and from the client's position encoding.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Position:
    line: int
    character: int


@dataclass(frozen=True)
class Range:
    start: Position
    end: Position

    @classmethod
    def of(cls, start_line: int, start_char: int, end_line: int, end_char: int) -> Range:
        return cls(Position(start_line, start_char), Position(end_line, end_char))

    def contains(self, other: Range) -> bool:
        return self.start <= other.start and other.end <= self.end

    def contains_position(self, position: Position) -> bool:
        return self.start <= position <= self.end


def line_starts(text: str) -> list[int]:
    """Offsets at which each line of `text` begins."""
    starts = [0]
    for index, char in enumerate(text):
        if char == "\n":
            starts.append(index + 1)
    return starts


def offset_of(text: str, position: Position, starts: list[int] | None = None) -> int:
    """String index of `position`, clamped to the text like LSP clients do."""
    starts = starts if starts is not None else line_starts(text)
    if position.line >= len(starts):
        return len(text)
    line_start = starts[position.line]
    line_end = starts[position.line + 1] - 1 if position.line + 1 < len(starts) else len(text)
    return min(line_start + position.character, line_end)


def position_of(text: str, offset: int, starts: list[int] | None = None) -> Position:
    """The position of string index `offset`."""
    import bisect

    starts = starts if starts is not None else line_starts(text)
    line = bisect.bisect_right(starts, offset) - 1
    return Position(line, offset - starts[line])
