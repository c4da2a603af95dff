"""Follow-ups at the end of a request: "add a docstring to X. same for Y", "fix X, then do the
same to Y", "type hints for X; Y too". They ask for the action before them again, on other
symbols. Read as words after the command they were dropped silently (the command's pattern ends
with `...`); here they are cut off, the rest is planned, and the plan is done on them too — or,
when the plan cannot simply be repeated (a rename has one new name), the rules leave the whole
request to the model."""

from __future__ import annotations

from dataclasses import dataclass

from outrigger.plan import Plan, StepAction, Target
from outrigger.planner.grammar import match
from outrigger.planner.rules import defining_file
from outrigger.planner.words import Tag, Word
from outrigger.workspace.index import ProjectMap

_SEP = "( ,|and|then|also|now|plus|.|;|! )"
_ON = "the? KIND? NAME IN_FILE?"
# "…, then do the same to Y", "…; Y too", "… and for Y as well", "…. then Y": a bare name
# only after a sentence ends ("A and B" is a list the command's own pattern reads).
_ONE = (
    f"( {_SEP}+ ( do|apply )? the? same thing? to|for|with|on {_ON}"
    f" | {_SEP}+ to|for|on? {_ON} ( too | also | as well )"
    f" | .|;|! {_SEP}* to|for|on? {_ON} )"
)
_CHAIN = f"( {_ONE} )+ END"
_REPEATABLE_STEPS = frozenset({StepAction.EDIT, StepAction.REMOVE})


@dataclass(frozen=True)
class FollowUps:
    start: int  # where they begin in the request
    targets: list[Target]


def follow_ups(words: list[Word]) -> FollowUps | None:
    """The follow-ups the request ends with, each naming a symbol the map defines."""
    for index, word in enumerate(words[1:], 1):
        if word.tag not in (Tag.JOIN, Tag.BREAK) or not (found := match(_CHAIN, words[index:])):
            continue
        targets: list[Target] = []
        for slot, named in found.pairs:
            if slot == "NAME":
                targets.append(Target(symbol=named.text))
            elif slot == "FILE" and targets:
                targets[-1].file = named.text.split(":")[0]
        if all(named.tag is Tag.SYMBOL for named in found.get("NAME", [])):
            return FollowUps(word.start, targets)
    return None


def done_again(plan: Plan | None, more: list[Target], project_map: ProjectMap) -> Plan | None:
    """The plan carried out on the follow-ups' symbols too; None when it cannot be repeated
    as it is (a rename, an addition, a question, an undo)."""
    if plan is None:
        return None
    if plan.intent.edits_symbols:
        return plan.model_copy(update={"also": [*plan.also, *more]})
    last = plan.steps[-1] if plan.steps else None
    if last is None or last.action not in _REPEATABLE_STEPS:
        return None
    steps = list(plan.steps)
    for target in more:
        file = target.file or defining_file(target.symbol, project_map)
        if not file:
            return None
        number = steps[-1].id + 1
        steps.append(
            last.model_copy(update={"id": number, "symbol": target.symbol, "file": file, "after": [number - 1]})
        )
    return plan.model_copy(update={"steps": steps})
