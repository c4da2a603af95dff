"""Guard: a completion must not leave the file with a syntax error it did not have (tree-sitter;
the language's compiler is too slow for every keystroke). Errors the file already had — the
half-typed line itself — are matched by line (moved down by the lines the completion adds)
and message. A multi-line completion that adds an error is shortened line by line to the
longest start that does not; else it is dropped."""

from __future__ import annotations

from outrigger.completion.context import FimContext
from outrigger.completion.inserted import Inserted
from outrigger.workspace.syntax import syntax_errors


def errors_of(context: FimContext) -> list[tuple[int, str]]:
    """The file's syntax errors before any completion, as (line, message)."""
    return [_split(error) for error in syntax_errors(context.path, context.text)]


def new_errors(context: FimContext, completion: str, before: list[tuple[int, str]]) -> list[str]:
    cursor_line = context.text.count("\n", 0, context.offset) + 1  # 1-based, as the messages count
    added = completion.count("\n")
    moved = {(line + added if line > cursor_line else line, message) for line, message in before}
    after = syntax_errors(context.path, Inserted(context, completion).text)
    return [error for error in after if _split(error) not in moved]


def without_new_errors(context: FimContext, completion: str, before: list[tuple[int, str]]) -> str:
    lines = completion.split("\n")
    while lines:
        candidate = "\n".join(lines).rstrip()
        if candidate.strip() and not new_errors(context, candidate, before):
            return candidate
        lines.pop()
    return ""


def _split(error: str) -> tuple[int, str]:
    """ "line 3: unexpected `]`" → (3, "unexpected `]`")."""
    where, _, message = error.partition(": ")
    number = where.removeprefix("line ")
    return (int(number) if number.isdigit() else 0, message)
