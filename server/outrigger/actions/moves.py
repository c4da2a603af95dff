"""Moving a top-level definition to another file, and pointing every import of it there — done
in code, never by the model: the definition's lines are cut and pasted as they are.

Python: `from a import x` / `import a` + `a.x` in every file become imports from the new
module; the imports the moved code needs come along; the old module imports it back when it
still uses it. JavaScript/TypeScript: `require`/`import` of it follow it, and the
`module.exports = { … }` / `export` lists of both files are kept right. A form this does not
know (a star import, a default export, `require("./a").x`) refuses the move, naming the file.
"""

from __future__ import annotations

import ast
import posixpath
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import PurePosixPath

from outrigger.blocks import with_newline
from outrigger.edits import split_lines
from outrigger.errors import Refused
from outrigger.workspace.languages import language_for
from outrigger.workspace.specifiers import (
    extension_of,
    relative_specifier,
    resolves_to,
    uses_module_syntax,
    written_extension,
)
from outrigger.workspace.symbols import Symbol, extract_symbols


@dataclass
class Move:
    """The texts a move changes: path → new text (created files included)."""

    texts: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


def move_definition(
    name: str,
    source: str,
    target: str,
    read: Callable[[str], str | None],
    files: list[str],
) -> Move:
    """Move the top-level `name` from `source` to `target` (created when `read` gives None).
    `files` are every file that may import it."""
    source_text = read(source)
    if source_text is None:
        raise Refused(f"`{source}` does not exist.")
    symbol = _top_level(name, source, source_text)
    language = language_for(source)
    if language == "python":
        return _python(symbol, source, source_text, target, read, files)
    if language in ("javascript", "typescript", "tsx"):
        return _script(symbol, source, source_text, target, read, files)
    raise Refused(f"Outrigger moves Python, JavaScript and TypeScript code; `{source}` is {language or 'neither'}.")


def _top_level(name: str, path: str, text: str) -> Symbol:
    found = [s for s in extract_symbols(path, text) if s.name == name and s.container is None]
    if len(found) != 1:
        raise Refused(f"`{name}` is not defined once at the top of `{path}`.")
    return found[0]


def _cut(text: str, symbol: Symbol) -> tuple[str, str]:
    """(the text without the definition, the definition's lines). The gap closes with the
    blank lines that stood before the definition, so the file keeps its spacing."""
    lines = split_lines(text)
    first, last = symbol.range.start.line, symbol.range.end.line
    block = with_newline("".join(lines[first : last + 1]))
    before = "".join(lines[:first])
    after = "".join(lines[last + 1 :])
    gap = len(before) - len(before.rstrip("\n"))
    before, after = before.rstrip("\n"), after.lstrip("\n")
    if not before:
        return after, block
    if not after:
        return before + "\n", block
    return before + "\n" * max(gap, 2) + after, block


def _append(text: str | None, block: str, header: list[str]) -> str:
    body = (text or "").rstrip("\n")
    for line in header:
        if line.strip() and line.strip() not in body:
            body = _insert_import(body, line)
    separator = "\n\n\n" if body.strip() else ""
    return body + separator + block


def _insert_import(text: str, statement: str) -> str:
    """After the leading import block (or at the top)."""
    lines = split_lines(text + "\n") if text else []
    at = 0
    for index, line in enumerate(lines):
        stripped = line.strip()
        if stripped.startswith(("import ", "from ", '"use strict"', "'use strict'")) or re.match(
            r"(?:const|let|var)\s+.*=\s*require\(", stripped
        ):
            at = index + 1
        elif stripped and not stripped.startswith(("#", "//", '"""', "/*", "*")):
            break
    return "".join(lines[:at] + [statement + "\n"] + lines[at:]).rstrip("\n")


# -- Python -----------------------------------------------------------------------------------


def _module(path: str) -> str:
    parts = [p for p in PurePosixPath(path).with_suffix("").parts if p != "__init__"]
    if not all(part.isidentifier() for part in parts):
        raise Refused(f"`{path}` cannot be imported as a Python module name.")
    return ".".join(parts)


