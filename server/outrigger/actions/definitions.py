"""The target's definition in a model's reply: small models send more than the one function
asked for (the file's top, its neighbours), so the one that is the target is cut out."""

from __future__ import annotations

import textwrap

from outrigger.blocks import with_newline
from outrigger.edits import split_lines
from outrigger.guards.replies import definitions_in_reply
from outrigger.workspace.symbols import Symbol, extract_symbols
from outrigger.workspace.syntax import language_for

# A method on its own is not a valid file in these languages (`push(item) { … }` is a call and
# a block to a JavaScript parser): a reply for a member is read inside a class of its own.
CLASS_WRAPPERS = {
    "javascript": ("class OutriggerReply {\n", "}\n"),
    "typescript": ("class OutriggerReply {\n", "}\n"),
    "tsx": ("class OutriggerReply {\n", "}\n"),
    "java": ("class OutriggerReply {\n", "}\n"),
    "csharp": ("class OutriggerReply {\n", "}\n"),
    "php": ("<?php\nclass OutriggerReply {\n", "}\n"),
}


def find_definition(code: str, symbol: Symbol) -> str | None:
    """The reply's definition of the target (with its leading comments), or None."""
    dedented = textwrap.dedent(code)
    found = _definition_in(dedented, symbol)
    wrapper = CLASS_WRAPPERS.get(language_for(symbol.path) or "")
    if found is None and symbol.container and wrapper:
        head, tail = wrapper
        found = _definition_in(head + with_newline(dedented) + tail, symbol)
    return found


def _definition_in(code: str, symbol: Symbol) -> str | None:
    name = symbol.name.split(".")[-1]
    candidates = [
        s
        for s in definitions_in_reply(symbol.path, code)
        if s.name == name and s.kind in (symbol.kind, "function", "method", "class")
    ]
    if not candidates:
        return None
    best = min(candidates, key=lambda s: s.range.start.line)
    lines = split_lines(code)
    return with_newline("".join(lines[best.range.start.line : best.range.end.line + 1]))


def defined_block(path: str, text: str, qualified_name: str) -> str | None:
    """The lines of the one definition of `qualified_name` in `text` (a file's text as it is
    or as an edit proposes it), or None when there is not exactly one."""
    found = [s for s in extract_symbols(path, text) if s.qualified_name == qualified_name]
    if len(found) != 1:
        return None
    return "".join(split_lines(text)[found[0].range.start.line : found[0].range.end.line + 1])
