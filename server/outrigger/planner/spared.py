"""Symbols a request says to leave alone: "don't change X, only fix Y", "document A but not B",
"leave X alone and …", "fix Y without touching X". Read as names of the request they were
targets (the rules fixed the very function the user had excluded); here they are cut out of what
the rules read, and a plan — the rules' or the model's — that still changes one is refused."""

from __future__ import annotations

from outrigger.errors import Refused
from outrigger.plan import Intent, Plan
from outrigger.planner.grammar import each
from outrigger.planner.words import Tag, tag
from outrigger.workspace.index import ProjectMap

_THE = "the? KIND? NAME"
_CHANGING = "touch|change|modify|edit|rename|remove|delete|document|fix|update|rewrite|break"
_CHANGED = "touched|changed|modified|edited|renamed|removed|deleted"
_SPARING = (
    f"( don't|dont|never|not | do not ) ( {_CHANGING} )? {_THE}",
    f"leave|keep {_THE} ( alone | as is | unchanged | untouched | intact )",
    f"without touching|changing|modifying|editing {_THE}",
    f"( except | apart|aside from | other than ) {_THE}",
    f"{_THE} ( must|should|shall|can|may|is|are not|never | mustn't|shouldn't|can't|isn't|aren't ) be? {_CHANGED}",
)


def spared(text: str, project_map: ProjectMap) -> tuple[str, set[str]]:
    """The text without the parts that spare a symbol by its name, and the symbols spared."""
    words = tag(text, project_map)
    cuts: list[tuple[int, int]] = []
    names: set[str] = set()
    for pattern in _SPARING:
        for start, end, found in each(pattern, words):
            if (named := found["NAME"][0]).tag is Tag.SYMBOL:  # not "it": "should add the tax, not remove it"
                names.add(named.text)
                cuts.append((words[start].start, words[end - 1].end))
    for start, end in sorted(cuts, reverse=True):
        text = text[:start] + text[end:]
    return text, names


_CHANGES_NO_NAMED_SYMBOL = frozenset({Intent.QUESTION, Intent.UNDO, Intent.ADD})  # an addition names new code


def refuse_spared(plan: Plan, names: set[str]) -> Plan:
    """The plan, unless it changes a symbol the request said to leave alone."""
    if plan.intent in _CHANGES_NO_NAMED_SYMBOL:
        return plan
    changed = {target.symbol for target in plan.targets} | {step.symbol for step in plan.steps}
    hit = sorted(names & changed)
    if hit:
        raise Refused(
            f"The request says to leave {', '.join(f'`{n}`' for n in hit)} alone, but the plan for it changes "
            f"{'it' if len(hit) == 1 else 'them'}; nothing was done. Name only the symbols to change."
        )
    return plan
