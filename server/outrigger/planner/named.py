"""The planner's second deterministic pass: wording the pattern rules do not know, settled by
which names the map defines. "X reads badly, make it Y throughout" names one existing symbol
and one new identifier with naming words: a rename. "X could use a docstring" names one
symbol and doc words: a docstring. No model is needed to decide either."""

from __future__ import annotations

import re

from outrigger.actions.type_hints import fully_annotated
from outrigger.errors import Refused
from outrigger.plan import Intent, Plan, Target
from outrigger.planner.rules import edit_intent, looks_like_question, named_file
from outrigger.planner.wording import WORD
from outrigger.planner.words import REQUEST_WORDS, Tag, symbols, tag
from outrigger.workspace.index import ProjectMap
from outrigger.workspace.languages import file_extensions

_IDENT = rf"`?({WORD}(?:\.{WORD})?)`?"
_FILE = rf"`?([\w./\\-]+\.(?:{'|'.join(map(re.escape, file_extensions()))}))`?(?![\w.~])"
_KIND = r"(?:function\s+|method\s+|class\s+)?"

NAMING = re.compile(
    r"\b(?:re-?nam(?:e[ds]?|ing)|nam(?:e[ds]?|ing)|call(?:ed|s|ing)?|title[ds]?|label(?:l?ed)?|instead\s+of"
    r"|make\s+it|should\s+be|to\s+be)\b|→|->|=>",
    re.I,
)
# A plain word right after a naming cue is the new name: "should be called enqueue".
_CUED_NAME = re.compile(
    rf"\b(?:called|named|name\s+it|call\s+it|renamed?\s+(?:it\s+)?to)\s+`?({WORD})`?(?![\w.(])", re.I
)
# What the code should do, said as a statement: "scale(3) should return 9", "it gives 62
# but should be 62.5", "last should return the most recent track": a fix.
_EXPECTED = re.compile(
    # What a named function must do: "parse_date should accept ISO dates", "total needs to
    # skip refunds", "f(2) must give 4".
    r"\b(?:should|must|needs?\s+to|has\s+to|ought\s+to|is\s+supposed\s+to)\s+"
    r"(?:not\s+|also\s+|still\s+|always\s+|never\s+|only\s+)?(?:return|give|be|produce|yield|output|print|raise|"
    r"throw|accept|handle|work|understand|support|treat|ignore|skip|include|exclude|round|count|allow|reject|"
    r"keep|drop|use|stop|check|respect)\b"
    r"|\b(?:returns|gives|produces|prints)\b.*\b(?:instead\s+of|but\s+should|should)\b|\bexpected\b",
    re.I,
)
_ARROW = re.compile(rf"`?({WORD}(?:\.{WORD})?)`?\s*(?:→|->|=>)\s*`?({WORD})`?")
# "call `Bed.harvest` gather instead", "name total weight", "call total `weight`": the old name,
# then the new one. After "call" a plain word must say it is a name ("call collect twice").
_CALL_IT = re.compile(
    rf"\b(?:(?i:name)\s+`?({WORD}(?:\.{WORD})?)`?\s+`?({WORD})`?(?![\w.(`])"
    rf"|(?i:call)\s+`?({WORD}(?:\.{WORD})?)`?\s+(?:`({WORD})`|({WORD}(?=\s+instead\b)|{WORD}(?=[^\s.?!,]*[_\d])[\w$]*"
    rf"|[a-z$][\w$]*[A-Z][\w$]*))(?![\w.(`]))"
)
# "add an `email` parameter to createUser": a change of createUser, not new code.
_NEW_PARAMETER = re.compile(
    r"\b(?:add|give|make\s+\S+\s+(?:take|accept))\b.*\b(?:parameters?|arguments?|params?|args?|options?|keyword)\b",
    re.I,
)
_MODIFYING_VERBS = re.compile(
    r"^\s*(?:rewrite|refactor|simplify|optimi[sz]e|improve|change|update|modify|make|convert|clean|tidy)\b", re.I
)


