"""Removing one definition from a file, in code: its lines (with its doc comment and
decorators), the blank lines it leaves doubled, and its entry in a CommonJS export list. Who
still uses the name is the cross-file guard's to check, over the whole proposed workspace."""

from __future__ import annotations

import re

from outrigger.edits import split_lines
from outrigger.workspace.languages import language_for
from outrigger.workspace.symbols import Symbol


def without_definition(path: str, text: str, symbol: Symbol) -> str:
    lines = split_lines(text)
    first, last = symbol.range.start.line, symbol.range.end.line
    kept = lines[:first] + lines[last + 1 :]
    result = _single_gaps("".join(kept), 2 if language_for(path) == "python" else 1)
    if language_for(path) in ("javascript", "typescript", "tsx") and symbol.container is None:
        result = _unlisted(result, symbol.name)
    return result


def _single_gaps(text: str, blank_lines: int) -> str:
    """At most `blank_lines` blank lines in a row where the definition was, none at the end."""
    newline = "\r\n" if "\r\n" in text else "\n"
    squeezed = re.sub(rf"(?:[ \t]*{newline}){{{blank_lines + 2},}}", newline * (blank_lines + 1), text)
    return squeezed.rstrip() + newline if squeezed.strip() else ""


def _unlisted(text: str, name: str) -> str:
    """`name` out of `module.exports = { … }`, and its `exports.name = name;` line."""

    def drop(m: re.Match[str]) -> str:
        names = [n.strip() for n in m.group(1).split(",") if n.strip()]
        kept = [n for n in names if n.split(":")[0].strip() != name]
        return f"module.exports = {{ {', '.join(kept)} }}" if kept != names else m.group(0)

    text = re.sub(r"module\.exports\s*=\s*\{([^}]*)\}", drop, text)
    return re.sub(
        rf"^[ \t]*(?:module\.)?exports\.{re.escape(name)}\s*=\s*{re.escape(name)}\s*;?[ \t]*\r?\n", "", text, flags=re.M
    )
