"""The planner's pattern table: each row is grammar patterns (grammar.py) over one clause's
tagged words (words.py) and the builder of what they ask for — the steps of a change, or a plan
that is no step (a question, an undo, a repeat). `plan_clause` reads the rows in order and the
first that builds wins; a request of one action is one clause whose steps are one plan
(`as_plan`), a task is its clauses' steps (tasks.py).

Small models misclassify questions as edits (Qwen2.5-Coder-0.5B called "how many lines does
utils.js have" an edit), so the rules decide whenever they can, and a request they read as a
question is a question whatever the model says: that is the question-routing guard.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from outrigger.actions.type_hints import fully_annotated
from outrigger.errors import Refused
from outrigger.plan import Intent, Plan, Step, StepAction, Target
from outrigger.planner.grammar import SLOTS, Found, first, match
from outrigger.planner.intents import INTENTS, VERBS
from outrigger.planner.named import naming, renamed
from outrigger.planner.passed import NOT_NAMES, passed_fields
from outrigger.planner.words import Reading, Tag, Word, names_in, placed, read, statement, subject_of, tag, with_subject
from outrigger.workspace.index import ProjectMap


@dataclass(frozen=True)
class Said(Reading):
    """One clause as the rows read it: with "it" standing for the symbol the clause before was
    about (`subject`), tagged against the map once; as written; and the symbol under the
    cursor (only a request of one clause has one)."""

    written: Reading
    project_map: ProjectMap
    subject: str | None = None
    cursor: str | None = None
    cursor_file: str | None = None


class Steps(list[Step]):
    """One clause's steps, and what "it" means in the clause after them."""

    def __init__(self, steps: list[Step], about: str | None) -> None:
        super().__init__(steps)
        self.about = about


Built = Plan | Steps | None


@dataclass(frozen=True)
class Rule:
    patterns: tuple[str, ...]
    build: Callable[[Found, Said], Built]  # None: the words fit, but not this meaning; read on


def plan_clause(
    written: Reading,
    project_map: ProjectMap,
    subject: str | None = None,
    cursor: str | None = None,
    cursor_file: str | None = None,
) -> Built:
    """What the first row that fits this clause builds, or None: the rules cannot settle it."""
    text = with_subject(written, subject).strip() if subject else written.text
    reading = written if text == written.text else read(text, project_map)
    said = Said(reading.words, text, reading.clauses, written, project_map, subject, cursor, cursor_file)
    for rule in RULES:
        for pattern in rule.patterns:
            found = match(pattern, said.words)
            if found is not None and (built := rule.build(found, said)) is not None:
                return built
    return None


def as_plan(built: Built) -> Plan | None:
    """The plan of one clause's steps when they are one action (the same edit of several
    symbols is one); None when they are a task's."""
    if not isinstance(built, list):
        return built
    head, *rest = built
    intent = head.intent if head.action is StepAction.EDIT else _PLANNED_AS.get(head.action)
    if intent is None or any((step.action, step.intent) != (head.action, head.intent) for step in rest):
        return None
    if rest and head.action is not StepAction.EDIT:
        return None  # two renames are two new names: a plan has room for one
    also = [Target(symbol=step.symbol or "", file=step.file or None) for step in rest]
    return Plan(intent=intent, symbol=head.symbol, file=head.file or None, new_name=head.new_name, also=also)


_PLANNED_AS = {StepAction.ADD: Intent.ADD, StepAction.RENAME: Intent.RENAME}


def _step(said: Said, action: StepAction, symbol: str | None = None, file: str | None = None, **fields) -> Step:
    """A step as the words say it; a file the words leave out is "" (the map finds it)."""
    return Step(id=1, action=action, file=file or "", symbol=symbol, what=said.text, **fields)


def _steps(*steps: Step) -> Steps:
    """Steps about their first symbol: after a rename, its new name."""
    return Steps(list(steps), steps[0].new_name or steps[0].symbol)


def _edits(said: Said, intent: Intent, targets: list[Target]) -> Steps:
    return _steps(*(_step(said, StepAction.EDIT, t.symbol, t.file, intent=intent) for t in targets))


def required_file(name: str, project_map: ProjectMap) -> str:
    """The one file that defines `name` the request names as the function to change, or
    Refused: a missing or ambiguous name is the user's to settle, not the model's to guess."""
    return project_map.require_symbol(name, None).path


