"""New code from the model, passed through a check; a reply that fails it (or was cut off at
the length limit) is asked for once more, with the problem stated. Shared by the actions that
add code: new definitions at a file's end, a new method in a class."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TypeVar

from outrigger.actions.context import ActionContext
from outrigger.errors import Refused
from outrigger.guards.fences import strip_fences
from outrigger.guards.replies import quoted_reply, refuse_cut_off

Checked = TypeVar("Checked")
Messages = list[dict[str, str]]


async def checked_code(
    ctx: ActionContext,
    build: Callable[[float], Messages],
    check: Callable[[str], Checked],
    *,
    what: str,
    ask_again: str,
) -> Checked:
    """`check` of the model's code (fences stripped). `build(share)` gives the messages for a
    share of the context window; `what` names the code in a cut-off refusal; `ask_again` ends
    the second request ("Reply with only the method `count`.")."""
    retry: Messages = []
    for attempt in range(2):
        reply = await ctx.chat_fitted(partial(_with_retry, build, retry), on_text=ctx.streaming_edit(what))
        code = strip_fences(reply.text, ctx.stats) if ctx.guards.fence_stripping else reply.text
        try:
            refuse_cut_off(reply.cut_off, what)
            return check(code)
        except Refused as problem:
            if attempt == 1:
                raise
            retry = [
                {"role": "assistant", "content": quoted_reply(reply.text)},
                {"role": "user", "content": f"{problem} {ask_again}"},
            ]
    raise AssertionError("unreachable: the loop returns or raises")


def _with_retry(build: Callable[[float], Messages], retry: Messages, share: float) -> Messages:
    return build(share) + retry