def _python(symbol: Symbol, source: str, text: str, target: str, read, files: list[str]) -> Move:
    name, old_module, new_module = symbol.name, _module(source), _module(target)
    rest, block = _cut(text, symbol)
    tree = ast.parse(text)
    used = _names_in(block)
    header = [line for node in tree.body if (line := _import_needed(node, used))]
    own = {s.name for s in extract_symbols(source, rest) if s.container is None}
    needs_old = sorted((used & own) - {name})
    if needs_old:
        header.append(f"from {old_module} import {', '.join(needs_old)}")
    move = Move()
    still_used = name in _names_in(rest)
    if still_used and needs_old:
        raise Refused(
            f"Moving `{name}` to `{target}` would make `{source}` and `{target}` import each other "
            f"(`{name}` uses {', '.join(f'`{n}`' for n in needs_old)} and `{source}` still uses `{name}`)."
        )
    if not PurePosixPath(source).name == "__init__.py":  # a package's __init__ re-exports what it imports
        rest, dropped = _without_unused_imports(rest, used)
        if dropped:
            move.notes.append(
                f"{source} no longer imports {', '.join(f'`{n}`' for n in dropped)} (only `{name}` used it)"
            )
    if still_used:
        rest = _insert_import(rest.rstrip("\n"), f"from {new_module} import {name}") + "\n"
        move.notes.append(f"{source} now imports `{name}` from {new_module}")
    move.texts[source] = rest
    move.texts[target] = _append(read(target), block, header).rstrip("\n") + "\n"
    for path in files:
        if path in (source, target) or language_for(path) != "python":
            continue
        current = read(path)
        if current is None or name not in current:
            continue
        changed = _repoint_python(current, name, old_module, new_module, path)
        if changed != current:
            move.texts[path] = changed
            move.notes.append(f"{path} imports `{name}` from {new_module}")
    return move


def _names_in(text: str) -> set[str]:
    """Every plain name the code reads or binds (`os` of `os.path` included)."""
    return {n.id for n in ast.walk(ast.parse(text)) if isinstance(n, ast.Name)}


def _bound(alias: ast.alias) -> str:
    return (alias.asname or alias.name).split(".")[0]


def _import_needed(node: ast.stmt, used: set[str]) -> str | None:
    """The part of a top-level import that binds names in `used`, as a statement; None when it
    binds none — a moved function takes `from x import a`, not `a, b, c`."""
    if not isinstance(node, (ast.Import, ast.ImportFrom)):
        return None
    needed = [alias for alias in node.names if _bound(alias) in used]
    if not needed:
        return None
    if isinstance(node, ast.Import):
        return f"import {_aliases(needed)}"
    return f"from {'.' * node.level}{node.module or ''} import {_aliases(needed)}"


def _without_unused_imports(text: str, moved_used: set[str]) -> tuple[str, list[str]]:
    """Drop the top-level import names only the moved code used: those in `moved_used` that
    nothing left in `text` reads (nor lists in `__all__`, which is a string)."""
    tree = ast.parse(text)
    still = _names_in(text) | {
        c.value for c in ast.walk(tree) if isinstance(c, ast.Constant) and isinstance(c.value, str)
    }
    lines = split_lines(text)
    dropped: list[str] = []
    for node in sorted(tree.body, key=lambda n: n.lineno, reverse=True):
        if not isinstance(node, (ast.Import, ast.ImportFrom)) or node.col_offset != 0:
            continue
        if isinstance(node, ast.ImportFrom) and node.module == "__future__":
            continue
        unused = [a for a in node.names if _bound(a) in moved_used and _bound(a) not in still and a.name != "*"]
        if not unused:
            continue
        kept = [a for a in node.names if a not in unused]
        first, last = node.lineno - 1, (node.end_lineno or node.lineno) - 1
        if not kept:
            statement = []
        elif isinstance(node, ast.Import):
            statement = [f"import {_aliases(kept)}\n"]
        else:
            statement = [f"from {'.' * node.level}{node.module or ''} import {_aliases(kept)}\n"]
        lines[first : last + 1] = statement
        dropped[:0] = [_bound(a) for a in unused]
    return "".join(lines), dropped


