"""A completion's context trimmed to the model's window: chunks of recent files go first
(the oldest first), then signatures from other files, then prefix lines from the top and suffix lines from the bottom. Counted with the
offline cl100k tokenizer, scaled by what the server reported for earlier prompts
(`Budget.calibrate`), so the count follows the model's own tokenizer."""

from __future__ import annotations

import math
from dataclasses import replace

from outrigger.completion.context import FimContext, _head_lines, _tail_lines
from outrigger.guards.budget import Budget, count_tokens

FIM_OVERHEAD = 16  # the FIM and file-separator tokens themselves


def raw_tokens(context: FimContext) -> int:
    """The uncalibrated count of what a prompt for `context` carries."""
    extras = sum(count_tokens(name) + count_tokens(text) + 4 for name, text in context.other_files)
    return count_tokens(context.prefix) + count_tokens(context.suffix) + count_tokens(context.head) + extras


def fitted(context: FimContext, budget: Budget) -> FimContext | None:
    """`context`, trimmed until its estimate fits `budget`; None when even the cursor line
    does not fit."""
    limit = budget.prompt_limit() - FIM_OVERHEAD
    while math.ceil(raw_tokens(context) * budget.ratio) > limit:
        if context.recent:
            context = replace(context, recent=context.recent[1:])
        elif context.extras:
            context = replace(context, extras=context.extras[:-1])
        elif context.prefix and len(context.prefix) >= len(context.suffix):
            context = replace(context, prefix=_shrunk(context.prefix, from_top=True))
        elif context.suffix.count("\n") > 0:
            context = replace(context, suffix=_shrunk(context.suffix, from_top=False))
        else:
            return None
    return context


def _shrunk(text: str, *, from_top: bool) -> str:
    keep = len(text) * 3 // 4
    shorter = _tail_lines(text, keep) if from_top else _head_lines(text, keep)
    if len(shorter) >= len(text):  # one long line: cut inside it
        return text[len(text) - keep :] if from_top else text[:keep]
    return shorter