def new_names(text: str, project_map: ProjectMap) -> list[str]:
    """Identifiers written as code that the map does not define: candidates for a new name."""
    fresh: list[str] = []
    for word in tag(text, project_map):
        if word.code and word.tag is Tag.WORD and re.fullmatch(WORD, word.text) and word.text not in fresh:
            fresh.append(word.text)
    return fresh


def plan_from_names(text: str, project_map: ProjectMap, instruction: str) -> Plan | None:
    if looks_like_question(text):
        return None
    mentioned = symbols(text, project_map)
    if not mentioned:
        return None
    file = named_file(text)
    if NAMING.search(text) and (rename := _rename(text, mentioned, project_map)):
        old, new = rename
        return Plan(intent=Intent.RENAME, symbol=old, file=file, new_name=new, instruction=instruction)
    intent = edit_intent(text)
    if intent in (Intent.DOCSTRING, Intent.TYPE_HINTS):
        also = [Target(symbol=name, file=file) for name in mentioned[1:]]
        return Plan(intent=intent, symbol=mentioned[0], file=file, also=also, instruction=instruction)
    if intent is Intent.REWRITE and _EXPECTED.search(text):
        intent = Intent.FIX
    if intent is Intent.FIX or (
        intent is Intent.REWRITE and (_MODIFYING_VERBS.match(text) or _NEW_PARAMETER.search(text))
    ):
        return Plan(intent=intent, symbol=mentioned[0], file=file, instruction=instruction)
    return None


def _rename(text: str, mentioned: list[str], project_map: ProjectMap) -> tuple[str, str] | None:
    """(old, new) when the request names exactly one existing symbol and one new identifier."""
    for m, plain_word_allowed in ((_ARROW.search(text), True), (_CALL_IT.search(text), False)):
        if m is None:
            continue
        old, new = [group for group in m.groups() if group][:2]
        if not plain_word_allowed and new.lower() in REQUEST_WORDS:
            continue  # "name total as …": a word of the request, not a new name
        if project_map.find(old) and not project_map.find(new):
            return old, new
    # "add closeTicket(ticket, by) … call it": a name written as a call is new code, not a new name.
    fresh = [name for name in new_names(text, project_map) if not re.search(rf"\b{re.escape(name)}\(", text)]
    if not fresh:
        fresh = [
            word
            for word in _CUED_NAME.findall(text)
            if word.lower() not in REQUEST_WORDS and not project_map.find(word) and word.isidentifier()
        ][:1]
    if len(mentioned) == 1 and len(fresh) == 1:
        return mentioned[0], fresh[0]
    return None


def contradicts_rename(text: str, plan: Plan, project_map: ProjectMap) -> str | None:
    """Why a model's plan is wrong about renaming, or None: an edit plan for a request with
    naming words and a new identifier, or a rename plan with no new name from the request."""
    if plan.intent is Intent.RENAME:
        words = set(re.findall(rf"{WORD}", text))
        if not plan.new_name or plan.new_name == plan.symbol or plan.new_name not in words:
            return (
                f"The request gives `{plan.symbol}` no new name"
                + (f" (`{plan.new_name}` is not in it)" if plan.new_name and plan.new_name not in words else "")
                + '. If it asks to change what the code does, the intent is "fix" or "rewrite", not "rename".'
            )
        return None
    if not plan.intent.edits_symbols or not NAMING.search(text):
        return None
    fresh = new_names(text, project_map)
    if len(fresh) != 1:
        return None
    return (
        f"The request gives a symbol the new name `{fresh[0]}`, which does not exist yet: "
        'that is a rename (intent "rename", with "new_name"), not an edit.'
    )