def _repoint_python(text: str, name: str, old: str, new: str, path: str) -> str:
    """Every import of `name` from `old` — at the top or inside a function — now from `new`."""
    tree = ast.parse(text)
    lines = split_lines(text)
    replacements: list[tuple[int, int, list[str]]] = []  # (first line, last line, new lines)
    module_alias = None
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module == old and node.level == 0:
            if any(alias.name == "*" for alias in node.names):
                raise Refused(f"`{path}` imports everything from {old} (`import *`); Outrigger cannot move `{name}`.")
            names = [alias for alias in node.names if alias.name == name]
            if not names:
                continue
            first, last = node.lineno - 1, (node.end_lineno or node.lineno) - 1
            indent = lines[first][: node.col_offset]
            if indent.strip():  # `if x: from a import b` — not a statement of its own line
                raise Refused(f"`{path}` imports `{name}` on a line with other code; Outrigger cannot re-aim it.")
            others = [alias for alias in node.names if alias.name != name]
            new_lines = [f"{indent}from {new} import {_aliases(names)}\n"]
            if others:
                new_lines.insert(0, f"{indent}from {old} import {_aliases(others)}\n")
            replacements.append((first, last, new_lines))
        elif isinstance(node, ast.Import) and any(alias.name == old for alias in node.names):
            module_alias = next(alias.asname or alias.name for alias in node.names if alias.name == old)
        elif isinstance(node, ast.ImportFrom) and node.level > 0 and any(a.name == name for a in node.names):
            raise Refused(f"`{path}` imports `{name}` relatively; Outrigger points absolute imports only.")
    for first, last, new_lines in sorted(replacements, reverse=True):
        lines[first : last + 1] = new_lines
    text = "".join(lines)
    if module_alias and re.search(rf"\b{re.escape(module_alias)}\.{re.escape(name)}\b", text):
        text = re.sub(rf"\b{re.escape(module_alias)}\.{re.escape(name)}\b", f"{new}.{name}", text)
        text = _insert_import(text.rstrip("\n"), f"import {new}") + "\n"
        text, _ = _without_unused_imports(text, {module_alias})  # `import old` only served `old.name`
    return text


def _aliases(aliases: list[ast.alias]) -> str:
    return ", ".join(f"{a.name} as {a.asname}" if a.asname else a.name for a in aliases)


# -- JavaScript / TypeScript ---------------------------------------------------------------------

_EXPORTS = re.compile(r"module\.exports\s*=\s*\{([^}]*)\}\s*;?")


def _script(symbol: Symbol, source: str, text: str, target: str, read, files: list[str]) -> Move:
    name = symbol.name
    rest, block = _cut(text, symbol)
    esm = uses_module_syntax(text)
    move = Move()
    rest = without_export(rest, name)
    dependencies = _script_dependencies(block, text, source, target, name, rest)
    target_text = read(target)
    block_out = block
    target_exports = None
    if not esm:
        target_exports = target_text is None or bool(_EXPORTS.search(target_text or ""))
    elif not re.match(r"\s*export\b", block):
        block_out = "export " + block
    new_target = _append(target_text, block_out, dependencies)
    if target_exports:
        new_target = _with_export(new_target, name)
    if re.search(rf"(?<![\w$.]){re.escape(name)}\b", rest):
        statement = _import_statement(name, relative_specifier(source, target, written_extension(text)), esm)
        rest = _insert_import(rest.rstrip("\n"), statement) + "\n"
        move.notes.append(f"{source} now imports `{name}` from {target}")
    move.texts[source] = rest
    move.texts[target] = new_target.rstrip("\n") + "\n"
    for path in files:
        if path in (source, target) or language_for(path) not in ("javascript", "typescript", "tsx"):
            continue
        current = read(path)
        if current is None or name not in current:
            continue
        changed = _repoint_script(current, name, path, source, target)
        if changed != current:
            move.texts[path] = changed
            move.notes.append(f"{path} imports `{name}` from {target}")
    return move


def _import_statement(name: str, specifier: str, esm: bool) -> str:
    return f'import {{ {name} }} from "{specifier}";' if esm else f'const {{ {name} }} = require("{specifier}");'


def without_export(text: str, name: str) -> str:
    """`name` out of the module's export lists (`module.exports = { … }`, `export { … }`) and
    its `exports.name = name;` line; a list without it stays as it is written."""

    def drop(m: re.Match[str]) -> str:
        listed = [n.strip() for n in m.group(1).split(",") if n.strip()]
        names = [n for n in listed if n.split(":")[0].strip() != name]
        if names == listed:
            return m.group(0)
        return f"module.exports = {{ {', '.join(names)} }};" if names else ""

    def drop_esm(m: re.Match[str]) -> str:
        listed = [n for n in m.group(1).split(",") if n.strip()]
        names = [n for n in listed if n.strip() != name]
        return m.group(0) if names == listed else _export_list(names)

    text = _EXPORTS.sub(drop, text)
    text = re.sub(r"export\s*\{([^}]*)\}\s*;?", drop_esm, text)
    return re.sub(
        rf"^[ \t]*(?:module\.)?exports\.{re.escape(name)}\s*=\s*{re.escape(name)}\s*;?[ \t]*\r?\n", "", text, flags=re.M
    )


