"""docs/CONTRACTS.md names the interfaces modules agree on: every module, class, function and
method it lists must exist, so a rename in the code cannot leave the doc describing a ghost.

In its ```python blocks, a `# path/to/module.py` line starts a module; `class Name`, `def name(`,
`async def name(` and `NAME:` at the left margin name its members, and an indented `def` a
method of the class above it."""

from __future__ import annotations

import importlib
import re
from pathlib import Path

import pytest

DOC = Path(__file__).resolve().parents[1] / "docs" / "CONTRACTS.md"

BLOCK = re.compile(r"```python\n(.*?)```", re.S)
MODULE = re.compile(r"^# ([\w/]+)\.py\b")
CLASS = re.compile(r"^class (\w+)")
FUNCTION = re.compile(r"^(?:async )?def (\w+)\(")
METHOD = re.compile(r"^\s+(?:async )?def (\w+)\(")
CONSTANT = re.compile(r"^([A-Z][A-Z0-9_]*)\s*[:=]")


def module_name(path: str) -> str:
    """`workspace/index` → `outrigger.workspace.index`; `actions/__init__` → `outrigger.actions`."""
    return "outrigger." + path.removesuffix("/__init__").replace("/", ".")


def documented() -> list[tuple[str, str]]:
    """(module, dotted name) for every name the doc lists: "Agent.ask" for a method."""
    names = []
    for block in BLOCK.findall(DOC.read_text(encoding="utf-8")):
        module, cls = "", None
        for line in block.splitlines():
            if header := MODULE.match(line):
                module, cls = module_name(header.group(1)), None
            elif match := CLASS.match(line) or FUNCTION.match(line) or CONSTANT.match(line):
                assert module, f"`{line.strip()}` comes before any `# module.py` line"
                cls = match.group(1) if match.re is CLASS else None
                names.append((module, match.group(1)))
            elif (method := METHOD.match(line)) and cls:
                names.append((module, f"{cls}.{method.group(1)}"))
    return names


def test_the_doc_lists_the_core_modules():
    modules = {module for module, _ in documented()}
    assert {"outrigger.agent", "outrigger.session", "outrigger.workspace.index", "outrigger.planner.intents"} <= modules


@pytest.mark.parametrize(("module", "name"), documented(), ids=lambda value: value)
def test_every_documented_name_exists(module, name):
    found: object = importlib.import_module(module)
    for part in name.split("."):
        assert hasattr(found, part), f"docs/CONTRACTS.md lists `{name}` in {module}, which has no `{part}`"
        found = getattr(found, part)
