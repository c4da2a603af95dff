"""Request → Plan. The wording is normalized (politeness, member phrasing), then the rules
decide when the words settle it, then the names the map defines; otherwise the model's
validated JSON plan, corrected by the rules and the map."""

from __future__ import annotations

from pathlib import PurePosixPath

from outrigger.config import TaskSettings
from outrigger.errors import Refused
from outrigger.guards.stats import RepairStats
from outrigger.guards.structured import ChatModel, structured_reply
from outrigger.guards.switches import Guards
from outrigger.plan import Intent, Plan, Question, StepAction
from outrigger.planner.constrained import plan_schema, task_schema
from outrigger.planner.grammar import SLOTS
from outrigger.planner.model_plan import (
    PLAN,
    TASK,
    ModelPlan,
    ModelTask,
    merge_model_plan,
    oriented,
    plan_from_model_task,
    prompt_for,
)
from outrigger.planner.named import contradicts_rename
from outrigger.planner.plan_check import nonsense, without_repeats
from outrigger.planner.questions import question_kind
from outrigger.planner.rules import named_symbol
from outrigger.planner.spared import refuse_spared, spared
from outrigger.planner.tasks import leaves_out, plan_by_rules
from outrigger.planner.wording import normalize
from outrigger.planner.words import (
    Clause,
    Reading,
    Tag,
    Word,
    clause_opens,
    commands,
    names_in,
    read,
    tag,
    with_subject,
    within,
)
from outrigger.workspace.index import ProjectMap
from outrigger.workspace.languages import language_for
from outrigger.workspace.one_symbol import mentions_tests
from outrigger.workspace.symbols import Symbol

# A plan is a short object (an intent, a name or two, a file): a reply this long is a
# small model looping, and each token costs ~0.1 s on a 2-core CPU.
PLAN_TOKENS = 256
# The most of a request the rules read. Their patterns cost O(n²) on repetitive text ("add add
# add …"), and an instruction they can settle is a sentence or two; a longer one is the model's
# to plan (it reads it whole), and only its first part is read to check the model's plan.
MAX_RULE_CHARS = 500


async def make_plan(
    request: str,
    *,
    project_map: ProjectMap,
    model: ChatModel,
    guards: Guards,
    stats: RepairStats,
    cursor: Symbol | None = None,
    path: str | None = None,
    max_steps: int = TaskSettings().max_steps,
) -> Plan:
    """The plan for a request; never one that changes a symbol the request says to leave alone."""
    head = _module_paths_as_files(request[:MAX_RULE_CHARS], project_map)
    written = normalize(head, known=lambda name: bool(project_map.find(name)))
    # "don't change X, only fix Y": X is no word for the rules, and no plan may change it
    text, names = spared(written, project_map)
    plan = await _plan(request, text, project_map, model, guards, stats, cursor, path, max_steps)
    return refuse_spared(plan, names)


