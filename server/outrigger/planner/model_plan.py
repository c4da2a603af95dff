"""The model's side of planning: the schemas it fills in when the rules cannot decide (one action,
or a task list of steps), the prompts that ask for them (generated from the intents table),
and the corrections the planner applies to what comes back."""

from __future__ import annotations

import re
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

from outrigger.errors import Refused
from outrigger.plan import Intent, Plan, Step, StepAction
from outrigger.planner.intents import CHOICES, EXAMPLES, STEPS
from outrigger.planner.rules import asked_name, edit_intent, looks_like_question, mentions, named_file
from outrigger.planner.words import read
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


def _system_prompt() -> str:
    choices = "\n".join(f'- "{intent.value}": {meaning}' for intent, meaning in CHOICES.items())
    examples = "\n".join(f"Request: {request}\n{ModelPlan(**plan).model_dump_json()}" for request, plan in EXAMPLES)
    return f"""You classify a developer's request about their code. Reply with JSON only.
Fields: intent, one of:
{choices}
symbol: the function/class name the request is about, exactly as written, or null;
file: the file path the request names, or null; new_name: for rename only, else null.
If the request asks anything (how, what, where, why, explain, count), intent is "question".

Examples:
{examples}"""


PLAN_SYSTEM_PROMPT = _system_prompt()


def plan_messages(request: str, files: list[str], cursor: str | None) -> list[dict[str, str]]:
    context = f"Files in the workspace: {', '.join(files[:60])}."
    if cursor:
        context += f" The cursor is on `{cursor}`."
    return [
        {"role": "system", "content": PLAN_SYSTEM_PROMPT},
        {"role": "user", "content": f"{context}\nRequest: {request}"},
    ]


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
