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

from pydantic import BaseModel, Field

from outrigger.plan import Intent, Plan, Step, StepAction
from outrigger.planner.grammar import first, match
from outrigger.planner.intents import STEPS
from outrigger.planner.rules import asked_name, edit_intent, looks_like_question, named_file, plan_clause
from outrigger.planner.words import Tag, clauses, commands, placed, symbols, tag, with_subject
from outrigger.workspace.index import ProjectMap

_TARGET = "the? KIND? NAME"
_MOVE = f"move {_TARGET} ( out? of|from FILE )? to|into a|the? new? file|module? FILE2 ..."
_REMOVING = "delete|remove|get_rid|drop|trash|erase|throw_away of?"
_DELETE = f"{_REMOVING} the? file|module? FILE ..."
# "remove by_author", "delete the function `legacyTotal` from src/cart.js".
_REMOVE = f"{_REMOVING} the? unused? function|method|class|helper? NAME function|method|class|helper? ( from|in the? file? FILE )? ..."
# What is said of code nobody needs: "… can go", "… is dead code", "… is no longer used".
_CAN_GO = (
    "( can|should go | can|should be deleted|removed|dropped | is|isn't dead|unused|obsolete"
    " | is|isn't not|no? longer? used|needed ) ..."
)
_SYMBOL_CAN_GO = f"NAME ( in|from FILE )? {_CAN_GO}"  # "by_author can go", "legacyTotal is dead code, drop it"
_FILE_CAN_GO = f"FILE {_CAN_GO}"  # "src/old/rates.ts can go, nothing imports it"
_CREATE = "create|write|add|make|generate a|the? new? test? file|module? FILE ..."
_TESTS_IN = (
    "write|add|create|generate ( some|unit|pytest )* test|tests for NAME in|into|to|as ( a new file? )? FILE ..."
)
_CALLERS = (
    "( from|in|at|to|update every|all|each|its|the ( caller|callers | call site|sites"
    " | place|places|function|functions|spot|spots that|which call|calls it )"
    " | every|all|each|its caller|callers | everywhere|wherever it|it's is? called )"
)
# "use it in routes.js": a file, not a caller (NAME2 missing).
_CALL_FROM = (
    "call|use|invoke ( it|them|that | NAME ) from|in|inside|within ( the? KIND? NAME2 ( in|of FILE )? | the? FILE ) ..."
)
# "have handleClose in routes.js call it" says what "call it from handleClose in routes.js" says.
_HAVE_CALL = f"have|make|let {_TARGET} ( in|of FILE )? call|use|invoke WORD ..."
# What a move or a rename already does: "and update the imports", "fix everything that imports it".
_IMPLIED = (
    "update|fix|adjust|correct|change|repair all|every|each? of? the|its|their? ( import|imports|require|requires"
    "|references|usages|uses | import statements|lines | everything|everywhere|anything|file|files|module|modules"
    "|place|places that|which import|imports|use|uses|require|requires|reference|references it|them )"
    " accordingly|too? ( as well )? END"
)
# A change of one function's signature, naming the function: "give createUser a `tags`
# parameter", "add a region parameter to taxRates", "make notify take a `ticket` argument".
_SIGNATURE = (
    f"give|let {_TARGET} WORD? WORD? WORD? WORD? PARAMS ...",
    f"add|append|insert WORD? WORD? WORD? WORD? PARAMS to|on {_TARGET} ( in|of FILE )? ...",
    f"make {_TARGET} take|accept|receive ...",
)


def plan_task_by_rules(text: str, project_map: ProjectMap, instruction: str) -> Plan | None:
    """A task when the wording settles every step, else None. A request of one ordinary clause
    is not a task (the single-action rules take it)."""
    steps = _steps_of(commands(text), project_map) or _steps_after_context(text, project_map)
    if steps is None:
        return None
    steps = _merged(steps)
    for index, step in enumerate(steps[1:], start=1):  # each step waits for the one before
        if not step.after:
            step.after = [steps[index - 1].id]
    return Plan(intent=Intent.TASK, symbol=_first_symbol(steps), steps=steps, instruction=instruction)