def defining_file(name: str, project_map: ProjectMap) -> str | None:
    """The one file that defines `name`, or None (unknown or ambiguous: the validator says so)."""
    files = {symbol.path for symbol in project_map.find(name)}
    return files.pop() if len(files) == 1 else None


def _targets(found: Found) -> list[Target]:
    """The names a pattern captured, each with the file written after it."""
    targets: list[Target] = []
    for slot, word in found.pairs:
        if slot in ("OLD", "NAME"):
            targets.append(Target(symbol=word.text))
        elif slot == "FILE" and targets:
            targets[-1].file = _path(word)
    return targets


# -- what the words ask ------------------------------------------------------------------------


def looks_like_question(request: str) -> bool:
    """`Reading.question`, for a request the caller has only as text."""
    return read(request).question


_FIXING = frozenset(INTENTS[Intent.FIX].verbs.split())


def edit_intent(request: str | list[Word]) -> Intent:
    """Which kind of symbol edit the words ask for; a rewrite when they say nothing more."""
    words = [w for w in (tag(request) if isinstance(request, str) else request) if not w.quoted]
    said = {w.text.lower() for w in words}
    fixing = bool(said & _FIXING)
    types = any(
        SLOTS["TYPES"](w) and not (w.text.lower() == "types" and i + 1 < len(words) and words[i + 1].text == "of")
        for i, w in enumerate(words)
    ) or (bool(words) and words[0].text.lower() in ("type", "type hint", "type hints"))
    if any(SLOTS["DOC"](w) for w in words) and not fixing and "rewrite" not in said and not types:
        return Intent.DOCSTRING
    if types:
        return Intent.TYPE_HINTS
    return Intent.FIX if fixing else Intent.REWRITE


_ENGLISH = frozenset("a an the that which to for in into with called named returning computing".split())
_NAMING_NEW = frozenset("function class method helper named called".split())


def asked_name(said: Reading) -> str | None:
    """The name an "add …" request asks the new code to have: `slugify`, "a function named
    slugify", "add logout(session) …"."""
    text, words = said.text, said.words
    for index, word in enumerate(words):
        if word.quoted and text[word.start] == "`" and word.text.isidentifier() and word.text.lower() not in _ENGLISH:
            return word.text
        if word.text.lower() in _NAMING_NEW and not word.quoted:
            after = words[index + 1 : index + 3]
            if after and after[0].text.lower() in ("named", "called") and len(after) > 1:
                after = after[1:]
            if after and after[0].text.isidentifier() and after[0].text.lower() not in _ENGLISH:
                return after[0].text
    if found := match("WORD a|an|the? new? function|method|helper? WORD ...", words):  # "add logout(session) …"
        name = found["WORD"][1]
        called = name.text.split("(")[0]
        if called.isidentifier() and ("(" in name.text or text[name.end : name.end + 1] == "("):
            return called
    return None


def _path(word: Word) -> str:
    return word.text.split(":")[0]


def mentions(request: str, path: str) -> bool:
    """Does the request name this path (as the user wrote it)? As a whole file name: `a.py~`
    (an editor's backup named as an example) does not name a.py; `.env` names .env."""
    text, written = request.replace("\\", "/"), path.replace("\\", "/").lstrip("./")
    start = text.find(written)
    while written and start != -1:
        before, after = text[start - 1 : start], text[start + len(written) : start + len(written) + 2]
        whole_before = not (before.isalnum() or before in ("_", "-")) or start == 0
        whole_after = not (after[:1].isalnum() or after[:1] in ("_", "~") or (after[:1] == "." and after[1:].isalnum()))
        if whole_before and whole_after:
            return True
        start = text.find(written, start + 1)
    return False


def named_file(text: str | list[Word]) -> str | None:
    return next((_path(w) for w in (tag(text) if isinstance(text, str) else text) if w.tag is Tag.FILE), None)


def named_symbol(said: Reading) -> str | None:
    """A symbol the request names explicitly: `backticked`, or a call-like `name()`."""
    text, words = said.text, [w for w in said.words if w.quoted]
    backticked = [w for w in words if text[w.start] == "`" and w.text.replace(".", "_").isidentifier()]
    if backticked:
        return backticked[0].text if backticked[0].tag is not Tag.FILE else None
    called = [w for w in words if text[w.start] != "`" and w.text.isidentifier()]
    return called[0].text if called else None


