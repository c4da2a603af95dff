"""A symbol's code without what documents or types it: what a doc-comment or type-hint
edit must leave exactly as it was.

Asked for type hints, a small model may also "fix" the body (`stock.get(name)` became
`stock.get(name, 0)`); the file parses, confinement holds, and the tests may not notice.
Comparing these shapes before and after does.

Python: the definition's AST without its docstring and annotations (`x: T = v` becomes
`x = v`). Other languages with a grammar: the symbol's tokens without comments and
TypeScript's type annotations, type arguments and parameters, and optional marks.
"""

from __future__ import annotations

import ast
import textwrap

import tree_sitter

from outrigger.edits import split_lines
from outrigger.workspace.languages import has_grammar, language_for, row
from outrigger.workspace.symbols import Symbol
from outrigger.workspace.syntax import parse

_NOT_CODE = frozenset({"comment", "type_annotation", "type_arguments", "type_parameters"})


def code_shape(path: str, text: str, symbol: Symbol) -> str | None:
    """The shape of `symbol` in `text` (the content of `path`); None when it cannot be read."""
    if language_for(path) == "python":
        lines = split_lines(text)[symbol.range.start.line : symbol.range.end.line + 1]
        return _python_shape("".join(lines))
    if not has_grammar(path):
        return None
    tree = parse(path, text)
    if tree.root_node.has_error:
        return None
    first, last = symbol.range.start.line, symbol.range.end.line
    language = language_for(path)
    not_code = _NOT_CODE | (row(language).comments if language else frozenset())  # Java's block_comment, …
    return " ".join(_tokens(tree.root_node, first, last, not_code))


def _python_shape(block: str) -> str | None:
    try:
        tree = ast.parse(textwrap.dedent(block))
    except SyntaxError:
        return None
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                if isinstance(body[0].value.value, str):
                    node.body = body[1:] or [ast.Pass()]
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            node.returns = None
            arguments = node.args
            for argument in [*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs]:
                argument.annotation = None
            for extra in (arguments.vararg, arguments.kwarg):
                if extra is not None:
                    extra.annotation = None
        if hasattr(node, "body") and isinstance(node.body, list):
            node.body = [_unannotated(statement) for statement in node.body if not _bare_annotation(statement)]
    return ast.dump(tree)


def _bare_annotation(statement: ast.stmt) -> bool:
    return isinstance(statement, ast.AnnAssign) and statement.value is None


def _unannotated(statement: ast.stmt) -> ast.stmt:
    if isinstance(statement, ast.AnnAssign) and statement.value is not None:
        return ast.Assign(targets=[statement.target], value=statement.value, lineno=statement.lineno)
    return statement


def _tokens(node: tree_sitter.Node, first: int, last: int, not_code: frozenset[str]) -> list[str]:
    if node.end_point.row < first or node.start_point.row > last or node.type in not_code:
        return []
    if node.child_count == 0:
        optional_mark = node.type == "?" and node.parent is not None and node.parent.type == "optional_parameter"
        return [] if optional_mark or node.text is None else [node.text.decode("utf-8")]
    return [token for child in node.children for token in _tokens(child, first, last, not_code)]
