"""Doc comments: the docstring (Python) or leading doc comment (every other language, in its
own convention: `/** */`, `///`, Go's `// Name …`, `#`, `---`) a model wrote for a symbol, put
onto the symbol's original code. A docstring request never takes the model's body,
and the doc-only guard checks that nothing but the doc changed.

Python docstrings are placed by the syntax tree, not by lines: after the colon that opens the
body however the signature is spread over lines, and on a body of its own line when the
function was written on one (`def one(key): return key`).
"""

from __future__ import annotations

import textwrap

import tree_sitter

from outrigger.blocks import reindent
from outrigger.edits import split_lines
from outrigger.errors import Refused
from outrigger.guards.doc_only import is_string_statement, refuse_code_beside_doc
from outrigger.guards.switches import Guards
from outrigger.workspace.languages import doc_style
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
    lines = split_lines(old_text)
    first, last = symbol.range.start.line, symbol.range.end.line
    old_lines = lines[first : last + 1]
    name = symbol.name.rpartition(".")[2]
    reply_lines = split_lines(textwrap.dedent(reply_block))
    comment = style.leading(reply_lines, name)
    if not comment:
        raise Refused(
            f"The model's reply has no doc comment for `{symbol.name}` ({style.describe(name)}); nothing was changed."
        )
    old_comment = style.leading(old_lines, name)
    indent = _indent_of_code(old_lines[len(old_comment) :])
    block = reindent("".join(comment), indent) + "".join(old_lines[len(old_comment) :])
    return "".join(lines[:first]) + block + "".join(lines[last + 1 :])


def _indent_of_code(lines: list[str]) -> str:
    first = next((line for line in lines if line.strip()), "")
    return first[: len(first) - len(first.lstrip(" \t"))]