# -- the rows first read: a change across files (moves, new files, removals, a signature and its callers)

_NAME = "the? KIND? NAME"
_MOVE = f"move {_NAME} ( out? of|from FILE )? to|into a|the? new? file|module? FILE2 ..."


def _move(found: Found, said: Said) -> Built:
    name, files = found["NAME"][0].text, [w.text for w in found.get("FILE", [])]
    source = files[0] if files else required_file(name, said.project_map)
    return _steps(_step(said, StepAction.MOVE, name, source, to_file=found["FILE2"][0].text))


def _placed(found: Found, said: Said) -> Built:
    """ "shouldn't X live in a new y.py?": a move asked as where code belongs."""
    if not (where := placed(said.words, said.project_map)):
        return None
    move = _step(said, StepAction.MOVE, where[0], required_file(where[0], said.project_map), to_file=where[1])
    return Steps([move], about=None)


_TESTS_IN = (
    "write|add|create|generate ( a|an|some|few|couple|of|more|unit|pytest )* test|tests for NAME"
    " in|into|to|as ( a new file? )? FILE ..."
)


def _tests_in(found: Found, said: Said) -> Built:
    path = found["FILE"][0].text
    action = StepAction.ADD if said.project_map.workspace.exists(path) else StepAction.CREATE
    return Steps([_step(said, action, None, path)], about=found["NAME"][0].text)


_CREATE = "create|write|add|make|generate a|the? new? test? file|module? FILE ..."


def _create(found: Found, said: Said) -> Built:
    if said.project_map.workspace.exists(path := found["FILE"][0].text):
        return None
    return Steps([_step(said, StepAction.CREATE, None, path)], about=asked_name(said))


_REMOVING = "REMOVING of?"  # a verb of the table's remove or delete rows
# What is said of code nobody needs: "… can go", "… is dead code", "… is no longer used".
_CAN_GO = (
    "( can|should go | can|should be deleted|removed|dropped | is|isn't dead|unused|obsolete"
    " | isn't used|needed | is not|never used|needed | is|isn't no|not|any longer used|needed ) ..."
)
_DELETE = (f"{_REMOVING} the? file|module? FILE ...", f"FILE {_CAN_GO}")  # "src/old/rates.ts can go"
# "remove by_author", "delete the function `legacyTotal` from src/cart.js", "by_author can go".
_REMOVE = (
    f"{_REMOVING} the? unused? function|method|class|helper? NAME function|method|class|helper? ( from|in the? file? FILE )? ...",
    f"NAME ( in|from FILE )? {_CAN_GO}",
)


def _delete(found: Found, said: Said) -> Built:
    return Steps([_step(said, StepAction.DELETE, None, found["FILE"][0].text)], about=None)


def _remove(found: Found, said: Said) -> Built:
    if not said.project_map.find(name := found["NAME"][0].text):
        return None
    file = found.text("FILE") or required_file(name, said.project_map)
    return Steps([_step(said, StepAction.REMOVE, name, file)], about=None)


_CALLERS = (
    "( from|in|at|to|update|fix|adjust every|all|each|its|the? ( caller|callers | call site|sites"
    " | place|places|function|functions|spot|spots that|which call|calls it )"
    " | every|all|each|its caller|callers | everywhere|wherever it|it's is? called )"
)


def _callers_named(said: Said) -> bool:
    """Whether the clause, as written, speaks of the callers ("pass it from every caller")."""
    return bool(first(_CALLERS, said.written.words))


# A change of one function's signature, naming the function: "give createUser a `tags`
# parameter", "add a region parameter to taxRates", "make notify take a `ticket` argument".
_SIGNATURE = (
    f"give|let {_NAME} WORD? WORD? WORD? WORD? PARAMS ...",
    f"add|append|insert WORD? WORD? WORD? WORD? PARAMS to|on {_NAME} ( in|of FILE )? ...",
    f"make {_NAME} take|accept|receive ...",
)


