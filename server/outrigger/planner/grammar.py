"""A small grammar over the tagged words (words.py): a pattern is a line of words and slots,
"rename the? KIND? NAME IN_FILE? to|as|into NEW", matched against a clause's words, not its
characters. Literal words match case-insensitively (`a|b` is either, a trailing `?` makes a
token optional); `( … )?`, `( … )*` and `( … )+` group, `( a b | c )` is either sequence; `...`
is any words (as few as possible); a slot in capitals is a class of word (SLOTS) and what it
matched is kept. Filler ("please", "now", "thx") is skipped wherever the pattern does not name
it. A pattern matches the whole clause unless it ends with `...`. Where words fit a pattern in
more than one way, optional words and groups take as many words as fit, trying alternatives
in the order written, and `...` as few."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from functools import cache, lru_cache

import regex

from outrigger.plan import StepAction
from outrigger.planner.words import DOC_WORDS, KINDS, REQUEST_WORDS, TYPES_WORDS, Tag, Word


def identifier(word: Word) -> bool:
    return word.text.replace(".", "_").replace("$", "_").isidentifier()


def named(word: Word) -> bool:
    """A word that can name code: a symbol, an identifier that is no word of the request
    (written as code, it always can), or a pronoun (the planner resolves it, or the map has it)."""
    if word.tag in (Tag.SYMBOL, Tag.PRONOUN):
        return identifier(word)
    lower = word.text.lower()
    plain = lower not in REQUEST_WORDS and word.tag is Tag.WORD
    return identifier(word) and (word.code or plain) and word.tag is not Tag.FILE


SLOTS: dict[str, Callable[[Word], bool]] = {
    "NAME": named,  # code the request points to
    "NEW": lambda w: identifier(w) and "." not in w.text and w.tag in (Tag.WORD, Tag.SYMBOL, Tag.VERB),  # a name
    # a name being changed: any identifier, filler too ("rename a to b", "fix Hello in main.go")
    "OLD": lambda w: identifier(w) and w.tag is not Tag.FILE,
    "OWNER": lambda w: w.text.endswith("'s") and w.text[:-2].isidentifier(),  # "Repo's"
    "FILE": lambda w: w.tag is Tag.FILE,
    "DOC": lambda w: not w.code and (w.text.lower() in DOC_WORDS or w.text.lower().endswith(("doc", "docs"))),
    "TYPES": lambda w: not w.code and w.text.lower() in TYPES_WORDS,
    "WORD": lambda w: w.tag is not Tag.BREAK,
    "REMOVING": lambda w: w.tag is Tag.VERB and w.kind in (StepAction.REMOVE, StepAction.DELETE),  # intents.STEPS
}
# Shared pieces, spelled out where a pattern names them.
MACROS = {
    "KIND": "|".join(KINDS),
    "IN_FILE": "( in|from|of|inside the? file? FILE )",
    "END": "( .|! )?",
    "PARAMS": "parameter|parameters|argument|arguments|param|params|arg|args|option|options|keyword",
}


# A clause is matched as a string with one token per word: the letters of the slots the word
# fills ("~" first for filler, which fills no slot but OLD), a space, its lowercase text, and an
# end mark. Each pattern becomes a regular expression over those tokens (`regex`, which keeps
# every capture of a repeated group and allows one slot name in several places).
_LETTERS = {slot: chr(ord("A") + i) for i, slot in enumerate(SLOTS)}
_END = "\x1e"
_ANY = f"[^{_END}]*+{_END}"
_FILLER = f"(?:~{_ANY})"


def _tokens(pattern: str) -> list[str]:
    tokens: list[str] = []
    for token in pattern.split():
        base, quant = (token[:-1], "?") if token.endswith("?") and len(token) > 1 else (token, "")
        text = MACROS.get(base)
        tokens += (text[:-1] + ")" + quant if text.endswith(")") else text + quant).split() if text else [token]
    return tokens


def _word(token: str) -> str:
    """One word of the pattern, after any filler it does not name."""
    if token.isupper() and token.rstrip("23") in SLOTS:  # NAME2: a second NAME, kept apart
        letter = _LETTERS[token.rstrip("23")]
        return f"{_FILLER}*?(?P<{token}>[^ {letter}]*+{letter}{_ANY})"
    return f"{_FILLER}*?[^ ]*+ (?:{'|'.join(map(regex.escape, token.lower().split('|')))}){_END}"


@cache
def _compiled(pattern: str, anywhere: bool = False) -> regex.Pattern[str]:
    """The pattern as a regular expression over a clause's tokens: from the first word, to the
    last unless it ends with `...`; `anywhere` (to `search`): from any word on, to where it ends."""
    parts, depth, tokens = [f"(?<![^{_END}])" if anywhere else ""], 0, _tokens(pattern)
    for token in tokens:
        if token == "(":
            parts.append("(?:")
        elif token.startswith(")"):
            parts.append(token)
        elif token == "|":
            assert depth, f"bare alternatives: {pattern}"
            parts.append(token)
        elif token == "...":
            parts.append(f"(?:{_ANY})*?")  # as few words as possible
        elif token.endswith("?") and len(token) > 1:
            parts.append(f"(?:{_word(token[:-1])})?")
        else:
            parts.append(_word(token))
        depth += (token == "(") - token.startswith(")")
    whole = not anywhere and tokens[-1:] != ["..."]  # then filler may end the clause
    return regex.compile("".join(parts) + (f"{_FILLER}*\\Z" if whole else ""))


# The rules try one list of words against many patterns: the last lists' tokens are kept (and
# used while the list still holds the same words), since hashing every Word costs more than matching.
_CLAUSES: dict[int, tuple[list[Word], str, dict[int, int]]] = {}


def _clause(words: list[Word]) -> tuple[str, dict[int, int]]:
    """The words as tokens, and where each token starts (and the last ends) → its word's index."""
    kept = _CLAUSES.get(id(words))
    if kept is None or kept[0] != words:
        text, at = "", {}
        for index, word in enumerate(words):
            at[len(text)] = index
            text += _token(word)
        at[len(text)] = len(words)
        if len(_CLAUSES) >= 64:
            _CLAUSES.clear()
        kept = _CLAUSES[id(words)] = (list(words), text, at)
    return kept[1], kept[2]


