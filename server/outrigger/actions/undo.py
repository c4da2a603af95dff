"""Undo: take the files of the last applied action back to their text before it."""

from __future__ import annotations

from outrigger.actions.context import ActionContext, Change
from outrigger.errors import Refused
from outrigger.memory import undo_edits
from outrigger.plan import Plan


async def undo(plan: Plan, ctx: ActionContext) -> Change:
    last = ctx.memory.last()
    if last is None:
        raise Refused("Nothing to undo: no action has been applied in this session.")
    edits = undo_edits(last, ctx.workspace.read, ctx.workspace.version)
    return Change(edits=edits, summary=f"Undid: {last.summary}")
