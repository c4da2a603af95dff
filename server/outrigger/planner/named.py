"""The planner's second deterministic pass: wording the pattern rules do not know, settled by
which names the map defines. "X reads badly, make it Y throughout" names one existing symbol
and one new identifier with naming words: a rename. "X could use a docstring" names one
symbol and doc words: a docstring. No model is needed to decide either."""

from __future__ import annotations

from outrigger.actions.type_hints import fully_annotated
from outrigger.errors import Refused
from outrigger.plan import Intent, Plan, Target
from outrigger.planner.grammar import first, match
from outrigger.planner.rules import edit_intent, looks_like_question, named_file
from outrigger.planner.words import REQUEST_WORDS, Tag, Word, symbols, tag
from outrigger.workspace.index import ProjectMap

# Words that say a name is given: "should be called …", "make it …", "→".
_NAMING = frozenset(
    """rename renamed renames renaming re-name re-named name named names naming call called calls calling title
    titled titles label labeled labelled labels → -> =>""".split()
)
_NAMING_PAIRS = frozenset({("instead", "of"), ("make", "it"), ("should", "be"), ("to", "be")})
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
)
_MODIFYING = frozenset(
    "rewrite refactor simplify optimize optimise improve change update modify make convert clean tidy".split()
)
_PARAMETERS = "parameter|parameters|argument|arguments|param|params|arg|args|option|options|keyword"
_NEW_PARAMETER = (f"... add|give ... {_PARAMETERS} ...", f"... make WORD take|accept ... {_PARAMETERS} ...")


def _naming(words: list[Word]) -> bool:
    lower = [w.text.lower() for w in words if not w.quoted]
    return bool(_NAMING & set(lower)) or any(pair in _NAMING_PAIRS for pair in zip(lower, lower[1:], strict=False))


def new_names(text: str, project_map: ProjectMap) -> list[str]:
    """Identifiers written as code that the map does not define: candidates for a new name."""
    fresh: list[str] = []
    for word in tag(text, project_map):
        if word.code and word.tag is Tag.WORD and word.text.isidentifier() and word.text not in fresh:
            fresh.append(word.text)
    return fresh


def plan_from_names(text: str, project_map: ProjectMap, instruction: str) -> Plan | None:
    if looks_like_question(text):
        return None
    mentioned = symbols(text, project_map)
    if not mentioned:
        return None
    file = named_file(text)
    words = tag(text, project_map)
    if _naming(words) and (rename := _rename(text, words, mentioned, project_map)):
        old, new = rename
        return Plan(intent=Intent.RENAME, symbol=old, file=file, new_name=new, instruction=instruction)
    intent = edit_intent(text)
    if intent in (Intent.DOCSTRING, Intent.TYPE_HINTS):
        also = [Target(symbol=name, file=file) for name in mentioned[1:]]
        return Plan(intent=intent, symbol=mentioned[0], file=file, also=also, instruction=instruction)
    if intent is Intent.REWRITE and any(match(pattern, words) for pattern in _EXPECTED):
        intent = Intent.FIX
    modifying = bool(words) and words[0].text.lower() in _MODIFYING
    if intent is Intent.FIX or (
        intent is Intent.REWRITE and (modifying or any(match(pattern, words) for pattern in _NEW_PARAMETER))
    ):
        return Plan(intent=intent, symbol=mentioned[0], file=file, instruction=instruction)
    return None


# The old name, then the new one: "parse_amount → split_amount", "name total weight", "call
# `Bed.harvest` gather instead". After "call" a plain word must say it is a name ("call collect
# twice" is no rename): written as code, or followed by "instead".
_GIVEN = ("... NAME →|->|=> NEW ...", "... name NAME NEW ...", "... call NAME NEW ...")
# A plain word right after a naming cue is the new name: "should be called enqueue".
_CUED = ("... called|named NEW ...", "... name|call it NEW ...", "... rename|renamed it? to NEW ...")