@lru_cache(maxsize=4096)  # the planner tags one request more than once: equal words, new objects
def _token(word: Word) -> str:
    filler = word.tag is Tag.FILLER
    letters = "".join(
        letter for slot, letter in _LETTERS.items() if (not filler or slot == "OLD") and SLOTS[slot](word)
    )
    return ("~" if filler else "") + letters + " " + word.text.lower().replace(_END, " ") + _END


class Found(dict[str, list[Word]]):
    """Each slot's words, in order; `pairs` keeps the order across slots."""

    def __init__(self, pairs: tuple[tuple[str, Word], ...]) -> None:
        super().__init__()
        self.pairs = pairs
        for slot, word in pairs:
            self.setdefault(slot, []).append(word)

    def __bool__(self) -> bool:  # found, even with no slot
        return True

    def text(self, slot: str, index: int = 0) -> str | None:
        found = self.get(slot, [])
        return found[index].text if len(found) > index else None


def _found(fit: regex.Match[str], words: list[Word], at: dict[int, int]) -> Found:
    starts = sorted((start, slot) for slot in fit.re.groupindex for start, _ in fit.spans(slot))
    return Found(tuple((slot, words[at[start]]) for start, slot in starts))


def match(pattern: str, words: list[Word]) -> Found | None:
    """What a pattern captures from these words, or None when it does not fit them."""
    text, at = _clause(words)
    fit = _compiled(pattern).match(text)
    return _found(fit, words, at) if fit else None


def first(pattern: str, words: list[Word]) -> Found | None:
    """`match` from any word on: the first place the pattern fits."""
    text, at = _clause(words)
    fit = _compiled(pattern, anywhere=True).search(text)
    return _found(fit, words, at) if fit else None


def each(pattern: str, words: list[Word]) -> Iterator[tuple[int, int, Found]]:
    """Every place the pattern fits, left to right and not overlapping: (first word, the word
    after the last, what it captured)."""
    text, at = _clause(words)
    compiled, offsets, start = _compiled(pattern, anywhere=True), list(at), 0
    while start < len(words) and (fit := compiled.search(text, offsets[start])):
        if fit.end() == fit.start():
            start = at[fit.start()] + 1
            continue
        yield at[fit.start()], at[fit.end()], _found(fit, words, at)
        start = at[fit.end()]
