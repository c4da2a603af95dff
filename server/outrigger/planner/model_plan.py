"""The model's side of planning: the schemas it fills in when the rules cannot decide (one action,
or a task list of steps), the prompts that ask for them (generated from the intents table),
and the corrections the planner applies to what comes back."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

from outrigger.errors import Refused
from outrigger.plan import Intent, Plan, Step, StepAction
from outrigger.planner.grammar import SLOTS
from outrigger.planner.intents import CHOICES, INTENTS, STEPS, VERBS
from outrigger.planner.rules import asked_name, edit_intent, looks_like_question, mentions, named_file
from outrigger.planner.words import Tag, clause_opens, read, symbols, tag, verb_of
from outrigger.workspace.index import ProjectMap


def _only_choices(schema: dict[str, Any]) -> None:
    schema["properties"]["intent"] = {"enum": [intent.value for intent in CHOICES], "type": "string"}


class ModelPlan(BaseModel):
    """The reply schema the model fills in when the rules cannot decide."""

    model_config = ConfigDict(json_schema_extra=_only_choices)

    intent: Intent
    symbol: str | None = None
    file: str | None = None
    new_name: str | None = None

    @field_validator("intent")
    @classmethod
    def _a_choice(cls, intent: Intent) -> Intent:
        if intent not in CHOICES:
            raise ValueError(f"intent must be one of {', '.join(CHOICES)}")
        return intent


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


_PLAN_TOLD = f"""You classify a developer's request about their code. Reply with JSON only.
Fields: intent, one of:
{chr(10).join(f'- "{intent.value}": {meaning}' for intent, meaning in CHOICES.items())}
symbol: the function/class name the request is about, exactly as written, or null;
file: the file path the request names, or null; new_name: for rename only, else null.
If the request asks anything (how, what, where, why, explain, count), intent is "question"."""

_TASK_TOLD = f"""You split a developer's request into steps. Reply with JSON only: {{"steps": [...]}}.
Each step changes ONE file. Fields: id (1, 2, …), action, file (a path from the list, or a new
path for "create"), symbol (the function/class, exactly as written, or null), new_name (rename
only), to_file (move only), what (this step's task in a few words), after (ids of steps that
must be done first). Actions:
{chr(10).join(f'- "{action.value}": {row.meaning}' for action, row in STEPS.items())}"""

Kind = Intent | StepAction


def _step_of(kind: Kind) -> Kind | None:
    """The step of a task that does what an intent's verb asks ("document" → edit)."""
    if isinstance(kind, StepAction) or kind in (Intent.ADD, Intent.RENAME):
        return StepAction(kind.value)
    return StepAction.EDIT if kind.edits_symbols else None


@dataclass(frozen=True)
class Form:
    """A reply the model fills in: what it is told (the same for every request, so the server's
    prompt cache keeps it), and the table rows whose worked examples a request's words choose."""

    told: str
    examples: dict[Kind, tuple[tuple[str, str], ...]]  # (request, reply as JSON)
    schema: type[BaseModel]
    row_of: Callable[[Kind], Kind | None] = lambda kind: kind
    most: int = 3  # examples a prompt carries: each is read on every request, uncached


PLAN = Form(_PLAN_TOLD, {intent: row.examples for intent, row in INTENTS.items() if row.examples}, ModelPlan)
TASK = Form(_TASK_TOLD, {action: row.examples for action, row in STEPS.items() if row.examples}, ModelTask, _step_of, 2)

_NOT_ASKING = frozenset("can could would will should do".split())  # "can you add …", "do the same"


def asked_for(request: str) -> list[Kind]:
    """What the request's words ask for, the surest first: a doc or type-hint word ("add a doc
    comment" is a docstring, not new code), a verb that opens a clause, a question word that
    does, then a verb in any form anywhere ("needs to be documented", "it is used by")."""
    words = tag(request)
    found: list[tuple[int, int, Kind | None]] = []  # (how sure, where, what)
    for index, word in enumerate(words):
        lower = word.text.lower()
        if word.code:
            continue  # `document` names code
        if SLOTS["DOC"](word) or SLOTS["TYPES"](word):
            found.append((0, index, Intent.DOCSTRING if SLOTS["DOC"](word) else Intent.TYPE_HINTS))
        elif word.tag is Tag.VERB:
            found.append((1, index, word.kind))
        elif word.tag is Tag.ASK and lower not in _NOT_ASKING and clause_opens(words, index):
            found.append((2, index, Intent.QUESTION))
        elif verb := verb_of(lower) or verb_of(lower, "ed"):
            found.append((3, index, VERBS[verb]))
    return [kind for kind in dict.fromkeys(kind for *_, kind in sorted(found)) if kind is not None]


def worked_examples(form: Form, request: str) -> list[tuple[str, str]]:
    """The examples of the rows the request's words ask for, the first-asked first; with no
    such word, the first example of each row."""
    rows = [row for kind in asked_for(request) if (row := form.row_of(kind)) in form.examples]
    chosen = [example for row in dict.fromkeys(rows) for example in form.examples[row]]
    return (chosen or [examples[0] for examples in form.examples.values()])[: form.most]


def listing(project_map: ProjectMap, request: str) -> tuple[str, str]:
    """The workspace as the model sees it for a plan or a task list: its files (the same for
    every request, so the server's prompt cache keeps them), and where the names the request
    names are defined (a step is in the file that defines its symbol). A listing of every
    file's names made the 0.5B model read plain requests as questions (benchmarks/model_plans.py)."""
    files = f"Files in the workspace: {', '.join(project_map.files()[:60])}."
    named = [
        f"{name} ({', '.join(dict.fromkeys(s.path for s in project_map.find(name)))})"
        for name in symbols(request, project_map)
    ]
    return files, f"Defined in the workspace: {'; '.join(named)}.\n" if named else ""


