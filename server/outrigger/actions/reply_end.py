"""Where a reply with a symbol's new code is complete: asked for one definition, a small model
often goes on after its closing brace or last line — a test of it, a usage example, the rest
of the file (Qwen2.5-Coder-0.5B wrote 330 tokens of a Go test after a 60-token method). Only
the definition is taken from a reply (`find_definition`), so the rest is seconds of writing
that change nothing: the stream is left there (`ModelClient.chat`'s `on_text`), and a reply
read whole is cut there too, so both are read alike.
"""

from __future__ import annotations

import textwrap

from outrigger.actions.definitions import find_definition
from outrigger.guards.fences import strip_fences
from outrigger.workspace.symbols import Symbol
from outrigger.workspace.syntax import syntax_errors

# Lines that start no code of their own: a comment (or a preprocessor line, an attribute) may
# still belong to the definition or to the next one; waiting for the next code line is safe.
_NOT_CODE = ("#", "//", "/*", "*")
_FENCES = ("```", "~~~")


def definition_end(text: str, symbol: Symbol, first: int = 1) -> int | None:
    """The offset in `text` of the first complete line (from line index `first`) that is code
    after a complete definition of `symbol`: another definition, a call, a test. None while
    there is none: the definition is not whole yet, or nothing but comments follow it.
    Not after a closed markdown fence: a later block may be the one taken (`strip_fences`)."""
    lines = text.splitlines(keepends=True)
    if lines and not lines[-1].endswith("\n"):
        lines.pop()  # the line being written
    offset, fences = 0, 0
    for index, line in enumerate(lines):
        stripped = line.strip()
        if stripped.startswith(_FENCES):
            fences += 1
        elif index >= max(first, 1) and stripped and not stripped.startswith(_NOT_CODE) and fences < 2:
            before = text[:offset]
            found = _whole_definition(before, symbol)
            if found is not None and find_definition(strip_fences(before + line), symbol) == found:
                return offset
        offset += len(line)
    return None


def _whole_definition(text: str, symbol: Symbol) -> str | None:
    """The reply's definition of `symbol`, when it is there and parses on its own."""
    found = find_definition(strip_fences(text), symbol)
    if found is None or syntax_errors(symbol.path, textwrap.dedent(found)):
        return None
    return found
