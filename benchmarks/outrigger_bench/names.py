"""Names a file uses but neither defines nor imports — what a syntax check cannot see.

`def f(text: str) -> Dict[str, Any]:` parses, and then the module raises NameError on
import. The checks compare a file's undefined names before and after an edit; a name
the edit newly leaves undefined means the file is broken even where no test imports it.

Python: pyflakes' undefined-name findings. TypeScript: type names (tree-sitter's
`type_identifier`) that the file neither declares nor imports and that are not global
types. Other languages: nothing is decided here (their own tests run instead).
"""

from __future__ import annotations

import ast

from pyflakes import checker, messages

from outrigger.workspace.languages import language_for
from outrigger.workspace.syntax import parse

# Types every TypeScript file may use without importing them (lib.es*, lib.dom basics, Node).
TS_GLOBAL_TYPES = frozenset(
    "Array ReadonlyArray ArrayLike Record Partial Required Readonly Pick Omit Exclude Extract NonNullable "
    "ReturnType Parameters InstanceType Awaited Promise PromiseLike Map ReadonlyMap Set ReadonlySet WeakMap "
    "WeakSet Date RegExp Error TypeError RangeError Function Object String Number Boolean Symbol BigInt "
    "Iterable Iterator IterableIterator AsyncIterable AsyncIterator Generator AsyncGenerator JSON Math "
    "Uppercase Lowercase Capitalize Uncapitalize PropertyKey Buffer NodeJS".split()
)
# Nodes whose identifiers declare a type name in TypeScript.
_TS_DECLARING = frozenset(
    {
        "interface_declaration",
        "class_declaration",
        "abstract_class_declaration",
        "type_alias_declaration",
        "enum_declaration",
        "type_parameter",
        "import_specifier",
        "import_clause",
        "namespace_import",
        "import_require_clause",
    }
)


def undefined_names(path: str, text: str) -> set[str]:
    """The names `text` (the content of `path`) uses without defining or importing them;
    empty for a language this module does not decide, or a file that does not parse."""
    language = language_for(path)
    if language == "python":
        return _python(text)
    if language in ("typescript", "tsx"):
        return _typescript(path, text)
    return set()


def _python(text: str) -> set[str]:
    try:
        tree = ast.parse(text)
    except SyntaxError:
        return set()
    found = checker.Checker(tree)
    return {str(m.message_args[0]) for m in found.messages if isinstance(m, messages.UndefinedName)}


def _typescript(path: str, text: str) -> set[str]:
    used: set[str] = set()
    declared: set[str] = set()
    stack = [parse(path, text).root_node]
    while stack:
        node = stack.pop()
        stack.extend(node.children)
        if node.type not in ("identifier", "type_identifier") or node.parent is None or node.text is None:
            continue
        name = node.text.decode("utf-8")
        if node.parent.type in _TS_DECLARING:
            declared.add(name)
        elif node.type == "type_identifier" and node.parent.type != "nested_type_identifier":
            used.add(name)
    return used - declared - TS_GLOBAL_TYPES
