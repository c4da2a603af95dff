"""tree-sitter languages, parsing and syntax checks for the supported file types."""

from __future__ import annotations

from functools import cache
from pathlib import PurePosixPath

import tree_sitter
import tree_sitter_javascript
import tree_sitter_python
import tree_sitter_typescript

from outrigger.errors import Refused

# The JavaScript grammar parses JSX too; TypeScript needs its separate TSX grammar.
LANGUAGE_BY_EXTENSION = {
    ".py": "python",
    ".js": "javascript",
    ".mjs": "javascript",
    ".cjs": "javascript",
    ".jsx": "javascript",
    ".ts": "typescript",
    ".mts": "typescript",
    ".cts": "typescript",
    ".tsx": "tsx",
}

_GRAMMARS = {
    "python": tree_sitter_python.language,
    "javascript": tree_sitter_javascript.language,
    "typescript": tree_sitter_typescript.language_typescript,
    "tsx": tree_sitter_typescript.language_tsx,
}

_SNIPPET_CHARS = 40


def language_for(path: str) -> str | None:
    """ "python" | "javascript" | "typescript" | "tsx", or None when unsupported."""
    return LANGUAGE_BY_EXTENSION.get(PurePosixPath(path).suffix.lower())


@cache
def _parser(language: str) -> tree_sitter.Parser:
    return tree_sitter.Parser(tree_sitter.Language(_GRAMMARS[language]()))


def parse(path: str, text: str) -> tree_sitter.Tree:
    language = language_for(path)
    if language is None:
        raise Refused(f"`{path}` is not a supported source file (Python, JavaScript, TypeScript).")
    return _parser(language).parse(text.encode("utf-8"))


def syntax_errors(path: str, text: str) -> list[str]:
    """One "line N: ..." message per error region; [] when the text parses cleanly."""
    tree = parse(path, text)
    if not tree.root_node.has_error:
        return []
    messages: list[str] = []
    stack = [tree.root_node]
    while stack:
        node = stack.pop()
        line = node.start_point.row + 1
        if node.is_missing:
            messages.append(f"line {line}: missing `{node.type}`")
        elif node.is_error:
            messages.append(f"line {line}: unexpected {_snippet(node)}")
        elif node.has_error:
            stack.extend(reversed(node.children))
    return messages


def _snippet(node: tree_sitter.Node) -> str:
    """The first line of an error region, shortened: enough to locate it."""
    text = (node.text or b"").decode("utf-8", "replace").strip()
    first = text.splitlines()[0].strip() if text else ""
    if not first:
        return "end of file"
    if len(first) > _SNIPPET_CHARS:
        first = first[:_SNIPPET_CHARS] + "…"
    return f"`{first}`"
