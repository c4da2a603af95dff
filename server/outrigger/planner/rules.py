"""The planner's deterministic pass: a Plan when the wording settles it, else None.

Small models misclassify questions as edits (Qwen2.5-Coder-0.5B called "how many lines does
utils.js have" an edit), so the rules decide whenever they can, and a request they read as a
question is a question whatever the model says: that is the question-routing guard.
"""

from __future__ import annotations

import re

from outrigger.plan import Intent, Plan, Target
from outrigger.planner.intents import VERBS
from outrigger.planner.wording import WORD
from outrigger.planner.words import Tag, opening
from outrigger.workspace.languages import file_extensions

_IDENT = rf"`?({WORD}(?:\.{WORD})?)`?"
_FILE = rf"`?([\w./\\-]+\.(?:{'|'.join(map(re.escape, file_extensions()))}))`?(?![\w.~])"
_IN_FILE = rf"(?:\s+(?:in|from|of|inside)\s+(?:the\s+file\s+|file\s+)?{_FILE})?"
_KIND = r"(?:function\s+|method\s+|class\s+)?"
_TARGET = rf"\b(?:to|for|on)\s+(?:the\s+)?{_KIND}{_IDENT}{_IN_FILE}"  # "… to `validateToken` in src/auth.js"

_UNDO = re.compile(
    # "undo", "revert my last change", "undo the rename", "roll back what you just did": words
    # that point at the last change (a symbol or file named instead makes it an edit).
    r"^\s*(?:please\s+)?(?:undo|revert|roll\s+back)(?:\s+(?:that|it|this|my|your|the|last|latest|previous|"
    r"change|changes|edit|edits|rename|fix|docstring|type\s+hints|step|what\s+you\s+(?:just\s+)?did))*\s*[.!]?\s*$",
    re.I,
)
_REPEAT = re.compile(
    rf"^\s*(?:please\s+)?(?:now\s+)?(?:(?:do|apply)\s+)?(?:the\s+)?same(?:\s+thing)?\s+(?:to|for|with|on)\s+(?:the\s+)?{_KIND}{_IDENT}{_IN_FILE}\s*[.!]?\s*$",
    re.I,
)
# A follow-up that names only the next target: "now to_ounces", "Queue.pop too", "and for
# parse_date as well" — the last action again, on it (refused when there is none).
_FOLLOW_UP = re.compile(
    rf"^\s*(?:(?:and|now|also|then)\s+)+(?:(?:for|to|on)\s+)?(?:the\s+)?{_KIND}{_IDENT}{_IN_FILE}"
    rf"(?:\s+(?:too|as\s+well|also))?\s*[.!]?\s*$"
    rf"|^\s*(?:(?:for|to|on)\s+)?(?:the\s+)?{_KIND}{_IDENT}{_IN_FILE}\s+(?:too|as\s+well|also)\s*[.!]?\s*$",
    re.I,
)
_RENAME = re.compile(
    rf"^\s*(?:please\s+)?rename\s+(?:the\s+)?(?:function\s+|method\s+|class\s+|variable\s+|symbol\s+)?{_IDENT}{_IN_FILE}\s+(?:to|as|into)\s+{_IDENT}{_IN_FILE}\s*[.!]?\s*$",
    re.I,
)
_DOC_WORDS = (
    r"\b(?:docstrings?|[a-z]*docs?|doc\s*comments?|docblocks?|documentation|document(?:ed|ing)?|comments?|commented)\b"
)
_DOCSTRING = re.compile(rf"\b(?:add|write|generate|create|document)\b.*?{_DOC_WORDS}.*?{_TARGET}", re.I)
_TYPE_WORDS = r"\b(?:type\s*hints?|(?:type\s*)?annotations?|annotate|types(?!\s+of\b))\b"
_TYPE_HINTS = re.compile(rf"\b(?:add|write)\b.*?{_TYPE_WORDS}.*?{_TARGET}", re.I)
_FIX_WORDS = re.compile(r"\b(?:fix|repair|correct|debug)\b", re.I)
_SYMBOL_VERB = re.compile(
    rf"^\s*(?:please\s+)?(?:fix|rewrite|refactor|simplify|optimi[sz]e|improve|change|update|modify)\s+"
    rf"(?!(?:the\s+)?(?:name|names|it|this|that|code|file|files|everything|all)\b)(?:the\s+)?{_KIND}{_IDENT}{_IN_FILE}\b",
    re.I,
)
_ADD_TO_FILE = re.compile(
    rf"^\s*(?:please\s+)?(?:add|append|create|write)\b.*\b(?:to|in|into)\s+{_FILE}\s*[.!]?\s*$", re.I
)
_MORE_TARGET = re.compile(rf"\s*(?:,\s*(?:and\s+)?|\s+and\s+)(?:to\s+)?(?:the\s+)?{_KIND}{_IDENT}{_IN_FILE}", re.I)


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
    if re.search(_DOC_WORDS, request, re.I):
        if not _FIX_WORDS.search(request) and not re.search(r"\brewrite\b|" + _TYPE_WORDS, request, re.I):
            return Intent.DOCSTRING
    if re.search(_TYPE_WORDS, request, re.I) or re.match(r"^\s*(?:please\s+)?type\s+\S", request, re.I):
        return Intent.TYPE_HINTS
    if _FIX_WORDS.search(request):
        return Intent.FIX
    return Intent.REWRITE