async def _plan(
    request: str,
    text: str,
    project_map: ProjectMap,
    model: ChatModel,
    guards: Guards,
    stats: RepairStats,
    cursor: Symbol | None,
    path: str | None,
    max_steps: int,
) -> Plan:
    cursor_name = cursor.qualified_name if cursor else None
    cursor_file = cursor.path if cursor else path
    routing = guards.question_routing
    instruction = request.strip()
    head = request[:MAX_RULE_CHARS]
    reading = read(text, project_map)
    if routing:
        _never_half_done(reading)
    if routing and len(request) <= MAX_RULE_CHARS:
        reading, question = _one_kind(reading, project_map)
        text = reading.text
        if question is not None:
            # Asked and changed: the change planned as a request of its own, the question answered first.
            asked = Plan(intent=Intent.QUESTION, symbol=cursor_name, file=cursor_file, instruction=question)
            change = await make_plan(
                text, project_map=project_map, model=model, guards=guards, stats=stats, cursor=cursor, path=path,
                max_steps=max_steps,
            )  # fmt: skip
            asked = _with_question(_files_named(asked, project_map, path), read(question, project_map), project_map)
            return change.model_copy(update={"asked": asked, "instruction": instruction})
        decided = plan_by_rules(reading, project_map, cursor_name, cursor_file)
        if (decided is None and len(commands(reading)) > 1) or (
            decided is not None and decided.intent is not Intent.TASK and sum(c.commands for c in reading.clauses) > 1
        ):
            # All or nothing: several things to do, and the rules cannot settle one of them or
            # read one action from them ("rename X to Y. then undo it"): never carry out only a part.
            return await _model_task(request, project_map, model, guards, stats, max_steps)
        if decided is not None:
            return _settled(decided, reading, project_map, cursor, path).model_copy(update={"instruction": instruction})

    messages = prompt_for(PLAN, request, project_map, cursor_name)
    narrowed = plan_schema(f"{text} {head}", project_map, cursor_name)  # `Repo.save` as the rules wrote it, too

    async def planned(conversation: list[dict]) -> tuple[ModelPlan, Plan]:
        reply = await structured_reply(
            model,
            conversation,
            ModelPlan,
            stats,
            schema_name="plan",
            repair=guards.json_repair,
            max_tokens=PLAN_TOKENS,
            json_schema=narrowed,
        )
        # the words as the rules read them: "can you add …" commands, it does not ask
        merged = merge_model_plan(text, reply, cursor_symbol=cursor_name, cursor_file=cursor_file, routing=routing)
        return reply, oriented(merged, project_map)

    reply, plan = await planned(messages)
    if routing and (why := contradicts_rename(text, plan, project_map)):
        # Once, with the contradiction stated: small models call "give X the name Y" an edit,
        # and "X should return Y" a rename of X to X.
        retry = [*messages, {"role": "assistant", "content": reply.model_dump_json()}, {"role": "user", "content": why}]
        reply, plan = await planned(retry)
    plan = _settled(plan, reading, project_map, cursor, path).model_copy(update={"instruction": instruction})
    if missing := leaves_out(plan, reading, project_map):
        # A request with several steps is never carried out as one of them.
        return await _model_task(
            request, project_map, model, guards, stats, max_steps, f"it must also cover {', '.join(missing)}"
        )
    return plan


async def _model_task(
    request: str,
    project_map: ProjectMap,
    model: ChatModel,
    guards: Guards,
    stats: RepairStats,
    max_steps: int,
    problems: str | None = None,
) -> Plan:
    """The model's task list, checked for sense as a whole before any step runs: sent back once
    with its problems quoted, then refused."""
    messages = prompt_for(TASK, request, project_map, problems=problems)
    for attempt in range(2):
        reply = await structured_reply(
            model,
            messages,
            ModelTask,
            stats,
            schema_name="task list",
            repair=guards.json_repair,
            json_schema=task_schema(request[:MAX_RULE_CHARS], project_map, max_steps),
        )
        plan = _files_named(plan_from_model_task(reply, request.strip()), project_map, None)
        if not guards.plan_sense:
            return plan
        plan.steps = without_repeats(plan.steps)
        found = nonsense(plan.steps, request, project_map, max_steps)
        if not found:
            return plan
        if attempt == 0:
            retry = f"That plan cannot be right: {'; '.join(found)}. Reply with a corrected task list that does only what the request asks."
            messages = [
                *messages,
                {"role": "assistant", "content": reply.model_dump_json()},
                {"role": "user", "content": retry},
            ]
    raise Refused(
        f"The model's plan for this request does not make sense ({'; '.join(found)}), twice; nothing was run. "
        "Ask for one thing at a time, naming the function and the file."
    )


# Words that make a change depend on something Outrigger would have to check first.
_CONDITIONS = ("only if", "unless", "in case", "provided", "if so", "if not", "as long as")
# What a removal checks itself: "delete X if nothing uses it" is what a removal does.
_USE_WORDS = frozenset("use uses used unused call calls called import imports imported need needs needed".split())
_MAP_QUESTIONS = frozenset(Question) - {Question.EXPLAIN}
_COMPARING = frozenset("between compare comparing versus vs difference differences".split())  # one question of two


