"""Where documentation names the symbol a rename changes, as code. An IDE's rename changes these
with the name; left behind, they break or point nowhere:

- Rust's `///` and `//!` (and `/** */`, `/*! */`): `cargo test` compiles the ```` ``` ````
  examples as doctests, and `cargo doc` resolves the intra-doc links ([`osa_distance`]);
- JavaScript/TypeScript's and Java's `/** */`: a stale `{@link slugify}` points nowhere;
- Python docstrings: the doctest lines (`>>> tally(3)`, `... `), which `pytest
  --doctest-modules` runs, and code spans (`` `tally` ``, ``` ``tally`` ```, `:func:`tally``);
- Go doc comments (the `//` lines just above a declaration): doc links (`[Tally]`,
  `[Meter.Read]`, `[gauge.Tally]`) and their code blocks (lines indented by a tab).

Only what is written as code is renamed: a fenced or indented example, a doctest, a `code
span`, a link. Prose is left alone (a plain English word may be the name). A method is named as
`Owner.name`, `Owner::name` or `Owner#name` there, or on a receiver the same example builds
(`const q = new Queue()`, `let c = Cache::new()`, `c := NewCache()`, `c = Cache()`); another
`.name` has a receiver Outrigger cannot type, so it stays (the project's tests then say whether
that was right)."""

from __future__ import annotations

import re

from outrigger.guards.doc_only import is_string_statement
from outrigger.spans import Range
from outrigger.workspace.languages import language_for
from outrigger.workspace.syntax import parse

_BLOCK_LANGUAGES = frozenset({"rust", "javascript", "typescript", "tsx", "java"})
_LINE_DOC = re.compile(r"^\s*//[/!](?!/)")  # `///` and `//!`, not `////`
_BLOCK_OPEN = re.compile(r"/\*[*!](?![*/])")  # `/**` and `/*!`, not `/***` or `/**/`
_FENCE = re.compile(r"^\s*(?:```|~~~)")
_CODE_SPAN = re.compile(r"``[^`\n]+``|`[^`\n]+`")  # reST and Markdown spell a span with two as well
_LINK = re.compile(r"\[[^\]\n]+\](?:\([^)\n]*\))?|\{@link(?:code|plain)?\s+[^}\n]+\}")
_DOCTEST = re.compile(r"^\s*(?:>>>|\.\.\.)(?: |$)")  # a doctest's source line, not its expected output
_GO_COMMENT = re.compile(r"^\s*//")
_GO_DECLARATION = re.compile(r"^(?:func|type|var|const|package)\b|^\s+[A-Z]\w*\b(?!\s*:=)")
_GO_CODE = re.compile(r"^\t")  # gofmt's code block in a doc comment: the text indented by a tab


def doc_mentions(path: str, text: str, name: str, owner: str | None) -> list[Range]:
    """The places in `path`'s doc comments or docstrings where code names `name` (`owner`'s
    member, if it has one); [] for files in languages without them."""
    language = language_for(path)
    if name not in text:
        return []
    if language in _BLOCK_LANGUAGES:
        lines, code_line = _doc_lines(text), None
    elif language == "python":
        lines, code_line = _docstring_lines(path, text), _DOCTEST
    elif language == "go":
        lines, code_line = _go_doc_lines(text), _GO_CODE
    else:
        return []
    package = _go_package(text) if language == "go" else None  # `gauge.Tally`, in gauge's own docs
    found: list[Range] = []
    in_fence = False
    built: set[str] = set()  # receivers this comment's examples build of the owner's type
    for row, (line, start) in enumerate(lines):
        if start < 0:
            in_fence, built = False, set()  # a fence never runs past its comment
            continue
        body = line[start:]
        if _FENCE.match(body):
            in_fence = not in_fence
            continue
        if in_fence or (code_line is not None and code_line.match(body)):
            pieces = [(0, len(body))]
            built |= _built(body, owner)
        else:
            pieces = [m.span() for m in (*_CODE_SPAN.finditer(body), *_LINK.finditer(body))]
        for begin, end in pieces:
            for column in _named(body[begin:end], name, owner, package, built):
                found.append(Range.of(row, start + begin + column, row, start + begin + column + len(name)))
    if language == "go":
        found += _go_leading_name(lines, text.split("\n"), name, owner)
    return sorted(set(found), key=lambda r: (r.start.line, r.start.character))