def plan_by_rules(request: str, *, cursor_symbol: str | None = None, cursor_file: str | None = None) -> Plan | None:
    text = request.strip()
    if _UNDO.match(text):
        return Plan(intent=Intent.UNDO, instruction=text)
    if m := _REPEAT.match(text):
        return Plan(intent=Intent.REPEAT, symbol=m.group(1), file=m.group(2), instruction=text)
    if (m := _FOLLOW_UP.match(text)) and (m.group(1) or m.group(3)).lower() not in VERBS:
        symbol, file = (m.group(1), m.group(2)) if m.group(1) else (m.group(3), m.group(4))
        return Plan(intent=Intent.REPEAT, symbol=symbol, file=file, instruction=text)
    if looks_like_question(text):
        return Plan(
            intent=Intent.QUESTION, symbol=named_symbol(text) or cursor_symbol, file=named_file(text), instruction=text
        )
    if m := _RENAME.match(text):
        return Plan(
            intent=Intent.RENAME,
            symbol=m.group(1),
            file=m.group(2) or m.group(4),
            new_name=m.group(3),
            instruction=text,
        )
    for pattern, intent in ((_DOCSTRING, Intent.DOCSTRING), (_TYPE_HINTS, Intent.TYPE_HINTS)):
        if m := pattern.search(text):
            also = _more_targets(text, m.end())
            return Plan(intent=intent, symbol=m.group(1), file=m.group(2), instruction=text, also=also)
    if m := _SYMBOL_VERB.match(text):
        return Plan(intent=edit_intent(text), symbol=m.group(1), file=m.group(2), instruction=text)
    if m := _ADD_TO_FILE.match(text):
        return Plan(intent=Intent.ADD, symbol=asked_name(text), file=m.group(1), instruction=text)
    if cursor_symbol and opening(text) not in (None, Tag.ASK, Intent.QUESTION) and not named_symbol(text):
        # "add a docstring" with the cursor on a symbol: the cursor names the target.
        return Plan(intent=edit_intent(text), symbol=cursor_symbol, file=cursor_file, instruction=text)
    return None


def _more_targets(text: str, position: int) -> list[Target]:
    """ "… to validateToken in src/auth.js, get_item and get_items in items.py": the rest."""
    targets = []
    while m := _MORE_TARGET.match(text, position):
        targets.append(Target(symbol=m.group(1), file=m.group(2)))
        position = m.end()
    return targets


_ENGLISH = frozenset("a an the that which to for in into with called named returning computing".split())
_ASKED_NAME = re.compile(
    rf"`({WORD})`|\b(?:function|class|method|helper|named|called)\s+(?:named\s+|called\s+)?({WORD})",
    re.I,
)


_CALL_SHAPED = re.compile(
    rf"^\s*\w+\s+(?:a\s+|an\s+|the\s+)?(?:new\s+)?(?:function\s+|method\s+|helper\s+)?`?({WORD})\("
)


def asked_name(text: str) -> str | None:
    """The name an "add …" request asks the new code to have: `slugify`, "a function named
    slugify", "add logout(session) …"."""
    for pair in _ASKED_NAME.findall(text):
        for name in pair:
            if name and name.lower() not in _ENGLISH:
                return name
    m = _CALL_SHAPED.match(text)
    return m.group(1) if m else None


def mentions(request: str, path: str) -> bool:
    """Does the request name this path (as the user wrote it)?"""
    written = re.escape(path.replace("\\", "/").lstrip("./"))
    # as a whole file name: `a.py~` (an editor's backup named as an example) does not name a.py
    return re.search(rf"(?<![\w-]){written}(?![\w~]|\.\w)", request.replace("\\", "/")) is not None


def named_file(text: str) -> str | None:
    m = re.search(_FILE, text)
    return m.group(1) if m else None


def named_symbol(text: str) -> str | None:
    """A symbol the request names explicitly: `backticked`, or a call-like `name()`."""
    if m := re.search(rf"`({WORD}(?:\.{WORD})*)`", text):
        return m.group(1) if not re.fullmatch(_FILE.strip("`?"), m.group(1)) else None
    if m := re.search(rf"\b({WORD})\(\)", text):
        return m.group(1)
    return None
