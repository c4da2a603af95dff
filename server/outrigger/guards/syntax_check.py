"""The syntax guard: an edit may not add syntax errors to a file (errors already there are the
user's, not the edit's).

Two checks. tree-sitter finds the errors of every supported language, but it is tolerant by
design: mixed tabs and spaces, `print "x"`, `def f(a, a)` and `break` outside a loop all parse.
So the whole new file also goes through the language's own compiler where one is at hand:
- Python: `compile()`, in-process; it parses and builds bytecode, it never runs the code.
- JavaScript (.js, .mjs, .cjs): `node --check` when `node` is on PATH (it parses, never
  runs); without node, tree-sitter alone.
- TypeScript and JSX: tree-sitter alone (no compiler is assumed on the machine).
A compiler error counts only when the file compiled before the edit.
"""

from __future__ import annotations

import shutil
import subprocess
import warnings
from pathlib import PurePosixPath

from outrigger.errors import Refused
from outrigger.guards.switches import Guards
from outrigger.workspace.syntax import language_for, syntax_errors

NODE_CHECK_SECONDS = 10.0
_NODE_INPUT_TYPES = {".js": "commonjs", ".cjs": "commonjs", ".mjs": "module"}


def refuse_new_syntax_errors(guards: Guards, path: str, old_text: str, new_text: str, what: str) -> None:
    """`what` names the change for the message: "The model's edit to `f`", "Renaming `f`"."""
    if not guards.syntax_check:
        return
    before, after = syntax_errors(path, old_text), syntax_errors(path, new_text)
    if len(after) > len(before):
        raise Refused(f"{what} would break the syntax of {path} ({after[0]}); nothing was changed.")
    if (error := compiler_error(path, new_text)) is not None and compiler_error(path, old_text) is None:
        raise Refused(f"{what} would not compile in {path} ({error}); nothing was changed.")


def compiler_error(path: str, text: str) -> str | None:
    """The first error the language's compiler reports for `text`, or None (also when no
    compiler is at hand for `path`)."""
    if language_for(path) == "python":
        return python_compile_error(path, text)
    if (input_type := _NODE_INPUT_TYPES.get(PurePosixPath(path).suffix.lower())) is not None:
        return node_check_error(text, input_type)
    return None


def python_compile_error(path: str, text: str) -> str | None:
    """What CPython's compiler says about `text` (TabError, duplicate arguments, `break`
    outside a loop …), or None. Compiling runs nothing."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # SyntaxWarnings (invalid escapes) are not errors
        try:
            compile(text, path, "exec", dont_inherit=True)
        except SyntaxError as error:  # IndentationError and TabError included
            return f"line {error.lineno}: {error.msg}"
        except (ValueError, RecursionError, MemoryError) as error:  # NUL bytes, nesting past the parser's limits
            return f"{type(error).__name__}: {error}"
    return None


def node_check_error(text: str, input_type: str) -> str | None:
    """What `node --check` says about `text` (read from stdin), or None when it passes or
    node is not installed."""
    node = shutil.which("node")
    if node is None:
        return None
    try:
        result = subprocess.run(
            [node, "--check", f"--input-type={input_type}", "-"],
            input=text,
            capture_output=True,
            text=True,
            timeout=NODE_CHECK_SECONDS,
        )
    except (OSError, subprocess.TimeoutExpired):
        return None  # node could not judge it; tree-sitter already did
    if result.returncode == 0:
        return None
    lines = result.stderr.splitlines()
    message = next((line for line in lines if "Error:" in line), "node --check failed")
    where = next((line.rsplit(":", 1)[-1] for line in lines if line.startswith("[stdin]:")), "?")
    return f"line {where}: {message.strip()}"
