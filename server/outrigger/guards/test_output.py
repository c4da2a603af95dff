"""What a failing test run says went wrong, in a few lines: which test failed and its error.

The last lines of a test run are often only its tally (node:test's TAP ends with `# pass 6 |
# fail 1 | # cancelled 0 …`), which tells a user nothing they can act on, and gives a model
retrying its change nothing to fix. The lines worth showing are the failing test's name, where
it is and its error: TAP's `not ok` blocks, pytest's `FAILED` and `E` lines, compiler errors.
Output in no known shape keeps its last lines.
"""

from __future__ import annotations

import re

_TAIL_LINES = 12
MAX_SUMMARY_CHARS = 1500

# node:test's TAP: `not ok 2 - closes a ticket` then a YAML block with location and error.
_NOT_OK = re.compile(r"^\s*not ok \d+ - (.+)$")
_YAML_FIELD = re.compile(r"^\s*(location|error|name|failureType|stack|actual|expected):\s*(.*)$")
# A stack frame in the project's own files (not node's internals): `(test/a.test.js:19:10)`.
_OWN_FRAME = re.compile(r"\(((?!node:)[^\s():]+:\d+):\d+\)")
# A file that failed to load: node prints the error as `# Error: Cannot find module './x'`.
_TAP_COMMENT_ERROR = re.compile(r"^#\s+((?:\w*Error|SyntaxError)\b.*)$")
# A plain Node script's uncaught error (`node test.js`): `AssertionError [ERR_ASSERTION]: …`, its
# message lines, then the stack; `actual: '1:5'` and `expected: '1:05'` in the error's fields.
_NODE_ERROR = re.compile(r"^(\w*Error)(?: \[\w+\])?: (.*)$")
_NODE_FIELD = re.compile(r"^\s+(actual|expected): (.+?),?$")
# pytest: the short summary's `FAILED tests/x.py::test_y - Error` and a traceback's `E   …`.
_PYTEST_FAILED = re.compile(r"^(?:FAILED|ERROR) \S+")
_PYTEST_E = re.compile(r"^E\s{2,}(.+)$")
_PYTEST_WHERE = re.compile(r"^([\w./-]+\.py):(\d+): (\w+)$")
# Compilers and type checkers: `test/x.ts(16,5): error TS2554: …`, `src/a.rs:3:5: error: …`.
_COMPILER_ERROR = re.compile(r"^\S+[(:]\d+[,:]\d+\)?:?\s*error\b.*$", re.I)


def failure_summary(output: str) -> str:
    """The lines of `output` that say what failed, joined with " | " and capped."""
    lines = [line.rstrip() for line in output.splitlines()]
    found = _tap_failures(lines) or _pytest_failures(lines) or _compiler_errors(lines) or _node_uncaught(lines)
    if not found:
        found = [line.strip() for line in lines[-_TAIL_LINES:] if line.strip()]
    return " | ".join(found)[:MAX_SUMMARY_CHARS]


def _tap_failures(lines: list[str]) -> list[str]:
    found: list[str] = []
    for index, line in enumerate(lines):
        if m := _TAP_COMMENT_ERROR.match(line):
            found.append(m.group(1))
        if not (m := _NOT_OK.match(line)):
            continue
        fields = _yaml_fields(lines, index + 1)
        if fields.get("failureType") == "subtestsFailed":
            continue  # a file or suite whose tests failed: those tests say why
        where = f" ({fields['location']})" if fields.get("location") else ""
        if frame := _first_own_frame(fields.get("stack", "")):
            where += f" at {frame}"
        kind = f"{fields['name']}: " if fields.get("name") else ""
        error = fields.get("error", "")
        if error == "test failed" and found:
            continue  # a file that did not load: its `# Error:` line above says why
        if fields.get("actual") and fields.get("expected"):  # `'HIGH' == 'high'` does not say which is which
            error += f" (the code gave {fields['actual']}, the test expected {fields['expected']})"
        found.append(f"failed: {m.group(1)}{where}: {kind}{error}".rstrip(": "))
    return found


def _yaml_fields(lines: list[str], start: int) -> dict[str, str]:
    """The fields of the TAP YAML block starting at `start`; a `|-` value is its next lines."""
    fields: dict[str, str] = {}
    index = start
    while index < len(lines) and lines[index].strip() != "...":
        if m := _YAML_FIELD.match(lines[index]):
            key, value = m.groups()
            if value in ("|-", "|", ">-"):
                block = []
                indent = len(lines[index]) - len(lines[index].lstrip())
                while index + 1 < len(lines) and (
                    not lines[index + 1].strip() or len(lines[index + 1]) - len(lines[index + 1].lstrip()) > indent
                ):
                    index += 1
                    if lines[index].strip():
                        block.append(lines[index].strip())
                value = " ".join(block)
            fields.setdefault(key, _unquoted(value.strip()))
        index += 1
    return fields


def _first_own_frame(stack: str) -> str | None:
    """Where in the project's files the error was raised: `test/routes.test.js:19`."""
    m = _OWN_FRAME.search(stack)
    return m.group(1) if m and not m.group(1).startswith("/") and "node_modules/" not in m.group(1) else None


def _unquoted(value: str) -> str:
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
        return value[1:-1]
    return value


def _pytest_failures(lines: list[str]) -> list[str]:
    failed = [line.strip() for line in lines if _PYTEST_FAILED.match(line)]
    if not failed:
        return []
    errors = []
    for index, line in enumerate(lines):
        if m := _PYTEST_E.match(line):
            where = next((w.group(0) for w in map(_PYTEST_WHERE.match, lines[index + 1 : index + 4]) if w), "")
            errors.append(f"{m.group(1).strip()}{f' ({where})' if where else ''}")
    return failed + errors[:6]


def _node_uncaught(lines: list[str]) -> list[str]:
    """The error a Node script died of, with its message, where in the project it was thrown
    and, for an assertion, which value the code gave (the last lines are only stack frames)."""
    for index, line in enumerate(lines):
        if not (m := _NODE_ERROR.match(line)):
            continue
        message, rest = [m.group(2)], lines[index + 1 :]
        for more in rest:
            if more.lstrip().startswith("at ") or more.startswith("Node.js"):
                break
            if more.strip():
                message.append(more.strip())
        frames = "\n".join(more for more in rest if more.lstrip().startswith("at "))
        frame = _first_own_frame(frames)
        fields = {f.group(1): f.group(2) for f in map(_NODE_FIELD.match, rest[:40]) if f}
        said = f"{m.group(1)}: {' '.join(message)}" + (f" (at {frame})" if frame else "")
        if "actual" in fields and "expected" in fields:
            said += f" (the code gave {fields['actual']}, the test expected {fields['expected']})"
        return [said]
    return []


def _compiler_errors(lines: list[str]) -> list[str]:
    """Each error with the indented lines that explain it (tsc's "Types of property 'region'
    are incompatible")."""
    found: list[str] = []
    for index, line in enumerate(lines):
        if _COMPILER_ERROR.match(line.strip()) and len(found) < 8:
            found.append(line.strip())
            for more in lines[index + 1 : index + 4]:
                if not more.startswith(" ") or not more.strip():
                    break
                found[-1] += " " + more.strip()
    return found
