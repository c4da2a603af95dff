"""The workspace: files (with editor overlays), the path guard, syntax and the symbol map."""

from outrigger.workspace.files import Workspace
from outrigger.workspace.index import ProjectMap
from outrigger.workspace.paths import resolve_in_workspace
from outrigger.workspace.symbols import Symbol
from outrigger.workspace.syntax import has_grammar, language_for, parse, syntax_errors

__all__ = [
    "ProjectMap",
    "Symbol",
    "Workspace",
    "has_grammar",
    "language_for",
    "parse",
    "resolve_in_workspace",
    "syntax_errors",
]
