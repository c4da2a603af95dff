"""The doc-only guard: a docstring request adds one docstring (Python) or one doc comment block
(the other languages) and nothing else. A model once answered "add a docstring" with
`\"\"\"Return the item.\"\"\"; __import__("os").system(...)` on the docstring's line.

Checked token by token on the whole file, with tree-sitter: outside docstrings (Python) or
comments (JS/TS), the old and new texts must hold the same tokens at the same depth (depth
catches a statement moved in or out of a block, which Python spells with whitespace only).
Part of symbol confinement: it honours that switch.
"""

from __future__ import annotations

import ast
import difflib
import doctest
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import tree_sitter

from outrigger.errors import Refused
from outrigger.guards.switches import Guards
from outrigger.workspace.languages import row
from outrigger.workspace.one_symbol import is_test_file
from outrigger.workspace.syntax import language_for, parse

_STRING_TYPES = ("string", "concatenated_string")


@dataclass
class _Tokens:
    code: list[tuple[str, str, int]] = field(default_factory=list)  # (type, text, depth)
    rows: list[int] = field(default_factory=list)  # the line of each code token
    docs: list[str] = field(default_factory=list)  # docstrings or comments, in order


def is_string_statement(node: tree_sitter.Node) -> bool:
    """A Python statement that is only a string literal: a docstring where it stands first. An
    f-string is not one: its braces run code."""
    if node.type != "expression_statement" or node.named_child_count != 1:
        return False
    literal = node.named_children[0]
    return literal.type in _STRING_TYPES and not _contains(literal, "interpolation")


def _contains(node: tree_sitter.Node, node_type: str) -> bool:
    stack = [node]
    while stack:
        current = stack.pop()
        if current.type == node_type:
            return True
        stack.extend(current.children)
    return False


@lru_cache(maxsize=8)  # the old text is read for each candidate the model writes; read-only
def _tokens(path: str, text: str) -> _Tokens:
    language = language_for(path)
    python = language == "python"
    comments = row(language).comments if language else frozenset({"comment"})
    tokens = _Tokens()
    stack: list[tuple[tree_sitter.Node, int]] = [(parse(path, text).root_node, 0)]
    while stack:  # iterative: a file nested hundreds of levels deep must not exhaust the stack
        node, depth = stack.pop()
        if (python and is_string_statement(node)) or (not python and node.type in comments):
            tokens.docs.append((node.text or b"").decode("utf-8", "replace"))
        elif node.child_count == 0:
            tokens.code.append((node.type, (node.text or b"").decode("utf-8", "replace"), depth))
            tokens.rows.append(node.start_point.row)
        else:
            stack.extend((child, depth + 1) for child in reversed(node.children))
    return tokens


def refuse_code_beside_doc(guards: Guards, path: str, old_text: str, new_text: str, name: str) -> None:
    """Refuse (naming what was added) unless `new_text` is `old_text` plus or with one changed
    docstring or doc comment block."""
    if not guards.symbol_confinement:
        return
    old, new = _tokens(path, old_text), _tokens(path, new_text)
    if old.code != new.code:
        matcher = difflib.SequenceMatcher(a=old.code, b=new.code, autojunk=False)
        tag, i1, _, j1, j2 = next(op for op in matcher.get_opcodes() if op[0] != "equal")
        if tag == "delete":
            raise Refused(
                f"The model's docstring edit to `{name}` drops code (`{old.code[i1][1]}`, line "
                f"{old.rows[i1] + 1}); a docstring edit adds only the docstring. Nothing was changed."
            )
        added = " ".join(text for _, text, _ in new.code[j1:j2])[:60]
        raise Refused(
            f"The model's docstring for `{name}` comes with code (`{added}`, line {new.rows[j1] + 1}); "
            "a docstring edit adds only the docstring. Nothing was changed."
        )
    changes = [op for op in difflib.SequenceMatcher(a=old.docs, b=new.docs).get_opcodes() if op[0] != "equal"]
    python = language_for(path) == "python"
    one_docstring = all(j2 - j1 <= 1 for _, _, _, j1, j2 in changes) if python else True
    if len(changes) > 1 or not one_docstring:
        kind = "docstring" if python else "doc comment"
        raise Refused(f"The model's edit to `{name}` changes more than one {kind}; nothing was changed.")