def _steps_of(clauses: list[str], project_map: ProjectMap, subject: str | None = None) -> list[Step] | None:
    """The steps of these clauses when they make a task: several commands, or one that only a
    task does (move, create, delete, every caller)."""
    steps: list[Step] = []
    for clause in clauses:
        if match(_IMPLIED, tag(clause)) and any(s.action in _FIXES_REFERENCES for s in steps):
            continue
        planned = _clause_steps(clause, project_map, subject, first_id=len(steps) + 1)
        if planned is None and steps and steps[-1].action in _WRITTEN and _is_guidance(clause, project_map):
            steps[-1].what = f"{steps[-1].what}. {clause}"  # "… Use node:test like the other tests."
            continue
        if planned is None:
            return None
        new_steps, subject = planned
        steps.extend(new_steps)
    if len(clauses) < 2 and not any(s.action in _TASK_ONLY for s in steps):
        return None
    return steps


def _steps_after_context(text: str, project_map: ProjectMap) -> list[Step] | None:
    """ "formatDate should live in its own file. Move it to src/dates.js": a statement, then
    commands. The statement says what "it" is (the symbol, else the one file, it names) and
    why; the commands are planned as a task when they make one."""
    parts = clauses(text, project_map)
    opens = next((i for i, part in enumerate(parts) if part.verb not in (None, Intent.QUESTION)), 0)
    if opens == 0:
        return None
    start = parts[opens].words[0].start
    context, commands_ = text[:start].strip(" ,;:.-\u2013\u2014"), commands(text[start:])
    if location := match(_LOCATION, tag(context)):  # "In loans.py, add a parameter to late_fee": where, not why
        steps = _steps_of(commands_, project_map)
        for step in steps or []:
            if step.symbol and step.action in _NEEDS_ITS_FILE:
                step.file = location["FILE"][0].text  # the map then checks the symbol is there
        return steps
    named = symbols(context, project_map) or ([file] if (file := named_file(context)) else [])
    subject = named[0] if named else None
    steps = _steps_of(commands_, project_map, subject=subject)
    for step in steps or []:
        if step.action in (StepAction.EDIT, StepAction.ADD, StepAction.CREATE):
            step.what = f"{context}: {step.what}"
    if (
        steps
        and subject
        and first(_WISHED, tag(context))
        and not any(s.symbol == subject for s in steps if s.action in _CHANGES_ITSELF)
    ):
        # "late_fee should take a daily_rate argument; update the callers": the statement is a
        # change of its own, done before the commands, never read as context and lost.
        itself = Step(
            id=1,
            action=StepAction.EDIT,
            file=_required_file(subject, project_map),
            symbol=subject,
            what=context,
            intent=Intent.REWRITE,
        )
        steps = [
            itself,
            *(step.model_copy(update={"id": step.id + 1, "after": [n + 1 for n in step.after]}) for step in steps),
        ]
    return steps


# What is wished of a named function: "X should take …", "X needs to accept …".
_WISHED = "( should|must | needs|need|has|ought to )"
_CHANGES_ITSELF = frozenset({StepAction.EDIT, StepAction.MOVE, StepAction.RENAME, StepAction.REMOVE})


_LOCATION = "in|inside|within the? file|module? FILE"
_NEEDS_ITS_FILE = frozenset(
    {StepAction.EDIT, StepAction.EDIT_CALLERS, StepAction.MOVE, StepAction.RENAME, StepAction.REMOVE}
)


def _merged(steps: list[Step]) -> list[Step]:
    """ "fix X and make it faster": two edits of one symbol in a row are one step (one call)."""
    out: list[Step] = []
    for step in steps:
        previous = out[-1] if out else None
        if (
            previous is not None
            and step.action is previous.action is StepAction.EDIT
            and (step.file, step.symbol) == (previous.file, previous.symbol)
        ):
            previous.what = f"{previous.what}; {step.what}"
            if previous.intent is not step.intent:
                previous.intent = Intent.REWRITE
            continue
        out.append(step)
    return out


_TASK_ONLY = frozenset(
    {StepAction.MOVE, StepAction.CREATE, StepAction.DELETE, StepAction.REMOVE, StepAction.EDIT_CALLERS}
)
_FIXES_REFERENCES = frozenset({StepAction.MOVE, StepAction.RENAME})
_WRITTEN = frozenset({StepAction.EDIT, StepAction.ADD, StepAction.CREATE})
_GUIDANCE = frozenset({"use", "keep", "follow", "prefer", "avoid", "don't", "do not", "make sure"})


