"""The syntax guard: an edit may not add syntax errors to a file (errors already there are the
user's, not the edit's)."""

from __future__ import annotations

from outrigger.errors import Refused
from outrigger.guards.switches import Guards
from outrigger.workspace.syntax import syntax_errors


def refuse_new_syntax_errors(guards: Guards, path: str, old_text: str, new_text: str, what: str) -> None:
    """`what` names the change for the message: "The model's edit to `f`", "Renaming `f`"."""
    if not guards.syntax_check:
        return
    before, after = syntax_errors(path, old_text), syntax_errors(path, new_text)
    if len(after) > len(before):
        raise Refused(f"{what} would break the syntax of {path} ({after[0]}); nothing was changed.")
