"""The name guard: an edit may not use a name its file does not define, import or get as a
builtin. Syntax checks cannot see this (`-> Dict[str, Any]` with no `from typing import …`
parses fine and raises NameError at import). Names the edit newly uses are imported when the
source is unambiguous — a `typing` name, a standard-library module, a name the map defines in
exactly one other module of the workspace — and the edit is refused, naming them, otherwise.

Python uses pyflakes (maintained, small, the check Aider runs after every edit). For
JavaScript/TypeScript a `require`/`import` is added for a name the edit starts using that
exactly one other workspace file defines and exports; other names are left alone, since
globals cannot be told apart from mistakes without the project's own tooling.
"""

from __future__ import annotations

import ast
import re
import sys
import typing
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import PurePosixPath

from pyflakes import checker, messages

from outrigger.edits import split_lines
from outrigger.errors import Refused
from outrigger.guards.switches import Guards
from outrigger.workspace.index import ProjectMap
from outrigger.workspace.specifiers import relative_specifier, uses_module_syntax, written_extension
from outrigger.workspace.symbols import Symbol
from outrigger.workspace.syntax import language_for, parse

_TYPING = frozenset(typing.__all__)


@dataclass
class Resolved:
    text: str  # the new text, with the imports it needs
    notes: list[str] = field(default_factory=list)  # "imported `Dict`, `Any` from typing"

    def summary_suffix(self) -> str:
        return f" ({'; '.join(self.notes)})" if self.notes else ""


def resolve_names(guards: Guards, path: str, old_text: str, new_text: str, project_map: ProjectMap) -> Resolved:
    if not guards.name_check:
        return Resolved(new_text)
    language = language_for(path)
    if language == "python":
        return _python(path, old_text, new_text, project_map)
    if language in ("javascript", "typescript", "tsx"):
        return _script(path, old_text, new_text, project_map)
    return Resolved(new_text)


# -- Python -----------------------------------------------------------------------------------


@lru_cache(maxsize=8)  # pyflakes over the old text once per request, not once per candidate
def undefined_names(text: str, path: str = "<edit>") -> frozenset[str]:
    """Names pyflakes reports as undefined; empty for text that does not parse."""
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return frozenset()
    found = checker.Checker(tree, path).messages
    return frozenset(m.message_args[0] for m in found if isinstance(m, messages.UndefinedName))


def _python(path: str, old_text: str, new_text: str, project_map: ProjectMap) -> Resolved:
    missing = sorted(undefined_names(new_text, path) - undefined_names(old_text, path))
    if not missing:
        return Resolved(new_text)
    postponed = _postponing_annotations(new_text, missing)
    if postponed is not None:
        # `def find(self) -> Pantry:` inside class Pantry: a NameError when the class is built,
        # unless annotations are evaluated late (PEP 563), which Python has had since 3.7.
        resolved = _python(path, old_text, postponed, project_map)
        return Resolved(
            resolved.text,
            [
                "added `from __future__ import annotations` (the hints name "
                f"{_names([n for n in missing if _defined_here(new_text, n)])} before it is defined)",
                *resolved.notes,
            ],
        )
    from_typing = [name for name in missing if name in _TYPING]
    modules = [
        name
        for name in missing
        if name not in _TYPING and name in sys.stdlib_module_names and _used_as_module(new_text, name)
    ]
    from_workspace: dict[str, list[str]] = {}
    unknown = []
    for name in missing:
        if name in from_typing or name in modules:
            continue
        if (module := _defining_module(name, path, project_map) or _imported_as(name, path, project_map)) is not None:
            from_workspace.setdefault(module, []).append(name)
        else:
            unknown.append(name)
    if unknown:
        listed = ", ".join(f"`{name}`" for name in unknown)
        raise Refused(
            f"The model's edit uses {listed}, which {path} does not define or import (and Outrigger cannot tell "
            "where from); nothing was changed."
        )
    text, notes = new_text, []
    if from_typing:
        text = _add_from_import(text, "typing", from_typing)
        notes.append(f"imported {_names(from_typing)} from typing")
    for module, names in sorted(from_workspace.items()):
        text = _add_from_import(text, module, names)
        notes.append(f"imported {_names(names)} from {module}")
    for module in modules:
        text = _add_line(text, f"import {module}")
        notes.append(f"imported {module}")
    return Resolved(text, notes)


def _defined_here(text: str, name: str) -> bool:
    """Does the module's top level define `name` (a class, a function, an assignment)?"""
    for node in ast.parse(text).body:
        if isinstance(node, (ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)) and node.name == name:
            return True
        if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == name for t in node.targets):
            return True
    return False


