"""Doc comments: the docstring (Python) or leading doc comment (every other language, in its
own convention: `/** */`, `///`, Go's `// Name …`, `#`, `---`) a model wrote for a symbol, put
onto the symbol's original code. A docstring request never takes the model's body,
and the doc-only guard checks that nothing but the doc changed.

Python docstrings are placed by the syntax tree, not by lines: after the colon that opens the
body however the signature is spread over lines, and on a body of its own line when the
function was written on one (`def one(key): return key`).
"""

from __future__ import annotations

import re
import textwrap

import tree_sitter

from outrigger.actions.definitions import find_definition
from outrigger.actions.doc_params import without_unknown_params
from outrigger.blocks import reindent
from outrigger.edits import split_lines
from outrigger.errors import Refused
from outrigger.guards.doc_only import is_string_statement, refuse_code_beside_doc
from outrigger.guards.fences import strip_fences
from outrigger.guards.switches import Guards
from outrigger.workspace.languages import doc_style, title
from outrigger.workspace.symbols import Symbol
from outrigger.workspace.syntax import language_for, parse

_DEFINITIONS = ("function_definition", "class_definition")


def with_doc_comment(guards: Guards, old_text: str, reply_block: str, symbol: Symbol) -> str:
    """The file with the reply's docstring (Python) or leading doc comment (JS/TS) put on
    `symbol`'s original code; Refused when the reply has none or brings anything else."""
    if language_for(symbol.path) == "python":
        doc = _reply_docstring(symbol, reply_block)
        new_text = _with_python_docstring(old_text, doc, symbol)
    else:
        new_text = _with_leading_comment(old_text, reply_block, symbol)
    refuse_code_beside_doc(guards, symbol.path, old_text, new_text, symbol.name)
    return new_text


# -- Python -----------------------------------------------------------------------------------


def _definition(root: tree_sitter.Node, name: str, rows: range) -> tree_sitter.Node | None:
    """The outermost `def` or `class` called `name` that starts on one of `rows`."""
    stack = [root]
    while stack:
        node = stack.pop()
        if node.start_point.row > rows.stop or node.end_point.row < rows.start:
            continue
        label = node.child_by_field_name("name")
        if node.type in _DEFINITIONS and node.start_point.row in rows and label is not None and label.text:
            if label.text.decode("utf-8", "replace") == name:
                return node
        stack.extend(reversed(node.children))
    return None


def _first_statement(definition: tree_sitter.Node) -> tree_sitter.Node | None:
    body = definition.child_by_field_name("body")
    statements = [child for child in (body.named_children if body else []) if child.type != "comment"]
    return statements[0] if statements else None


def _reply_docstring(symbol: Symbol, reply_block: str) -> list[str]:
    """The lines of the docstring the reply gives the target: the string literal only, never
    what shares its line."""
    code = textwrap.dedent(reply_block)
    definition = _definition(parse(symbol.path, code).root_node, symbol.name, range(code.count("\n") + 1))
    first = _first_statement(definition) if definition is not None else None
    if first is None or not is_string_statement(first):
        literal = first.named_children[0] if first is not None and first.named_children else None
        if literal is not None and literal.type in ("string", "concatenated_string"):
            raise Refused(
                f"The model's docstring for `{symbol.name}` is an f-string, which runs code; nothing was changed."
            )
        raise Refused(f"The model's reply has no docstring for `{symbol.name}`; nothing was changed.")
    lines = (first.text or b"").decode("utf-8").split("\n")
    # Continuation lines lose the reply's indentation; the original's is added back on insertion.
    return [lines[0], *textwrap.dedent("\n".join(lines[1:])).split("\n")] if len(lines) > 1 else lines