def _never_half_done(reading: Reading) -> None:
    """Refuse, saying why, a request the planner would carry out only in part: a change under
    a condition ("add a docstring to X unless it has one", "if X is slow, rewrite it"), several
    questions when one of them is a fact from the map ("where is X defined and what does it
    return?"), or one question about a list of symbols ("explain A, B and C")."""
    words = reading.words
    lower = " ".join(w.text.lower() for w in words)
    verbs = [w.kind for w in words if w.tag is Tag.VERB and w.kind is not Intent.QUESTION]
    # "if X is slow, rewrite it": an "if" opening a clause about the code (it names a symbol or a
    # file) before a command; "if possible, document X" is a courtesy.
    opens_with_if = [i for i, w in enumerate(words) if w.text.lower() == "if" and clause_opens(words, i)]
    about_code = [
        i
        for i in opens_with_if
        if any(w.tag in (Tag.SYMBOL, Tag.FILE) for w in _until_break(words[i + 1 :]))
        and any(w.tag is Tag.VERB for w in words[i + 1 :])
    ]
    condition = next((c for c in _CONDITIONS if f" {c} " in f" {lower} "), None)
    condition = condition or ("if" if about_code or _if_about_the_change(words) else None)
    removing = verbs and all(kind in (StepAction.REMOVE, StepAction.DELETE) for kind in verbs)
    if condition and verbs and not (removing and _USE_WORDS & set(lower.split())):
        raise Refused(
            f'The change is asked under a condition ("{condition} …"), which Outrigger does not check before '
            "changing code; nothing was done. Ask about the condition first, then ask for the change."
        )
    asked: list[str] = []
    for part in reading.clauses:
        if not part.asks:
            continue
        words = part.words
        starts = [i for i, w in enumerate(words) if w.tag is Tag.ASK and (i == 0 or words[i - 1].tag is Tag.JOIN)]
        asked += [part.text[words[i].start - words[0].start :] for i in starts] or [part.text]
        listed = [
            w
            for i, w in enumerate(part.words[2:], 2)
            if w.tag is Tag.SYMBOL and part.words[i - 1].tag is Tag.JOIN and part.words[i - 2].tag is Tag.SYMBOL
        ]
        if listed and not _COMPARING & {w.text.lower() for w in part.words}:
            raise Refused(
                f'The question is about several symbols at once ("{part.text}"); an answer covers one. '
                "Ask about each on its own."
            )
    kinds = {question_kind(question, names_a_symbol=True, names_a_file=False) for question in asked}
    if len(asked) > 1 and kinds & _MAP_QUESTIONS:
        raise Refused(
            f"The request asks several questions ({'; '.join(asked)}); answering one would leave the others "
            "unanswered, so nothing was answered. Ask them one at a time."
        )


# What an "if" asks of a doc, hints or a name before they are made ("if it has none", "if it is
# not documented yet", "if nothing uses that name"), unlike the behaviour a fix describes
# ("fix X so it returns 0 if the list is empty") or a doc's content ("… raises if it fails").
_STATES = _USE_WORDS | frozenset(
    """has have hasn't haven't doesn't already yet documented undocumented typed untyped annotated unannotated
    missing lacks lacking exists exist free taken""".split()
)


def _if_about_the_change(words: list[Word]) -> bool:
    """Whether an "if", anywhere, asks about the state of the doc, hints or name the request makes."""
    makes = any(SLOTS["DOC"](w) or SLOTS["TYPES"](w) or (w.tag is Tag.VERB and w.kind is Intent.RENAME) for w in words)
    for index, word in enumerate(words if makes else []):
        if word.text.lower() == "if":
            clause = _until_break(words[index + 1 :])
            if {w.text.lower() for w in clause} & _STATES or any(SLOTS["DOC"](w) for w in clause):
                return True
    return False


def _until_break(words: list[Word]) -> list[Word]:
    """The words up to the first join or break: the rest of one clause."""
    return next((words[:i] for i, w in enumerate(words) if w.tag in (Tag.JOIN, Tag.BREAK)), words)


# "find the bug in X and fix it": looking for something is the first half of changing it.
_SEEKING = frozenset({"find", "search", "locate", "look"})