def _rename(text: str, words: list[Word], mentioned: list[str], project_map: ProjectMap) -> tuple[str, str] | None:
    """(old, new) when the request names exactly one existing symbol and one new identifier."""
    for pattern in _GIVEN:
        if not (found := match(pattern, words)):
            continue
        old, new = found["NAME"][0], found["NEW"][0]
        if pattern.startswith("... call") and not (new.code or _after(words, new) == "instead"):
            continue
        if "→" not in pattern and (new.text.lower() in REQUEST_WORDS or _after(words, new) in ".("):
            continue  # "name total as …": a word of the request, not a new name
        if project_map.find(old.text) and not project_map.find(new.text):
            return old.text, new.text
    # "add closeTicket(ticket, by) … call it": a name written as a call is new code, not a new name.
    fresh = [name for name in new_names(text, project_map) if not _called(text, words, name)]
    if not fresh:
        cued = [found["NEW"][0] for pattern in _CUED if (found := match(pattern, words))]
        fresh = [
            word.text
            for word in sorted(cued, key=lambda w: w.start)
            if word.text.lower() not in REQUEST_WORDS
            and not project_map.find(word.text)
            and word.text.isidentifier()
            and text[word.end : word.end + 1] not in (".", "(")
        ][:1]
    if len(mentioned) == 1 and len(fresh) == 1:
        return mentioned[0], fresh[0]
    return None


def _after(words: list[Word], word: Word) -> str:
    """The word after this one, lowercase ("" at the end)."""
    following = [w for w in words if w.start >= word.end]
    return following[0].text.lower() if following else ""


def _called(text: str, words: list[Word], name: str) -> bool:
    return any(w.text == name and text[w.end : w.end + 1] == "(" for w in words)


def contradicts_rename(text: str, plan: Plan, project_map: ProjectMap) -> str | None:
    """Why a model's plan is wrong about renaming, or None: an edit plan for a request with
    naming words and a new identifier, or a rename plan with no new name from the request."""
    words = tag(text, project_map)
    if plan.intent is Intent.RENAME:
        written = {part for word in words for part in word.text.split(".")}
        if not plan.new_name or plan.new_name == plan.symbol or plan.new_name not in written:
            return (
                f"The request gives `{plan.symbol}` no new name"
                + (f" (`{plan.new_name}` is not in it)" if plan.new_name and plan.new_name not in written else "")
                + '. If it asks to change what the code does, the intent is "fix" or "rewrite", not "rename".'
            )
        return None
    if not plan.intent.edits_symbols or not _naming(words):
        return None
    fresh = new_names(text, project_map)
    if len(fresh) != 1:
        return None
    return (
        f"The request gives a symbol the new name `{fresh[0]}`, which does not exist yet: "
        'that is a rename (intent "rename", with "new_name"), not an edit.'
    )


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


def _without_arguments(text: str) -> str:
    """ "count(n, m)" → "count()": a new method's parameters are not words of the request."""
    out, depth = [], 0
    for char in text:
        depth += char == "("
        if depth == 0 or (char == "(" and depth == 1) or (char == ")" and depth == 1):
            out.append(char)
        depth -= char == ")" and depth > 0
    return "".join(out)


def plan_new_member(text: str, project_map: ProjectMap, instruction: str) -> Plan | None:
    """An "add" of a method to one class the map defines: `Plan.symbol` is "Class.method"."""
    words = tag(_without_arguments(text))
    for pattern in _NEW_MEMBER:
        if not (found := match(pattern, words)):
            continue
        method, owner = found["NEW"][0].text, found["NAME"][0].text
        if method.lower() in _NOT_A_METHOD_NAME:
            continue
        classes = [s for s in project_map.find(owner) if s.kind == "class"]
        if len(classes) == 1:
            return Plan(intent=Intent.ADD, symbol=f"{owner}.{method}", file=classes[0].path, instruction=instruction)
        if not classes and owner[:1].isupper() and not project_map.find(owner):
            project_map.require_symbol(owner, None)  # "`Library` is not defined …; did you mean `LoanDesk`?"
    return None


# "document every function in shelf/money.py", "add type hints to all the functions of utils.py".
_EVERY_IN_FILE = (
    "every|all|each of? the? public? functions|function|methods|method|symbols|symbol|definitions|definition"
    " in|of|from|inside the? file? FILE"
)
MAX_FILE_TARGETS = 12  # one model call each: a file of more is asked for in parts


def plan_every_in_file(text: str, project_map: ProjectMap, instruction: str) -> Plan | None:
    """Doc comments or type hints for every function and method of one file."""
    found = first(_EVERY_IN_FILE, tag(text))
    if found is None:
        return None
    intent = edit_intent(text)
    if intent not in (Intent.DOCSTRING, Intent.TYPE_HINTS):
        return None
    path = project_map.require_file(found["FILE"][0].text.split(":")[0])
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