# The languages whose documentation no build or test reads as code once its examples are
# inert. Not PHP (PHPUnit and Doctrine read docblock annotations) nor the others' tooling,
# which this list does not know; JavaScript only without a type-checking config (below).
_INERT_DOC_LANGUAGES = frozenset({"python", "rust", "go", "javascript", "typescript", "tsx"})
# Comments that are instructions to a compiler, type checker or tool, not documentation.
_DIRECTIVES = (
    "go:",
    "+build",
    "@ts-",
    "<reference",
    "eslint",
    "@flow",
    "@jsx",
    "istanbul",
    "c8 ",
    "prettier-ignore",
    "__PURE__",
    "sourceMappingURL",
    "webpack",
    "@vite",
)


def documentation_only(path: str, old_text: str, new_text: str, *, type_checked: bool = False) -> bool:
    """True only when the change provably leaves the code as it was: the same syntax tree
    once docstrings (Python) or comments (the others) are set aside, no directive among the
    changed comments, and the same runnable examples (doctests, Rust doc tests) as before
    (`guards/inert_docs.py` has made the added ones inert). Test files never qualify (a Go
    example's `// Output:` is a test), nor JavaScript a type checker reads (`type_checked`:
    a tsconfig.json or jsconfig.json, whose `checkJs` reads JSDoc types)."""
    language = language_for(path)
    if language not in _INERT_DOC_LANGUAGES or is_test_file(path) or old_text == new_text:
        return False
    if language == "javascript" and (type_checked or "@ts-check" in new_text):
        return False
    if language == "go" and 'import "C"' in new_text:  # cgo: the comment above the import is C code
        return False
    try:
        old, new = _tokens(path, old_text), _tokens(path, new_text)
    except Refused:
        return False
    if old.code != new.code:
        return False
    if any(marker in doc for doc in _changed(old.docs, new.docs) for marker in _DIRECTIVES):
        return False
    try:
        return _examples(language, old.docs) == _examples(language, new.docs)
    except (ValueError, SyntaxError):  # a docstring doctest cannot read: it may hold one
        return False


def type_checked(root: Path) -> bool:
    """The workspace has a type checker's config (`tsconfig.json`, `jsconfig.json`), whose
    `checkJs` reads JSDoc types: its JavaScript comments can be code."""
    return (root / "tsconfig.json").exists() or (root / "jsconfig.json").exists()


def same_code(root: Path, path: str, old_text: str, new_text: str) -> bool:
    """`new_text` runs as `old_text` does: the same text, or only documentation and layout
    changed (`documentation_only`). A fix like that fixes nothing, whatever its tests say."""
    return old_text == new_text or documentation_only(path, old_text, new_text, type_checked=type_checked(root))


def _changed(old: list[str], new: list[str]) -> list[str]:
    """The doc texts on either side that the change wrote or removed."""
    ops = difflib.SequenceMatcher(a=old, b=new, autojunk=False).get_opcodes()
    return [doc for tag, i1, i2, j1, j2 in ops if tag != "equal" for doc in old[i1:i2] + new[j1:j2]]


def _examples(language: str, docs: list[str]) -> list[tuple[str, str]]:
    """The examples a test run would execute: doctests not skipped (Python), code blocks
    not fenced as text and indented blocks (Rust doc comments); nothing elsewhere."""
    if language == "python":
        parser, values = doctest.DocTestParser(), [ast.literal_eval(doc) for doc in docs]
        return [
            (e.source, e.want)
            for value in values
            if isinstance(value, str)
            for e in parser.get_examples(value)
            if not e.options.get(doctest.SKIP)
        ]
    if language != "rust":
        return []
    examples, fence = [], None
    for doc in docs:
        for line in doc.splitlines():
            content = line.strip().removeprefix("///").removeprefix("//!").removeprefix("*")
            content = content[1:] if content.startswith(" ") else content
            marker = content.lstrip()
            if marker.startswith(("```", "~~~")):
                fence = None if fence is not None else marker.strip("`~ ").split(",")[0]
            elif fence is not None and fence not in ("text", "ignore"):
                examples.append((fence, content))
            elif fence is None and content.startswith("    "):
                examples.append(("indented", content))
    return examples
