"""The actions, one module each, found in one table: adding an action means adding a module and
a row. Every executor has the same shape: `async (plan, ctx) -> Change`, or `-> Answer` for
the read-only ones."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from outrigger.actions.add_code import add_code
from outrigger.actions.context import ActionContext, Answer, Change
from outrigger.actions.edit_symbol import edit_symbols
from outrigger.actions.question import answer
from outrigger.actions.rename import rename
from outrigger.actions.repeat import repeat
from outrigger.actions.task import run_task
from outrigger.actions.undo import undo
from outrigger.plan import Intent, Plan

Executor = Callable[[Plan, ActionContext], Awaitable[Change | Answer]]

EXECUTORS: dict[Intent, Executor] = {
    Intent.QUESTION: answer,
    Intent.RENAME: rename,
    Intent.DOCSTRING: edit_symbols,
    Intent.TYPE_HINTS: edit_symbols,
    Intent.FIX: edit_symbols,
    Intent.REWRITE: edit_symbols,
    Intent.ADD: add_code,
    Intent.UNDO: undo,
    Intent.REPEAT: repeat,
    Intent.TASK: run_task,
}


async def execute(plan: Plan, ctx: ActionContext) -> Change | Answer:
    """Run the plan's executor. Read-only plans go through the question executor only, which
    has no way to build an edit."""
    return await EXECUTORS[plan.intent](plan, ctx)
