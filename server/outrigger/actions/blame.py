"""Which step of a task the project's failing tests point at, for the task's one retry.

A test run names places: `tests/test_loans.py:27`, `library/report.py:11: AttributeError`,
`test/customer.test.ts(14,37): error TS2345`, `at closeTicket (src/tickets.js:30:5)`. A file the
task created that the output names is the first suspect (its own tests fail); then a definition
a step wrote whose lines hold a named place; then a definition the code at a named place calls
(the failing assertion's function under test); then any step on a named file. When the output
names none of that, the earliest step the model wrote is the one the others were built on.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from outrigger.plan import Step, StepAction
from outrigger.workspace.languages import language_for
from outrigger.workspace.symbols import extract_symbols

# `path:line`, `path(line,column)`, Python's `File "path", line N`.
_PLACE = re.compile(r"""(?<![\w./-])([\w.-]+(?:/[\w.-]+)*\.\w+)(?::(\d+)|\((\d+),\d+\)|",\s+line\s+(\d+))""")


@dataclass
class Written:
    """A step whose code the model wrote: what a retry after failing tests can redo."""

    step: Step
    names: list[str]  # the definitions it wrote in step.file (none for a created file)
    facts: list[str]  # what earlier steps had established when it ran


def places(output: str) -> list[tuple[str, int]]:
    """The (path, 0-based line) pairs the output names, in order."""
    found = []
    for m in _PLACE.finditer(output):
        line = next((int(group) for group in m.groups()[1:] if group), 0)
        found.append((m.group(1), max(line - 1, 0)))
    return found


def responsible(output: str, written: list[Written], read: Callable[[str], str | None]) -> tuple[Written, str | None]:
    """The step most likely behind the failure, and which of its definitions (None: the
    whole file it created, or the first it wrote)."""
    named = [(_source_of(path, written), line) for path, line in places(output)]
    named_files = {path for path, _ in named}
    for candidate in written:
        if candidate.step.action is StepAction.CREATE and candidate.step.file in named_files:
            return candidate, None
    for candidate in written:
        if (name := _named_definition(candidate, named, read)) is not None:
            return candidate, name
    named_code = _code_at(named, read)
    for candidate in written:
        if used := [n for n in candidate.names if re.search(rf"(?<![\w$]){re.escape(n)}\s*\(", named_code)]:
            return candidate, used[0]
    for candidate in written:
        if candidate.step.file in named_files:
            return candidate, candidate.names[0] if candidate.names else None
    first = written[0]
    return first, first.names[0] if first.names else None


def _source_of(path: str, written: list[Written]) -> str:
    """A compiled file's source: `build/test/a.test.js` is the task's `test/a.test.ts`."""
    stem = path.rsplit(".", 1)[0]
    for candidate in written:
        source = candidate.step.file
        if source != path and stem.endswith("/" + source.rsplit(".", 1)[0]):
            return source
    return path


def _code_at(named: list[tuple[str, int]], read: Callable[[str], str | None]) -> str:
    """The lines at the places named (a failing assertion calls the function under test)."""
    code = []
    for path, line in named:
        lines = (read(path) or "").splitlines()
        if line < len(lines):
            code.append(lines[line])
    return "\n".join(code)


def _named_definition(
    candidate: Written, named: list[tuple[str, int]], read: Callable[[str], str | None]
) -> str | None:
    path = candidate.step.file
    lines = [line for file, line in named if file == path]
    text = read(path)
    if not lines or not candidate.names or text is None or language_for(path) is None:
        return None
    for symbol in extract_symbols(path, text):
        if (symbol.qualified_name in candidate.names or symbol.name in candidate.names) and any(
            symbol.range.start.line <= line <= symbol.range.end.line for line in lines
        ):
            return symbol.qualified_name
    return None
