"""pytest fixtures used as values: `loans = [loan]` inside a test when `loan` is a fixture the
test does not take as a parameter. The name is defined (the fixture function), so neither the
parser nor pyflakes objects, and the test fails with "'FixtureFunctionDefinition' object has no
attribute …". pytest gives a fixture's value only to a test that names it as a parameter."""

from __future__ import annotations

import ast


def fixtures_used_as_values(text: str) -> list[tuple[str, str]]:
    """(test, fixture) pairs: tests that use a fixture of the module without taking it."""
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return []
    functions = [node for node in tree.body if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)]
    fixtures = {function.name for function in functions if any(_is_fixture(d) for d in function.decorator_list)}
    found = []
    for function in functions:
        if not function.name.startswith("test") or function.name in fixtures:
            continue
        taken = {argument.arg for argument in function.args.args + function.args.kwonlyargs}
        assigned = {n.id for n in ast.walk(function) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)}
        used = {n.id for n in ast.walk(function) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)}
        found += [(function.name, name) for name in sorted(used & fixtures - taken - assigned)]
    return found


def _is_fixture(decorator: ast.expr) -> bool:
    target = decorator.func if isinstance(decorator, ast.Call) else decorator
    if isinstance(target, ast.Attribute):
        return target.attr == "fixture"
    return isinstance(target, ast.Name) and target.id == "fixture"