# "add a method count() to Shelf", "add a `count` method to the Shelf class", "give Shelf a
# count() method", "Shelf needs a count method": new code that belongs in a class.
_M = rf"`?({WORD})(?:\([^()]*\))?`?"
_NEW_MEMBER = [
    re.compile(
        rf"^(?:add|write|create|implement)\s+(?:a\s+|an\s+)?(?:new\s+)?(?:method|member\s+function)\s+(?:called\s+|named\s+)?{_M}"
        rf"\s+(?:to|in|on|for|inside)\s+(?:the\s+)?(?:class\s+)?`?({WORD})`?",
        re.I,
    ),
    re.compile(
        rf"^(?:add|write|create|implement)\s+(?:a\s+|an\s+)?(?:new\s+)?{_M}\s+method\s+(?:to|in|on|for|inside)\s+"
        rf"(?:the\s+)?(?:class\s+)?`?({WORD})`?",
        re.I,
    ),
]
_NEW_MEMBER_OWNER_FIRST = [
    re.compile(rf"^give\s+(?:the\s+)?(?:class\s+)?`?({WORD})`?(?:\s+class)?\s+an?\s+(?:new\s+)?{_M}\s+method\b", re.I),
    re.compile(rf"^give\s+(?:the\s+)?(?:class\s+)?`?({WORD})`?(?:\s+class)?\s+an?\s+(?:new\s+)?method\s+{_M}", re.I),
    re.compile(
        rf"^`?({WORD})`?(?:\s+class)?\s+(?:needs|should\s+have|could\s+use)\s+an?\s+(?:new\s+)?{_M}\s+method\b", re.I
    ),
]


# "give Shelf a new method": words that describe the method rather than name it.
_NOT_A_METHOD_NAME = frozenset(
    "new small simple helper static public private protected another second quick utility class instance async".split()
)


def plan_new_member(text: str, project_map: ProjectMap, instruction: str) -> Plan | None:
    """An "add" of a method to one class the map defines: `Plan.symbol` is "Class.method"."""
    pairs = [(m.group(1), m.group(2)) for pattern in _NEW_MEMBER if (m := pattern.match(text))]
    pairs += [(m.group(2), m.group(1)) for pattern in _NEW_MEMBER_OWNER_FIRST if (m := pattern.match(text))]
    for method, owner in pairs:
        if method.lower() in _NOT_A_METHOD_NAME:
            continue
        classes = [s for s in project_map.find(owner) if s.kind == "class"]
        if len(classes) == 1:
            return Plan(intent=Intent.ADD, symbol=f"{owner}.{method}", file=classes[0].path, instruction=instruction)
        if not classes and owner[:1].isupper() and not project_map.find(owner):
            project_map.require_symbol(owner, None)  # "`Library` is not defined …; did you mean `LoanDesk`?"
    return None


# "document every function in shelf/money.py", "add type hints to all the functions of utils.py".
_EVERY_IN_FILE = re.compile(
    rf"\b(?:every|all|each)\s+(?:of\s+)?(?:the\s+)?(?:public\s+)?(?:functions?|methods?|symbols?|definitions?)\s+"
    rf"(?:in|of|from|inside)\s+(?:the\s+)?(?:file\s+)?{_FILE}",
    re.I,
)
MAX_FILE_TARGETS = 12  # one model call each: a file of more is asked for in parts


def plan_every_in_file(text: str, project_map: ProjectMap, instruction: str) -> Plan | None:
    """Doc comments or type hints for every function and method of one file."""
    m = _EVERY_IN_FILE.search(text)
    if m is None:
        return None
    intent = edit_intent(text)
    if intent not in (Intent.DOCSTRING, Intent.TYPE_HINTS):
        return None
    path = project_map.require_file(m.group(1))
    kinds = ("function", "method") if intent is Intent.TYPE_HINTS else ("function", "method", "class")
    symbols = [s for s in project_map.symbols(path) if s.kind in kinds]
    if intent is Intent.TYPE_HINTS:  # "every function": the ones that lack annotations
        text = project_map.workspace.read(path)
        symbols = [s for s in symbols if not fully_annotated(text, s)]
    names = [s.qualified_name for s in symbols]
    if not names:
        raise Refused(f"{path} has no function or method that still needs {intent.label}.")
    if len(names) > MAX_FILE_TARGETS:
        raise Refused(
            f"{path} has {len(names)} functions and methods; Outrigger does at most {MAX_FILE_TARGETS} in one "
            "request (one model call each). Name the ones you want, or ask in parts."
        )
    also = [Target(symbol=name, file=path) for name in names[1:]]
    return Plan(intent=intent, symbol=names[0], file=path, also=also, instruction=instruction)
