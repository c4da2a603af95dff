"""The tests covering a change, for npm projects and cargo (`covering_tests.py` does pytest and go).

- npm: the runner the `test` script names. jest finds the tests related to the changed files
  itself (`--findRelatedTests`), vitest too (`vitest related --run`); `node --test` and tape
  are given the test files (among those the script names: `tape 'test/**/*.js'`) that reach a
  changed module through relative imports (`require('../lib/pad')`, `from './pad.js'`,
  `require('../')` to the package's `main`), directly or through other modules (qs's tests
  require the package, whose index requires `parse.js`). Other runners, and scripts that do
  more than run one, take the suite. A command of the user's own that is tape or `node
  --test` given its test files (`tape test/*.js`) is narrowed the same way (`covering_files`).
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
    r"""(?:\bfrom\s+|\brequire\s*\(\s*|\bimport\s*\(\s*|^\s*import\s+)['"](\.{1,2}(?:/[^'"]*)?)['"]""", re.M
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
    if runner == "tape":
        files = _reaching_tests(workspace, changed, words[1:])
        return ["npx", "--no-install", "tape", *files] if files else None
    if runner == "node" and words[1:2] == ["--test"]:
        files = _reaching_tests(workspace, changed, words[2:])
        return ["node", "--test", *files] if files else None
    return None


def covering_files(command: list[str], workspace: Workspace, changes: Mapping[str, str | None]) -> list[str] | None:
    """A command of the user's own that runs tape or `node --test` on test files
    (`node_modules/.bin/tape test/**/*.js`), given only the covering ones among them; None
    for any other command, which runs as written."""
    runner = PurePosixPath(command[0]).name if command else ""
    at = 1 if runner == "tape" else 2 if runner == "node" and command[1:2] == ["--test"] else 0
    changed = [p for p in changes if p.endswith(_JS)]
    if not at or not changed or len(changed) != len(changes) or not all(workspace.exists(p) for p in changed):
        return None
    files = _reaching_tests(workspace, changed, command[at:])
    return [*command[:at], *files] if files else None


def _script_words(workspace: Workspace) -> list[str]:
    try:
        script = (json.loads(workspace.read("package.json")).get("scripts") or {}).get("test", "")
        return shlex.split(script) if isinstance(script, str) else []
    except Exception:  # noqa: BLE001 - an unreadable package.json narrows nothing
        return []


def _reaching_tests(workspace: Workspace, changed: list[str], patterns: list[str]) -> list[str]:
    """The test files among `patterns` (globs or folders; none: every test file) that are
    changed or reach a changed module through relative imports; [] when the patterns are not
    plain paths and globs (options, braces) or the files cannot be told apart."""
    if any(p.startswith("-") or any(c in p for c in "{[!") for p in patterns):
        return []
    files = [p for p in workspace.source_files() if p.endswith(_JS) and "node_modules/" not in p]
    matching = [_glob(p) for p in patterns]
    candidates = [f for f in files if any(m.fullmatch(f) for m in matching)] if patterns else files
    candidates = [f for f in candidates if is_test_file(f) or patterns]
    imports = _import_graph(workspace, files)
    targets = set(changed)
    chosen = []
    for test in candidates:
        seen, stack = {test}, [test]
        while stack:
            current = stack.pop()
            if current in targets:
                chosen.append(test)
                break
            for following in imports.get(current, ()):
                if following not in seen:
                    seen.add(following)
                    stack.append(following)
    return sorted(chosen)


def _import_graph(workspace: Workspace, files: list[str]) -> dict[str, list[str]]:
    """Each JavaScript file's relative imports, resolved to files as Node resolves them."""
    known = set(files)
    graph = {}
    for path in files:
        here = posixpath.dirname(path)
        graph[path] = [
            found
            for spec in _IMPORTED.findall(workspace.read(path))
            if (found := _resolved(workspace, known, posixpath.normpath(posixpath.join(here, spec)))) is not None
        ]
    return graph


def _resolved(workspace: Workspace, known: set[str], target: str) -> str | None:
    """`lib/pad` → `lib/pad.js`; `lib` → `lib/index.js`; `.` → the package's `main`."""
    target = "" if target == "." else target
    for candidate in (target, *(target + e for e in _JS)):
        if candidate in known:
            return candidate
    folder = target + "/" if target else ""
    if workspace.exists(folder + "package.json"):
        try:
            main = json.loads(workspace.read(folder + "package.json")).get("main")
        except Exception:  # noqa: BLE001 - an unreadable manifest names no main
            main = None
        if isinstance(main, str) and (found := _resolved_file(known, posixpath.normpath(folder + main))):
            return found
    return _resolved_file(known, folder + "index")


def _resolved_file(known: set[str], target: str) -> str | None:
    for candidate in (target, *(target + e for e in _JS), *(f"{target}/index{e}" for e in _JS)):
        if candidate in known:
            return candidate
    return None


def _glob(pattern: str) -> re.Pattern[str]:
    """A shell glob (`test/**/*.js`, `test/`) as a pattern for workspace paths."""
    pattern = pattern.removeprefix("./")
    if not any(c in pattern for c in "*?") and not pattern.endswith(_JS):
        pattern = pattern.rstrip("/") + "/**"  # a folder: everything under it
    out = ""
    i = 0
    while i < len(pattern):
        if pattern.startswith("**/", i):
            out, i = out + "(?:.*/)?", i + 3
        elif pattern.startswith("**", i):
            out, i = out + ".*", i + 2
        elif pattern[i] == "*":
            out, i = out + "[^/]*", i + 1
        elif pattern[i] == "?":
            out, i = out + "[^/]", i + 1
        else:
            out, i = out + re.escape(pattern[i]), i + 1
    return re.compile(out)


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
