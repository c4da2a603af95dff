"""The user's own example as the check of a fix: "formatDuration(65) should return "1:05"".

A request that states what a call should give is checked by making that call, on a scratch
copy of the workspace with the model's change in it (the project-tests machinery: same switch,
same time limit). A candidate whose result differs is refused with what it returned, so the
retry sees its own mistake, and a wrong fix is never offered as the fix of that example.

Only what can be run exactly is run: a module-level function of a Python or JavaScript file,
called with literal arguments, compared with a literal. The example must fail on the code as
it is (it is the bug being reported); when it already passes, or cannot be run at all (an
import that needs set-up, an ES module Node cannot load), it checks nothing.
"""

from __future__ import annotations

import ast
import json
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

from outrigger.guards.project_tests import project_python
from outrigger.guards.runs import ScratchRun, may_run, scratch_run
from outrigger.guards.secret_values import redact
from outrigger.workspace.files import Workspace
from outrigger.workspace.symbols import Symbol
from outrigger.workspace.syntax import language_for

# One literal: a number, a quoted string, or a constant of either language.
_LITERAL = r"""(?:-?\d+(?:\.\d+)?(?:[eE]-?\d+)?|"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'|true|false|null|undefined|None|True|False)"""
_ARGUMENTS = rf"(?:{_LITERAL}(?:\s*,\s*{_LITERAL})*)?"
_CALL = rf"(?P<name>[A-Za-z_$][\w$]*)\((?P<arguments>{_ARGUMENTS})\)"
_SHOULD = (
    r"(?:should|must|ought\s+to|needs?\s+to|is\s+supposed\s+to|has\s+to)\s+(?:return|give|be|equal|produce|yield)"
    r"|(?:is\s+)?expected(?:\s+to\s+(?:be|return|give))?|={2,3}|->|=>|→"
)
_GIVES = r"(?:returns|gives|is|produces|yields)"
# The ways people state an expected result, the expected value always in `expected`.
_EXAMPLES = [
    re.compile(rf"{_CALL}\s*,?\s*(?:(?:it|this)\s+)?(?:{_SHOULD})\s*:?\s*(?P<expected>{_LITERAL})", re.I),
    re.compile(rf"\b(?:make|have|get)\s+{_CALL}\s+(?:return|give|be|equal)\s+(?P<expected>{_LITERAL})", re.I),
    re.compile(
        rf"{_CALL}\s+{_GIVES}\s+{_LITERAL}\s+(?:instead\s+of|rather\s+than|not)\s+(?P<expected>{_LITERAL})", re.I
    ),
    re.compile(
        rf"{_CALL}\s+{_GIVES}\s+{_LITERAL}\s*[,;:.-]*\s*(?:but\s+|while\s+|when\s+)?(?:it\s+)?"
        rf"(?:should|must|ought\s+to)\s+(?:return|give|be)\s+(?P<expected>{_LITERAL})",
        re.I,
    ),
]
# "make cups_to_ml return 480 for 2 cups": the call is written out for a one-parameter function.
_FOR_ARGUMENT = re.compile(
    rf"\b(?P<name>[A-Za-z_$][\w$]*)\s+(?:(?:should|must|needs?\s+to|has\s+to)\s+)?(?:return|give|be|equal)\s+"
    rf"(?P<expected>{_LITERAL})\s+"
    rf"(?:for|with|given|when\s+given|on)\s+(?:an?\s+)?(?P<argument>-?\d+(?:\.\d+)?)(?![\w.])",
    re.I,
)
_JS_ONLY = re.compile(r"^(?:true|false|null|undefined)$")
_PY_ONLY = re.compile(r"^(?:None|True|False)$")


@dataclass(frozen=True)
class Example:
    name: str
    arguments: str  # source text of the arguments, literals only
    expected: str  # source text of the expected value, a literal

    @property
    def call(self) -> str:
        return f"{self.name}({self.arguments})"


def stated_example(request: str, symbol: Symbol, parameters: int | None) -> Example | None:
    """The call of `symbol` (which takes at most `parameters` arguments; None: any number)
    with the result the request expects of it, when it can be run."""
    language = language_for(symbol.path)
    if language not in ("python", "javascript") or symbol.container or symbol.kind != "function":
        return None
    text = request.replace("`", "")
    found = [Example(m["name"], m["arguments"].strip(), m["expected"]) for p in _EXAMPLES for m in p.finditer(text)]
    if parameters == 1:
        found += [Example(m["name"], m["argument"], m["expected"]) for m in _FOR_ARGUMENT.finditer(text)]
    return next((e for e in found if e.name == symbol.name and _literals_of(language, e)), None)