def prompt_for(
    form: Form, request: str, project_map: ProjectMap, cursor: str | None = None, problems: str | None = None
) -> list[dict[str, str]]:
    """The conversation that asks for a plan or a task list: what the model is told and the
    workspace's files first (the part every request shares), then the worked examples this
    request's words choose, as earlier requests and their replies, then the request."""
    files, defined = listing(project_map, request)
    turns = [{"role": "system", "content": f"{form.told}\n{files}"}]
    for asked, reply in worked_examples(form, request):
        shown = form.schema.model_validate_json(reply).model_dump_json(exclude_defaults=True)
        turns += [{"role": "user", "content": f"Request: {asked}"}, {"role": "assistant", "content": shown}]
    at = f"The cursor is on `{cursor}`.\n" if cursor else ""
    also = f"\n(A first answer had these problems: {problems})" if problems else ""
    return [*turns, {"role": "user", "content": f"{defined}{at}Request: {request}{also}"}]


# Words of taking back a change: the model's "undo" needs one of them in the request.
_TAKING_BACK = frozenset(
    "undo undone revert reverse back restore scrap discard cancel rollback roll previous before".split()
)


def merge_model_plan(
    request: str, reply: ModelPlan, *, cursor_symbol: str | None, cursor_file: str | None, routing: bool = True
) -> Plan:
    """The model's plan as a Plan. A request worded as a question stays read-only (unless
    question routing is switched off, which only the benchmark does), and the kind of edit
    follows the request's words where they say it ("add a comment to …" is a docstring)."""
    intent = Intent.QUESTION if routing and looks_like_question(request) else reply.intent
    if intent is Intent.UNDO and routing and not _TAKING_BACK & set(re.findall(r"[a-z]+", request.lower())):
        raise Refused(
            "The model read this request as undoing the last change, but none of its words says so; "
            'nothing was changed. Say "undo" if that is what you want, or name what should change.'
        )
    if intent is Intent.UNDO:
        return Plan(intent=intent, instruction=request.strip(), decided_by="model")
    if routing and intent is Intent.QUESTION and _states_behaviour(request, reply.symbol):
        intent = Intent.FIX
    if intent.edits_symbols and routing:
        worded = edit_intent(request)
        intent = worded if worded is not Intent.REWRITE else intent
    # A file the user never mentioned is the model's guess (it says "auth.js" for
    # src/auth.js); drop it and let the map locate the symbol.
    file = reply.file if reply.file and mentions(request, reply.file) else None
    written = named_file(request)
    if file and written and written.endswith("/" + file.lstrip("./")):
        file = written  # the model shortened the path the user wrote ("playlist.js" for src/playlist.js)
    symbol = reply.symbol or cursor_symbol
    if intent is Intent.ADD:  # the name new code must define: only one the user wrote
        symbol = asked_name(read(request))
    return Plan(
        intent=intent,
        symbol=symbol,
        file=file or (cursor_file if not reply.symbol else None),
        new_name=reply.new_name if intent is Intent.RENAME else None,
        instruction=request.strip(),
        decided_by="model",
    )


def plan_from_model_task(reply: ModelTask, instruction: str) -> Plan:
    steps = [
        Step(**step.model_dump(), intent=edit_intent(step.what) if step.action is StepAction.EDIT else None)
        for step in reply.steps
    ]
    symbol = next((step.symbol for step in steps if step.symbol), None)
    return Plan(intent=Intent.TASK, symbol=symbol, steps=steps, instruction=instruction, decided_by="model")


_NOT_A_VERB = frozenset("and or vs versus with in of from for on to at by".split())
_TELLING = frozenset("explain describe tell summarize summarise understand know wonder".split())


def _states_behaviour(request: str, symbol: str | None) -> bool:
    """ "Cache.Len reports one item fewer than the cache holds": a sentence whose subject is the
    symbol, worded as neither a question nor a request to be told, reports what it does wrong.
    Answering it would change nothing, so the model's "question" for it is a fix."""
    words = request.strip().replace("`", "").split()
    if not symbol or len(words) < 3 or looks_like_question(request):
        return False
    if _TELLING & {word.lower().strip(",.;:!?") for word in words}:
        return False
    at = 1 if words[0].lower() in ("the", "my", "our") and len(words) > 3 else 0
    subject, following = words[at], words[at + 1].lower()
    if subject.endswith((",", ":", ";")) or not following.isalpha() or following in _NOT_A_VERB:
        return False  # "Cache.Len and its tests", "parse_amount, explain it"
    return subject.rstrip("()") in (symbol, symbol.rpartition(".")[2]) or subject.startswith(symbol + "(")


def oriented(plan: Plan, project_map: ProjectMap) -> Plan:
    """Put a model's rename plan the right way round, using only names the user wrote.

    Small models swap old and new name ("give X the name Y" → symbol Y), or give only the
    new one. When the model's "old" name is not defined but the request names exactly one
    defined symbol, that symbol is the old name and the model's name the new one."""
    if plan.intent is not Intent.RENAME or plan.decided_by != "model" or not plan.symbol:
        return plan
    if project_map.find(plan.symbol):
        return plan
    if plan.new_name and project_map.find(plan.new_name):
        return plan.model_copy(update={"symbol": plan.new_name, "new_name": plan.symbol})
    words = set(re.findall(r"[A-Za-z_$][\w$]*", plan.instruction))
    defined = [word for word in words if project_map.find(word)]
    if len(defined) == 1 and plan.symbol in words:
        return plan.model_copy(update={"symbol": defined[0], "new_name": plan.symbol})
    return plan
