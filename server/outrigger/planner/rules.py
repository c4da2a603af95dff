"""The planner's deterministic pass: a Plan when the wording settles it, else None.

Small models misclassify questions as edits (Qwen2.5-Coder-0.5B called "how many lines does
utils.js have" an edit), so the rules decide whenever they can, and a request they read as a
question is a question whatever the model says: that is the question-routing guard. Each rule
is a pattern of the grammar (grammar.py) over the tagged words (words.py).
"""

from __future__ import annotations

from outrigger.plan import Intent, Plan, Target
from outrigger.planner.grammar import SLOTS, Found, first, match
from outrigger.planner.intents import VERBS
from outrigger.planner.words import Tag, Word, opening, tag

_UNDO = (
    # "undo", "revert my last change", "undo the rename", "roll back what you just did": words
    # that point at the last change (a symbol or file named instead makes it an edit).
    "undo|revert|roll back? ( that|it|this|my|your|the|last|latest|previous|change|changes|edit|edits|rename|fix"
    "|docstring|type|hints|step|what|you|just|did )* END"
)
_TARGET = "the? KIND? OLD IN_FILE?"  # any identifier: the map confirms it
_REPEAT = f"( do|apply )? the? same thing? to|for|with|on {_TARGET} END"
# A follow-up that names only the next target: "now to_ounces", "Queue.pop too", "and for
# parse_date as well" — the last action again, on it (refused when there is none).
_FOLLOW_UPS = (
    f"( and|now|also|then )+ to|for|on? {_TARGET} too|also? ( as well )? END",
    f"to|for|on? {_TARGET} too|also END",
    f"to|for|on? {_TARGET} as well END",
)
# "rename the curry class to Curried everywhere": the kind may follow the name, and the scope
# words say what every rename does anyway.
_EVERYWHERE = (
    "( everywhere | across|throughout|in the? whole|entire? project|codebase|workspace|repo|repository|code )?"
)
_RENAME = f"rename the? KIND|symbol? OLD KIND? IN_FILE? to|as|into NEW IN_FILE? {_EVERYWHERE} END"
# More targets of the same edit: "to a, b and c", "to a, then the same for b". A further target
# must name code (a join word such as "then" never does), so the words after it stay a clause.
_MORE = "( ( ,|and|then|also )+ ( do|apply? the? same thing? )? to|for|with|on? the? KIND? NAME IN_FILE? )*"
_DOCSTRING = f"add|write|generate|create|document ... DOC ... to|for|on {_TARGET} {_MORE} ..."
_TYPE_HINTS = f"add|write ... TYPES ... to|for|on {_TARGET} {_MORE} ..."
_SYMBOL_VERB = f"fix|rewrite|refactor|simplify|optimize|optimise|improve|change|update|modify {_TARGET} ..."
_ADD_TO_FILE = "add|append|create|write ... to|in|into FILE END"
_FIXING = frozenset("fix repair correct debug".split())
_NOT_TARGETS = frozenset(
    "name names it this that code file files everything all".split()
)  # "fix it", "update the code"


def looks_like_question(request: str) -> bool:
    """True when the words say the user wants to know, not to change: a question word or a verb
    of telling first ("explain", "give me", "have we got"), or a "?" after anything but a verb
    of a change ("add a docstring to X?" still changes X)."""
    verb = opening(request)
    if verb is not None and verb is not Intent.QUESTION and verb is not Tag.ASK:
        return False
    return request.strip().endswith("?") or verb is not None


def edit_intent(request: str) -> Intent:
    """Which kind of symbol edit the words ask for; a rewrite when they say nothing more."""
    words = [w for w in tag(request) if not w.quoted]
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


def _targets(found: Found) -> list[Target]:
    """The names a pattern captured, each with the file written after it."""
    targets: list[Target] = []
    for slot, word in found.pairs:
        if slot in ("OLD", "NAME"):
            targets.append(Target(symbol=word.text))
        elif slot == "FILE" and targets:
            targets[-1].file = _path(word)
    return targets


def plan_by_rules(request: str, *, cursor_symbol: str | None = None, cursor_file: str | None = None) -> Plan | None:
    text = request.strip()
    words = tag(text)
    if match(_UNDO, words):
        return Plan(intent=Intent.UNDO, instruction=text)
    for pattern in (_REPEAT, *_FOLLOW_UPS):
        if (found := match(pattern, words)) and (pattern is _REPEAT or found["OLD"][0].text.lower() not in VERBS):
            target = _targets(found)[0]
            return Plan(intent=Intent.REPEAT, symbol=target.symbol, file=target.file, instruction=text)
    if looks_like_question(text):
        return Plan(
            intent=Intent.QUESTION, symbol=named_symbol(text) or cursor_symbol, file=named_file(text), instruction=text
        )
    if found := match(_RENAME, words):
        file = next((_path(w) for w in found.get("FILE", [])), None)
        return Plan(
            intent=Intent.RENAME, symbol=found.text("OLD"), file=file, new_name=found.text("NEW"), instruction=text
        )
    for pattern, intent in ((_DOCSTRING, Intent.DOCSTRING), (_TYPE_HINTS, Intent.TYPE_HINTS)):
        if found := first(pattern, words):
            target, *also = _targets(found)
            return Plan(intent=intent, symbol=target.symbol, file=target.file, instruction=text, also=also)
    if (found := match(_SYMBOL_VERB, words)) and found["OLD"][0].text.lower() not in _NOT_TARGETS:
        target = _targets(found)[0]
        return Plan(intent=edit_intent(text), symbol=target.symbol, file=target.file, instruction=text)
    if found := match(_ADD_TO_FILE, words):
        return Plan(intent=Intent.ADD, symbol=asked_name(text), file=found.text("FILE"), instruction=text)
    if cursor_symbol and opening(text) not in (None, Tag.ASK, Intent.QUESTION) and not named_symbol(text):
        # "add a docstring" with the cursor on a symbol: the cursor names the target.
        return Plan(intent=edit_intent(text), symbol=cursor_symbol, file=cursor_file, instruction=text)
    return None


_ENGLISH = frozenset("a an the that which to for in into with called named returning computing".split())
_NAMING = frozenset("function class method helper named called".split())


def asked_name(text: str) -> str | None:
    """The name an "add …" request asks the new code to have: `slugify`, "a function named
    slugify", "add logout(session) …"."""
    words = tag(text)
    for index, word in enumerate(words):
        if word.quoted and text[word.start] == "`" and word.text.isidentifier() and word.text.lower() not in _ENGLISH:
            return word.text
        if word.text.lower() in _NAMING and not word.quoted:
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


def named_file(text: str) -> str | None:
    return next((_path(w) for w in tag(text) if w.tag is Tag.FILE), None)


def named_symbol(text: str) -> str | None:
    """A symbol the request names explicitly: `backticked`, or a call-like `name()`."""
    words = [w for w in tag(text) if w.quoted]
    backticked = [w for w in words if text[w.start] == "`" and w.text.replace(".", "_").isidentifier()]
    if backticked:
        return backticked[0].text if backticked[0].tag is not Tag.FILE else None
    called = [w for w in words if text[w.start] != "`" and w.text.isidentifier()]
    return called[0].text if called else None