def _export_list(names: list[str]) -> str:
    return f"export {{ {', '.join(n.strip() for n in names)} }};" if names else ""


def _with_export(text: str, name: str) -> str:
    if m := _EXPORTS.search(text):
        names = [n.strip() for n in m.group(1).split(",") if n.strip()]
        if name not in names:
            names.append(name)
        return text[: m.start()] + f"module.exports = {{ {', '.join(names)} }};" + text[m.end() :]
    return text.rstrip("\n") + f"\n\nmodule.exports = {{ {name} }};\n"


def _script_dependencies(block: str, text: str, source: str, target: str, name: str, rest: str) -> list[str]:
    """The require/import lines the moved code needs, their paths re-aimed from `target`."""
    used = set(re.findall(r"[A-Za-z_$][\w$]*", block))
    header = []
    for m in re.finditer(
        r"^\s*(?:(?:const|let|var)\s+(\{[^}]*\}|[A-Za-z_$][\w$]*)\s*=\s*require\((['\"])([^'\"]+)\2\)"
        r"|import\s+(\{[^}]*\}|[A-Za-z_$][\w$]*)\s+from\s+(['\"])([^'\"]+)\5)\s*;?",
        text,
        re.M,
    ):
        bound_part = m.group(1) or m.group(4)
        specifier = m.group(3) or m.group(6)
        bound = set(re.findall(r"[A-Za-z_$][\w$]*", bound_part))
        if not bound & used:
            continue
        if specifier.startswith("."):
            absolute = posixpath.normpath(posixpath.join(posixpath.dirname(source), specifier))
            specifier = relative_specifier(target, absolute, extension_of(specifier))
        line = m.group(0).strip()
        header.append(line.replace(m.group(3) or m.group(6), specifier))
    own = {s.name for s in extract_symbols(source, rest) if s.container is None}
    needs_old = sorted((used & own) - {name})
    if needs_old:
        esm = uses_module_syntax(text)
        listed = ", ".join(needs_old)
        specifier = relative_specifier(target, source, written_extension(text))
        header.append(
            f'import {{ {listed} }} from "{specifier}";' if esm else f'const {{ {listed} }} = require("{specifier}");'
        )
    return header


def _repoint_script(text: str, name: str, path: str, source: str, target: str) -> str:
    pattern = re.compile(
        r"^(?P<indent>\s*)(?:(?P<kw>const|let|var)\s+\{(?P<cjs>[^}]*)\}\s*=\s*require\((?P<q1>['\"])(?P<s1>[^'\"]+)(?P=q1)\)"
        r"|import\s+\{(?P<esm>[^}]*)\}\s+from\s+(?P<q2>['\"])(?P<s2>[^'\"]+)(?P=q2))\s*;?[ \t]*$",
        re.M,
    )

    def repoint(m: re.Match[str]) -> str:
        specifier = m.group("s1") or m.group("s2")
        if not resolves_to(specifier, path, source):
            return m.group(0)
        names = [n.strip() for n in (m.group("cjs") or m.group("esm") or "").split(",") if n.strip()]
        if not any(n.split(":")[0].split(" as ")[0].strip() == name for n in names):
            return m.group(0)
        moved = [n for n in names if n.split(":")[0].split(" as ")[0].strip() == name]
        kept = [n for n in names if n not in moved]
        esm = m.group("esm") is not None
        new_specifier = relative_specifier(path, target, extension_of(specifier))
        lines = []
        if kept:
            lines.append(
                f'{m.group("indent")}import {{ {", ".join(kept)} }} from "{specifier}";'
                if esm
                else f'{m.group("indent")}{m.group("kw")} {{ {", ".join(kept)} }} = require("{specifier}");'
            )
        lines.append(
            f'{m.group("indent")}import {{ {", ".join(moved)} }} from "{new_specifier}";'
            if esm
            else f'{m.group("indent")}{m.group("kw")} {{ {", ".join(moved)} }} = require("{new_specifier}");'
        )
        return "\n".join(lines)

    changed = pattern.sub(repoint, text)
    leftover = re.search(r"require\((['\"])([^'\"]+)\1\)\s*\.\s*" + re.escape(name) + r"\b", changed)
    if leftover and resolves_to(leftover.group(2), path, source):
        raise Refused(f'`{path}` uses `require("{leftover.group(2)}").{name}`; Outrigger cannot re-aim that form.')
    return changed
