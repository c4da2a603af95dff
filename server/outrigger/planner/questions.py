"""What kind of question a request asks (`plan.Question`), from its words. The answer's source
follows: the map for facts it holds exactly, the model only for explanations."""

from __future__ import annotations

import re

from outrigger.plan import Question

_KINDS = [
    (Question.LINES, re.compile(r"\bhow\s+(?:many\s+lines|long)\b", re.I)),
    (Question.COUNT, re.compile(r"\bhow\s+many\s+(?:functions|classes|methods|symbols)\b", re.I)),
    (
        Question.USAGES,
        re.compile(
            r"\b(?:what|who|which\s+\w+)\s+(?:calls?|uses?|references?|depends\s+on)\b"
            r"|\bwhere\s+(?:is|are|do\s+we|does\s+\S+)\s+(?:\S+\s+){0,3}?(?:used|called|referenced|invoked)\b"
            r"|\b(?:usages?|callers?|call\s+sites?|references?)\s+(?:of|to|for)\b"
            r"|\bis\s+\S+\s+(?:ever\s+)?(?:used|called)\b|\bfind\s+(?:all\s+)?(?:usages|uses|callers)\b",
            re.I,
        ),
    ),
    (Question.WHERE, re.compile(r"\b(?:where\s+is|where's|which\s+file|in\s+which\s+file|where\s+are)\b", re.I)),
    (
        Question.LIST,
        re.compile(r"\b(?:what|which|list|show)\b.*\b(?:functions|classes|symbols|methods|defined|defines)\b", re.I),
    ),
    (
        Question.CATALOGUE,
        re.compile(
            r"\b(?:is\s+there|are\s+there|do\s+we\s+have|does\s+\S+\s+have|have\s+we\s+got|any)\s+"
            r"(?:(?:a|an|some|any)\s+)?(?:function|method|class|helper|code|util\w*|anything|something|a\s+way|"
            r"somewhere|place|routine)\b"
            r"|\b(?:which|what)\s+(?:function|method|class|helper|file|module|code)\b",
            re.I,
        ),
    ),
]


def question_kind(text: str, *, names_a_symbol: bool, names_a_file: bool) -> Question:
    """The first kind whose words match. A question that names a symbol or a file is never a
    search of the catalogue."""
    for kind, words in _KINDS:
        if not words.search(text):
            continue
        if kind is Question.CATALOGUE and (names_a_symbol or names_a_file):
            continue
        return kind
    return Question.EXPLAIN