def _one_kind(reading: Reading, project_map: ProjectMap) -> tuple[Reading, str | None]:
    """The change to plan and the question asked with it, if any. "explain X and fix it" is
    both: the answer, then the fix of X, in one result. "find the bug in X and fix it" is the
    fix of X. Anything else beside them ("is X used? if not, remove it": a condition on the
    answer) is refused, naming both parts: never half done."""
    parts = reading.clauses
    asked = [part for part in parts if part.asks]
    changes = [part for part in parts if part.commands and part not in asked]
    asked = [part for part in asked if not _disbelief(part)] if changes else asked
    if not (asked and changes):
        return reading, None
    seeking = [part for part in asked if part.words[0].text.lower() in _SEEKING]
    named = [name for part in asked for name in names_in(part.words)]
    change = within(reading, changes[0].words[0].start, around="")
    if seeking == asked and asked[-1].words[0].start < changes[0].words[0].start and len(set(named)) == 1:
        return read(with_subject(change, named[0]), project_map), None
    if len(asked) == 1 and len(asked) + len(changes) == len(parts) and not seeking:
        changed = read(" ".join(part.text for part in changes), project_map)
        # "fix X and tell me why it broke"
        before = names_in([w for w in reading.words if w.end <= asked[0].words[0].start])
        asking = within(reading, asked[0].words[0].start, asked[0].words[-1].end, around="")
        question = with_subject(asking, before[-1]) if before else asking.text
        return (read(with_subject(changed, named[-1]), project_map) if named else changed), question
    raise Refused(
        f'The request both asks a question ("{asked[0].text}") and asks for a change ("{changes[0].text}"); '
        "nothing was done. Ask them one at a time, so the answer cannot turn into an edit or the change "
        "be left undone."
    )


def _disbelief(part: Clause) -> bool:
    """ "_isbool returns True for "yes"?? fix it": a statement with a "?" and no question word or
    verb of telling first is said in disbelief, the reason for the change beside it."""
    return not (part.first and part.first.tag is Tag.ASK) and part.verb is not Intent.QUESTION


def _settled(plan: Plan, reading: Reading, project_map: ProjectMap, cursor: Symbol | None, path: str | None) -> Plan:
    """The plan's targets where the request, the cursor and the map put them."""
    located = _files_named(_located(plan, reading.words, cursor), project_map, path)
    return _one_symbol(_with_question(located, reading, project_map), reading.text, project_map)


def _located(plan: Plan, words: list[Word], cursor: Symbol | None) -> Plan:
    """`store.py:12` pins a target to a line; the cursor pins a bare name to the symbol it is on
    (`save` with the cursor in `Repo.save`)."""
    lines = {
        path: int(line)
        for word in words
        if word.tag is Tag.FILE and ":" in word.text
        for path, line in [word.text.split(":", 1)]
    }
    updates: dict[str, object] = {}
    if plan.file in lines:
        updates["line"] = lines[plan.file]
    elif cursor and plan.symbol == cursor.name and plan.file in (None, cursor.path):
        updates.update(symbol=cursor.qualified_name, file=cursor.path)
    also = [
        target.model_copy(update={"line": lines[target.file]}) if target.file in lines else target
        for target in plan.also
    ]
    return plan.model_copy(update={**updates, "also": also})


def _files_named(plan: Plan, project_map: ProjectMap, near: str | None) -> Plan:
    """Files as the request (or the model) named them — `cart.py`, `shop.cart`, a path from
    the open file's folder — replaced by the workspace paths they mean; a name two files fit
    is refused with both, one nothing fits is left for the map guard's refusal."""

    def named(file: str | None) -> str | None:
        return project_map.file_named(file, near) if file else file

    if plan.file and not project_map.workspace.exists(plan.file) and project_map.find(plan.file):
        # The model's plan put a symbol (`Cache.Len`) where the file goes: it names the symbol.
        if plan.symbol in (None, plan.file, plan.file.rpartition(".")[2]):
            plan = plan.model_copy(update={"symbol": plan.file, "file": None})
    also = [target.model_copy(update={"file": named(target.file)}) for target in plan.also]
    steps = [
        step
        if step.action is StepAction.CREATE
        else step.model_copy(update={"file": named(step.file), "to_file": named(step.to_file)})
        for step in plan.steps
    ]
    return plan.model_copy(update={"file": named(plan.file), "also": also, "steps": steps})


