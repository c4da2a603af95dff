"""What kind of question a request asks (`plan.Question`), from its words. The answer's source
follows: the map for facts it holds exactly, the model only for explanations."""

from __future__ import annotations

from outrigger.plan import Question
from outrigger.planner.grammar import first
from outrigger.planner.words import tag

_USING = "( call|calls|calling|use|uses|using|reference|references|referencing | depends on )"
_KINDS = [
    (Question.LINES, "( how many lines | how long )"),
    (Question.COUNT, "how many functions|classes|methods|symbols"),
    (
        Question.USAGES,
        f"( what|who|anything|anyone|anybody|something|nothing|nobody is|are? ever|still? {_USING} | which WORD {_USING} | where is|are WORD? WORD? WORD? used|called|referenced|invoked"
        " | where do we WORD? WORD? WORD? used|called|referenced|invoked"
        " | where do|does|did WORD? WORD? call|use|invoke|reference"  # "where do we call X"
        " | where WORD WORD? is|are|gets|get used|called|referenced|invoked"  # told: "tell me where X is used"
        " | where does WORD WORD? WORD? WORD? used|called|referenced|invoked"
        " | usage|usages|caller|callers|references|reference of|to|for | call site|sites of|to|for"
        " | is WORD ever|still|even|actually? used|called|needed|referenced | find all? usages|uses|callers )",
    ),
    (
        Question.WHERE,
        "( where is | where's | which file | where are | where do|does|did WORD? WORD? define|defines|live|lives|sit|sits"
        " | where can|could|would|do i|we|you find )",
    ),
    (Question.LIST, "what|which|list|show ... functions|classes|symbols|methods|defined|defines"),
    (
        Question.CATALOGUE,
        "( ( is|are there | do we have | does WORD have | have we got | any ) a|an|some|any? ( function|method|class"
        "|helper|code|util|utils|utility|utilities|anything|something|somewhere|place|routine | a way )"
        " | which|what function|method|class|helper|file|module|code )",
    ),
]


def question_kind(text: str, *, names_a_symbol: bool, names_a_file: bool) -> Question:
    """The first kind whose words match. A question that names a symbol or a file is never a
    search of the catalogue."""
    words = tag(text)
    for kind, pattern in _KINDS:
        if not first(pattern, words):
            continue
        if kind is Question.CATALOGUE and (names_a_symbol or names_a_file):
            continue
        return kind
    return Question.EXPLAIN