def _postponing_annotations(text: str, missing: list[str]) -> str | None:
    """`text` with `from __future__ import annotations` after its docstring, when some missing
    names are defined later in the same module and that makes them resolve; else None."""
    if not any(_defined_here(text, name) for name in missing) or re.search(
        r"^from\s+__future__\s+import\s+(?:.*\b)?annotations\b", text, re.M
    ):
        return None
    tree = ast.parse(text)
    lines = split_lines(text)
    at = 0
    first = tree.body[0] if tree.body else None
    if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant) and isinstance(first.value.value, str):
        at = first.end_lineno or 0
    else:
        while at < len(lines) and lines[at].startswith("#"):
            at += 1  # a shebang, an encoding line
    newline = "\r\n" if "\r\n" in text else "\n"
    candidate = "".join([*lines[:at], f"from __future__ import annotations{newline}", *lines[at:]])
    still = undefined_names(candidate)
    if any(name in still for name in missing if _defined_here(text, name)):
        return None
    return candidate


def _used_as_module(text: str, name: str) -> bool:
    """`os.path.join(…)` uses `os` as a module; `tokenize(text)` does not (importing the
    module `tokenize` would turn a NameError into a TypeError)."""
    tree = ast.parse(text)
    attribute_values = {id(node.value) for node in ast.walk(tree) if isinstance(node, ast.Attribute)}
    uses = [node for node in ast.walk(tree) if isinstance(node, ast.Name) and node.id == name]
    return bool(uses) and all(id(node) in attribute_values for node in uses)


def _defining_module(name: str, path: str, project_map: ProjectMap) -> str | None:
    """The dotted module of the one other Python file whose top level defines `name`."""
    owners = {
        s.path for s in project_map.find(name) if s.container is None and s.path != path and s.path.endswith(".py")
    }
    if len(owners) != 1:
        return None
    module = PurePosixPath(owners.pop()).with_suffix("")
    parts = [part for part in module.parts if part != "__init__"]
    if not parts or not all(part.isidentifier() for part in parts):
        return None
    return ".".join(parts)


_SCANNED_FILES = 400


def _imported_as(name: str, path: str, project_map: ProjectMap) -> str | None:
    """The module the project's other Python files all import `name` from (`date` is
    `from datetime import date` in every file that has it), or None when they differ or none does."""
    sources = set()
    pattern = re.compile(rf"^from\s+([\w.]+)\s+import\s+[^#\n]*(?<![\w.]){re.escape(name)}\b(?!\s+as\b)", re.M)
    for other in [f for f in project_map.files() if f.endswith(".py") and f != path][:_SCANNED_FILES]:
        try:
            text = project_map.workspace.read(other)
        except Refused:
            continue
        sources |= set(pattern.findall(text))
    return sources.pop() if len(sources) == 1 else None


def _add_from_import(text: str, module: str, names: list[str]) -> str:
    """Extend a one-line `from module import …` if the file has one, else add the line."""
    lines = split_lines(text)
    pattern = re.compile(rf"^from\s+{re.escape(module)}\s+import\s+([\w\s,]+?)\s*$")
    for index, line in enumerate(lines):
        if (m := pattern.match(line.rstrip("\r\n"))) and "(" not in line:
            present = [n.strip() for n in m.group(1).split(",") if n.strip()]
            merged = ", ".join(sorted(set(present) | set(names)))
            lines[index] = f"from {module} import {merged}{_ending(line)}"
            return "".join(lines)
    return _add_line(text, f"from {module} import {', '.join(sorted(names))}")


def _add_line(text: str, statement: str) -> str:
    """`statement` after the module's docstring, `__future__` imports and leading imports."""
    lines = split_lines(text)
    newline = "\r\n" if "\r\n" in text else "\n"
    at = _import_position(text)
    block = [statement + newline]
    if at == 0 and lines and not lines[0].startswith(("import ", "from ")):
        block.append(newline)  # keep a blank line between the imports and the code
    return "".join(lines[:at] + block + lines[at:])


def _import_position(text: str) -> int:
    """The line index just after the leading imports (0 when there are none)."""
    try:
        body = ast.parse(text).body
    except (SyntaxError, ValueError, RecursionError):
        return 0
    position = 0
    for index, node in enumerate(body):
        docstring = index == 0 and isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant)
        if docstring or isinstance(node, (ast.Import, ast.ImportFrom)):
            position = node.end_lineno or position
        else:
            break
    return position


# -- JavaScript / TypeScript ---------------------------------------------------------------------

