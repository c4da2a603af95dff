"""Requests with several steps: "add `logout(session)` to src/session.js and call it from
`handleLogout`", "move formatDate into a new src/dates.js", "add an `email` parameter to
createUser and pass it from every caller", "create tests/test_pricing.py with tests for
average_price", "remove src/old_api.js".

The rules split a request into clauses and plan each one like a request of its own; wording
that only makes sense as a task (move, create, delete, every caller) is a task even alone. A
request the rules cannot split goes to the model, which answers with the task list as JSON
(validated like every plan). A request with several steps is never executed as one of them:
a single-action plan that leaves out a file or symbol the request names is sent back.
"""

from __future__ import annotations

from outrigger.plan import Intent, Plan, Step, StepAction
from outrigger.planner.follow_ups import done_again, follow_ups
from outrigger.planner.grammar import first, match
from outrigger.planner.rules import Built, Steps, as_plan, defining_file, named_file, plan_clause, required_file
from outrigger.planner.words import Reading, Tag, Word, commands, names_in, statement, subject_of, within
from outrigger.workspace.index import ProjectMap

# What a move or a rename already does: "and update the imports", "fix everything that imports it".
_IMPLIED = (
    "update|fix|adjust|correct|change|repair all|every|each? of? the|its|their? ( import|imports|require|requires"
    "|references|usages|uses|callers | call sites | import statements|lines | everything|everywhere|anything|file|files|module|modules"
    "|place|places that|which import|imports|use|uses|require|requires|reference|references it|them )"
    " accordingly|too? ( as well )? END"
)


def plan_by_rules(
    reading: Reading, project_map: ProjectMap, cursor: str | None = None, cursor_file: str | None = None
) -> Plan | None:
    """The plan when the rules settle every part of the request, else None: one action, or a
    task of steps. Wording only a task does (move, create, delete, every caller) is a task even
    alone. "It" in a command is the symbol the request named before it (a statement first:
    "X is too long, simplify it"; the command before: "add x to a.js and call it from y"), else
    the one under the cursor."""
    if more := follow_ups(reading.words):  # "document X. same for Y"
        before = plan_by_rules(within(reading, 0, more.start, around=""), project_map, cursor, cursor_file)
        return done_again(before, more.targets, project_map)
    parts = commands(reading)
    if len(parts) > 1:
        return _task(_steps_of(parts, project_map, subject=cursor))
    commanded = reading.clauses[:1] and reading.clauses[0].commands
    subject = cursor if commanded else None  # else a statement says what "it" is
    built = plan_clause(parts[0], project_map, subject, cursor, cursor_file)
    single = as_plan(built)
    if isinstance(built, Steps) and single is None:
        return _task(_in_files(built, project_map))
    after = _steps_after_context(reading, project_map)
    if after and (len(after) > 1 or any(s.action in _TASK_ONLY for s in after)):
        return _task(after)
    if single is None or _pronoun(single.symbol, project_map):  # "X is too long, simplify it"
        single = as_plan(after) if after else None
    if single is None and (split := statement(reading)) and not _names_code(split[0].words):
        # "actually no. revert that", "oops - undo": a statement naming no code says nothing
        # the command after it needs
        return plan_by_rules(split[1], project_map, cursor, cursor_file)
    return None if single is None or _pronoun(single.symbol, project_map) else single


def _names_code(words: list[Word]) -> bool:
    return any(w.tag in (Tag.SYMBOL, Tag.FILE, Tag.PRONOUN) for w in words)


_PRONOUN_WORDS = frozenset({"it", "this", "that", "them", "these", "those", "one"})


def _pronoun(symbol: str | None, project_map: ProjectMap) -> bool:
    """A plan's symbol that is "it", not a name the workspace defines (`def one(key)`)."""
    return (symbol or "").lower() in _PRONOUN_WORDS and not project_map.find(symbol or "")


def _task(steps: list[Step] | None) -> Plan | None:
    if not steps:
        return None
    steps = _merged(steps)
    for index, step in enumerate(steps[1:], start=1):  # each step waits for the one before
        if not step.after:
            step.after = [steps[index - 1].id]
    return Plan(intent=Intent.TASK, symbol=_first_symbol(steps), steps=steps)


def _steps_of(clauses: list[Reading], project_map: ProjectMap, subject: str | None = None) -> Steps | None:
    """The steps of these clauses, "it" in each the symbol the one before was about; None when
    the rules cannot settle one of them."""
    steps: list[Step] = []
    for clause in clauses:
        if match(_IMPLIED, clause.words) and any(s.action in _FIXES_REFERENCES for s in steps):
            continue
        planned = _in_files(plan_clause(clause, project_map, subject), project_map, first_id=len(steps) + 1)
        if planned is None and steps and steps[-1].action in _WRITTEN and _is_guidance(clause.words):
            steps[-1].what = f"{steps[-1].what}. {clause.text}"  # "… Use node:test like the other tests."
            continue
        if planned is None:
            return None
        steps.extend(planned)
        subject = planned.about
    return Steps(steps, subject)


def _in_files(steps: Built, project_map: ProjectMap, first_id: int = 1) -> Steps | None:
    """The steps numbered from `first_id`, each in the file that defines its symbol (a task's
    step needs one); None when they are no steps (a question, an undo, a repeat) or one of them
    has no single such file."""
    if not isinstance(steps, Steps):
        return None
    for offset, step in enumerate(steps):
        step.id = first_id + offset
        if not step.file and step.action is not StepAction.ADD:
            step.file = defining_file(step.symbol or "", project_map) or ""
            if not step.file:
                return None
    return steps


