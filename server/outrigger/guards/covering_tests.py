"""Which of the project's tests cover a change, so the test gate runs those first.

A real suite takes tens of seconds on two cores; every previewed edit would wait that long.
The test files that cover a change are the changed test files themselves and the test files
that import a changed module or use a name the change defines (`from shop import cart`,
`cart.total(…)`, `from shop.cart import total`), directly or through a helper of the tests
(`tests/harness.py`; a `conftest.py` that imports it means every test). Only those run; when none can be told
apart (no test file imports the change) the whole suite does. Go runs the changed packages
(`go test ./shop`); npm's jest, vitest, tape and `node --test`, and cargo, in `covering_other.py`.
Other runners take the whole suite. A command the user set is narrowed the same way when it
is one of these runners' plain forms; one naming its own tests (`pytest tests/unit`) is not.
"""

from __future__ import annotations

import ast
import posixpath
import re
from collections.abc import Mapping
from pathlib import PurePosixPath

from outrigger.guards.covering_other import covering_cargo, covering_files, covering_npm
from outrigger.workspace.files import Workspace
from outrigger.workspace.one_symbol import is_test_file
from outrigger.workspace.symbols import extract_symbols

MAX_TEST_FILES = 12  # more than this is most of the suite: run the suite


def covering_command(
    command: list[str], workspace: Workspace, changes: Mapping[str, str | None], *, configured: bool = False
) -> list[str]:
    """`command` narrowed to the tests that cover `changes` (path → new text, None: deleted),
    or `command` itself when it cannot be narrowed. A `configured` command (the user's own) is
    narrowed the same way when it is a runner's plain form (`pytest -q -p no:x`, `go test
    ./...`, `npm test`, `cargo test`) or a runner given its test files (`tape test/*.js`): the
    user chose how the tests run, not that all of them run for every change. One that names
    its own tests (`pytest tests/unit`) runs as written."""
    if configured and (files_given := covering_files(command, workspace, changes)):
        return files_given
    if _is_pytest(command):
        if configured and _names_tests(command):
            return command
        files = covering_python_tests(workspace, changes)
        return [*command, *files] if files else command
    if command[:2] == ["go", "test"] and command[2:] == ["./..."]:
        packages = sorted({"./" + (posixpath.dirname(p) or ".") for p in changes if p.endswith(".go")})
        return ["go", "test", *packages] if packages else command
    return covering_npm(command, workspace, changes) or covering_cargo(command, workspace, changes) or command


def _is_pytest(command: list[str]) -> bool:
    return "pytest" in command or any(PurePosixPath(part).name in ("pytest", "py.test") for part in command[:1])


# pytest's options that take the next word as their value (`-p no:cacheprovider`).
_PYTEST_VALUED = frozenset(
    "-p -k -m -o -c -W -r -n --maxfail --tb --rootdir --basetemp --deselect --ignore --ignore-glob "
    "--junitxml --junit-xml --confcutdir --import-mode --durations --override-ini --log-level --timeout".split()
)


def _names_tests(command: list[str]) -> bool:
    """A pytest command given test paths or node ids of its own (`pytest tests/unit`), or
    words it cannot tell are not (an option it does not know the value of)."""
    at = 1
    if "-m" in command[:3] and "pytest" in command:  # python -m pytest …
        at = command.index("pytest") + 1
    words = command[at:]
    skip = False
    for word in words:
        if skip:
            skip = False
        elif word.startswith("-"):
            skip = word in _PYTEST_VALUED
        else:
            return True
    return False


def covering_python_tests(workspace: Workspace, changes: Mapping[str, str | None]) -> list[str]:
    """The test files (`test_*.py`, `*_test.py`) covering the changed Python files; [] when a
    changed file is one no test imports, or when they are most of the suite."""
    changed = [p for p in changes if p.endswith(".py")]
    if not changed:
        return []
    files = [p for p in workspace.source_files() if p.endswith(".py") and is_test_file(p)]
    tests = [p for p in files if _is_test_module(p)]
    helpers = [p for p in files if not _is_test_module(p)]  # harness.py, conftest.py, fixtures
    chosen = {p for p in changed if _is_test_module(p) and changes[p] is not None}
    for path in changed:
        if _is_test_module(path):
            continue
        module = _module_name(path)
        names = _defined_names(path, changes[path]) | _defined_names(path, _old_text(workspace, path))
        users = [t for t in tests if t not in changes and _covers(workspace.read(t), module, names)]
        for helper in [h for h in helpers if _covers(workspace.read(h), module, names)]:
            if PurePosixPath(helper).name == "conftest.py" or helper in changes:
                return []  # loaded by every test below it: the whole suite
            users += [t for t in tests if _covers(workspace.read(t), _module_name(helper), set())]
        if not users:
            return []  # nothing tells which tests cover it: the whole suite
        chosen.update(users)
    if any(not workspace.exists(p) for p in chosen):
        return []  # a test file the change creates cannot run before it: the suite runs, before and after
    return sorted(chosen) if len(chosen) <= MAX_TEST_FILES else []


def _is_test_module(path: str) -> bool:
    name = PurePosixPath(path).name
    return path.endswith(".py") and (name.startswith("test_") or name.endswith("_test.py")) and is_test_file(path)


def _module_name(path: str) -> str:
    """`src/shop/cart.py` → `shop.cart` (a `src/` layout's folder left out); a package's
    `__init__.py` is the package."""
    parts = list(PurePosixPath(path).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    if len(parts) > 1 and parts[0] in ("src", "lib"):
        parts.pop(0)
    return ".".join(parts)


def _old_text(workspace: Workspace, path: str) -> str | None:
    return workspace.read(path) if workspace.exists(path) else None


def _defined_names(path: str, text: str | None) -> set[str]:
    if text is None:
        return set()
    return {s.name for s in extract_symbols(path, text) if s.container is None}


def _covers(test: str, module: str, names: set[str]) -> bool:
    """The test file imports `module` (or its package's name for it), or imports one of
    `names` from anywhere (a package re-exporting them, `from shop import total`)."""
    try:
        tree = ast.parse(test)
    except (SyntaxError, ValueError):
        return True  # a test file that does not parse: it may cover anything
    leaf = module.rpartition(".")[2]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            if any(a.name == module or a.name.startswith(module + ".") for a in node.names):
                return True
        elif isinstance(node, ast.ImportFrom):
            source = node.module or ""
            imported = {a.name for a in node.names}
            if source == module or source.startswith(module + "."):
                return True
            if (module == f"{source}.{leaf}" or (not source and leaf in imported)) and leaf in imported:
                return True
            if imported & names or "*" in imported and source and module.startswith(source):
                return True
    return bool(names) and _module_attribute(test, module, names)


def _module_attribute(test: str, module: str, names: set[str]) -> bool:
    """`import shop` then `shop.total(…)`: a changed name used through its package."""
    package = module.partition(".")[0]
    return bool(re.search(rf"\b{re.escape(package)}(?:\.\w+)*\.(?:{'|'.join(map(re.escape, names))})\b", test))