def _with_python_docstring(old_text: str, doc: list[str], symbol: Symbol) -> str:
    data = old_text.encode("utf-8")
    rows = range(symbol.range.start.line, symbol.range.end.line + 1)
    definition = _definition(parse(symbol.path, old_text).root_node, symbol.name, rows)
    first = _first_statement(definition) if definition is not None else None
    body = definition.child_by_field_name("body") if definition is not None else None
    colon = body.prev_sibling if body is not None else None
    if definition is None or first is None or colon is None or colon.type != ":":
        raise Refused(
            f"Outrigger could not find the body of `{symbol.name}` in {symbol.path} to put a docstring in "
            "(does the file parse?); nothing was changed."
        )
    starts = _line_starts(data)
    def_indent = _indent(data, starts, definition.start_point.row)
    if first.start_point.row > colon.end_point.row:
        indent = _indent(data, starts, first.start_point.row)
    else:
        indent = def_indent + ("\t" if "\t" in def_indent else "    ")
    text = "\n".join([doc[0], *(indent + line if line.strip() else line for line in doc[1:])])

    if is_string_statement(first):  # replace the docstring there (and only it)
        start, end, insert = first.start_byte, first.end_byte, text
    elif first.start_point.row > colon.end_point.row:  # a line of its own, after the colon's
        start = end = starts[colon.end_point.row + 1]
        insert = f"{indent}{text}\n"
    else:  # `def one(key): return key`: the body moves to its own line, below the docstring
        start, end = colon.end_byte, first.start_byte
        insert = f"\n{indent}{text}\n{indent}"
    return (data[:start] + insert.encode("utf-8") + data[end:]).decode("utf-8")


def _line_starts(data: bytes) -> list[int]:
    starts = [0]
    starts.extend(index + 1 for index, byte in enumerate(data) if byte == 0x0A)
    return starts


def _indent(data: bytes, starts: list[int], row: int) -> str:
    line = data[starts[row] : starts[row + 1] if row + 1 < len(starts) else len(data)]
    return line[: len(line) - len(line.lstrip(b" \t"))].decode("utf-8")


# -- every other language: a comment above the definition, in the language's convention ---------


def _with_leading_comment(old_text: str, reply_block: str, symbol: Symbol) -> str:
    style = doc_style(language_for(symbol.path))
    if style is None:
        raise Refused(f"Outrigger does not know how {symbol.path}'s language writes doc comments; nothing was changed.")
    name = symbol.name.rpartition(".")[2]
    comment = style.leading(split_lines(textwrap.dedent(reply_block)), name)
    if not comment:
        raise Refused(
            f"The model's reply has no doc comment for `{symbol.name}` ({style.describe(name)}); nothing was changed."
        )
    return _with_comment_lines(old_text, split_lines(textwrap.dedent("".join(comment))), symbol)


def _indent_of_code(lines: list[str]) -> str:
    first = next((line for line in lines if line.strip()), "")
    return first[: len(first) - len(first.lstrip(" \t"))]


# -- a doc comment written as text --------------------------------------------------------------

DOC_SYSTEM = """You write documentation for code: short, accurate, in plain words.
Reply with the documentation text only: no code, no markdown."""

DOC_TASK = """{language} {kind} `{qualified}` in {path}:
{block}
Task: {instruction}
Reply with the {noun} for `{name}` only — {convention} — and nothing else."""

_MAX_DOC_LINES = 15
_CODE_LINE = re.compile(
    r"^\s*(?:def |class |async |@|return\b|import |from |if |for |while |function\b|const |let |var |export |"
    r"pub |fn |func |public |private |protected |static |[{}]\s*$|\w+\s*\(.*\)\s*[{:]\s*$)"
)


def doc_messages(symbol: Symbol, block: str, instruction: str) -> list[dict[str, str]]:
    """Ask for the doc comment alone. Shown only the symbol's code, a small model writes the
    words; asked to return the code with them, it echoes other code or changes the body."""
    language = language_for(symbol.path)
    style = doc_style(language)
    name = symbol.name.rpartition(".")[2]
    noun = style.noun if style else "doc comment"
    content = DOC_TASK.format(
        language=title(language),
        kind=symbol.kind,
        qualified=symbol.qualified_name,
        path=symbol.path,
        block=block.rstrip("\n"),
        instruction=instruction,
        noun=noun,
        name=name,
        convention=style.describe(name) if style else "a comment above it",
    )
    return [{"role": "system", "content": DOC_SYSTEM}, {"role": "user", "content": content}]


