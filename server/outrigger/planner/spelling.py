"""The words a request is made of, spelt as meant: "documnet X", "renmae X to Y", "expalin X",
"add a doctsring to X" — a command word typed fast reads as no word at all, and the rules leave
the request to the model. A word is respelt only when it is no English word (pyspellchecker's
frequency list: "mix" and "same" stay, though one letter from "fix" and "name") and exactly one
word of the planner's vocabulary is one edit from it (two for long words)."""

from __future__ import annotations

from functools import cache, lru_cache

from spellchecker import SpellChecker

from outrigger.planner.intents import VERBS
from outrigger.planner.words import ASK_WORDS, DOC_WORDS, REQUEST_WORDS, TYPES_WORDS

_VOCABULARY = frozenset(VERBS) | DOC_WORDS | TYPES_WORDS | ASK_WORDS | REQUEST_WORDS
_SHORTEST = 4  # "ad", "fo", "teh": too short to say which word was meant


@cache
def _english() -> SpellChecker:
    return SpellChecker(distance=1)  # loaded on the first unknown word (~0.1 s)


@lru_cache(maxsize=4096)  # a server lives long, and every user's typos are new words
def meant(word: str) -> str | None:
    """The vocabulary word a misspelt word stands for, or None."""
    lower = word.lower()
    if len(lower) < _SHORTEST or not lower.isalpha() or lower in _VOCABULARY or lower in _english():
        return None
    english = _english()
    near = english.edit_distance_1(lower)
    if len(lower) > 6 and not near & _VOCABULARY:
        near = set(english.edit_distance_2(lower))
    found = near & _VOCABULARY
    return found.pop() if len(found) == 1 else None