def _signature(found: Found, said: Said) -> Built:
    """The function's new parameters, then its callers when the clause names them."""
    name = found["NAME"][0].text
    if name.lower() in NOT_NAMES or said.question:  # "give me the parameters of createUser"
        return None
    file = found.text("FILE") or required_file(name, said.project_map)
    changed = _step(said, StepAction.EDIT, name, file, intent=Intent.REWRITE)
    if not _callers_named(said):
        return _steps(changed)
    passed = passed_fields(said.written, said.project_map)  # as written: "pass it" passes no value
    return _steps(changed, _step(said, StepAction.EDIT_CALLERS, name, file, **passed))


def _subjects_callers(found: Found, said: Said) -> Built:
    """ "… and pass it from every caller": the callers of what the clause before was about."""
    if not said.subject or not _callers_named(said):
        return None
    if not (file := defining_file(said.subject, said.project_map)):
        return None
    passed = passed_fields(said.written, said.project_map)
    return _steps(_step(said, StepAction.EDIT_CALLERS, said.subject, file, **passed))


# "use it in routes.js": a file, not a caller (NAME2 missing).
_CALL_FROM = (
    "call|use|invoke ( it|them|that | NAME ) from|in|inside|within ( the? KIND? NAME2 ( in|of FILE )? | the? FILE ) ..."
)
# "have handleClose in routes.js call it" says what "call it from handleClose in routes.js" says.
_HAVE_CALL = f"have|make|let {_NAME} ( in|of FILE )? call|use|invoke WORD ..."


def _call_from(found: Found, said: Said) -> Built:
    if "NAME2" not in found:
        return None
    caller = found["NAME2"][0].text
    file = found.text("FILE") or required_file(caller, said.project_map)
    return Steps([_step(said, StepAction.EDIT, caller, file, intent=Intent.REWRITE)], about=said.subject)


def _have_call(found: Found, said: Said) -> Built:
    caller, callee, file = found["NAME"][0].text, found["WORD"][0], found.text("FILE")
    asked = f"call {callee.text} from {caller}{f' in {file}' if file else ''}{said.text[callee.end :]}"
    file = file or required_file(caller, said.project_map)
    step = _step(said, StepAction.EDIT, caller, file, intent=Intent.REWRITE).model_copy(update={"what": asked})
    return Steps([step], about=said.subject)


# -- then the rows of one action on named symbols

# "add a method count() to Shelf", "add a `count` method to the Shelf class", "give Shelf a
# count() method", "Shelf needs a count method": new code that belongs in a class (NEW in NAME).
_NEW_MEMBER = (
    "add|write|create|implement a|an? new? method|member function? called|named? NEW to|in|on|for|inside the? class? NAME ...",
    "add|write|create|implement a|an? new? NEW method to|in|on|for|inside the? class? NAME ...",
    "give the? class? NAME class? a|an new? NEW method ...",
    "give the? class? NAME class? a|an new? method NEW ...",
    "NAME class? needs|should|could have|use? a|an new? NEW method ...",
)
# "give Shelf a new method": words that describe the method rather than name it.
_NOT_A_METHOD_NAME = frozenset(
    "new small simple helper static public private protected another second quick utility class instance async".split()
)


def _new_member(found: Found, said: Said) -> Built:
    """An "add" of a method to one class the map defines: the symbol is "Class.method"."""
    method, owner = found["NEW"][0].text, found["NAME"][0].text
    if method.lower() in _NOT_A_METHOD_NAME:
        return None
    classes = [s for s in said.project_map.find(owner) if s.kind == "class"]
    if len(classes) == 1:
        return _steps(_step(said, StepAction.ADD, f"{owner}.{method}", classes[0].path))
    if not classes and owner[:1].isupper() and not said.project_map.find(owner):
        said.project_map.require_symbol(owner, None)  # "`Library` is not defined …; did you mean `LoanDesk`?"
    return None


# "document every function in shelf/money.py", "add type hints to all the functions of utils.py".
_EVERY_IN_FILE = (
    "every|all|each of? the? public? functions|function|methods|method|symbols|symbol|definitions|definition"
    " in|of|from|inside the? file? FILE"
)
MAX_FILE_TARGETS = 12  # one model call each: a file of more is asked for in parts


