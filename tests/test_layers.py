"""The package is layered: front ends → session → agent / planner → actions → guards / workspace /
model → plain values. No module imports one from a layer above its own, and no imports form a
cycle, so each layer can be read (and tested) without the ones above it."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "server" / "outrigger"

# Top first. A module belongs to the first layer with a prefix matching its dotted name.
LAYERS: list[tuple[str, tuple[str, ...]]] = [
    ("front ends", ("outrigger.cli", "outrigger.__main__", "outrigger.lsp")),
    ("wiring", ("outrigger.session",)),
    ("pipeline", ("outrigger.agent", "outrigger.planner", "outrigger.offers")),
    ("actions", ("outrigger.actions", "outrigger.completion")),
    (
        "guards, workspace, model",
        ("outrigger.guards", "outrigger.workspace", "outrigger.model", "outrigger.memory", "outrigger.disk"),
    ),
    (
        "values",
        (
            "outrigger.spans",
            "outrigger.errors",
            "outrigger.config",
            "outrigger.progress",
            "outrigger.edits",
            "outrigger.blocks",
            "outrigger.plan",
            "outrigger",
        ),
    ),
]


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def layer_of(module: str) -> int:
    for index, (_, prefixes) in enumerate(LAYERS):
        if any(module == prefix or module.startswith(prefix + ".") for prefix in prefixes):
            return index
    raise AssertionError(f"{module} belongs to no layer: add it to LAYERS")


def imports_of(path: Path, modules: set[str]) -> set[str]:
    """The package modules `path` imports, at any depth (imports inside functions count too)."""
    name = module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(anchor + ([base] if base else []))
            targets = [f"{base}.{alias.name}" for alias in node.names] + [base]
        else:
            continue
        for target in targets:
            while target and target not in modules:
                target = target.rpartition(".")[0]
            if target and target != name:
                found.add(target)
    return found


def graph() -> dict[str, set[str]]:
    files = sorted(PACKAGE.rglob("*.py"))
    modules = {module_name(path) for path in files}
    return {module_name(path): imports_of(path, modules) for path in files}


@pytest.mark.parametrize(
    ("module", "imported"), sorted((m, tuple(sorted(i))) for m, i in graph().items()), ids=lambda v: str(v)
)
def test_no_module_imports_from_a_layer_above_its_own(module, imported):
    own = layer_of(module)
    above = [target for target in imported if layer_of(target) < own and target != "outrigger"]
    assert not above, f"{module} ({LAYERS[own][0]}) imports {above} from above"


def test_there_is_no_import_cycle():
    edges = graph()
    state: dict[str, str] = {}

    def visit(module: str, trail: list[str]) -> None:
        state[module] = "open"
        for target in sorted(edges.get(module, ())):
            if target == "outrigger":
                continue
            if state.get(target) == "open":
                cycle = trail[trail.index(target) :] + [target]
                raise AssertionError("import cycle: " + " → ".join(cycle))
            if target not in state:
                visit(target, [*trail, target])
        state[module] = "done"

    for module in sorted(edges):
        if module not in state:
            visit(module, [module])
