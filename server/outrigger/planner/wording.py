"""The request as the rules read it. People ask politely ("could you add … for me?"), hedge
("I'd like you to …", "would you mind renaming …") and name members many ways ("the `save`
method of `Repo`", "Repo's save method", "Queue#push", "Repo::save"). This pass rewrites those
forms into the plain imperative and `Class.member` the rules know; the user's own words still
go to the model."""

from __future__ import annotations

import re
from collections.abc import Callable

from outrigger.planner.words import imperative

# An identifier: Unicode letters allowed (Python 3 and JS both accept them); `$` for JS.
WORD = r"(?:[^\W\d]|\$)[\w$]*"

_GREETING = re.compile(
    r"^\s*(?:(?:hey|hi|hello|ok|okay|so|thanks|thank\s+you|great|cool|nice|perfect)\b[,!.]?\s*)+", re.I
)
# Text-speak, word for word: "can u rename … pls" reads as "can you rename … please".
_SHORT_FORMS = {"u": "you", "ur": "your", "pls": "please", "plz": "please", "thx": "thanks", "ty": "thanks"}
_SHORT = re.compile(rf"(?<![`\w.])(?:{'|'.join(_SHORT_FORMS)})(?![`\w.(])", re.I)
# A list of things to do, one per line ("- add …", "* fix …", "1. rename …"): each a sentence.
_BULLET = re.compile(r"^\s*(?:[-*\u2022]|\d+[.)])\s+", re.M)
_POLITE_CLOSING = re.compile(
    r"\s*(?:,?\s*(?:for\s+me|please|thanks|thank\s+you|thx|if\s+you\s+can))*\s*[.!?]*\s*$", re.I
)
_PLEASE = re.compile(r"^\s*please[,]?\s+", re.I)
# "could `Greenhouse.water` be called mist?", "shouldn't total be named weight instead?": a
# rename asked as a question.
_NAME_WISH = re.compile(
    rf"^\s*(?:please\s+)?(?:could|can|should|shall|may|might|would)(?:n'?t)?\s+(.+?)\s+be\s+"
    rf"(?:re)?(?:named|called)\s+(?:to\s+)?(`?{WORD}`?)(?:\s+instead)?(?:\s+(?:please|for\s+me))?\s*[?.!]*\s*$",
    re.I,
)
# "I'd like a roundCents(amount) helper in money.ts": a wish for new code is an "add".
_WISH = re.compile(
    r"^\s*(?:i(?:'d|\s+would)\s+like|i\s+(?:want|need)|we\s+(?:want|need)|it\s+would\s+be\s+nice\s+to\s+have)"
    r"\s+(?=an?\s|some\s)",
    re.I,
)
# Where a new sentence (or an aside) starts: each one may open politely on its own.
_SENTENCE_BREAK = re.compile(r"((?<=[.!?;:])\s+|\s+[-\u2013\u2014]+\s+)")

# Member references, most specific first: each becomes "`Class.member`".
_Q = r"`?"
_MEMBER_FORMS = [
    # the `save` method of (the) `Repo` (class)
    re.compile(
        rf"\b(?:the\s+)?{_Q}({WORD}){_Q}\s+(?:method|function|member|property|getter|setter)\s+"
        rf"(?:of|in|on|from)\s+(?:the\s+)?(?:class\s+)?{_Q}({WORD}){_Q}(?:\s+class)?",
        re.I,
    ),
    # (the) method `save` of (class) `Repo`
    re.compile(
        rf"\b(?:the\s+)?(?:method|function|member|property)\s+{_Q}({WORD}){_Q}\s+(?:of|in|on|from)\s+"
        rf"(?:the\s+)?(?:class\s+)?{_Q}({WORD}){_Q}(?:\s+class)?",
        re.I,
    ),
]
_POSSESSIVE = re.compile(rf"{_Q}({WORD}){_Q}'s\s+{_Q}({WORD}){_Q}(?:\s+(?:method|function|member|property))?", re.I)
_SEPARATED = re.compile(rf"\b({WORD})(?:#|::)({WORD})\b")


def normalize(request: str, known: Callable[[str], bool] = lambda name: False) -> str:
    """`known("Repo.save")` says whether the map defines a member: English reads like member
    phrasing too ("the main function of this file"), so only members that exist are rewritten
    (and `Repo#save` / `Repo::save`, which only code says)."""
    # (a `u` or `ty` the map defines stays a name: "rename u to user")
    text = _SHORT.sub(lambda m: m.group(0) if known(m.group(0)) else _SHORT_FORMS[m.group(0).lower()], request.strip())
    text = _BULLET.sub("", text.replace("\r", ""))
    text = "; ".join(line.strip(" ;") for line in text.splitlines() if line.strip()) if "\n" in text else text
    text = _GREETING.sub("", text)
    pieces = _SENTENCE_BREAK.split(text)  # [sentence, break, sentence, …]
    text = "".join(
        piece if index % 2 else _imperative(piece, last=index == len(pieces) - 1) for index, piece in enumerate(pieces)
    )
    text = _canonical_members(text, known)
    return " ".join(text.split())


def _imperative(text: str, last: bool = True) -> str:
    """ "could you add … for me?" → "add …"; a question ("can you explain …?") keeps its form.
    A sentence that is not the last keeps a full stop, so the next one still starts anew."""
    plain = _imperative_sentence(text)
    return plain if last or plain == text or plain.endswith((".", "!", "?", ";", ":")) else plain + "."


def _imperative_sentence(text: str) -> str:
    if m := _NAME_WISH.match(text):
        return f"rename {m.group(1)} to {m.group(2)}"
    if (command := imperative(text)) is not None:
        return _POLITE_CLOSING.sub("", command)
    if m := _WISH.match(text):
        return "add " + text[m.end() :]
    return _PLEASE.sub("", text)


def _canonical_members(text: str, known: Callable[[str], bool]) -> str:
    def member(owner: str, name: str, original: str) -> str:
        return f"`{owner}.{name}`" if known(f"{owner}.{name}") else original

    for form in _MEMBER_FORMS:
        text = form.sub(lambda m: member(m.group(2), m.group(1), m.group(0)), text)
    text = _POSSESSIVE.sub(lambda m: member(m.group(1), m.group(2), m.group(0)), text)
    return _SEPARATED.sub(lambda m: f"{m.group(1)}.{m.group(2)}", text)
