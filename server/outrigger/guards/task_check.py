"""The task guard: a task list is checked against the map as a whole before any model call.
Every file exists (or, to be created, does not and lies inside the workspace), every symbol is
defined in the file its step names, no step touches a secret or ignored file, the steps form
no cycle and there are at most `tasks.maxSteps` of them. "Every caller of X" is expanded here
into one step per calling function, from the map's occurrences."""

from __future__ import annotations

from graphlib import CycleError, TopologicalSorter

from outrigger.errors import Refused
from outrigger.plan import Step, StepAction
from outrigger.workspace.index import ProjectMap
from outrigger.workspace.languages import language_for, name_problem

_NEEDS_FILE = {
    StepAction.EDIT,
    StepAction.ADD,
    StepAction.DELETE,
    StepAction.REMOVE,
    StepAction.RENAME,
    StepAction.MOVE,
}
_NEEDS_SYMBOL = {StepAction.EDIT, StepAction.REMOVE, StepAction.RENAME, StepAction.MOVE, StepAction.EDIT_CALLERS}


def checked_steps(steps: list[Step], project_map: ProjectMap, max_steps: int) -> list[Step]:
    """The steps in an order that respects `after`, with every path normalized and every
    "edit the callers" expanded; Refused, naming the step, when anything does not hold."""
    if not steps:
        raise Refused("The task has no steps; say what should change, and where.")
    ids = [step.id for step in steps]
    if len(set(ids)) != len(ids):
        raise Refused("The task's steps repeat an id; each step needs its own number.")
    known = set(ids)
    for step in steps:
        if unknown := [n for n in step.after if n not in known]:
            raise Refused(f"{_name(step)} waits for step {unknown[0]}, which the task does not have.")
    normalized = [_checked(step, project_map) for step in steps]
    expanded = _expand_callers(normalized, project_map)
    if len(expanded) > max_steps:
        raise Refused(
            f"The task has {len(expanded)} steps; Outrigger does at most {max_steps} in one request "
            "(setting outrigger.tasks.maxSteps). Ask for it in parts."
        )
    return _ordered(expanded)


def _name(step: Step) -> str:
    return f"Step {step.id} ({step.describe()})"


def _checked(step: Step, project_map: ProjectMap) -> Step:
    try:
        return _checked_step(step, project_map)
    except Refused as error:
        raise Refused(f"{_name(step)}: {error} Nothing was changed.") from None


def _checked_step(step: Step, project_map: ProjectMap) -> Step:
    workspace = project_map.workspace
    path = workspace.resolve(step.file)
    if step.action in _NEEDS_FILE or step.action is StepAction.EDIT_CALLERS:
        path = project_map.require_file(path)
    elif step.action is StepAction.CREATE:
        if workspace.exists(path):
            raise Refused(f"`{path}` already exists; ask to change it instead.")
        if reason := workspace.ignore_reason(path):
            raise Refused(reason)
    update: dict[str, object] = {"file": path}
    if step.action in _NEEDS_SYMBOL:
        if not step.symbol:
            raise Refused("it does not say which function or class.")
        symbol = project_map.require_symbol(step.symbol, path)
        update["symbol"] = symbol.qualified_name
        if step.action is StepAction.MOVE and symbol.container is not None:
            raise Refused(f"`{symbol.qualified_name}` is a member of `{symbol.container}`; only top-level code moves.")
    if step.action is StepAction.RENAME:
        if not step.new_name:
            raise Refused("it does not say the new name.")
        if problem := name_problem(language_for(path), step.new_name):
            raise Refused(problem)
    if step.action is StepAction.MOVE:
        if not step.to_file:
            raise Refused("it does not say where to move it.")
        target = workspace.resolve(step.to_file)
        if reason := workspace.ignore_reason(target):
            raise Refused(reason)
        if target == path:
            raise Refused("it moves the code to the file it is already in.")
        if language_for(target) != language_for(path):
            raise Refused(f"`{target}` is not a {language_for(path) or 'source'} file like `{path}`.")
        update["to_file"] = target
    return step.model_copy(update=update)


def _expand_callers(steps: list[Step], project_map: ProjectMap) -> list[Step]:
    """ "Edit every caller of X" becomes one EDIT step per function that calls X, each after the
    steps the original waited for (and after the edit of X itself, when the task has one)."""
    out: list[Step] = []
    next_id = max(step.id for step in steps) + 1
    renumbered: dict[int, list[int]] = {}
    for step in steps:
        if step.action is not StepAction.EDIT_CALLERS:
            out.append(step)
            continue
        callee = project_map.require_symbol(step.symbol or "", step.file)
        callers, outside = _callers(callee.name, callee, project_map)
        if not callers and not outside:
            raise Refused(f"{_name(step)}: nothing in the workspace calls `{callee.name}`. Nothing was changed.")
        edits_of_callee = [s.id for s in steps if s.action is StepAction.EDIT and s.symbol == callee.qualified_name]
        new_ids = []
        for caller in callers:
            new_ids.append(next_id)
            out.append(
                Step(
                    id=next_id,
                    action=StepAction.EDIT,
                    file=caller.path,
                    symbol=caller.qualified_name,
                    what=f"{step.what} (in `{caller.qualified_name}`, which calls `{callee.name}`)",
                    after=sorted(set(step.after) | set(edits_of_callee)),
                    argument=step.argument,
                    argument_local=step.argument_local,
                    callee=callee.qualified_name,
                )
            )
            next_id += 1
        for path in outside:  # after the callers: their edits may move these lines
            out.append(
                Step(
                    id=next_id,
                    action=StepAction.EDIT,
                    file=path,
                    what=f"{step.what} (the calls of `{callee.name}` outside any function in {path})",
                    after=sorted(set(step.after) | set(edits_of_callee) | set(new_ids)),
                    argument=step.argument,
                    argument_local=step.argument_local,
                    callee=callee.qualified_name,
                    outside_functions=True,
                )
            )
            new_ids.append(next_id)
            next_id += 1
        renumbered[step.id] = new_ids
    for step in out:  # steps that waited for the expanded one now wait for all its parts
        step.after = sorted({n for a in step.after for n in renumbered.get(a, [a])})
    return out


def _callers(name: str, callee, project_map: ProjectMap) -> tuple[list, list[str]]:
    """The functions and methods that use `name`, and the files that use it outside any (a
    test's `test("…", () => f(…))`, module-level code; the step there finds the calls)."""
    found: dict[tuple[str, str], object] = {}
    outside: dict[str, None] = {}
    for path, ranges in project_map.occurrences(name).items():
        for where in ranges:
            if path == callee.path and callee.range.contains(where):
                continue  # the definition itself (and recursion)
            caller = project_map.symbol_at(path, where.start)
            if caller is not None and caller.kind in ("function", "method"):
                found.setdefault((caller.path, caller.qualified_name), caller)
            elif caller is None or caller.container is None:
                outside.setdefault(path)
    return list(found.values()), list(outside)


def _ordered(steps: list[Step]) -> list[Step]:
    graph = {step.id: set(step.after) for step in steps}
    try:
        order = list(TopologicalSorter(graph).static_order())
    except CycleError as error:
        cycle = " → ".join(str(n) for n in error.args[1])
        raise Refused(f"The task's steps wait for each other in a circle ({cycle}); nothing was changed.") from None
    by_id = {step.id: step for step in steps}
    return [by_id[n] for n in order]
