"""The inert-docs guard: documentation a model writes may not be code that a test run executes.

A Rust `///` example is a doctest under `cargo test` (always), a Python docstring's `>>>` lines
run under `pytest --doctest-modules`: both ran a hostile model's code, which read `.env`, while
the project's tests judged a mere docstring, before anyone saw it. The examples stay in the
documentation, made inert:
- Python: each new `>>>` line gets `# doctest: +SKIP` (any directive it had is replaced), so
  doctest shows it but never runs it;
- Rust: each fenced block the change writes or touches opens with ```` ```text ````, which
  rustdoc renders and does not compile, and an indented block (also a doctest) loses the
  indentation that made it code.
Only lines the change adds are touched: examples the user already had keep running.
Always on: it guards the user's machine, not the quality of an edit.
"""

from __future__ import annotations

import difflib
import re

from outrigger.edits import split_lines
from outrigger.errors import Refused
from outrigger.workspace.syntax import language_for, parse

_SKIP = "  # doctest: +SKIP"
_DIRECTIVE = re.compile(r"\s*#\s*doctest:.*$")
_RUST_DOC = re.compile(r"^(\s*(?:///|//!|\*)\s?)(.*?)(\r?\n)?$", re.S)
_FENCE = re.compile(r"^(\s*)(```+|~~~+)(.*)$")


def inert_docs(path: str, old_text: str, new_text: str) -> tuple[str, str | None]:
    """`new_text` with the examples the change adds made inert, and a note saying so (None
    when there was nothing to do)."""
    language = language_for(path)
    if language not in ("python", "rust"):
        return new_text, None
    lines = split_lines(new_text)
    added = _added_lines(split_lines(old_text), lines)
    if not added:
        return new_text, None
    if language == "python":
        changed = _python(path, new_text, lines, added)
        note = "examples it adds to docstrings are marked `# doctest: +SKIP`, so no test run executes them"
    else:
        changed = _rust(lines, added) | _closed_fences(lines, added)
        note = "examples it adds to doc comments are fenced as ```text, so `cargo test` does not run them"
    return ("".join(lines), note) if changed else (new_text, None)


def _added_lines(old: list[str], new: list[str]) -> set[int]:
    """Indexes of `new`'s lines that the change wrote (inserted or replaced)."""
    added: set[int] = set()
    for tag, _, _, j1, j2 in difflib.SequenceMatcher(None, old, new, autojunk=False).get_opcodes():
        if tag in ("insert", "replace"):
            added.update(range(j1, j2))
    return added


def _python(path: str, text: str, lines: list[str], added: set[int]) -> bool:
    """Mark every added `>>>` line inside a string (docstrings are strings) as skipped, and drop
    doctest directives from added continuation lines (a `-SKIP` there would undo it)."""
    try:
        root = parse(path, text).root_node
    except Refused:
        return False
    changed = False
    stack = [root]
    while stack:
        node = stack.pop()
        if node.type != "string":
            stack.extend(node.children)
            continue
        end = node.children[-1] if node.children and node.children[-1].type == "string_end" else None
        for row in range(node.start_point.row, node.end_point.row + 1):
            if row not in added or row >= len(lines):
                continue
            line = lines[row]
            body, newline = (
                (line[:-2], "\r\n") if line.endswith("\r\n") else (line.rstrip("\n"), line[len(line.rstrip("\n")) :])
            )
            # The part of the line inside the string (a docstring may close on it).
            cut = end.start_point.column if end is not None and end.start_point.row == row else len(body.encode())
            inside, after = (
                body.encode()[:cut].decode("utf-8", "replace"),
                body.encode()[cut:].decode("utf-8", "replace"),
            )
            stripped = inside.lstrip()
            if stripped.startswith(">>>"):
                inside = _DIRECTIVE.sub("", inside).rstrip() + _SKIP
            elif stripped.startswith("...") and "doctest:" in inside:
                inside = _DIRECTIVE.sub("", inside)
            else:
                continue
            new_line = inside + after + newline
            if new_line != line:
                lines[row], changed = new_line, True
    return changed


def _rust(lines: list[str], added: set[int]) -> bool:
    """Open every fenced block of a doc comment that the change touches as ```text; take the
    indentation off added lines of an indented code block."""
    changed = False
    opener: int | None = None  # the row of the fence now open
    previous_blank = True
    for row, line in enumerate(lines):
        match = _RUST_DOC.match(line) if line.lstrip().startswith(("///", "//!", "*")) else None
        if match is None:
            opener, previous_blank = None, True
            continue
        marker, content, newline = match.group(1), match.group(2), match.group(3) or ""
        fence = _FENCE.match(content)
        if opener is None and fence is not None:
            opener = row
            if any(r in added for r in range(row, _closing(lines, row) + 1)) and fence.group(3).strip() != "text":
                lines[row] = f"{marker}{fence.group(1)}{fence.group(2)}text{newline}"
                changed = True
        elif opener is not None and fence is not None:
            opener = None
        elif opener is None and row in added and content.startswith("    ") and previous_blank:
            lines[row] = marker + content.lstrip(" ") + newline
            changed = True
            continue  # the next lines of the same block follow as text now
        previous_blank = not content.strip()
    return changed


def _closed_fences(lines: list[str], added: set[int]) -> bool:
    """Close, where its doc comment ends, a fenced block the change opened and left open: a
    small model stops after an example's last line (the reply's own closing fence looks like
    the end of it), and rustdoc would read everything after it as the example."""
    out: list[str] = []
    opener: tuple[int, re.Match[str]] | None = None  # the open fence: its row and doc line
    for row, line in enumerate(lines):
        match = _RUST_DOC.match(line) if line.lstrip().startswith(("///", "//!", "*")) else None
        if match is None and opener is not None:
            if opener[0] in added:
                out.append(f"{opener[1].group(1)}```{opener[1].group(3) or chr(10)}")
            opener = None
        elif match is not None and _FENCE.match(match.group(2)):
            opener = (row, match) if opener is None else None
        out.append(line)
    if out == lines:
        return False
    lines[:] = out
    return True


def _closing(lines: list[str], opener: int) -> int:
    """The row of the fence that closes the block opened at `opener` (the comment's end if none)."""
    for row in range(opener + 1, len(lines)):
        match = _RUST_DOC.match(lines[row]) if lines[row].lstrip().startswith(("///", "//!", "*")) else None
        if match is None:
            return row - 1
        if _FENCE.match(match.group(2)):
            return row
    return len(lines) - 1
