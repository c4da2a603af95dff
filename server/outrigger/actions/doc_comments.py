"""Doc comments: the docstring (Python) or leading doc comment (JS/TS) a model wrote for a
symbol, put onto the symbol's original code. A docstring request never takes the model's body."""

from __future__ import annotations

import textwrap

from outrigger.blocks import indent_of, reindent, with_newline
from outrigger.edits import split_lines
from outrigger.errors import Refused
from outrigger.workspace.symbols import Symbol
from outrigger.workspace.syntax import language_for


def with_doc_comment(old_block: str, reply_block: str, symbol: Symbol, indent: str) -> str:
    """The original code with the reply's docstring (Python) or leading doc comment (JS/TS)."""
    if language_for(symbol.path) == "python":
        doc = _python_docstring(reply_block)
        if doc is None:
            raise Refused(f"The model's reply has no docstring for `{symbol.name}`; nothing was changed.")
        return _insert_python_docstring(old_block, doc)
    comment = _leading_comment(textwrap.dedent(reply_block))
    if not comment:
        raise Refused(f"The model's reply has no doc comment for `{symbol.name}`; nothing was changed.")
    return reindent("".join(comment), indent) + _strip_leading_comment(old_block)


def _python_docstring(block: str) -> list[str] | None:
    lines = split_lines(textwrap.dedent(block))
    for index, line in enumerate(lines):
        stripped = line.strip()
        if index == 0 or stripped.startswith(("def ", "async def ", "class ", "@")) or not stripped:
            continue
        for quote in ('"""', "'''"):
            if stripped.startswith(quote):
                if stripped.count(quote) >= 2 and len(stripped) > 3:
                    return [line]
                for end in range(index + 1, len(lines)):
                    if quote in lines[end]:
                        return lines[index : end + 1]
                return None
        return None
    return None


def _insert_python_docstring(old_block: str, doc: list[str]) -> str:
    lines = split_lines(old_block)
    header_end = next(
        (i for i, line in enumerate(lines) if line.rstrip().endswith(":") and not line.lstrip().startswith("@")), 0
    )
    body = lines[header_end + 1 :]
    body_indent = next((indent_of(line) for line in body if line.strip()), indent_of(lines[header_end]) + "    ")
    existing = _python_docstring(old_block)
    if existing is not None:
        body = body[len(existing) :]
    doc_lines = split_lines(textwrap.dedent("".join(doc)))
    new_doc = [body_indent + line if line.strip() else line for line in doc_lines]
    return "".join(lines[: header_end + 1] + [with_newline("".join(new_doc))] + body)


def _leading_comment(block: str) -> list[str]:
    lines = split_lines(block)
    comment = []
    in_block = False
    for line in lines:
        stripped = line.strip()
        if in_block or stripped.startswith("/*"):
            comment.append(line)
            in_block = "*/" not in stripped
        elif stripped.startswith("//"):
            comment.append(line)
        else:
            break
    return comment


def _strip_leading_comment(block: str) -> str:
    comment = _leading_comment(block)
    return "".join(split_lines(block)[len(comment) :])