def _is_guidance(clause: str, project_map: ProjectMap) -> bool:
    """ "Use node:test like the other tests": how to write the step before, naming nothing of
    the workspace that a step of its own would have to change."""
    words = tag(clause, project_map)
    opening = {" ".join(w.text.lower() for w in words[:n]) for n in (1, 2)}
    return bool(opening & _GUIDANCE) and not any(w.tag in (Tag.FILE, Tag.SYMBOL) for w in words)


def _first_symbol(steps: list[Step]) -> str | None:
    return next((step.symbol for step in steps if step.symbol), None)


def _clause_steps(
    clause: str, project_map: ProjectMap, subject: str | None, first_id: int
) -> tuple[list[Step], str | None] | None:
    """The steps one clause asks for and the symbol it is about (what "it" means next)."""
    if found := match(_HAVE_CALL, tag(clause, project_map)):
        caller, callee, file = found["NAME"][0].text, found["WORD"][0], found.text("FILE")
        clause = f"call {callee.text} from {caller}{f' in {file}' if file else ''}{clause[callee.end :]}"
    clause_for_rules = with_subject(clause, subject) if subject else clause
    words = tag(clause_for_rules, project_map)

    def step(action: StepAction, file: str, **fields) -> Step:
        return Step(id=first_id, action=action, file=file, what=clause_for_rules, **fields)

    if found := match(_MOVE, words):
        name, files = found["NAME"][0].text, [w.text for w in found.get("FILE", [])]
        source = files[0] if files else _required_file(name, project_map)
        return [step(StepAction.MOVE, source, symbol=name, to_file=found["FILE2"][0].text)], name
    if where := placed(clause_for_rules, project_map):  # "shouldn't X live in a new y.py?"
        return [step(StepAction.MOVE, _required_file(where[0], project_map), symbol=where[0], to_file=where[1])], None
    if found := match(_TESTS_IN, words):
        name, path = found["NAME"][0].text, found["FILE"][0].text
        action = StepAction.ADD if project_map.workspace.exists(path) else StepAction.CREATE
        return [step(action, path, symbol=None)], name
    if (found := match(_CREATE, words)) and not project_map.workspace.exists(path := found["FILE"][0].text):
        return [step(StepAction.CREATE, path)], asked_name(clause_for_rules)
    if found := match(_DELETE, words) or match(_FILE_CAN_GO, words):
        return [step(StepAction.DELETE, found["FILE"][0].text)], None
    found = match(_REMOVE, words) or match(_SYMBOL_CAN_GO, words)
    if found and project_map.find(name := found["NAME"][0].text):
        file = found.text("FILE") or _required_file(name, project_map)
        return [step(StepAction.REMOVE, file, symbol=name)], None
    callers = bool(first(_CALLERS, tag(clause, project_map)))
    if signature := _signature_target(clause_for_rules, project_map):
        # "give X a `y` parameter passing 0 from every caller": the function, then its callers.
        name, file = signature[0], signature[1] or _required_file(signature[0], project_map)
        changed = step(StepAction.EDIT, file, symbol=name, intent=Intent.REWRITE)
        if not callers:
            return [changed], name
        edit_callers = step(StepAction.EDIT_CALLERS, file, symbol=name, **_passed_fields(clause, project_map))
        edit_callers.id = first_id + 1
        return [changed, edit_callers], name
    if subject and callers:
        file = _defining_file(subject, project_map)
        passed = _passed_fields(clause, project_map)  # as written: "pass it" passes no value
        return ([step(StepAction.EDIT_CALLERS, file or "", symbol=subject, **passed)], subject) if file else None
    if found := match(_CALL_FROM, words):
        if "NAME2" not in found:
            return None  # "use it in routes.js": a file, not a caller
        caller = found["NAME2"][0].text
        file = found.text("FILE") or _required_file(caller, project_map)
        return [step(StepAction.EDIT, file, symbol=caller, intent=Intent.REWRITE)], subject

    steps = plan_clause(clause_for_rules, project_map)
    if not isinstance(steps, list):
        return None  # a question, an undo, a repeat: never a step
    for offset, planned in enumerate(steps):
        planned.id = first_id + offset
        if not planned.file and planned.action is not StepAction.ADD:
            planned.file = _defining_file(planned.symbol or "", project_map) or ""
            if not planned.file:
                return None
    return steps, steps[0].new_name or steps[0].symbol  # after a rename, "it" is the new name