def _every_in_file(found: Found, said: Said) -> Built:
    """Doc comments or type hints for every function and method of one file."""
    intent = edit_intent(said.words)
    if intent not in (Intent.DOCSTRING, Intent.TYPE_HINTS):
        return None
    path = said.project_map.require_file(_path(found["FILE"][0]))
    kinds = ("function", "method") if intent is Intent.TYPE_HINTS else ("function", "method", "class")
    symbols = [s for s in said.project_map.symbols(path) if s.kind in kinds]
    if intent is Intent.TYPE_HINTS:  # "every function": the ones that lack annotations
        text = said.project_map.workspace.read(path)
        symbols = [s for s in symbols if not fully_annotated(text, s)]
    if not symbols:
        raise Refused(f"{path} has no function or method that still needs {intent.label}.")
    if len(symbols) > MAX_FILE_TARGETS:
        raise Refused(
            f"{path} has {len(symbols)} functions and methods; Outrigger does at most {MAX_FILE_TARGETS} in one "
            "request (one model call each). Name the ones you want, or ask in parts."
        )
    return _edits(said, intent, [Target(symbol=s.qualified_name, file=path) for s in symbols])


_UNDO = (
    # "undo", "revert my last change", "undo the rename", "roll back what you just did": words
    # that point at the last change (a symbol or file named instead makes it an edit).
    "undo|revert|roll back? ( that|it|this|my|your|the|last|latest|previous|change|changes|edit|edits|rename|fix"
    "|docstring|type|hints|step|what|you|just|did )* END"
)
_TARGET = "the? KIND? OLD IN_FILE?"  # any identifier: the map confirms it
# What a follow-up may say around its target: "and the same for X", "same for X too".
_AGAIN, _TOO = "( and|now|also|then )", "too|also? ( as well )?"
_REPEAT = f"{_AGAIN}* ( do|apply )? the? same thing? to|for|with|on {_TARGET} {_TOO} END"
# A follow-up that names only the next target: "now to_ounces", "Queue.pop too", "and for
# parse_date as well" — the last action again, on it (refused when there is none).
_FOLLOW_UPS = (
    f"{_AGAIN}+ to|for|on? {_TARGET} {_TOO} END",
    f"to|for|on? {_TARGET} too|also END",
    f"to|for|on? {_TARGET} as well END",
)


def _repeat(found: Found, said: Said) -> Built:
    target = _targets(found)[0]
    return Plan(intent=Intent.REPEAT, symbol=target.symbol, file=target.file)


def _question(found: Found, said: Said) -> Built:
    if not said.question:
        return None
    # the symbol asked about is the planner's to find in the whole request (_with_question)
    return Plan(intent=Intent.QUESTION, symbol=said.cursor, file=named_file(said.words))


# "rename the curry class to Curried everywhere": the kind may follow the name, and the scope
# words say what every rename does anyway.
_EVERYWHERE = (
    "( everywhere | across|throughout|in the? whole|entire? project|codebase|workspace|repo|repository|code )?"
)
_RENAME = f"rename the? KIND|symbol? OLD KIND? IN_FILE? to|as|into NEW IN_FILE? {_EVERYWHERE} END"
# "rename a to b and c to d", "rename a → b, c → d": one step each.
_RENAMES = "rename ( the? OLD to|as|into|→|->|=> NEW ( ,|and|;|. )* rename? )+ END"


def _renames(found: Found, said: Said) -> Built:
    pairs = zip(found["OLD"], found["NEW"], strict=True)
    return _steps(*(_step(said, StepAction.RENAME, old.text, None, new_name=new.text) for old, new in pairs))


def _rename(found: Found, said: Said) -> Built:
    file = next((_path(w) for w in found.get("FILE", [])), None)
    return _steps(_step(said, StepAction.RENAME, found.text("OLD"), file, new_name=found.text("NEW")))


# More targets of the same edit: "to a, b and c", "to a, then the same for b". A further target
# must name code (a join word such as "then" never does), so the words after it stay a clause.
_MORE = "( ( ,|and|then|also )+ ( do|apply? the? same thing? )? to|for|with|on? the? KIND? NAME IN_FILE? )*"
_DOCSTRING = f"... add|write|generate|create|document ... DOC ... to|for|on {_TARGET} {_MORE} ..."
_TYPE_HINTS = f"... add|write ... TYPES ... to|for|on {_TARGET} {_MORE} ..."