def documented(guards: Guards, old_text: str, reply: str, symbol: Symbol) -> str:
    """The file with the reply's documentation on `symbol`, without `@param` lines for
    parameters the function does not have (actions/doc_params.py)."""
    new_text = _documented(guards, old_text, reply, symbol)
    return without_unknown_params(symbol.path, new_text, symbol)


def _documented(guards: Guards, old_text: str, reply: str, symbol: Symbol) -> str:
    """The file with the reply's documentation on `symbol`. A reply of code that defines the
    symbol gives that definition's doc comment, nothing else of the reply (other comments
    there document other code); a reply without the definition is text — a docstring, a
    comment in any style, or plain sentences — written out in the language's convention."""
    if (target := find_definition(reply, symbol)) is not None:
        try:
            return with_doc_comment(guards, old_text, target, symbol)
        except Refused:
            # The reply may open with the comment, above another form of the member
            # (`History.prototype.push = function …` for the method `push`): that comment only.
            if (opening := _opening_comment(reply, symbol)) is None:
                raise
            new_text = _with_comment_lines(old_text, opening, symbol)
            refuse_code_beside_doc(guards, symbol.path, old_text, new_text, symbol.name)
            return new_text
    text = doc_text(reply)
    if not text:
        raise Refused(f"The model's reply has no documentation for `{symbol.name}`; nothing was changed.")
    language = language_for(symbol.path)
    if language == "python":
        new_text = _with_python_docstring(old_text, _docstring_lines(text), symbol)
    else:
        style = doc_style(language)
        if style is None:
            raise Refused(
                f"Outrigger does not know how {symbol.path}'s language writes doc comments; nothing was changed."
            )
        new_text = _with_comment_lines(old_text, _comment_lines(style, text, symbol.name.rpartition(".")[2]), symbol)
    refuse_code_beside_doc(guards, symbol.path, old_text, new_text, symbol.name)
    return new_text


def _opening_comment(reply: str, symbol: Symbol) -> list[str] | None:
    """The doc comment a reply opens with, in the language's convention, when the line right
    after it names `symbol` (the code it documents); None otherwise."""
    style = doc_style(language_for(symbol.path))
    if style is None or language_for(symbol.path) == "python":
        return None
    lines = split_lines(textwrap.dedent(strip_fences(reply)).strip("\n") + "\n")
    name = symbol.name.rpartition(".")[2]
    comment = style.leading(lines, name)
    after = lines[len(comment)] if comment and len(comment) < len(lines) else ""
    if not comment or not re.search(rf"(?<![\w$]){re.escape(name)}(?![\w$])", after):
        return None
    return split_lines(textwrap.dedent("".join(comment)))


def before_examples(reply: str, symbol: Symbol) -> str | None:
    """What a doc comment cut off at the reply limit says before its first example: small
    models run on through example after example, and a doctest cut mid-way would fail. Only
    for comments written line by line or in one block (a Python docstring cut off inside its
    definition cannot be told from code); None when nothing complete comes before one."""
    if language_for(symbol.path) == "python":
        return None
    lines = [line for line in reply.split("\n") if not line.strip().startswith("```")]  # the reply's own fences
    kept: list[str] = []
    for line in lines:
        if _EXAMPLE_START.match(_COMMENT_MARKER.sub("", line).strip()):
            break
        kept.append(line)
    while kept and not _COMMENT_MARKER.sub("", kept[-1]).strip():
        kept.pop()  # the empty comment lines before the examples
    if not kept or len(kept) == len(lines):
        return None
    text = "\n".join(kept)
    return text + "\n */" if "/*" in text and "*/" not in text else text


