"""Renames said by the names alone: "X reads badly, make it Y throughout" names one existing
symbol and one new identifier with naming words. The pattern table (rules.py) reads them so,
and a model's plan that contradicts them is sent back once (`contradicts_rename`)."""

from __future__ import annotations

from outrigger.plan import Intent, Plan
from outrigger.planner.grammar import each, match
from outrigger.planner.words import REQUEST_WORDS, Tag, Word, tag
from outrigger.workspace.index import ProjectMap

# Words that say a name is given: "should be called …", "make it …", "→".
_NAMING = frozenset(
    """rename renamed renames renaming re-name re-named name named names naming call called calls calling title
    titled titles label labeled labelled labels → -> =>""".split()
)
_NAMING_PAIRS = frozenset({("instead", "of"), ("make", "it"), ("should", "be"), ("to", "be")})


def naming(words: list[Word]) -> bool:
    return bool(_NAMING & _said(words)) or _first_naming_pair(words) is not None


def _said(words: list[Word]) -> set[str]:
    return {w.text.lower() for w in words if not w.quoted}


def _first_naming_pair(words: list[Word]) -> Word | None:
    """The first word of a pair that may give a name ("should be", "make it", "instead of")."""
    said = [w for w in words if not w.quoted]
    pairs = zip(said, said[1:], strict=False)
    return next((first for first, then in pairs if (first.text.lower(), then.text.lower()) in _NAMING_PAIRS), None)


def new_names(words: list[Word]) -> list[str]:
    """Identifiers written as code that the map does not define: candidates for a new name."""
    fresh = (w.text for w in words if w.code and w.tag is Tag.WORD and w.text.isidentifier())
    return list(dict.fromkeys(fresh))


# The old name, then the new one: "parse_amount → split_amount", "name total weight", "call
# `Bed.harvest` gather instead". After "call" a plain word must say it is a name ("call collect
# twice" is no rename): written as code, or followed by "instead".
_ARROW = "NAME →|->|=> NEW"
_GIVEN = (f"... {_ARROW} ...", "... name NAME NEW ...", "... call NAME NEW ...")
# A plain word right after a naming cue is the new name: "should be called enqueue".
_CUED = ("... called|named NEW ...", "... name|call it NEW ...", "... rename|renamed it? to NEW ...")


def renamed(text: str, words: list[Word], mentioned: list[str], project_map: ProjectMap) -> tuple[str, str] | None:
    """(old, new) when the request names exactly one existing symbol and one new identifier."""
    if len(list(each(_ARROW, words))) > 1:
        return None  # "rename a → b. c → d too": several renames, never one of them alone
    for pattern in _GIVEN:
        if not (found := match(pattern, words)):
            continue
        old, new = found["NAME"][0], found["NEW"][0]
        if pattern.startswith("... call") and not (new.code or _after(words, new) == "instead"):
            continue
        if "→" not in pattern and (new.text.lower() in REQUEST_WORDS or text[new.end : new.end + 1] == "("):
            continue  # "name total as …": a word of the request, not a new name; "flush(q)": new code
        if project_map.find(old.text) and not project_map.find(new.text):
            return old.text, new.text
    # "add closeTicket(ticket, by) … call it": a name written as a call is new code, not a new name.
    # Given only by a pair that may as well state a value, a new name comes after it: in "X
    # raises ZeroDivisionError?? should be 0" the exception is no new name for X.
    pair = None if _NAMING & _said(words) else _first_naming_pair(words)
    after_cue = [w for w in words if pair is None or w.start >= pair.start]
    fresh = [name for name in new_names(after_cue) if not _called(text, words, name)]
    if not fresh:
        cued = [found["NEW"][0] for pattern in _CUED if (found := match(pattern, words))]
        fresh = [
            word.text
            for word in sorted(cued, key=lambda w: w.start)
            if word.text.lower() not in REQUEST_WORDS
            and not project_map.find(word.text)
            and word.text.isidentifier()
            and text[word.end : word.end + 1] != "("  # a call: new code; a full stop may end the name
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
    if not plan.intent.edits_symbols or not naming(words):
        return None
    fresh = new_names(words)
    if len(fresh) != 1:
        return None
    return (
        f"The request gives a symbol the new name `{fresh[0]}`, which does not exist yet: "
        'that is a rename (intent "rename", with "new_name"), not an edit.'
    )