_CONSTANTS = frozenset("[] {} () None True False null undefined true false nil".split())


def _literal(value: str) -> bool:
    """A number, a quoted string or a constant, written the same in every caller."""
    whole, dot, fraction = value.removeprefix("-").partition(".")
    if whole.isdigit() and (fraction.isdigit() or not dot):
        return True
    quoted = len(value) > 1 and value[0] == value[-1] and value[0] in "'\""
    return value in _CONSTANTS or (quoted and not any(c in value[1:-1] for c in (value[0], "\\", "\n")))


def _passed_text(clause: str) -> str | None:
    """What the clause says callers pass: "pass VALUE from every caller", "callers should pass VALUE"."""
    words = tag(clause)
    lower = [w.text.lower() for w in words]
    for i, word in enumerate(lower):
        if word not in ("pass", "passes", "passing"):
            continue
        for j in range(i + 1, len(words) - 1):
            if lower[j] in ("from", "in", "at", "to") and lower[j + 1] in ("every", "all", "each", "its", "the"):
                end = words[j - 1].start if j - 1 > i and lower[j - 1] in ("in", "through", "along") else words[j].start
                if value := clause[words[i].end : end].strip():
                    return value
    for i, word in enumerate(lower):
        before = [w for w in lower[max(0, i - 2) : i] if w not in ("should", "must")]
        if word in ("pass", "passes") and before and before[-1] in ("caller", "callers"):
            return clause[words[i].end :].strip().rstrip(".!").strip() or None
    return None


def passed_value(clause: str, project_map: ProjectMap) -> tuple[str, str | None] | None:
    """(the value a request says every caller passes, the caller's local it needs or None),
    when it is plain enough to write without the model: `[]`, `0`, `'web'`, `None`, a name the
    workspace defines (`DAILY_RATE`), or a caller's own variable ("the ticket" → `ticket`,
    "the invoice's currency" → `invoice.currency`, used only where the caller has it)."""
    if (value := _passed_text(clause)) is None:
        return None
    value = value.strip("`")
    if _literal(value):
        return value, None
    if (
        value.isidentifier()
        and value.lower() not in _NOT_NAMES
        and any(s.container is None and s.kind not in _CALLABLE for s in project_map.find(value))
    ):
        return value, None
    # "the ticket", "the invoice's currency": a variable of the caller (and one of its fields);
    # whether the caller has it is checked there.
    parts = value.split()
    parts = parts[1:] if parts and parts[0].lower() == "the" else parts
    name, member = (
        (parts[0].removesuffix("'s"), parts[1])
        if len(parts) == 2 and parts[0].endswith("'s")
        else ((parts[0], None) if len(parts) == 1 else ("", None))
    )
    if name.isidentifier() and (member is None or member.isidentifier()) and name.lower() not in _NOT_NAMES | _VAGUE:
        return (f"{name}.{member}" if member else name), name
    return None


_VAGUE = frozenset({"value", "values", "same", "right", "correct", "new", "one", "argument", "parameter", "thing"})


def _passed_fields(clause: str, project_map: ProjectMap) -> dict[str, str | None]:
    value, local = passed_value(clause, project_map) or (None, None)
    return {"argument": value, "argument_local": local}


def _signature_target(clause: str, project_map: ProjectMap) -> tuple[str, str | None] | None:
    """(function, file or None) when the clause changes one function's parameters."""
    if looks_like_question(clause):  # "give me the parameters of createUser"
        return None
    words = tag(clause, project_map)
    for pattern in _SIGNATURE:
        if (found := match(pattern, words)) and found["NAME"][0].text.lower() not in _NOT_NAMES:
            return found["NAME"][0].text, found.text("FILE")
    return None


_NOT_NAMES = frozenset({"me", "us", "it", "them", "this", "that", "everything"})
_CALLABLE = frozenset({"function", "method", "class"})  # "pass DAILY_RATE": a value, not code


