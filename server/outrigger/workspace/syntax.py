"""tree-sitter parsing and syntax checks, for every language in the language table."""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from functools import cache, lru_cache

import tree_sitter

from outrigger.errors import Refused
from outrigger.workspace.languages import LANGUAGES, has_grammar, language_for

__all__ = ["grammar", "has_grammar", "language_for", "nodes_in_rows", "parse", "syntax_errors"]

_SNIPPET_CHARS = 40


@cache
def grammar(language: str) -> tree_sitter.Language:
    """The language's grammar, loaded on first use: most workspaces need two or three."""
    module, function = LANGUAGES[language].grammar
    return tree_sitter.Language(getattr(importlib.import_module(module), function)())


@cache
def _parser(language: str) -> tree_sitter.Parser:
    return tree_sitter.Parser(grammar(language))


def parse(path: str, text: str) -> tree_sitter.Tree:
    """The syntax tree of `text`; Refused for a file without a grammar (see `has_grammar`)."""
    language = language_for(path)
    if language is None:
        raise Refused(f"`{path}` is not a source file Outrigger can parse; it has no grammar for it.")
    return _parsed(language, text)


# One request parses the same file many times (each guard, the old text and the new): on a
# 2,000-line module that was 16 parses, ~1.4 s of a preview under load. Trees are never edited.
@lru_cache(maxsize=16)
def _parsed(language: str, text: str) -> tree_sitter.Tree:
    return _parser(language).parse(text.encode("utf-8"))


def nodes_in_rows(root: tree_sitter.Node, first: int, last: int) -> Iterator[tree_sitter.Node]:
    """Every node that overlaps rows `first`..`last` (0-based), in document order."""
    stack = [root]
    while stack:
        node = stack.pop()
        if node.end_point.row < first or node.start_point.row > last:
            continue
        yield node
        stack.extend(reversed(node.children))


def syntax_errors(path: str, text: str) -> list[str]:
    """One "line N: ..." message per error region; [] when the text parses cleanly, and
    also when there is no grammar for `path` — `has_grammar` tells the two apart."""
    if not has_grammar(path):
        return []
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
