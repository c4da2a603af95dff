"""The syntax guard: an edit may not add syntax errors to a file (errors already there are the
user's, not the edit's).

Two checks. tree-sitter finds the errors of every supported language, but it is tolerant by
design: mixed tabs and spaces, `print "x"`, `def f(a, a)` and `break` outside a loop all parse.
So the whole new file also goes through the language's own compiler where one is at hand
(`workspace/compilers.py`: Python's `compile()` in-process, `node --check`, `gofmt -e`,
`rustfmt`, `javac`, `gcc`, `ruby -c`, `php -l`, `luac -p`, `bash -n`); its errors count only
when the edit adds to those the file already had. TypeScript, TSX and C# have tree-sitter
alone, and a file without a grammar has no check (the preview says so).
"""

from __future__ import annotations

from outrigger.errors import Refused
from outrigger.guards.switches import Guards
from outrigger.workspace.compilers import compile_errors
from outrigger.workspace.syntax import syntax_errors


def refuse_new_syntax_errors(guards: Guards, path: str, old_text: str, new_text: str, what: str) -> None:
    """`what` names the change for the message: "The model's edit to `f`", "Renaming `f`"."""
    if not guards.syntax_check:
        return
    before, after = syntax_errors(path, old_text), syntax_errors(path, new_text)
    if len(after) > len(before):
        raise Refused(f"{what} would break the syntax of {path} ({after[0]}); nothing was changed.")
    compiled = compile_errors(path, new_text)
    if compiled.tool is None or not compiled.errors:
        return
    if len(compiled.errors) > len(compile_errors(path, old_text).errors):
        raise Refused(
            f"{what} would not compile in {path} ({compiled.tool}: {compiled.errors[0]}); nothing was changed."
        )