def _required_file(name: str, project_map: ProjectMap) -> str:
    """The one file that defines `name` the request names as the function to change, or
    Refused: a missing or ambiguous name is the user's to settle, not the model's to guess."""
    return project_map.require_symbol(name, None).path


def _defining_file(name: str, project_map: ProjectMap) -> str | None:
    """The one file that defines `name`, or None (unknown or ambiguous: the validator says so)."""
    files = {symbol.path for symbol in project_map.find(name)}
    return files.pop() if len(files) == 1 else None


def leaves_out(plan: Plan, text: str, project_map: ProjectMap) -> list[str]:
    """What a single-action plan does not cover of a request in several parts (sentences,
    "; ", "and", "then"): the files and symbols the request names outside the plan's targets."""
    parts = clauses(text.rstrip(" .!?"), project_map)
    if plan.intent in (Intent.QUESTION, Intent.UNDO, Intent.REPEAT, Intent.TASK) or len(parts) < 2:
        return []
    if parts[0].commands and sum(part.commands for part in parts) < 2:
        return []  # one command and the words that describe it ("add f to a.py: free when g(x) < 150")
    covered_symbols = {t.symbol for t in plan.targets if t.symbol} | {plan.new_name or ""}
    covered_files = {t.file for t in plan.targets if t.file}
    for name in covered_symbols:
        covered_files |= {s.path for s in project_map.find(name)}
    words = tag(text, project_map)
    named_files = {w.text.split(":")[0] for w in words if w.tag is Tag.FILE}  # `a.js:12` names a.js
    missing = sorted(f for f in named_files if f not in covered_files)
    missing += [f"`{name}`" for name in symbols(text, project_map) if name not in covered_symbols]
    return missing


# -- the model's task list -------------------------------------------------------------------


class ModelStep(BaseModel):
    id: int
    action: StepAction
    file: str
    symbol: str | None = None
    new_name: str | None = None
    to_file: str | None = None
    what: str = ""
    after: list[int] = Field(default_factory=list)


class ModelTask(BaseModel):
    """The reply schema for a task list: one step per file and thing to do."""

    steps: list[ModelStep] = Field(min_length=1)


_TASK_EXAMPLE = ModelTask(
    steps=[
        ModelStep(id=1, action=StepAction.ADD, file="src/mail.js", what="add sendWelcome(user) that mails the user"),
        ModelStep(
            id=2,
            action=StepAction.EDIT,
            file="src/signup.js",
            symbol="register",
            what="call sendWelcome(user)",
            after=[1],
        ),
    ]
)


def task_prompt() -> str:
    actions = "\n".join(f'- "{action.value}": {meaning}' for action, (meaning, _) in STEPS.items())
    return f"""You split a developer's request into steps. Reply with JSON only: {{"steps": [...]}}.
Each step changes ONE file. Fields: id (1, 2, …), action, file (a path from the list, or a new
path for "create"), symbol (the function/class, exactly as written, or null), new_name (rename
only), to_file (move only), what (this step's task in a few words), after (ids of steps that
must be done first). Actions:
{actions}
Example — request: add a sendWelcome(user) helper to src/mail.js and call it from register
{_TASK_EXAMPLE.model_dump_json(exclude_defaults=True)}"""


def task_messages(request: str, project_map: ProjectMap, problems: str | None = None) -> list[dict[str, str]]:
    listing = []
    for path in project_map.files()[:60]:
        names = [s.qualified_name for s in project_map.symbols(path)][:15]
        listing.append(f"{path}: {', '.join(names)}" if names else path)
    content = "Files and what they define:\n" + "\n".join(listing) + f"\nRequest: {request}"
    if problems:
        content += f"\n(A first answer had these problems: {problems})"
    return [{"role": "system", "content": task_prompt()}, {"role": "user", "content": content}]


def plan_from_model_task(reply: ModelTask, instruction: str) -> Plan:
    steps = [
        Step(**step.model_dump(), intent=edit_intent(step.what) if step.action is StepAction.EDIT else None)
        for step in reply.steps
    ]
    return Plan(
        intent=Intent.TASK, symbol=_first_symbol(steps), steps=steps, instruction=instruction, decided_by="model"
    )