def _module_paths_as_files(request: str, project_map: ProjectMap) -> str:
    """ "in shop.cart" → "in shop/cart.py": a dotted module path the workspace has as a file
    (never a name it defines, `Cart.total`), so the rules read it as the file it is."""
    out, done = [], 0
    for word in tag(request):
        dotted = word.text
        if "." not in dotted or word.tag is Tag.FILE or request[word.end : word.end + 1] in ("/", "(", "-"):
            continue
        if not dotted.replace(".", "_").isidentifier() or project_map.find(dotted) or language_for(dotted):
            continue
        try:
            path = project_map.file_named(dotted)
        except Refused:
            continue
        if project_map.workspace.exists(path):
            out += [request[done : word.start], path]
            done = word.end
    return "".join([*out, request[done:]])


def _one_symbol(plan: Plan, text: str, project_map: ProjectMap) -> Plan:
    """A name defined in several places that are one symbol (an implementation, its stub, its
    re-exports, the tests' own helper of that name): the plan takes the implementation and
    says so. Rival implementations stay unpinned, for the map guard to ask which."""
    explained = plan.question in (None, Question.EXPLAIN)  # a "where" question lists every definition
    if plan.symbol is None or plan.file is not None or plan.intent is Intent.TASK or not explained:
        return plan
    found = project_map.find(plan.symbol)
    if len({s.path for s in found}) < 2:
        return plan
    group = project_map.one_symbol(plan.symbol, tests=mentions_tests(text))
    if group is None:
        return plan
    return plan.model_copy(update={"file": group.main.path, "taken": group.note() or None})


def _with_question(plan: Plan, reading: Reading, project_map: ProjectMap) -> Plan:
    """A question plan says what it asks and about which symbol the map knows."""
    if plan.intent is not Intent.QUESTION:
        return plan
    text, words = reading.text, reading.words
    written = named_symbol(reading)
    named = names_in(words) or ([written] if written else [])
    symbol = named[0] if named else plan.symbol  # else the cursor's
    file = plan.file or _module_named(words, project_map)
    # "which function says what is missing?" with a `missing` in the map: a plain English word
    # does not turn a search into a question about that symbol; code written as code does.
    as_code = {word.text for word in words if word.code} | {written}
    kind = question_kind(text, names_a_symbol=bool(as_code & set(named)), names_a_file=file is not None)
    if kind is Question.WHERE and symbol is None and file is None and not _names_a_definition(words):
        kind = Question.CATALOGUE  # "where's the greenhouse watered": a search of the workspace, by meaning
    if kind is Question.CATALOGUE:
        symbol = None
    return plan.model_copy(update={"symbol": symbol, "file": file, "question": kind})


_DEFINING = frozenset("defined declared implemented live lives".split())


def _names_a_definition(words: list[Word]) -> bool:
    """ "where is jSmsIj1 defined?", "where does `j` live": the place of one name, which the map
    answers (or says it does not define), not a search."""
    return any(word.code or word.text.lower() in _DEFINING for word in words)


_MODULE_WORDS = frozenset({"module", "file", "script", "package", "source"})


def _module_named(words: list[Word], project_map: ProjectMap) -> str | None:
    """The one file "the shop module" / "the `report` file" means: its name without the
    extension (or its folder's, for a package's `__init__` / `index`)."""
    for before, word in zip(words, words[1:], strict=False):
        if word.text.lower() not in _MODULE_WORDS:
            continue
        name = before.text.lower()
        matches = [
            path
            for path in project_map.files()
            if PurePosixPath(path).stem.lower() == name
            or (PurePosixPath(path).stem in ("__init__", "index") and PurePosixPath(path).parent.name.lower() == name)
        ]
        if len(matches) == 1:
            return matches[0]
    return None