def _doc_and_hints(found: Found, said: Said) -> Built:
    """ "add a docstring and type hints to X", "X needs a docstring and type hints": both, each
    its own edit (read as one, the one the words named last was made and the other dropped)."""
    if said.question or said.verb in (Intent.FIX, Intent.REWRITE):  # "fix the type hints in X's docstring"
        return None
    named = [Target(symbol=name) for name in names_in(said.words)]
    targets = named or ([Target(symbol=said.cursor, file=said.cursor_file)] if said.cursor else [])
    if not targets:
        return None
    steps = [*_edits(said, Intent.DOCSTRING, targets), *_edits(said, Intent.TYPE_HINTS, targets)]
    return Steps(steps, about=targets[0].symbol)


_SYMBOL_VERB = f"fix|rewrite|refactor|simplify|optimize|optimise|improve|change|update|modify {_TARGET} ..."
_NOT_TARGETS = frozenset(
    "name names it this that code file files everything all".split()
)  # "fix it", "update the code"


def _symbol_edit(found: Found, said: Said) -> Built:
    old = found["OLD"][0]
    if old.text.lower() in _NOT_TARGETS or (old.tag is Tag.FILLER and not said.project_map.find(old.text)):
        return None  # "fix it", "simplify please": no name (a function called `now` is one)
    return _edits(said, edit_intent(said.words), [_meant(found["OLD"][0], said) or _targets(found)[0]])


_OF = frozenset({"in", "of", "inside", "within"})


def _meant(word: Word, said: Said) -> Target | None:
    """ "fix the typo in the docstring of naturalsize", "fix teh bug in X": a plain word after
    the verb that the map does not define is part of the sentence, and the one symbol the
    clause names after "in"/"of" is the target."""
    if word.code or said.project_map.find(word.text):
        return None
    named = {w.text for w in said.words if w.tag is Tag.SYMBOL}
    pairs = zip(said.words, said.words[1:], strict=False)
    after_of = [w for before, w in pairs if before.text.lower() in _OF and w.tag is Tag.SYMBOL and w.start > word.start]
    return Target(symbol=after_of[0].text) if len(named) == 1 and after_of else None


_ADD_TO_FILE = "add|append|create|write ... to|in|into FILE END"


def _add_to_file(found: Found, said: Said) -> Built:
    return _steps(_step(said, StepAction.ADD, asked_name(said), found.text("FILE")))


def _at_cursor(found: Found, said: Said) -> Built:
    """ "add a docstring" naming nothing: the cursor's symbol, or what the statement before was
    about ("_isbool returns True for "yes"?? it shouldn't. fix")."""
    if said.cursor and said.commands and not named_symbol(said):
        return _edits(said, edit_intent(said.words), [Target(symbol=said.cursor, file=said.cursor_file)])
    names_nothing = not any(w.tag in (Tag.SYMBOL, Tag.PRONOUN, Tag.FILE) for w in said.words)
    if said.subject and isinstance(said.verb, Intent) and said.verb.edits_symbols and names_nothing:
        return _edits(said, edit_intent(said.words), [Target(symbol=said.subject)])
    return None


# What the code should do, said as a statement: "scale(3) should return 9", "it gives 62 but
# should be 62.5", "parse_date should accept ISO dates", "total needs to skip refunds": a fix.
_BEHAVIOUR = (
    "return|give|be|produce|yield|output|print|raise|throw|accept|handle|work|understand|support|treat|ignore|skip"
    "|include|exclude|round|count|allow|reject|keep|drop|use|stop|check|respect"
)
_EXPECTED = (
    f"... should|must|ought|supposed to? not|also|still|always|never|only? {_BEHAVIOUR} ...",
    f"... needs|need|has to not|also|still|always|never|only? {_BEHAVIOUR} ...",
    "... returns|gives|produces|prints ... should ...",
    "... returns|gives|produces|prints ... instead of ...",
    "... expected ...",
    # A wrong outcome reported: "Cache.Len reports one item fewer than the cache holds",
    # "isPythonFile says True for backup files; they are not Python files", "X crashes on ''".
    "... returns|gives|produces|prints|says|reports|counts|treats|shows|accepts|rejects|computes ... "
    "not|fewer|more|less|wrong|incorrect|instead|but|too|never|missing|off ...",
    "... crashes|breaks|fails|hangs|chokes|panics|throws|raises|errors ...",
    "... is|are|seems|looks|got still? broken|buggy ...",  # "water_beds is broken lol"
)
_NEW_PARAMETER = ("... add|give ... PARAMS ...", "... make WORD take|accept ... PARAMS ...")


