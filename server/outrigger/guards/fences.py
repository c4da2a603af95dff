"""The fence guard: small models wrap code in markdown fences (and chatter) despite being told
not to; the code inside is what they meant."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from outrigger.guards.stats import RepairStats

# Markdown fences: 3+ backticks or tildes, indented at most 3 spaces. A backtick opener's
# info string ("python", "js title=x") cannot contain a backtick.
_OPENER = re.compile(r"^ {0,3}(?P<fence>`{3,}(?=[^`]*$)|~{3,}).*$")
_CLOSER = re.compile(r"^ {0,3}(?P<fence>`{3,}|~{3,})[ \t]*$")
_INLINE_CODE = re.compile(r"`[^`]*`")
# Openers of multi-line strings and block comments: in real code, the only places a fence
# line can sit. A lone backtick is what remains once inline `code` spans are removed.
_LITERAL_OPENERS = ('"""', "'''", "`", "/*")


@dataclass
class _Block:
    opener: int  # line index of the opening fence
    end: int  # line index just past the closing fence (or past the text, if unterminated)
    lines: list[str] = field(default_factory=list)

    def code(self) -> str:
        lines = list(self.lines)
        while lines and not lines[0].strip():
            lines.pop(0)
        return "".join(lines).rstrip()


def _fenced_blocks(lines: list[str]) -> list[_Block]:
    blocks: list[_Block] = []
    index = 0
    while index < len(lines):
        opener = _OPENER.match(lines[index].rstrip("\r\n"))
        if not opener:
            index += 1
            continue
        fence = opener["fence"]
        block = _Block(opener=index, end=len(lines))
        index += 1
        while index < len(lines):
            closer = _CLOSER.match(lines[index].rstrip("\r\n"))
            # A closer must use the opener's character and be at least as long, so a
            # 4-backtick fence can hold ``` lines as content.
            if closer and closer["fence"][0] == fence[0] and len(closer["fence"]) >= len(fence):
                block.end = index + 1
                break
            block.lines.append(lines[index])
            index += 1
        index = block.end
        blocks.append(block)
    return blocks


def _opens_literal(line: str) -> bool:
    return any(mark in _INLINE_CODE.sub("", line) for mark in _LITERAL_OPENERS)


def strip_fences(reply: str, stats: RepairStats | None = None) -> str:
    """The code inside a model's markdown fences; unfenced code comes back unchanged.

    A fence line can sit in real code only inside a multi-line string or block comment, so
    fences count as the model's wrapping unless a line before the first one opens such a
    literal (markdown in a docstring or template string stays untouched). Prose around
    the fences ("Here is the updated code:", "This adds a docstring.") is dropped.
    With several blocks the longest wins: small models add short usage examples or shell
    commands next to the full code they were asked for, never the other way round.
    """
    lines = reply.splitlines(keepends=True)
    blocks = [block for block in _fenced_blocks(lines) if block.code()]
    if not blocks or any(_opens_literal(line) for line in lines[: blocks[0].opener]):
        return reply
    if stats is not None:
        stats.fences_stripped += 1
    return max(blocks, key=lambda block: len(block.code())).code()
