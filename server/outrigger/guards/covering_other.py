"""The tests covering a change, for npm projects and cargo (`covering_tests.py` does pytest and go).

- npm: the runner the `test` script names. jest finds the tests related to the changed files
  itself (`--findRelatedTests`), vitest too (`vitest related --run`); `node --test` is given the
  test files that import a changed module (relatively: `require('../lib/pad')`,
  `from './pad.js'`). Other runners, and scripts that do more than run one, take the suite.
- cargo: a changed module with tests of its own (`#[test]`, a doc example) runs the tests whose
  path names it (`cargo test -- shop::cart::`: its unit tests and its doctests), unless a test
  under `tests/` uses something it defines; a changed integration test runs alone
  (`cargo test --test it`). The crate's root (`lib.rs`, `main.rs`) takes the suite.
Anything else: None, and the whole suite runs.
"""

from __future__ import annotations

import json
import posixpath
import re
import shlex
from collections.abc import Mapping
from pathlib import PurePosixPath

from outrigger.workspace.files import Workspace
from outrigger.workspace.one_symbol import is_test_file
from outrigger.workspace.symbols import extract_symbols

_JS = (".js", ".mjs", ".cjs", ".jsx", ".ts", ".mts", ".cts", ".tsx")
_IMPORTED = re.compile(
    r"""(?:\bfrom\s+|\brequire\s*\(\s*|\bimport\s*\(\s*|^\s*import\s+)['"](\.{1,2}/[^'"]+)['"]""", re.M
)
_ENV = re.compile(r"^[A-Z_][A-Z0-9_]*=\S*$")  # `NODE_ENV=test jest`


def covering_npm(command: list[str], workspace: Workspace, changes: Mapping[str, str | None]) -> list[str] | None:
    if command[:2] != ["npm", "test"] or "--" in command:
        return None
    changed = [p for p in changes if p.endswith(_JS)]
    if not changed or len(changed) != len(changes) or not all(workspace.exists(p) for p in changed):
        return None  # a file the change creates has no related tests before it
    words = [w for w in _script_words(workspace) if not _ENV.match(w)]
    if not words or any(w in ("&&", "||", ";", "|") for w in words):
        return None
    runner = PurePosixPath(words[0]).name
    if runner == "jest":
        return [*command, "--", "--findRelatedTests", *changed]
    if runner == "vitest":
        return ["npx", "--no-install", "vitest", "related", "--run", *changed]
    if runner == "node" and words[1:2] == ["--test"] and all(not w.startswith("-") for w in words[2:]):
        files = _importing_tests(workspace, changed)
        return ["node", "--test", *files] if files else None
    return None


def _script_words(workspace: Workspace) -> list[str]:
    try:
        script = (json.loads(workspace.read("package.json")).get("scripts") or {}).get("test", "")
        return shlex.split(script) if isinstance(script, str) else []
    except Exception:  # noqa: BLE001 - an unreadable package.json narrows nothing
        return []


def _importing_tests(workspace: Workspace, changed: list[str]) -> list[str]:
    """The changed test files, and the test files that import a changed module by a relative
    path (with or without its extension, or as a folder's index)."""
    targets = {_without_extension(p) for p in changed}
    targets |= {posixpath.dirname(p) for p in changed if _without_extension(PurePosixPath(p).name) == "index"}
    chosen = {p for p in changed if is_test_file(p)}
    for test in workspace.source_files():
        if not test.endswith(_JS) or not is_test_file(test) or test in chosen:
            continue
        here = posixpath.dirname(test)
        for spec in _IMPORTED.findall(workspace.read(test)):
            if _without_extension(posixpath.normpath(posixpath.join(here, spec))) in targets:
                chosen.add(test)
                break
    return sorted(chosen)


def _without_extension(path: str) -> str:
    return path[: -len(PurePosixPath(path).suffix)] if path.endswith(_JS) else path


def covering_cargo(command: list[str], workspace: Workspace, changes: Mapping[str, str | None]) -> list[str] | None:
    if command[:2] != ["cargo", "test"] or "--" in command or any(c.startswith("--test") for c in command[2:]):
        return None
    changed = list(changes)
    if not changed or not all(p.endswith(".rs") for p in changed):
        return None
    if all(re.fullmatch(r"tests/[^/]+\.rs", p) and changes[p] is not None and workspace.exists(p) for p in changed):
        return [*command, *(arg for p in sorted(changed) for arg in ("--test", PurePosixPath(p).stem))]
    if len(changed) != 1:
        return None
    path = changed[0]
    module = _module_path(path)
    text = changes[path]
    if module is None or text is None or not workspace.exists(path):
        return None
    if "#[test]" not in text and "///" not in text and "//!" not in text:
        return None  # nothing in the file itself tests it: a filter would run no tests
    names = {s.name for s in extract_symbols(path, workspace.read(path)) if s.container is None}
    names.add(module.rpartition("::")[2])
    for test in workspace.source_files():
        if test.startswith("tests/") and test.endswith(".rs"):
            used = set(re.findall(r"[A-Za-z_]\w*", workspace.read(test)))
            if used & names:
                return None  # an integration test uses it too: the suite
    return [*command, "--", f"{module}::"]


def _module_path(path: str) -> str | None:
    """`src/shop/cart.rs` (or `src/shop/cart/mod.rs`) → `shop::cart`; None for the crate root
    and for files outside `src/`."""
    parts = list(PurePosixPath(path).with_suffix("").parts)
    if len(parts) < 2 or parts[0] != "src" or parts[1:] in (["lib"], ["main"]):
        return None
    parts = parts[1:]
    if parts[-1] == "mod":
        parts.pop()
    return "::".join(parts) if parts and "bin" not in parts[:1] else None