def _go_leading_name(lines: list[tuple[str, int]], source: list[str], name: str, owner: str | None) -> list[Range]:
    """Go's doc comment starts with the name it documents ("// Tally adds…", as `go vet` and
    gopls expect); gopls's rename changes that word with the declaration it is above."""
    receiver = rf"\([^)]*\b{re.escape(owner)}\b[^)]*\)\s*" if owner else ""
    declaration = re.compile(rf"^\s*(?:func\s*{receiver}|type\s+|var\s+|const\s+)?{re.escape(name)}\b")
    found = []
    for row, (line, start) in enumerate(lines):
        first = start >= 0 and (row == 0 or lines[row - 1][1] < 0)
        if not first or not re.match(rf"{re.escape(name)}\b", line[start:]):
            continue
        below = next((r for r in range(row, len(lines)) if lines[r][1] < 0), len(lines))
        if below < len(source) and declaration.match(source[below]):
            found.append(Range.of(row, start, row, start + len(name)))
    return found


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


def _docstring_lines(path: str, text: str) -> list[tuple[str, int]]:
    """Each line cut at the end of the docstring on it, with the column where the docstring's
    text starts (-1: no docstring on the line). A docstring is a statement that is only a
    string literal, as `guards/doc_only.py` reads it."""
    lines = text.split("\n")
    marked: list[tuple[str, int]] = [(line, -1) for line in lines]
    stack = [parse(path, text).root_node]
    while stack:
        node = stack.pop()
        if not is_string_statement(node):
            stack.extend(c for c in node.children if c.type not in ("string", "comment"))
            continue
        string = node.named_children[0]
        if string.type != "string":
            continue  # implicit concatenation: not a docstring anyone writes doctests in
        parts = {c.type: c for c in string.children}
        opening, closing = parts.get("string_start"), parts.get("string_end")
        if opening is None or closing is None:
            continue
        first, last = opening.end_point, closing.start_point
        for row in range(first.row, last.row + 1):
            line = lines[row][: last.column] if row == last.row else lines[row]
            marked[row] = (line, first.column if row == first.row else 0)
    return marked


def _go_doc_lines(text: str) -> list[tuple[str, int]]:
    """Each line with the column after its `//` (and the one space gofmt puts there) where the
    line belongs to a doc comment: a run of `//` lines directly above a declaration (or an
    exported field, method or constant of a group); else -1. Comments in a body are not docs."""
    lines = text.split("\n")
    marked: list[tuple[str, int]] = [(line, -1) for line in lines]
    row = 0
    while row < len(lines):
        end = row
        while end < len(lines) and _GO_COMMENT.match(lines[end]):
            end += 1
        if end > row and end < len(lines) and _GO_DECLARATION.match(lines[end]):
            for inside in range(row, end):
                column = lines[inside].index("//") + 2
                column += lines[inside][column : column + 1] == " "
                marked[inside] = (lines[inside], column)
        row = max(end, row + 1)
    return marked


def _go_package(text: str) -> str | None:
    """The Go file's package (an external test package `gauge_test` is about `gauge`)."""
    clause = re.search(r"^package\s+(\w+)", text, re.M)
    return clause.group(1).removesuffix("_test") if clause else None


def _built(code: str, owner: str | None) -> set[str]:
    """Variables an example line builds of `owner`'s type: `const q = new Queue()`, `let mut c =
    Cache::new()`, `c := NewCache()`, `c = Cache()`."""
    if not owner:
        return set()
    o = re.escape(owner)
    constructor = rf"(?:new\s+{o}\b|{o}::\w+\s*\(|New{o}\s*\(|{o}\s*(?:\(|\{{|<))"
    return set(re.findall(rf"(?<![\w$.])([A-Za-z_$][\w$]*)\s*(?::\s*[\w<>]+\s*)?:?=\s*{constructor}", code))


def _named(
    code: str, name: str, owner: str | None, package: str | None = None, built: frozenset[str] | set[str] = frozenset()
) -> list[int]:
    """Columns in `code` where the identifier `name` stands for the symbol: bare (or a path
    `crate::name`, `mod::name`, Go's `gauge.Tally` in package gauge) for a top-level one, after
    its owner or a receiver the example built of its type for a member."""
    columns = []
    receivers = "|".join(re.escape(r) for r in sorted({owner or "", *built} - {""}))
    for m in re.finditer(rf"(?<![\w$]){re.escape(name)}(?![\w$])", code):
        before = code[: m.start()]
        if owner:
            if re.search(rf"(?<![\w$]){re.escape(owner)}(?:\.|::|#)$", before) or (
                built and re.search(rf"(?<![\w$.])(?:{receivers})\.$", before)
            ):
                columns.append(m.start())
        elif package and re.search(rf"(?<![\w$.]){re.escape(package)}\.$", before):
            columns.append(m.start())  # `x.Tally` is x's method; `gauge.Tally` is this package's
        elif not before.endswith(".") and not re.search(r"[\w$]#$|(?<![\w$])[A-Z][\w$]*::$", before):
            # `x.name` in an example is someone's method, `T#name` and `Type::name` a member;
            # `crate::name` and `tides::name` are paths to the function
            columns.append(m.start())
    return columns
