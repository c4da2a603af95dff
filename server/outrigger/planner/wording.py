"""The request as the rules read it. People ask politely ("could you add … for me?"), hedge
("I'd like you to …", "would you mind renaming …") and name members many ways ("the `save`
method of `Repo`", "Repo's save method", "Queue#push", "Repo::save"). This pass rewrites those
forms into the plain imperative and `Class.member` the rules know, reading the tagged words
(words.py) with the grammar (grammar.py); the user's own words still go to the model."""

from __future__ import annotations

import re
from collections.abc import Callable

from outrigger.plan import Intent, StepAction
from outrigger.planner.grammar import SLOTS, each, match
from outrigger.planner.intents import VERBS
from outrigger.planner.spelling import meant
from outrigger.planner.words import (
    COURTESY_WORDS,
    DOC_WORDS,
    TYPES_WORDS,
    Tag,
    Word,
    clause_opens,
    imperative,
    tag,
    verb_of,
)

# Openings that say nothing of the request: greetings, and second thoughts ("nvm, undo that").
_GREETINGS = frozenset(
    "hey hi hello ok okay so thanks great cool nice perfect nvm nah nope oops whoops hmm um uh ah oh ugh actually wait".split()
)
# Text-speak, word for word: "can u rename … pls" reads as "can you rename … please".
# Question words run together with "is" ("where's", typed "wheres") read as the two words.
_SHORT_FORMS = {
    **{"u": "you", "ur": "your", "pls": "please", "plz": "please", "thx": "thanks", "ty": "thanks"},
    **{"cn": "can", "cld": "could", "cud": "could", "wud": "would", "shud": "should", "r": "are", "n": "and"},
    **{"wtf": "what", "wth": "what"},
    **{f"{asked}{s}": f"{asked} is" for asked in ("what", "where", "who", "how") for s in ("'s", "s", "\u2019s")},
}
_CLOSINGS = ("for me", "please", "thanks", "thank you", "thx", "if you can")
# "1) add a docstring to X 2) add type hints to X": a list on one line is a list all the same.
_INLINE_ITEM = re.compile(r"(?<=\S)[ \t]+\(?\d{1,2}\)[ \t]+")
_BULLETS = ("- ", "* ", "\u2022 ")
# "could `Greenhouse.water` be called mist?", "shouldn't total be named weight instead?": a
# rename asked as a question (the words between the first and "be" are the symbol).
_MODALS = frozenset("could can should shall may might would couldn't can't shouldn't wouldn't mightn't".split())
_NAME_WISH = "be named|called|renamed|recalled to? NEW instead? ( please | for me )? ( ?|.|! )?"
# "I'd like a roundCents(amount) helper in money.ts": a wish for new code is an "add".
_WISH = "( i'd like | i would like | i want|need | we want|need | it would be nice to have ) a|an|some ..."
# "i don't get what X does", "no idea why X sorts twice", "not sure how X works": a question.
_UNSURE = (
    "( i|we ( don't|dont|can't|cant | do not ) get|understand|know|see|tell | no|zero idea | not sure )"
    " what|how|why|where|which|when|who ..."
)
_ASKED_HOW = frozenset("what how why where which when who".split())
# "can I get type hints on X", "could we have a docstring for X", "give me type hints for X",
# "write us a docstring for X": a doc or hints asked for is made ("give me an overview" stays a
# question: no such thing is asked for).
_ASKED_FOR = tuple(
    form.format(thing=thing)
    for form in (
        "can|could|may|should ( i|we | NAME ) get|have ( a|an|some )? {thing} ...",  # "can parse get a docstring"
        "give|write|make|get|generate me|us ... {thing} ...",
    )
    for thing in ("DOC", "TYPES")
)
_ASKED_FOR_WORDS = frozenset({"get", "have", "me", "us"})
# Member references: each becomes "`Class.member`" when the map defines it.
_MEMBER_FORMS = (
    "the? OLD method|function|member|property|getter|setter of|in|on|from the? class? OLD2 class?",
    "the? method|function|member|property OLD of|in|on|from the? class? OLD2 class?",
    "OWNER OLD method|function|member|property?",  # Repo's save method
)