_DECLARED = r"(?:const|let|var|function\*?|class|interface|type|enum|import)\s+(?:\{[^}]*\bNAME\b|NAME\b)"


# The nodes that read a name in code: `notes` in `notes(x)`, `{ notes }`, `: Notes` — never
# a word of a comment or a string, nor a property (`obj.notes`).
_SCRIPT_NAME_NODES = frozenset({"identifier", "shorthand_property_identifier", "type_identifier"})


def _script_names(path: str, text: str) -> set[str]:
    names: set[str] = set()
    stack = [parse(path, text).root_node]
    while stack:
        node = stack.pop()
        if node.type in _SCRIPT_NAME_NODES:
            names.add((node.text or b"").decode("utf-8", "replace"))
        stack.extend(node.children)
    return names


def _script(path: str, old_text: str, new_text: str, project_map: ProjectMap) -> Resolved:
    fresh = sorted(_script_names(path, new_text) - _script_names(path, old_text))
    needed: dict[str, list[str]] = {}
    for name in fresh:
        if re.search(_DECLARED.replace("NAME", re.escape(name)), new_text):
            continue  # the edit declares it itself
        if (source := _exporting_file(name, path, project_map)) is not None:
            needed.setdefault(source, []).append(name)
    if not needed:
        return Resolved(new_text)
    text, notes = new_text, []
    esm = uses_module_syntax(new_text) or language_for(path) != "javascript"
    for source, names in sorted(needed.items()):
        specifier = relative_specifier(path, source, written_extension(new_text))
        listed = ", ".join(names)
        statement = (
            f'import {{ {listed} }} from "{specifier}";' if esm else f'const {{ {listed} }} = require("{specifier}");'
        )
        text = _add_script_line(text, statement)
        notes.append(f"imported {_names(names)} from {specifier}")
    return Resolved(text, notes)


def _exporting_file(name: str, path: str, project_map: ProjectMap) -> str | None:
    owners = {
        s.path
        for s in project_map.find(name)
        if s.container is None and s.path != path and language_for(s.path) in ("javascript", "typescript", "tsx")
    }
    if len(owners) != 1:
        return None
    owner = owners.pop()
    source = project_map.workspace.read(owner)
    exported = re.search(
        rf"\bexport\s+(?:default\s+)?(?:declare\s+)?(?:async\s+|abstract\s+)?"
        rf"(?:function\*?|class|const|let|var|interface|type|enum)\s+{re.escape(name)}\b",
        source,
    )
    listed = re.search(rf"(?:module\.)?exports\s*=\s*\{{[^}}]*\b{re.escape(name)}\b", source) or re.search(
        rf"\bexports\.{re.escape(name)}\s*=", source
    )
    return owner if exported or listed else None


def _add_script_line(text: str, statement: str) -> str:
    """After the leading `import`/`require` lines (and a "use strict"), else at the top."""
    lines = split_lines(text)
    newline = "\r\n" if "\r\n" in text else "\n"
    at = 0
    for index, line in enumerate(lines):
        stripped = line.strip()
        if stripped.startswith(("import ", '"use strict"', "'use strict'")) or re.match(
            r"(?:const|let|var)\s+.*=\s*require\(", stripped
        ):
            at = index + 1
        elif stripped and not stripped.startswith(("//", "/*", "*")):
            break
    return "".join(lines[:at] + [statement + newline] + lines[at:])


def _ending(line: str) -> str:
    return line[len(line.rstrip("\r\n")) :]


def import_hint(from_path: str, symbol: Symbol, style: str = "") -> str:
    """How code in `from_path` imports `symbol` ("from pricing import average_price"), or ""
    when the languages differ or the file cannot be imported by name. `style`: code of the
    project whose imports show its conventions (ES modules, written extensions)."""
    language, source = language_for(from_path), language_for(symbol.path)
    if language == "python" and source == "python":
        module = PurePosixPath(symbol.path).with_suffix("")
        parts = [part for part in module.parts if part != "__init__"]
        if parts and all(part.isidentifier() for part in parts):
            return f"import it with `from {'.'.join(parts)} import {symbol.name}`"
        return ""
    if language in ("javascript", "typescript", "tsx") and source in ("javascript", "typescript", "tsx"):
        specifier = relative_specifier(from_path, symbol.path, written_extension(style))
        if language == "javascript" and not uses_module_syntax(style):
            return f'import it with `const {{ {symbol.name} }} = require("{specifier}")`'
        return f'import it with `import {{ {symbol.name} }} from "{specifier}"`'
    return ""


def _names(names: list[str]) -> str:
    return ", ".join(f"`{name}`" for name in names)
