"""The shapes of the values a function takes, as facts for a step that writes tests for it.

A model writing tests for `customerLabel(customer: Customer)` that has only seen the signature
invents the fields of a `Customer`; one testing `can_borrow(member, loans)` passes a dict where
the code reads `member.limit`. The facts here are short: the definitions of the types the
signature names (an interface, a type alias, a class's fields and constructor), the types
those name in turn, for an untyped parameter the class its name says (`member` → `Member`,
`loans` → `Loan`), and how an existing test of the project builds one. Never a whole file.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from outrigger.edits import split_lines
from outrigger.workspace.index import ProjectMap
from outrigger.workspace.symbols import Symbol

MAX_TYPES = 5
_MAX_DEFINITION_CHARS = 300
_TYPE_KINDS = frozenset({"class", "interface", "type", "struct", "enum", "record"})
_WORD = re.compile(r"[A-Za-z_$][\w$]*")
_TEST_FILE = re.compile(r"(?:^|[/_.-])(?:tests?|spec)(?:[/_.-]|$)", re.I)
# What a Python class shows of itself: decorators, its header, its fields, its constructor.
_PY_CLASS_LINE = re.compile(r"^(?:@|class\s|\s+\w+\s*:\s*[^=]|\s+\w+\s*:.*=|\s+def\s+__init__\b)")


def type_facts(
    function: Symbol, project_map: ProjectMap, hint: Callable[[Symbol], str], seen: set[str] | None = None
) -> list[str]:
    """One line per type `function` takes: where it is defined, its short definition, how to
    import it (`hint`), and how an existing test builds one."""
    seen = set() if seen is None else seen
    read = project_map.workspace.read
    lines = split_lines(read(function.path))
    code = function.code_range or function.range
    header = "".join(lines[code.start.line : min(code.end.line, code.start.line + 4) + 1])
    header = header.split("{", 1)[0] if not function.path.endswith(".py") else header.split(":\n", 1)[0]
    facts: list[str] = []
    queue = [*_types_named(header, project_map), *_types_of_parameters(header, project_map)]
    while queue and len(facts) < MAX_TYPES:
        symbol = queue.pop(0)
        if symbol.qualified_name in seen:
            continue
        seen.add(symbol.qualified_name)
        definition = _short_definition(symbol, split_lines(read(symbol.path)))
        where = f"{symbol.path} defines `{definition}`"
        if how := hint(symbol):
            where += f"; {how}"
        if example := _built_in_a_test(symbol, project_map):
            where += f"; {example}"
        elif symbol.kind == "interface" and symbol.path.endswith((".ts", ".tsx")):
            # An untyped literal widens `region: "EU"` to string, which a `Region` field refuses.
            where += f"; give test values the type: `const x: {symbol.name} = {{ … }}`"
        facts.append(where)
        queue += [t for t in _types_named(definition, project_map) if t.qualified_name not in seen]
    return facts


def _types_named(code: str, project_map: ProjectMap) -> list[Symbol]:
    found = []
    for word in dict.fromkeys(_WORD.findall(code)):
        if word[:1].isupper():
            found += [s for s in project_map.find(word) if s.kind in _TYPE_KINDS and s.container is None][:1]
    return found


def _types_of_parameters(header: str, project_map: ProjectMap) -> list[Symbol]:
    """Untyped parameters named after a class: `member` → `Member`, `loans` → `Loan`."""
    inside = header.partition("(")[2].rpartition(")")[0]
    found = []
    for word in dict.fromkeys(_WORD.findall(inside)):
        for name in (word, word.removesuffix("s")):
            title = "".join(part.capitalize() for part in name.split("_"))
            if len(title) > 2 and (match := [s for s in project_map.find(title) if s.kind in _TYPE_KINDS][:1]):
                found += match
                break
    return found


def _short_definition(symbol: Symbol, lines: list[str]) -> str:
    """The definition on one line: whole when short, else what a caller needs of it."""
    block = lines[symbol.range.start.line : symbol.range.end.line + 1]
    if symbol.path.endswith(".py"):
        block = [line for line in block if _PY_CLASS_LINE.match(line)]
        text = "; ".join(
            line.strip().rstrip(":") if line.lstrip().startswith("def") else line.strip() for line in block
        )
        text = re.sub(r"^((?:@\S+; )+)", lambda m: m.group(1).replace("; ", " "), text).replace(":; ", ": ", 1)
    else:
        text = " ".join(line.strip() for line in block if line.strip() and not line.strip().startswith("//"))
    if len(text) <= _MAX_DEFINITION_CHARS:
        return text
    return text[:_MAX_DEFINITION_CHARS].rsplit(" ", 1)[0] + " …"


def _built_in_a_test(symbol: Symbol, project_map: ProjectMap) -> str:
    """How an existing test constructs `symbol` (`Member("Ann", limit=1)`), when one does."""
    call = re.compile(rf"(?<![\w$.]){re.escape(symbol.name)}\(")
    for path in project_map.files():
        if not _TEST_FILE.search(path) or path.rsplit(".", 1)[-1] != symbol.path.rsplit(".", 1)[-1]:
            continue
        for line in split_lines(project_map.workspace.read(path)):
            if call.search(line) and not line.lstrip().startswith(("import", "from", "def ", "class ")):
                return f"{path} builds one as `{line.strip()[:150]}`"
    return ""