def normalize(request: str, known: Callable[[str], bool] = lambda name: False) -> str:
    """`known("Repo.save")` says whether the map defines a member: English reads like member
    phrasing too ("the main function of this file"), so only members that exist are rewritten
    (and `Repo#save` / `Repo::save`, which only code says)."""
    # (a `u` or `ty` the map defines stays a name: "rename u to user")
    # Text-speak and misspelt command words, read as the words meant ("u" → "you", "documnet" →
    # "document"); a `u` the map defines stays a name: "rename u to user".
    request = request.strip()
    words = tag(request)
    text = _replaced(
        request, words, lambda i: None if words[i].code or known(words[i].text) else _spelt(words, i, known)
    )
    lines = [_unbulleted(line) for line in _INLINE_ITEM.sub("\n", text.replace("\r", "")).splitlines() if line.strip()]
    text = "; ".join(line.strip(" ;") for line in lines) if len(lines) > 1 else "".join(lines)
    pieces = _sentences(_without_greeting(text))  # [sentence, break, sentence, …]
    text = "".join(
        piece if index % 2 else _imperative(_active(piece, known), last=index == len(pieces) - 1)
        for index, piece in enumerate(pieces)
    )
    return " ".join(_canonical_members(text, known).split())


_THINGS_MADE = DOC_WORDS | TYPES_WORDS | {"hint", "hints"}  # "add a doctsring", "type hitns"


def _spelt(words: list[Word], index: int, known: Callable[[str], bool]) -> str | None:
    """A short form's words, or the command word a misspelt word stands for — only where a
    command word goes (a clause's first word, after "could you", a doc or hints word) and never
    a name the map defines: elsewhere it may be a name typed wrong, which the map refuses, never
    silently corrected ("rename describ to …")."""
    word = words[index].text
    if (short := _SHORT_FORMS.get(word.lower())) is not None:
        return None if known(short) else short
    if (respelt := meant(word)) is None or known(respelt):
        return None
    polite = all(_SHORT_FORMS.get(w.text.lower(), w.text.lower()) in COURTESY_WORDS for w in words[:index])
    return respelt if respelt in _THINGS_MADE or clause_opens(words, index) or polite else None  # "could you renmae X"


def _replaced(text: str, words: list[Word], new: Callable[[int], str | None]) -> str:
    """The text with each word `new` gives a replacement for (by its index) replaced."""
    out, done = [], 0
    for index, word in enumerate(words):
        if (replacement := new(index)) is not None:
            out += [text[done : word.start], replacement]
            done = word.end
    return "".join([*out, text[done:]])


def _unbulleted(line: str) -> str:
    """A list of things to do, one per line ("- add …", "* fix …", "1. rename …"): each a sentence."""
    stripped = line.lstrip()
    number, _, rest = stripped.partition(" ")
    if stripped.startswith(_BULLETS) or (number[:-1].lstrip("(").isdigit() and number[-1:] in (".", ")") and rest):
        return rest.lstrip()
    return line


def _without_greeting(text: str) -> str:
    words, start = tag(text), 0
    while start < len(words):
        word = words[start].text.lower()
        thank = word == "thank" and start + 1 < len(words) and words[start + 1].text.lower() == "you"
        if word not in _GREETINGS and not thank:
            break
        start += 2 if thank else 1
        start += start < len(words) and words[start].text in (",", "!", ".")
    if start == 0:
        return text
    return text[words[start].start :] if start < len(words) else ""


