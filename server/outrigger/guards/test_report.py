"""The test runner's own report: how many tests passed and failed, as it printed them.

Exit code 0 is not "the tests pass": code under test can end the process with `os._exit(0)`
or `process.exit(0)` before a single test ran. The gate reads the runner's summary instead
(pytest's `3 passed in 0.1s`, cargo's `test result: ok. 3 passed; 0 failed`, go's `ok  pkg`,
node:test's `# pass 3`, tape's `# pass  3` then `# ok`, jest's `Tests: 3 passed`, mocha's `3 passing`, vitest's `Tests  3
passed`), and a runner whose summary is missing did not pass.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import PurePath


@dataclass(frozen=True)
class Report:
    runner: str
    passed: int
    failed: int
    # The tests the report names, where it names them (node's runner: its top-level tests, or a
    # test file that ended without reporting any); the gate asks that those of the run without
    # the change still run with it.
    names: tuple[str, ...] = field(default=(), compare=False)


_PYTEST = re.compile(r"^=*\s*(?P<counts>(?:\d+ \w+(?:, )?)+) in [\d.]+s(?: \([\d:]+\))?\s*=*$")
_PYTEST_NONE = re.compile(r"^=*\s*no tests ran in [\d.]+s\s*=*$")
_CARGO = re.compile(r"^test result: (?:ok|FAILED)\. (?P<passed>\d+) passed; (?P<failed>\d+) failed")
_GO_OK = re.compile(r"^ok\s+\S+\s+(?:[\d.]+s|\(cached\))")
_GO_NO_TESTS = re.compile(r"^\?\s+\S+\s+\[no test files\]$")
_GO_FAIL = re.compile(r"^(?:FAIL|---\s+FAIL)\b")
_TAP = re.compile(r"^(?:#|ℹ) (?P<what>pass|fail|tests)\s+(?P<count>\d+)$")  # tape pads: `# pass  3`
# A top-level test of node's runner (not indented): TAP's `ok 1 - name`, spec's `✔ name (1.2ms)`.
_NODE_TEST = re.compile(r"^(?:(?:not )?ok \d+ - (?P<tap>.+?)(?: # \w+.*)?|[✔✖] (?P<spec>.+?) \([\d.]+m?s\))$")
_JEST = re.compile(r"^Tests:\s+(?P<counts>.*\d+ total)$")
_MOCHA = re.compile(r"^\s*(?P<count>\d+) (?P<what>passing|failing)\b")
_VITEST = re.compile(r"^\s*Tests\s+(?P<counts>(?:\d+ \w+(?: \| )?)+)\s*\(\d+\)$")
_COUNT = re.compile(r"(\d+) (\w+)")

# Commands whose runner always prints a report: no report means it did not finish.
_REPORTING = {"pytest": "pytest", "py.test": "pytest", "cargo": "cargo", "go": "go"}


def read_report(output: str) -> Report | None:
    """The last report of a known runner in `output`; None when there is none."""
    lines = [line.rstrip() for line in output.splitlines()]
    cargo = [m for line in lines if (m := _CARGO.match(line))]
    if cargo:
        return Report("cargo", sum(int(m["passed"]) for m in cargo), sum(int(m["failed"]) for m in cargo))
    go_ok = sum(1 for line in lines if _GO_OK.match(line))
    go_fail = sum(1 for line in lines if _GO_FAIL.match(line))
    if go_ok or (go_fail and any(line.startswith("FAIL\t") for line in lines)):
        return Report("go", go_ok, go_fail)
    if any(_GO_NO_TESTS.match(line) for line in lines):
        return Report("go", 0, 0)
    for line in reversed(lines):
        if _PYTEST_NONE.match(line):
            return Report("pytest", 0, 0)
        if (m := _PYTEST.match(line)) and (
            "passed" in m["counts"] or "failed" in m["counts"] or "error" in m["counts"]
        ):
            counts = _counts(m["counts"])
            return Report("pytest", counts.get("passed", 0), counts.get("failed", 0) + _errors(counts))
        if m := _JEST.match(line):
            counts = _counts(m["counts"])
            return Report("jest", counts.get("passed", 0), counts.get("failed", 0))
        if m := _VITEST.match(line):
            counts = _counts(m["counts"])
            return Report("vitest", counts.get("passed", 0), counts.get("failed", 0))
    tap = {m["what"]: int(m["count"]) for line in lines if (m := _TAP.match(line.strip()))}
    if "pass" in tap and "fail" in tap:
        names = [m["tap"] or m["spec"] for line in lines if (m := _NODE_TEST.match(line))]
        return Report("node", tap["pass"], tap["fail"], tuple(dict.fromkeys(names)))
    if "pass" in tap and any(line.strip() == "# ok" for line in lines):  # tape prints no `# fail 0`
        return Report("tape", tap["pass"], 0)
    mocha = {m["what"]: int(m["count"]) for line in lines if (m := _MOCHA.match(line))}
    if "passing" in mocha:
        return Report("mocha", mocha["passing"], mocha.get("failing", 0))
    return None


def expects_report(command: tuple[str, ...]) -> str | None:
    """The runner a command is known to be, which always reports; None for other commands."""
    words = [PurePath(part).name for part in command[:4]]
    if "pytest" in words or "py.test" in words:
        return "pytest"
    if words[:2] in (["cargo", "test"], ["go", "test"]):
        return _REPORTING[words[0]]
    if words[:1] == ["tape"] or (words[:1] == ["node"] and words[1:2] == ["tape"]):
        return "tape"
    if words[:1] == ["node"] and "--test" in command:
        return "node"
    return None


def _counts(text: str) -> dict[str, int]:
    return {word: int(number) for number, word in _COUNT.findall(text)}


def _errors(counts: dict[str, int]) -> int:
    return counts.get("error", 0) + counts.get("errors", 0)