def _literals_of(language: str, example: Example) -> bool:
    """Every literal is one the symbol's language reads as a literal."""
    literals = [example.expected, *re.findall(_LITERAL, example.arguments)]
    if language == "python":
        try:
            ast.literal_eval(f"({example.arguments},)" if example.arguments else "()")
            ast.literal_eval(example.expected)
        except (ValueError, SyntaxError):
            return False
        return not any(_JS_ONLY.match(literal) for literal in literals)
    return not any(_PY_ONLY.match(literal) for literal in literals)


# Exit codes of the scripts below: the example gave something else; it could not be run.
_MISMATCH, _UNRUNNABLE = 3, 4

_PYTHON = """import sys
sys.path.insert(0, ".")
try:
    from {module} import {name} as example
except Exception:
    sys.exit({unrunnable})
try:
    actual = example({arguments})
except Exception as error:
    print(f"raises {{type(error).__name__}}: {{error}}"[:200])
    sys.exit({mismatch})
if actual != {expected}:
    print(repr(actual)[:200])
    sys.exit({mismatch})
"""

_JAVASCRIPT = """const assert = require("assert");
let found;
try {{
  const loaded = require({path});
  found = loaded.{name} ?? loaded.default?.{name} ?? (typeof loaded === "function" ? loaded : undefined);
}} catch (error) {{
  process.exit({unrunnable});
}}
if (typeof found !== "function") process.exit({unrunnable});
let actual;
try {{
  actual = found({arguments});
}} catch (error) {{
  console.log(String("throws " + error).slice(0, 200));
  process.exit({mismatch});
}}
try {{
  assert.deepStrictEqual(actual, {expected});
}} catch {{
  console.log(String(JSON.stringify(actual) ?? actual).slice(0, 200));
  process.exit({mismatch});
}}
"""


def _script(example: Example, path: str, root: Path) -> list[str]:
    codes: dict[str, object] = {"name": example.name, "arguments": example.arguments}
    codes |= {"expected": example.expected, "mismatch": _MISMATCH, "unrunnable": _UNRUNNABLE}
    if language_for(path) == "python":
        module = path.removesuffix(".py").replace("/", ".").removesuffix(".__init__")
        return [project_python(root), "-c", _PYTHON.format(module=module, **codes)]
    return ["node", "-e", _JAVASCRIPT.format(path=json.dumps("./" + path), **codes)]


class ExampleCheck:
    """Runs one example against candidate versions of one file, in one scratch copy."""

    def __init__(self, example: Example, path: str, run: ScratchRun, timeout: float) -> None:
        self.example, self.path, self._run_in, self._timeout = example, path, run, timeout

    async def _run(self, text: str) -> tuple[int | None, str]:
        self._run_in.write(self.path, text)
        output = await self._run_in.run(_script(self.example, self.path, self._run_in.place.mount_at), self._timeout)
        return output.exit_code, output.text

    async def problem(self, new_text: str) -> str | None:
        """Why `new_text` does not give the stated result, or None when it does. What the code
        gave is quoted to the model: redacted and short."""
        code, output = await self._run(new_text)
        if code == 0:
            return None
        last_line = redact(output.strip().rpartition("\n")[2], limit=_QUOTED_CHARS)
        got = last_line if code == _MISMATCH else "no result" if code is None else "an error"
        return f"`{self.example.call}` gives {got} with the model's code, not {self.example.expected}."


_QUOTED_CHARS = 200


@asynccontextmanager
async def example_check(
    workspace: Workspace,
    example: Example | None,
    path: str,
    old_text: str,
    timeout: float,
    allow_unsandboxed: bool = False,
) -> AsyncIterator[ExampleCheck | None]:
    """A check of `example` for edits of `path`, or None when there is nothing to check: no
    example, a workspace too large to copy, no sandbox to run it in, or an example that does
    not fail as reported."""
    if example is None or not may_run(allow_unsandboxed):
        yield None
        return
    async with scratch_run(workspace, allow_unsandboxed) as run:
        if run is None:
            yield None
            return
        check = ExampleCheck(example, path, run, timeout)
        code, _ = await check._run(old_text)
        yield check if code == _MISMATCH else None
