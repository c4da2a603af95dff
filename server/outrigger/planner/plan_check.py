"""Sense checks on a model's task list, before any step runs. A 0.5B model planned 30 identical
steps for a one-line rename, and "add a function, edit it, create a file, delete it, remove the
function" for an add: each step passes the map's checks on its own, and the task ran until a
later step was refused. Here the list is judged as a whole: exact repeats are dropped (the one
repair that cannot change the meaning); a list that contradicts itself, is too long, or does
things the request never mentions is sent back once with the problems quoted, then refused."""

from __future__ import annotations

import re
from pathlib import PurePosixPath

from outrigger.plan import Step, StepAction
from outrigger.workspace.index import ProjectMap

_ON_SYMBOL = frozenset(
    {StepAction.EDIT, StepAction.REMOVE, StepAction.RENAME, StepAction.MOVE, StepAction.EDIT_CALLERS}
)
_WRITES_NEW = frozenset({StepAction.ADD, StepAction.CREATE})


def without_repeats(steps: list[Step]) -> list[Step]:
    """The steps with exact repeats dropped (same action on the same file, symbol and names);
    a step that waited for a dropped copy waits for the one kept."""
    kept: dict[tuple, Step] = {}
    same_as: dict[int, int] = {}
    for step in steps:
        key = (step.action, _path(step.file), step.symbol, step.new_name, _path(step.to_file or ""))
        if key in kept:
            same_as[step.id] = kept[key].id
        else:
            kept[key] = step
    out = []
    for step in kept.values():
        after = sorted({same_as.get(n, n) for n in step.after} - {step.id})
        out.append(step.model_copy(update={"after": after}))
    return out


def nonsense(steps: list[Step], request: str, project_map: ProjectMap, max_steps: int) -> list[str]:
    """What makes this task list unlike anything the request can mean, in words the model (and,
    on a refusal, the user) can act on. Empty when it makes sense."""
    found: list[str] = []
    if len(steps) > max_steps:
        found.append(f"it has {len(steps)} steps; at most {max_steps} are allowed, one per thing the request asks")
    added: dict[str, int] = {}  # symbol → the step that adds it
    created: dict[str, int] = {}  # file → the step that creates it
    deleted: dict[str, int] = {}  # file → the step that deletes it
    words = _words(request)
    for step in steps:
        file = _path(step.file)
        if file in deleted:
            found.append(f"step {step.id} works on {file}, which step {deleted[file]} deletes")
        if step.action is StepAction.DELETE and file in created:
            found.append(f"step {step.id} deletes {file}, which step {created[file]} creates")
        if step.action in _ON_SYMBOL and step.symbol:
            if step.symbol in added:
                undoes = "removes" if step.action is StepAction.REMOVE else "changes"
                found.append(
                    f"step {step.id} {undoes} `{step.symbol}`, which step {added[step.symbol]} adds: "
                    "the step that adds it writes it as wanted"
                )
            elif not project_map.find(step.symbol):
                found.append(f"step {step.id} is about `{step.symbol}`, which does not exist and no earlier step adds")
        if not _traceable(step, words):
            found.append(f"step {step.id} ({step.describe()}) does nothing the request mentions")
        if step.action in _WRITES_NEW:
            for name in filter(None, (step.symbol, *_called(step.what))):
                if not project_map.find(name):
                    added.setdefault(name, step.id)
        if step.action is StepAction.CREATE:
            created.setdefault(file, step.id)
        if step.action is StepAction.RENAME and step.new_name:
            added.setdefault(step.new_name, step.id)
        if step.action is StepAction.DELETE:
            deleted.setdefault(file, step.id)
    return found


def _path(path: str) -> str:
    return path.replace("\\", "/").removeprefix("./")


_CALL = re.compile(r"\b([A-Za-z_$][\w$]*)\(")


def _called(what: str) -> list[str]:
    """Names an add step writes as calls: "add invert(d) that swaps …" adds `invert`."""
    return _CALL.findall(what)


_PART = re.compile(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])|\d+")


def _parts(name: str) -> set[str]:
    """The words of an identifier or path: `handleLogin` → {handle, login}, `old_api.py` → {old, api, py}."""
    return {part.lower() for part in _PART.findall(name) if len(part) > 2}


def _words(request: str) -> set[str]:
    return _parts(request)


def _traceable(step: Step, words: set[str]) -> bool:
    """Whether a word of the step's symbol, new name or files is a word of the request ("update
    the login route" traces to `handleLogin`): a step made of none of them is the model's own idea."""
    names = [step.symbol or "", step.new_name or "", PurePosixPath(_path(step.file)).stem, step.to_file or ""]
    if step.action is StepAction.ADD:  # new code in a file the model chose: what it is to be
        names.append(step.what)
    return any(_parts(name) & words for name in names)
