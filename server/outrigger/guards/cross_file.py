"""The cross-file guard: once every step of a task is done, the proposed workspace is checked as
a whole before anything is shown. A definition a step added and another file now uses is
exported where the module system needs it; every name a changed file newly uses is defined
or imported (the name guard, against the proposed map); every changed file still parses (and
compiles); a deleted file is referenced by nothing — else the task is refused, listing what
still needs it."""

from __future__ import annotations

import ast
import posixpath
import re
from collections.abc import Sequence

from outrigger.errors import Refused
from outrigger.guards.names import resolve_names
from outrigger.guards.switches import Guards
from outrigger.guards.syntax_check import refuse_new_syntax_errors
from outrigger.workspace.index import ProjectMap
from outrigger.workspace.languages import language_for
from outrigger.workspace.proposed import ProposedWorkspace
from outrigger.workspace.symbols import extract_symbols

_SCRIPT = ("javascript", "typescript", "tsx")
_LISTED = 8


def check_proposal(
    project_map: ProjectMap,
    guards: Guards,
    texts: dict[str, str | None],
    before: dict[str, tuple[str | None, int | None]],
    removed: Sequence[tuple[str, str]] = (),  # (file, name) of definitions a step removed
) -> list[str]:
    """Checks (and, where the fix is certain, completes) the proposed `texts` in place; the
    notes say what was added. Raises Refused naming the file when a check fails."""
    view = ProposedWorkspace(project_map.workspace, texts)
    proposed = project_map.overlaid(view, list(texts))
    notes = _export_new_definitions(texts, before)
    for path in sorted(texts):
        new_text, (old_text, _) = texts[path], before[path]
        if new_text is None or language_for(path) is None:
            continue
        resolved = resolve_names(guards, path, old_text or "", new_text, proposed)
        texts[path] = resolved.text
        notes += [f"{path}: {note}" for note in resolved.notes]
        refuse_new_syntax_errors(guards, path, old_text or "", resolved.text, f"The task's change to {path}")
    for path, text in texts.items():
        if text is None:
            _refuse_if_used(path, before[path][0] or "", proposed)
    for path, name in removed:
        _refuse_if_still_used(path, name, proposed)
    return notes


def _refuse_if_still_used(path: str, name: str, proposed: ProjectMap) -> None:
    """A removed function or class must be used nowhere: an import of it, a call, a mention
    of a method of that name (which may be another class's; then the user says which)."""
    uses = [
        f"{other}:{where.start.line + 1}"
        for other, ranges in sorted(proposed.occurrences(name).items())
        for where in ranges
    ]
    if uses:
        raise Refused(
            f"`{name}` cannot be removed from {path}: it is still used at {_few(uses, ', ')}. Nothing was changed."
        )


def _export_new_definitions(
    texts: dict[str, str | None], before: dict[str, tuple[str | None, int | None]]
) -> list[str]:
    """A JavaScript/TypeScript definition a step added, that another changed file now uses, is
    exported: added to `module.exports = { … }`, or given `export` in an ES module."""
    notes = []
    for path, text in list(texts.items()):
        if text is None or language_for(path) not in _SCRIPT:
            continue
        old = {s.name for s in extract_symbols(path, before[path][0] or "") if s.container is None}
        added = [s.name for s in extract_symbols(path, text) if s.container is None and s.name not in old]
        others = [t for p, t in texts.items() if p != path and t is not None]
        for name in added:
            if not any(re.search(rf"(?<![\w$.]){re.escape(name)}\b", other) for other in others):
                continue
            with_export = exported(text, name)
            if with_export != text:
                texts[path] = text = with_export
                notes.append(f"{path}: exported `{name}`")
    return notes


def exported(text: str, name: str) -> str:
    """`text` with `name` exported the way the module exports (a `module.exports` literal, or
    `export` in an ES module); unchanged when it already is or the module exports nothing."""
    literal = re.search(r"module\.exports\s*=\s*\{([^}]*)\}", text)
    if literal:
        names = [n.strip() for n in literal.group(1).split(",") if n.strip()]
        if name in [n.split(":")[0].strip() for n in names]:
            return text
        return text[: literal.start()] + f"module.exports = {{ {', '.join([*names, name])} }}" + text[literal.end() :]
    if re.search(
        rf"\bexport\s+(?:default\s+)?(?:async\s+)?(?:function\*?|class|const|let|var)\s+{re.escape(name)}\b", text
    ):
        return text
    if re.search(r"^\s*(?:import|export)\b", text, re.M):
        return re.sub(
            rf"^((?:async\s+)?(?:function\*?|class|const|let|var)\s+{re.escape(name)}\b)",
            r"export \1",
            text,
            count=1,
            flags=re.M,
        )
    if re.search(r"\bmodule\.exports\b|\brequire\(", text):
        return text.rstrip("\n") + f"\n\nmodule.exports = {{ {name} }};\n"
    return text


def _refuse_if_used(path: str, old_text: str, proposed: ProjectMap) -> None:
    """A deleted file must be imported by nothing and its definitions used nowhere else."""
    uses = []
    defined = {s.name for s in extract_symbols(path, old_text) if s.container is None} if language_for(path) else set()
    for other in proposed.files():
        try:
            text = proposed.workspace.read(other)
        except Refused:
            continue
        uses += [f"{other}:{line} imports it" for line in _import_lines(other, text, path)]
        for name in sorted(defined):
            if proposed.find(name):
                continue  # still defined somewhere else
            for where in proposed.occurrences(name).get(other, []):
                uses.append(f"{other}:{where.start.line + 1} uses `{name}`")
    if uses:
        raise Refused(f"`{path}` cannot be deleted: {_few(uses, '; ')}. Nothing was changed.")


def _few(uses: list[str], separator: str) -> str:
    """The first uses, and how many more."""
    return separator.join(uses[:_LISTED]) + (f" and {len(uses) - _LISTED} more" if len(uses) > _LISTED else "")


def _import_lines(importer: str, text: str, deleted: str) -> list[int]:
    """The lines of `importer` that import the module `deleted`."""
    language = language_for(importer)
    if language == "python" and deleted.endswith(".py"):
        module = deleted.removesuffix(".py").removesuffix("/__init__").replace("/", ".")
        parent, _, base = module.rpartition(".")
        try:
            tree = ast.parse(text)
        except SyntaxError:
            return []
        lines = []
        for node in ast.walk(tree):
            if isinstance(node, ast.Import) and any(
                a.name == module or a.name.startswith(module + ".") for a in node.names
            ):
                lines.append(node.lineno)
            elif (
                isinstance(node, ast.ImportFrom)
                and node.level == 0
                and (node.module == module or (node.module == parent and any(a.name == base for a in node.names)))
            ):
                lines.append(node.lineno)
        return lines
    if language in _SCRIPT:
        lines = []
        for number, line in enumerate(text.split("\n"), start=1):
            for specifier in re.findall(r"(?:require\(|from\s+|import\s*\(?)\s*['\"]([^'\"]+)['\"]", line):
                resolved = posixpath.normpath(posixpath.join(posixpath.dirname(importer), specifier))
                if specifier.startswith(".") and resolved in (deleted, posixpath.splitext(deleted)[0]):
                    lines.append(number)
        return lines
    return []
