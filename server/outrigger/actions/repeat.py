"""“Do the same to X”: the last applied symbol edit, aimed at another symbol."""

from __future__ import annotations

import re

from outrigger.actions.context import ActionContext, Answer, Change
from outrigger.errors import Refused
from outrigger.plan import Intent, Plan, StepAction


async def repeat(plan: Plan, ctx: ActionContext) -> Change | Answer:
    last = ctx.memory.last()
    if last is None:
        raise Refused("Nothing to repeat yet: apply an action first, then ask to do the same to another symbol.")
    previous = last.plan
    assert ctx.dispatch is not None, "the agent dispatches repeated plans"
    target = plan.symbol or ""
    if previous.intent is Intent.TASK:
        repeated = _repeated_task(previous, target, plan.file, ctx)
    elif previous.intent.edits_symbols:
        instruction = _retarget(previous.instruction, previous.symbol or "", previous.file, target)
        repeated = previous.model_copy(
            update={"symbol": target, "file": plan.file, "also": [], "instruction": instruction}
        )
    else:
        raise Refused(f"“Do the same” repeats symbol edits and tasks; the last action was a {previous.intent.label}.")
    result = await ctx.dispatch(repeated, ctx)
    if isinstance(result, Change):
        result.plan = repeated
    return result


def _repeated_task(previous: Plan, target: str, file: str | None, ctx: ActionContext) -> Plan:
    """A task again for another symbol: its one symbol edit, aimed at `target`. What the task
    created or moved exists now and is not made again ("add logout and call it from
    handleLogout", then "do the same for handleTimeout": call logout from handleTimeout)."""
    edits = [step for step in previous.steps if step.action is StepAction.EDIT]
    if len(edits) != 1:
        raise Refused(
            f"The last task edited {len(edits) or 'no'} symbol{'s' * (len(edits) != 1)}; "
            "“do the same” repeats a task that edited one. Say what to do instead."
        )
    [step] = edits
    symbol = ctx.target(target, file)
    old = step.symbol or ""
    retargeted = step.model_copy(
        update={
            "id": 1,
            "file": symbol.path,
            "symbol": symbol.qualified_name,
            "what": _retarget(step.what, old.rpartition(".")[2], step.file, symbol.name),
            "after": [],
        }
    )
    instruction = _retarget(previous.instruction, old.rpartition(".")[2], None, symbol.name)
    return Plan(intent=Intent.TASK, symbol=symbol.qualified_name, steps=[retargeted], instruction=instruction)


def _retarget(instruction: str, old_symbol: str, old_file: str | None, new_symbol: str) -> str:
    """The previous instruction, aimed at the new symbol (its file is looked up afresh)."""
    text = re.sub(rf"(?<![\w$]){re.escape(old_symbol)}(?![\w$])", new_symbol, instruction)
    if old_file:
        text = re.sub(rf"\s+(?:in|from|of|inside)\s+(?:the\s+file\s+|file\s+)?`?{re.escape(old_file)}`?", "", text)
    return text