def _steps_after_context(reading: Reading, project_map: ProjectMap) -> Steps | None:
    """ "formatDate should live in its own file. Move it to src/dates.js": a statement, then
    commands. The statement says what "it" is (the symbol, else the one file, it names) and
    why."""
    if (split := statement(reading)) is None:
        return None
    stated, commands_ = split[0], commands(split[1])
    if location := match(_LOCATION, stated.words):  # "In loans.py, add a parameter to late_fee": where, not why
        steps = _steps_of(commands_, project_map)
        for step in steps or []:
            if step.symbol and step.action in _NEEDS_ITS_FILE:
                step.file = location["FILE"][0].text  # the map then checks the symbol is there
        return steps
    subject = subject_of(stated.words) or named_file(stated.words)
    steps = _steps_of(commands_, project_map, subject=subject)
    for step in steps or []:
        if step.action in (StepAction.EDIT, StepAction.ADD, StepAction.CREATE):
            step.what = f"{stated.text}: {step.what}"
    if (
        steps
        and subject
        and any(first(wish, stated.words) for wish in _WISHED)
        and not any(s.symbol == subject for s in steps if s.action in _CHANGES_ITSELF)
    ):
        # "late_fee should take a daily_rate argument; update the callers": the statement is a
        # change of its own, done before the commands, never read as context and lost.
        itself = Step(
            id=1,
            action=StepAction.EDIT,
            file=required_file(subject, project_map),
            symbol=subject,
            what=stated.text,
            intent=Intent.REWRITE,
        )
        moved = (step.model_copy(update={"id": step.id + 1, "after": [n + 1 for n in step.after]}) for step in steps)
        return Steps([itself, *moved], steps.about)
    return steps


# What is wished of a named function: "X should take …", "X needs to accept …", or a parameter
# it lacks: "X needs a `sep` argument", "X could use a timeout option", "X is missing a parameter".
_WISHED = (
    "( should|must | needs|need|has|ought to )",
    "( needs|need|wants|requires|lacks | could|would use | is|are missing ) ... PARAMS",
)
_CHANGES_ITSELF = frozenset({StepAction.EDIT, StepAction.MOVE, StepAction.RENAME, StepAction.REMOVE})


_LOCATION = "in|inside|within the? file|module? FILE"
_NEEDS_ITS_FILE = frozenset(
    {StepAction.EDIT, StepAction.EDIT_CALLERS, StepAction.MOVE, StepAction.RENAME, StepAction.REMOVE}
)


def _merged(steps: list[Step]) -> list[Step]:
    """ "fix X and make it faster": two edits of one symbol in a row are one step (one call).
    A doc and type hints stay two: each is checked to change nothing else, which a rewrite is not."""
    out: list[Step] = []
    for step in steps:
        previous = out[-1] if out else None
        if (
            previous is not None
            and step.action is previous.action is StepAction.EDIT
            and (step.file, step.symbol) == (previous.file, previous.symbol)
            and not {step.intent, previous.intent} == _ADDED_ONLY
        ):
            previous.what = f"{previous.what}; {step.what}"
            if previous.intent is not step.intent:
                previous.intent = Intent.REWRITE
            continue
        out.append(step)
    return out


_ADDED_ONLY = {Intent.DOCSTRING, Intent.TYPE_HINTS}
_TASK_ONLY = frozenset(
    {StepAction.MOVE, StepAction.CREATE, StepAction.DELETE, StepAction.REMOVE, StepAction.EDIT_CALLERS}
)
_FIXES_REFERENCES = frozenset({StepAction.MOVE, StepAction.RENAME})
_WRITTEN = frozenset({StepAction.EDIT, StepAction.ADD, StepAction.CREATE})
_GUIDANCE = frozenset({"use", "keep", "follow", "prefer", "avoid", "don't", "do not", "make sure"})


def _is_guidance(words: list[Word]) -> bool:
    """ "Use node:test like the other tests": how to write the step before, naming nothing of
    the workspace that a step of its own would have to change."""
    opening = {" ".join(w.text.lower() for w in words[:n]) for n in (1, 2)}
    return bool(opening & _GUIDANCE) and not any(w.tag in (Tag.FILE, Tag.SYMBOL) for w in words)


def _first_symbol(steps: list[Step]) -> str | None:
    return next((step.symbol for step in steps if step.symbol), None)


def leaves_out(plan: Plan, reading: Reading, project_map: ProjectMap) -> list[str]:
    """What a single-action plan does not cover of a request in several parts (sentences,
    "; ", "and", "then"): the files and symbols the request names outside the plan's targets."""
    parts = reading.clauses
    if plan.intent in (Intent.QUESTION, Intent.UNDO, Intent.REPEAT, Intent.TASK) or len(parts) < 2:
        return []
    if parts[0].commands and sum(part.commands for part in parts) < 2:
        return []  # one command and the words that describe it ("add f to a.py: free when g(x) < 150")
    covered_symbols = {t.symbol for t in plan.targets if t.symbol} | {plan.new_name or ""}
    covered_files = {t.file for t in plan.targets if t.file}
    for name in covered_symbols:
        covered_files |= {s.path for s in project_map.find(name)}
    named_files = {w.text.split(":")[0] for w in reading.words if w.tag is Tag.FILE}  # `a.js:12` names a.js
    missing = sorted(f for f in named_files if f not in covered_files)
    missing += [f"`{name}`" for name in names_in(reading.words) if name not in covered_symbols]
    return missing