def _sentences(text: str) -> list[str]:
    """[sentence, break, sentence, …]: a new sentence (or an aside after a dash) may open
    politely on its own."""
    pieces, done = [], 0
    for word in tag(text):
        if word.tag is not Tag.BREAK or word.text in ("->", "=>", "\u2192"):
            continue
        start = len(text[: word.start].rstrip()) if word.text[0] in "-\u2013\u2014" else word.end
        end = len(text) - len(text[word.end :].lstrip())
        if start < end < len(text) and start >= done:
            pieces += [text[done:start], text[start:end]]
            done = end
    return [*pieces, text[done:]]


def _imperative(text: str, last: bool = True) -> str:
    """ "could you add … for me?" → "add …"; a question ("can you explain …?") keeps its form.
    A sentence that is not the last keeps a full stop, so the next one still starts anew."""
    plain = _imperative_sentence(text)
    return plain if last or plain == text or plain.endswith((".", "!", "?", ";", ":")) else plain + "."


# What a passive says must happen to code: "it should be moved into …", "src/x.ts must be deleted",
# "collect needs to be removed", "X ought to be simplified", "X needs fixing".
_MUST = frozenset("should must need needs has ought".split())
_CHANGES_SAID = frozenset({StepAction.MOVE, StepAction.DELETE, StepAction.REMOVE, Intent.REWRITE, Intent.FIX})


def _active(text: str, known: Callable[[str], bool] = lambda name: False) -> str:
    """ "…, so src/old/rates.ts should be deleted" → "…, so delete src/old/rates.ts"; "it
    should be moved into a new a.ts" → "move it into a new a.ts"; "X needs simplifying" →
    "simplify X": a change said in the passive of the file, the code or the "it" it is done to,
    as the command."""
    words = tag(text)
    for at in range(len(words)):
        if (found := _passive(words, at)) is None:
            continue
        done_to, verb = found
        if done_to.tag in (Tag.FILE, Tag.PRONOUN) or done_to.code or known(done_to.text):
            return f"{text[: done_to.start]}{verb} {text[done_to.start : done_to.end]}{text[words[at].end :]}"
    return text


def _passive(words: list[Word], at: int) -> tuple[Word, str] | None:
    """(what a change is done to, the change's verb) when the word at `at` ends a passive of
    it: "X should be removed", "X needs to be moved", "X needs fixing"."""
    if at >= 2 and words[at - 1].text.lower() in ("needs", "need"):
        verb, modal = verb_of(words[at].text, "ing"), at - 1
    elif at >= 3 and words[at - 1].text.lower() == "be":
        verb, modal = verb_of(words[at].text, "ed"), at - 2 - (words[at - 2].text.lower() == "to")
    else:
        return None
    if verb is None or VERBS[verb] not in _CHANGES_SAID or modal < 1 or words[modal].text.lower() not in _MUST:
        return None
    return words[modal - 1], verb


# "explain it in a doc comment", "describe total in its docstring": told where a doc goes.
_IN_A_DOC = "in|into|as a|an|the|its|their? ( DOC )+ ( ?|.|! )?"


def _told_in_a_doc(text: str) -> str:
    """A question verb whose answer goes into a doc is a doc: "explain it in a doc comment" →
    "document it"."""
    words = tag(text)
    if not words or words[0].kind is not Intent.QUESTION:
        return text
    told = next((i for i in range(2, len(words)) if match(_IN_A_DOC, words[i:])), None)
    return f"document {text[words[1].start : words[told].start].strip()}" if told else text


