"""“Do the same to X”: the last applied symbol edit, aimed at another symbol."""

from __future__ import annotations

import re

from outrigger.actions.context import ActionContext, Answer, Change
from outrigger.errors import Refused
from outrigger.plan import Plan


async def repeat(plan: Plan, ctx: ActionContext) -> Change | Answer:
    last = ctx.memory.last()
    if last is None:
        raise Refused("Nothing to repeat yet: apply an action first, then ask to do the same to another symbol.")
    previous = last.plan
    if not previous.intent.edits_symbols:
        raise Refused(f"“Do the same” repeats symbol edits; the last action was a {previous.intent.label}.")
    assert ctx.dispatch is not None, "the agent dispatches repeated plans"
    target = plan.symbol or ""
    instruction = _retarget(previous.instruction, previous.symbol or "", previous.file, target)
    repeated = previous.model_copy(update={"symbol": target, "file": plan.file, "also": [], "instruction": instruction})
    result = await ctx.dispatch(repeated, ctx)
    if isinstance(result, Change):
        result.plan = repeated
    return result


def _retarget(instruction: str, old_symbol: str, old_file: str | None, new_symbol: str) -> str:
    """The previous instruction, aimed at the new symbol (its file is looked up afresh)."""
    text = re.sub(rf"(?<![\w$]){re.escape(old_symbol)}(?![\w$])", new_symbol, instruction)
    if old_file:
        text = re.sub(rf"\s+(?:in|from|of|inside)\s+(?:the\s+file\s+|file\s+)?`?{re.escape(old_file)}`?", "", text)
    return text
