"""Edit one symbol: docstring, type hints, fix, rewrite.

One file per model call. The model sees the file (trimmed around the target to fit the
budget) and is asked for the new version of the target only. Whatever it sends back,
only the target's lines change: the reply's definition of the target is cut out of the
reply (the 0.5B model documented every function when asked for one), re-indented and
spliced in; a docstring request keeps the original code and takes only the docstring.
"""

from __future__ import annotations

import re
import textwrap

from ..budget import count_tokens, trim_around
from ..edits import file_edit, split_lines
from ..errors import Refused
from ..plan import Plan
from ..repair import strip_fences
from ..workspace.symbols import Symbol, extract_symbols
from ..workspace.syntax import language_for, syntax_errors
from .context import ActionContext, Change

_DOC_REQUEST = re.compile(r"docstring|jsdoc|doc\s*comment|document|comment", re.I)

SYSTEM_PROMPT = """You are a careful {language} programmer. You change exactly one {kind} and nothing else.
Reply with the complete new code of `{name}` only: no other functions, no explanations, no markdown."""

USER_PROMPT = """File {path}{trimmed_note}:
{excerpt}

The current code of `{name}`:
{block}

Task: {instruction}
Reply with the new code of `{name}` only."""


def is_docstring_request(instruction: str) -> bool:
    return bool(_DOC_REQUEST.search(instruction)) and not re.search(r"\bfix|rewrite|type", instruction, re.I)


def edit_messages(symbol: Symbol, instruction: str, excerpt: str, trimmed: bool, block: str) -> list[dict[str, str]]:
    language = language_for(symbol.path) or "code"
    return [
        {"role": "system", "content": SYSTEM_PROMPT.format(language=language, kind=symbol.kind, name=symbol.name)},
        {
            "role": "user",
            "content": USER_PROMPT.format(
                path=symbol.path,
                trimmed_note=" (excerpt)" if trimmed else "",
                excerpt=excerpt,
                name=symbol.name,
                block=block,
                instruction=instruction,
            ),
        },
    ]


async def edit_symbol(plan: Plan, ctx: ActionContext, text: str | None = None) -> Change:
    """Edit the plan's one symbol. `text` is the file with earlier edits of this request
    already made (only ever below the symbol, so the map's range for it still holds)."""
    symbol = ctx.target(plan.symbol or "", plan.file)
    # The text and its version together, before the model call: the editor may change the
    # document while the model thinks, and the edit must say what it was computed against.
    version = ctx.workspace.version(symbol.path)
    old_text = ctx.workspace.read(symbol.path) if text is None else text
    lines = split_lines(old_text)  # "\n" only, as symbol ranges count lines (not \f, \u2028)
    first, last = symbol.range.start.line, symbol.range.end.line
    old_block = "".join(lines[first : last + 1])

    messages = _fit_messages(ctx, symbol, plan.instruction, old_text, old_block)
    retry: list[dict[str, str]] = []
    for attempt in range(2):
        ctx.progress(f"editing {symbol.path}…")
        reply = await ctx.chat(messages + retry, max_tokens=_reply_allowance(old_block))
        try:
            new_block = _new_block(ctx, reply.text, symbol, plan.instruction, old_block)
            new_text = "".join(lines[:first]) + new_block + "".join(lines[last + 1 :])
            _check_syntax(ctx, symbol, old_text, new_text)
            break
        except Refused as problem:
            if attempt == 1:
                raise
            # One retry that quotes the problem; small models often fix what they are shown.
            retry = [
                {"role": "assistant", "content": reply.text},
                {"role": "user", "content": f"{problem} Reply with valid code for `{symbol.name}` only."},
            ]

    if new_text == old_text:
        raise Refused(f"The model returned `{symbol.name}` unchanged; nothing to do.")
    if ctx.guards.symbol_confinement:
        confine_to_symbol(old_text, new_text, symbol)
    edit = file_edit(symbol.path, old_text, new_text, version)
    return Change(edits=[edit], summary=_summary(plan.instruction, symbol))


def confine_to_symbol(old_text: str, new_text: str, symbol: Symbol) -> None:
    """Refuse when anything outside the target's lines changed."""
    old_lines, new_lines = split_lines(old_text), split_lines(new_text)
    first, last = symbol.range.start.line, symbol.range.end.line
    head_same = new_lines[:first] == old_lines[:first]
    tail = len(old_lines) - last - 1
    tail_same = tail == 0 or new_lines[len(new_lines) - tail :] == old_lines[last + 1 :]
    if not (head_same and tail_same) or len(new_lines) < first + tail:
        raise Refused(f"The edit reaches outside `{symbol.name}` in {symbol.path}; nothing was changed.")