def _imperative_sentence(text: str) -> str:
    text = _told_in_a_doc(text)
    words = tag(text)
    lead = int(bool(words) and words[0].text.lower() == "please")  # "please, …"
    words = words[lead + (lead < len(words) - 1 and words[lead].text == ",") if lead else 0 :]
    if words and words[0].text.lower() in _MODALS:
        for index, word in enumerate(words[2:], 2):
            if word.text.lower() == "be" and (found := match(_NAME_WISH, words[index:])):
                return f"rename {text[words[1].start : word.start].strip()} to {found['NEW'][0].text}"
            if word.text.lower() == "be" and index + 1 < len(words) and (verb := _participle(words[index + 1].text)):
                # "can X be documented?", "could parse be simplified?": a change asked as whether it may be made.
                return _without_closing(
                    f"{verb} {text[words[1].start : word.start].strip()}{text[words[index + 1].end :]}"
                )
    if (command := imperative(text)) is not None:  # "can you give me type hints …" → "give me …"
        return _asked_for(command) or _without_closing(command)
    if (asked := _asked_for(text)) is not None:
        return asked
    for comma in (word for word in words if word.text == ","):
        # "X is slow, could you make it faster?": what is said of X, then the command politely.
        if (command := imperative(text[comma.end :])) is not None:
            return f"{text[: comma.end]} {_asked_for(command) or _without_closing(command)}"
    if match(_WISH, words):
        article = next(w for w in words if w.text.lower() in ("a", "an", "some"))
        return "add " + text[article.start :]
    if match(_UNSURE, words):  # "i dont get what X does" asks what X does
        return text[next(w for w in words if w.text.lower() in _ASKED_HOW).start :]
    return text[words[0].start :] if words else text


# The changes a "can X be …ed?" asks for; "can X be called from Y?" or "… be removed?" stay questions.
_WISHED_CHANGES = frozenset({Intent.DOCSTRING, Intent.TYPE_HINTS, Intent.FIX, Intent.REWRITE})
_IRREGULAR = {"made": "make", "rewritten": "rewrite", "split": "split"}


def _participle(word: str) -> str | None:
    """The verb of a change a past participle is: "documented" → "document", "simplified" → "simplify"."""
    lower = word.lower()
    verb = _IRREGULAR.get(lower) or (verb_of(lower, "ed") if lower.endswith("ed") else None)
    return verb if verb and VERBS[verb] in _WISHED_CHANGES else None


def _asked_for(text: str) -> str | None:
    """ "give me type hints for X" → "add type hints for X"; None when no doc or hints are asked for."""
    words = tag(text)
    found = next((found for wish in _ASKED_FOR if (found := match(wish, words))), None)
    if found is None:
        return None
    thing = next(i for i, w in enumerate(words) if SLOTS["DOC"](w) or SLOTS["TYPES"](w))
    wanted = next(w for w in reversed(words[:thing]) if w.text.lower() in _ASKED_FOR_WORDS)
    made = _without_closing("add " + text[wanted.end :].lstrip())
    return f"{made} to {found['NAME'][0].text}" if "NAME" in found else made


def _without_closing(text: str) -> str:
    """ "add … for me, please." → "add …" """
    text = text.rstrip(" .!?")
    while closing := next((c for c in _CLOSINGS if text.lower().endswith(c) and text[: -len(c)][-1:] in " ,"), None):
        text = text[: -len(closing)].rstrip(" ,.!?")
    return text


def _canonical_members(text: str, known: Callable[[str], bool]) -> str:
    words = tag(text)
    spans: list[tuple[int, int, str]] = []
    for form in _MEMBER_FORMS:
        for start, end, found in each(form, words):
            owner = found["OWNER"][0].text[:-2] if "OWNER" in found else found["OLD2"][0].text
            member = f"{owner}.{found['OLD'][0].text}"
            taken = any(s < words[end - 1].end and words[start].start < e for s, e, _ in spans)
            if known(member) and not taken:
                spans.append((words[start].start, words[end - 1].end, f"`{member}`"))
    # `Repo#save` / `Repo::save`: only code says so.
    for before, after in zip(words, words[1:], strict=False):
        if text[before.end : after.start] in ("#", "::") and before.text.isidentifier() and after.text.isidentifier():
            if not any(s <= before.start < e for s, e, _ in spans):
                spans.append((before.start, after.end, f"{before.text}.{after.text}"))
    for start, end, replacement in sorted(spans, reverse=True):
        text = text[:start] + replacement + text[end:]
    return text
