"""Add a method to an existing class: "add a method count() to Shelf that returns how many books
it holds". The model writes the method alone (it is shown the class); Outrigger puts it at the
end of the class body, indented like the class's other members. Only additions: no existing
line changes, the file must still parse, the new method must be the one asked for and land in
that class, and names it newly uses must be defined or imported (the name guard).
"""

from __future__ import annotations

import re
import textwrap

from outrigger.actions.checked_code import checked_code
from outrigger.actions.context import ActionContext, Change
from outrigger.actions.focus import OUTLINE_FROM_LINES, file_imports, file_outline, symbol_block
from outrigger.edits import file_edit, split_lines
from outrigger.errors import Refused
from outrigger.guards.budget import fit_excerpt
from outrigger.guards.capabilities import refuse_new_capabilities
from outrigger.guards.names import resolve_names
from outrigger.guards.replies import definitions_in_reply
from outrigger.guards.syntax_check import refuse_new_syntax_errors
from outrigger.workspace.languages import language_for, title
from outrigger.workspace.symbols import Symbol

SYSTEM_PROMPT = """You are a careful {language} programmer. Write only the one new method the user asks for.
Do not repeat the class or its other methods. No explanations, no markdown."""

USER_PROMPT = """File {path}:
{excerpt}

Task: {instruction}
Reply with the new method `{method}` of class `{owner}` only."""


async def add_member(ctx: ActionContext, owner: Symbol, method: str, instruction: str) -> Change:
    path = owner.path
    if language_for(path) is None:
        raise Refused(f"Outrigger cannot check new code in {path}: it has no grammar for that language.")
    if any(s.name == method and s.container == owner.name for s in ctx.project_map.symbols(path)):
        raise Refused(f"`{owner.name}` already has a `{method}`; ask to change it instead.")
    old_text, version = ctx.workspace.read(path), ctx.workspace.version(path)

    def placed(code: str) -> str:
        new_text = with_member(path, old_text, owner, code, method)
        refuse_new_syntax_errors(ctx.guards, path, old_text, new_text, "The model's method")
        refuse_new_capabilities(path, old_text, new_text, "The model's method")
        return new_text

    ctx.progress(f"writing `{owner.name}.{method}`…")
    new_text = await checked_code(
        ctx,
        lambda share: _messages(ctx, owner, method, instruction, old_text, share),
        placed,
        what=f"the method `{method}`",
        ask_again=f"Reply with only the method `{method}`.",
    )
    resolved = resolve_names(ctx.guards, path, old_text, new_text, ctx.project_map)
    notes = f" ({'; '.join(resolved.notes)})" if resolved.notes else ""
    summary = f"Added `{owner.name}.{method}` to {path}{notes}."
    return Change(edits=[file_edit(path, old_text, resolved.text, version)], summary=summary)


def with_member(path: str, text: str, owner: Symbol, code: str, method: str) -> str:
    """`text` with the method `code` at the end of `owner`'s body; Refused when the reply is not
    that one method, or does not land in the class."""
    lines = split_lines(text)
    members = [s for s in definitions_in_reply(path, text) if s.container == owner.name]
    indent = _member_indent(path, lines, owner, members)
    body = _the_method(path, textwrap.dedent(code.strip("\n")).strip("\n"), method)
    if not body.strip():
        raise Refused("The model returned no method; nothing was changed.")
    newline = "\r\n" if "\r\n" in text else "\n"
    block = [(indent + line if line.strip() else "") + newline for line in body.split("\n")]
    last = owner.range.end.line
    if language_for(path) == "python":
        at = last + 1  # after the last line of the body
        insert = [newline, *block]
    else:
        at = last  # before the line with the closing brace
        insert = ([newline] if lines[at - 1].strip() not in ("{", "") else []) + block
    new_text = "".join(lines[:at] + insert + lines[at:])
    had = {s.name for s in members}
    added = [s for s in definitions_in_reply(path, new_text) if s.container == owner.name and s.name not in had]
    if [s.name for s in added] != [method]:
        found = ", ".join(f"`{s.name}`" for s in added) or "nothing in the class"
        raise Refused(f"The model's code should define the method `{method}` of `{owner.name}`; it defines {found}.")
    return new_text


def _the_method(path: str, code: str, method: str) -> str:
    """The asked method's lines when the reply wraps it (the class again, the whole file);
    else the reply as it is, to be checked in the class. A lone method does not parse as a
    file in every language, so a reply that is only the method stays whole. A JavaScript
    reply in the prototype form (`Loaf.prototype.weigh = function () {…};`) becomes a method."""
    if language_for(path) in ("javascript", "typescript", "tsx") and (as_method := _from_prototype(code, method)):
        return as_method
    try:
        found = [s for s in definitions_in_reply(path, code) if s.name == method]
    except Refused:
        return code
    if len(found) != 1 or found[0].container is None:
        return code
    lines = code.split("\n")
    return textwrap.dedent("\n".join(lines[found[0].range.start.line : found[0].range.end.line + 1]))


def _from_prototype(code: str, method: str) -> str | None:
    m = re.match(
        rf"\s*[A-Za-z_$][\w$]*\.prototype\.{re.escape(method)}\s*=\s*(async\s+)?function\b\s*[\w$]*\s*(\([^)]*\))\s*\{{",
        code,
    )
    if m is None or not re.search(r"\}\s*;?\s*$", code):
        return None
    body = code[m.end() :].rstrip()
    body = body[:-1].rstrip() if body.endswith(";") else body
    return f"{m.group(1) or ''}{method}{m.group(2)} {{{body}"


def _member_indent(path: str, lines: list[str], owner: Symbol, members: list[Symbol]) -> str:
    """The indentation of the class's first member, else the class's own plus one level."""
    if members:
        line = lines[members[0].range.start.line]
        return line[: len(line) - len(line.lstrip())]
    line = lines[owner.range.start.line]
    own = line[: len(line) - len(line.lstrip())]
    return own + ("    " if language_for(path) == "python" else "  ")


def _messages(
    ctx: ActionContext, owner: Symbol, method: str, instruction: str, text: str, share: float
) -> list[dict[str, str]]:
    def build(excerpt: str, trimmed: bool) -> list[dict[str, str]]:
        return [
            {"role": "system", "content": SYSTEM_PROMPT.format(language=title(language_for(owner.path) or ""))},
            {
                "role": "user",
                "content": USER_PROMPT.format(
                    path=owner.path, excerpt=excerpt, instruction=instruction, method=method, owner=owner.name
                ),
            },
        ]

    if ctx.prompt_context == "symbol" and text.count("\n") >= OUTLINE_FROM_LINES and share == 1.0:
        # A long file: the class (or its outline, when it is long too) and the file's imports.
        if owner.range.end.line - owner.range.start.line < OUTLINE_FROM_LINES:
            imports = file_imports(owner.path, text)
            block = symbol_block(owner, text).rstrip("\n")
            return build(f"{imports}\n…\n{block}\n…" if imports else f"…\n{block}\n…", True)
        return build(file_outline(ctx.project_map, ctx.workspace, owner.path, text, instruction, owner), True)
    return fit_excerpt(ctx.budget, build, text, owner.range, share)