def _fit_messages(ctx: ActionContext, symbol: Symbol, instruction: str, text: str, block: str) -> list[dict[str, str]]:
    skeleton = edit_messages(symbol, instruction, "", False, block)
    ctx.budget.check(skeleton)  # refuses with the numbers when even the target cannot fit
    excerpt, _ = trim_around(text, symbol.range, ctx.budget.room(skeleton))
    return edit_messages(symbol, instruction, excerpt, excerpt != text, block)


def _reply_allowance(block: str) -> int:
    """Room for the new version of the symbol: its size twice over, plus a docstring."""
    return 2 * count_tokens(block) + 300


def _new_block(ctx: ActionContext, reply: str, symbol: Symbol, instruction: str, old_block: str) -> str:
    code = strip_fences(reply, ctx.stats) if ctx.guards.fence_stripping else reply
    if not ctx.guards.symbol_confinement:
        return _with_newline(code)
    target = _find_definition(code, symbol)
    if target is None:
        if ctx.guards.syntax_check and (errors := syntax_errors(symbol.path, textwrap.dedent(code))):
            raise Refused(f"The model's code for `{symbol.name}` does not parse ({errors[0]}); nothing was changed.")
        raise Refused(f"The model's reply does not contain a definition of `{symbol.name}`; nothing was changed.")
    indent = _indent_of(old_block)
    if is_docstring_request(instruction):
        return _with_docstring(old_block, target, symbol, indent)
    return _reindent(target, indent)


def _find_definition(code: str, symbol: Symbol) -> str | None:
    """The reply's definition of the target (with its leading comments), or None."""
    name = symbol.name.split(".")[-1]
    dedented = textwrap.dedent(code)
    candidates = [
        s
        for s in extract_symbols(symbol.path, dedented)
        if s.name == name and s.kind in (symbol.kind, "function", "method", "class")
    ]
    if not candidates:
        return None
    best = min(candidates, key=lambda s: s.range.start.line)
    lines = split_lines(dedented)
    return _with_newline("".join(lines[best.range.start.line : best.range.end.line + 1]))


def _with_docstring(old_block: str, reply_block: str, symbol: Symbol, indent: str) -> str:
    """The original code with the reply's docstring (Python) or leading doc comment (JS/TS)."""
    if language_for(symbol.path) == "python":
        doc = _python_docstring(reply_block)
        if doc is None:
            raise Refused(f"The model's reply has no docstring for `{symbol.name}`; nothing was changed.")
        return _insert_python_docstring(old_block, doc)
    comment = _leading_comment(textwrap.dedent(reply_block))
    if not comment:
        raise Refused(f"The model's reply has no doc comment for `{symbol.name}`; nothing was changed.")
    return _reindent("".join(comment), indent) + _strip_leading_comment(old_block)


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
    body_indent = next((_indent_of(line) for line in body if line.strip()), _indent_of(lines[header_end]) + "    ")
    existing = _python_docstring(old_block)
    if existing is not None:
        body = body[len(existing) :]
    doc_lines = split_lines(textwrap.dedent("".join(doc)))
    new_doc = [body_indent + line if line.strip() else line for line in doc_lines]
    return "".join(lines[: header_end + 1] + [_with_newline("".join(new_doc))] + body)


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


def _reindent(block: str, indent: str) -> str:
    lines = split_lines(textwrap.dedent(block))
    return "".join(indent + line if line.strip() else line for line in lines)


def _indent_of(text: str) -> str:
    return text[: len(text) - len(text.lstrip(" \t"))]


def _with_newline(text: str) -> str:
    return text if text.endswith("\n") else text + "\n"


def _check_syntax(ctx: ActionContext, symbol: Symbol, old_text: str, new_text: str) -> None:
    """Refuse an edit that adds syntax errors to the file (errors already there are not ours)."""
    if not ctx.guards.syntax_check:
        return
    before, after = syntax_errors(symbol.path, old_text), syntax_errors(symbol.path, new_text)
    if len(after) > len(before):
        raise Refused(
            f"The model's edit to `{symbol.name}` breaks the syntax of {symbol.path} ({after[0]}); nothing was changed."
        )


def instruction_for(instruction: str, name: str) -> str:
    """The one-symbol instruction for one target of a request that names several."""
    if is_docstring_request(instruction):
        return f"Add a docstring or doc comment to `{name}`."
    if re.search(r"\btype", instruction, re.I):
        return f"Add type hints to `{name}`."
    return f"{instruction.strip().rstrip('.')} (only `{name}`)."


def _summary(instruction: str, symbol: Symbol) -> str:
    where = f"`{symbol.name}` in {symbol.path}"
    if is_docstring_request(instruction):
        noun = "a docstring" if language_for(symbol.path) == "python" else "a doc comment"
        return f"Added {noun} to {where}."
    if re.search(r"\btype", instruction, re.I):
        return f"Added type hints to {where}."
    return f"Edited {where}: {instruction.strip().rstrip('.')}."
