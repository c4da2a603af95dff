"""Where a doc comment names the symbol a rename changes: Rust's `///` and `//!` (and `/** */`,
`/*! */`), JavaScript/TypeScript's `/** */`. An IDE's rename changes these with the name:
`cargo test` compiles the ```` ``` ```` examples as doctests, `cargo doc` resolves the
intra-doc links ([`osa_distance`]), and a stale `{@link slugify}` points nowhere.

Only what is written as code is renamed: a fenced example, a `code span`, an intra-doc link, a
`{@link …}`. Prose is left alone (a plain English word may be the name). A method is named as
`Owner.name`, `Owner::name` or `Owner#name` there; a bare `.name` in an example has a receiver
Outrigger cannot type, so it stays (the project's tests then say whether that was right)."""

from __future__ import annotations

import re

from outrigger.spans import Range
from outrigger.workspace.languages import language_for

_DOC_LANGUAGES = frozenset({"rust", "javascript", "typescript", "tsx"})
_LINE_DOC = re.compile(r"^\s*//[/!](?!/)")  # `///` and `//!`, not `////`
_BLOCK_OPEN = re.compile(r"/\*[*!](?![*/])")  # `/**` and `/*!`, not `/***` or `/**/`
_FENCE = re.compile(r"^\s*(?:```|~~~)")
_CODE_SPAN = re.compile(r"`[^`\n]+`")
_LINK = re.compile(r"\[[^\]\n]+\](?:\([^)\n]*\))?|\{@link(?:code|plain)?\s+[^}\n]+\}")


def doc_mentions(path: str, text: str, name: str, owner: str | None) -> list[Range]:
    """The places in `path`'s doc comments where code names `name` (`owner`'s member, if it
    has one); [] for files in languages without such comments."""
    if language_for(path) not in _DOC_LANGUAGES or name not in text:
        return []
    found: list[Range] = []
    in_fence = False
    for row, (line, start) in enumerate(_doc_lines(text)):
        if start < 0:
            in_fence = False  # a fence never runs past its comment
            continue
        body = line[start:]
        if _FENCE.match(body):
            in_fence = not in_fence
            continue
        pieces = (
            [(0, len(body))] if in_fence else [m.span() for m in (*_CODE_SPAN.finditer(body), *_LINK.finditer(body))]
        )
        for begin, end in pieces:
            for column in _named(body[begin:end], name, owner):
                found.append(Range.of(row, start + begin + column, row, start + begin + column + len(name)))
    return sorted(set(found), key=lambda r: (r.start.line, r.start.character))


def _doc_lines(text: str) -> list[tuple[str, int]]:
    """Each line with the column where its doc-comment text starts (-1: not in a doc comment)."""
    lines = []
    in_block = False
    for line in text.split("\n"):
        if in_block:
            marker = re.match(r"^\s*\*?(?!/)", line)
            lines.append((line, marker.end() if marker else 0))
            in_block = "*/" not in line
        elif m := _LINE_DOC.match(line):
            lines.append((line, m.end()))
        elif (m := _BLOCK_OPEN.search(line)) and "*/" not in line[m.end() :]:
            lines.append((line, m.end()))
            in_block = True
        elif m:
            lines.append((line, m.end()))  # a one-line `/** … */`
        else:
            lines.append((line, -1))
    return lines


def _named(code: str, name: str, owner: str | None) -> list[int]:
    """Columns in `code` where the identifier `name` stands for the symbol: bare (or a path
    `crate::name`, `mod::name`) for a top-level one, after its owner for a member."""
    columns = []
    for m in re.finditer(rf"(?<![\w$]){re.escape(name)}(?![\w$])", code):
        before = code[: m.start()]
        if owner:
            if re.search(rf"(?<![\w$]){re.escape(owner)}(?:\.|::|#)$", before):
                columns.append(m.start())
        elif not before.endswith(".") and not re.search(r"[\w$]#$|(?<![\w$])[A-Z][\w$]*::$", before):
            # `x.name` in an example is someone's method, `T#name` and `Type::name` a member;
            # `crate::name` and `tides::name` are paths to the function
            columns.append(m.start())
    return columns