def _by_names(found: Found, said: Said) -> Built:
    """Wording no pattern knows, settled by the names the map defines: "X reads badly, make it
    Y throughout" names one symbol and one new identifier with naming words (a rename); "X
    could use a docstring" names one symbol and doc words (a docstring)."""
    if said.question or not (mentioned := _names_meant(said)):
        return None
    words = said.words
    commanded = [w for part in said.clauses if part.commands for w in part.words]
    file = named_file(words)
    if naming(words) and (rename := renamed(said.text, words, mentioned, said.project_map)):
        return _steps(_step(said, StepAction.RENAME, rename[0], file, new_name=rename[1]))
    # the command says what to do, a statement before it only why ("X could use hints… oh wait
    # it has them. add a docstring")
    intent = edit_intent(commanded or words)
    if intent in (Intent.DOCSTRING, Intent.TYPE_HINTS):
        return _edits(said, intent, [Target(symbol=name, file=file) for name in mentioned])
    if intent is Intent.REWRITE and any(match(pattern, words) for pattern in _EXPECTED):
        intent = Intent.FIX
    if intent is Intent.FIX or (
        intent is Intent.REWRITE and (said.verb is Intent.REWRITE or any(match(p, words) for p in _NEW_PARAMETER))
    ):
        return _edits(said, intent, [Target(symbol=mentioned[0], file=file)])
    return None


def _names_meant(said: Said) -> list[str]:
    """The names the request is about, of those it names: after a statement, what "it" stands
    for; else the names its commands say; else all."""
    mentioned = names_in(said.words)
    commanding = [part for part in said.clauses if part.commands]
    stated = statement(said)
    # a pronoun that opens a sentence after the names: what the sentence says is of the last subject
    opening = [part.first for part in said.clauses[1:]]
    pronoun = next((w for w in opening if w is not None and w.tag is Tag.PRONOUN), None)
    if stated and any(w.tag is Tag.PRONOUN for w in commanding[0].words) and (about := subject_of(stated[0].words)):
        return [about]  # "precisedelta is fine but naturaltime is broken, fix it"
    if not commanding and pronoun and (about := subject_of([w for w in said.words if w.end <= pronoun.start])):
        return [about]  # "A has docs but B has none. this one should be documented"
    if told := names_in([w for part in commanding for w in part.words]):
        # "document X. Y calls it a lot", "Y is huge, just document X": the rest says why
        return [name for name in mentioned if name in told]
    return mentioned


RULES: tuple[Rule, ...] = (
    Rule((_HAVE_CALL,), _have_call),
    Rule((_MOVE,), _move),
    Rule(("...",), _placed),
    Rule((_TESTS_IN,), _tests_in),
    Rule((_CREATE,), _create),
    Rule(_DELETE, _delete),
    Rule(_REMOVE, _remove),
    Rule(_SIGNATURE, _signature),
    Rule(("...",), _subjects_callers),
    Rule((_CALL_FROM,), _call_from),
    Rule(_NEW_MEMBER, _new_member),
    Rule((f"... {_EVERY_IN_FILE} ...",), _every_in_file),
    Rule((_UNDO,), lambda found, said: Plan(intent=Intent.UNDO)),
    Rule((_REPEAT,), _repeat),
    Rule(_FOLLOW_UPS, lambda found, said: None if found["OLD"][0].text.lower() in VERBS else _repeat(found, said)),
    Rule(("...",), _question),
    Rule((_RENAME,), _rename),
    Rule((_RENAMES,), _renames),
    Rule(("... DOC ( WORD )* TYPES ...", "... TYPES ( WORD )* DOC ..."), _doc_and_hints),  # in one sentence
    Rule((_DOCSTRING,), lambda found, said: _edits(said, Intent.DOCSTRING, _targets(found))),
    Rule((_TYPE_HINTS,), lambda found, said: _edits(said, Intent.TYPE_HINTS, _targets(found))),
    Rule((_SYMBOL_VERB,), _symbol_edit),
    Rule((_ADD_TO_FILE,), _add_to_file),
    Rule(("...",), _at_cursor),
    Rule(("...",), _by_names),
)
