"""Local imports that point nowhere: `require("../src/constants")` in a new test file when the
workspace has no src/constants.js. A small model invents the module a name it saw seems to
come from; the file parses, and only fails when it runs. Relative JavaScript/TypeScript
specifiers and Python imports of the workspace's own packages are checked against the files
(with the task's new ones); anything else (packages, node built-ins) is not this guard's to judge.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable

_SCRIPT_SPECIFIER = re.compile(r"""(?:require\(\s*|\bfrom\s+|\bimport\s+|\bimport\(\s*)["'](\.{1,2}/[^"'\n]+)["']""")
_SCRIPT_ENDINGS = ("", ".js", ".ts", ".tsx", ".jsx", ".mjs", ".cjs", ".json", "/index.js", "/index.ts")
_PYTHON_IMPORT = re.compile(r"^\s*(?:from\s+(\.*[\w.]*)\s+import\b|import\s+([\w.]+))", re.M)


def unresolved_imports(path: str, text: str, exists: Callable[[str], bool]) -> list[str]:
    """The local modules `text` (the file `path`) imports that are not in the workspace."""
    if path.endswith((".js", ".ts", ".tsx", ".jsx", ".mjs", ".cjs")):
        return [
            spec for spec in dict.fromkeys(_SCRIPT_SPECIFIER.findall(text)) if not _script_found(path, spec, exists)
        ]
    if path.endswith(".py"):
        return [name for name in dict.fromkeys(_python_modules(text)) if not _python_found(path, name, exists)]
    return []


def _script_found(path: str, specifier: str, exists: Callable[[str], bool]) -> bool:
    base = posixpath.normpath(posixpath.join(posixpath.dirname(path), specifier))
    if base.startswith("../"):
        return True  # outside the workspace: not this guard's to judge
    stem = base[: -len(posixpath.splitext(base)[1])] if base.endswith((".js", ".mjs", ".cjs")) else base
    return any(exists(base + ending) or exists(stem + ending) for ending in _SCRIPT_ENDINGS)


def _python_modules(text: str) -> list[str]:
    return [m.group(1) or m.group(2) for m in _PYTHON_IMPORT.finditer(text)]


def _python_found(path: str, module: str, exists: Callable[[str], bool]) -> bool:
    """A relative import, or an absolute one into a package of the workspace, must name a
    module file or package there; other absolute imports are someone else's."""
    if module.startswith("."):
        dots = len(module) - len(module.lstrip("."))
        folder = posixpath.dirname(path)
        for _ in range(dots - 1):
            folder = posixpath.dirname(folder)
        rest = module.lstrip(".")
        if not rest:
            return True
        base = posixpath.join(folder, *rest.split("."))
    else:
        parts = module.split(".")
        if len(parts) < 2 or not exists(posixpath.join(parts[0], "__init__.py")):
            return True  # a package of the standard library or the environment, or a top-level module
        base = posixpath.join(*parts)
    return exists(base + ".py") or exists(posixpath.join(base, "__init__.py"))