_COMMENT_MARKER = re.compile(r"^\s*(?:/\*+|\*+|//+!?|#+|--+)\s?")
# The first line of an example: a section heading, a fence, a tag or a prompt.
_EXAMPLE_START = re.compile(r"^(?:#+\s*examples?\b|examples?\s*:?\s*$|```|@example\b|>>>|\$ )", re.I)


def doc_text(reply: str) -> list[str]:
    """The documentation in a reply, as lines of text without comment markers: the first
    docstring or comment block, else the reply's sentences (code lines left out)."""
    text = textwrap.dedent(reply).strip("\n")
    if m := re.search(r'("""|\'\'\')(.*?)\1', text, re.S):
        lines = m.group(2).split("\n")
    elif m := re.search(r"/\*+(.*?)\*/", text, re.S):
        lines = [re.sub(r"^\s*\*+ ?", "", line) for line in m.group(1).split("\n")]
    elif comment := [line for line in text.split("\n") if re.match(r"^\s*(?://+|#+|--+)", line)]:
        lines = [re.sub(r"^\s*(?://+!?|#+|--+)\s?", "", line) for line in comment]
    else:
        lines = [line for line in text.split("\n") if not _CODE_LINE.match(line)]
    cleaned = _unquoted(textwrap.dedent("\n".join(line.rstrip() for line in lines)).strip("\n")).split("\n")
    return (
        [_inert(line) for line in cleaned if line.strip() or cleaned][:_MAX_DOC_LINES]
        if "".join(cleaned).strip()
        else []
    )


def _unquoted(text: str) -> str:
    """The words of a reply sent as a string literal (`"Converts …"`), without its quotes: a
    docstring opening with one reads `\"\"\"\"Converts`. A doc comment rarely starts with a quote."""
    stripped = text.strip()
    if not stripped or stripped[0] not in "\"'":
        return text
    quote = stripped[0]
    body = stripped[1:]
    for ending in (quote, quote + "."):
        if body.endswith(ending) and len(body) > len(ending):
            return body[: -len(ending)] + ending[1:]
    return body


def _inert(line: str) -> str:
    """A line of text that cannot end the comment or docstring it is written into."""
    return line.replace('"""', '"').replace("'''", "'").replace("*/", "* /")


def _docstring_lines(text: list[str]) -> list[str]:
    body = list(text)
    while body and not body[-1].strip():
        body.pop()
    if body and body[-1].rstrip().endswith('"'):  # a quote before the closing `"""` would end it early
        body[-1] = body[-1].rstrip()[:-1] + '\\"'
    if len(body) == 1:
        return [f'"""{body[0].strip()}"""']
    return [f'"""{body[0].strip()}', *body[1:], '"""']


def _comment_lines(style, text: list[str], name: str) -> list[str]:
    lines = [line.rstrip() for line in text]
    if style.starts_with_name and lines and not re.match(rf"(?:(?:A|An|The)\s+)?{re.escape(name)}\b", lines[0].strip()):
        first = lines[0].strip()
        lines[0] = f"{name} {first[:1].lower()}{first[1:]}"
    if style.block:
        opener, closer = style.block
        if len(lines) == 1:
            return [f"{opener} {lines[0].strip()} {closer}\n"]
        return [f"{opener}\n", *(f" * {line}".rstrip() + "\n" for line in lines), f" {closer}\n"]
    assert style.line is not None
    return [f"{style.line} {line}".rstrip() + "\n" for line in lines]


def _with_comment_lines(old_text: str, comment: list[str], symbol: Symbol) -> str:
    """`comment` (lines, unindented) above `symbol`'s code, replacing a doc comment it had."""
    style = doc_style(language_for(symbol.path))
    assert style is not None
    lines = split_lines(old_text)
    first, last = symbol.range.start.line, symbol.range.end.line
    old_lines = lines[first : last + 1]
    old_comment = style.leading(old_lines, symbol.name.rpartition(".")[2])
    code = old_lines[len(old_comment) :]
    block = reindent("".join(comment), _indent_of_code(code)) + "".join(code)
    return "".join(lines[:first]) + block + "".join(lines[last + 1 :])
