"""What every executor gets (the workspace, the map, the model, the guards and their counters,
the memory) and what it gives back (a Change, or an Answer for read-only actions)."""

from __future__ import annotations

import dataclasses
import math
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Literal

from outrigger.config import Settings
from outrigger.edits import FileEdit
from outrigger.errors import BudgetExceeded, ContextExceeded
from outrigger.guards.budget import MESSAGE_OVERHEAD, Budget, count_messages
from outrigger.guards.map_check import confirmed_symbol
from outrigger.guards.replies import checked_reply, without_surrogates
from outrigger.guards.stats import RepairStats
from outrigger.guards.switches import Guards
from outrigger.memory import Memory
from outrigger.model.client import ChatReply, ModelClient, OnText
from outrigger.plan import Plan
from outrigger.progress import Progress, quiet
from outrigger.workspace.files import Workspace
from outrigger.workspace.index import ProjectMap
from outrigger.workspace.symbols import Symbol

PromptContext = Literal["symbol", "file"]
_EDIT_REPORT_SECONDS = 1.0


@dataclass
class Change:
    """An executor's result: edits as data and the one-sentence summary for memory."""

    edits: list[FileEdit]
    summary: str
    plan: Plan | None = None  # the plan carried out, when it is not the one asked ("do the same")
    notes: list[str] = field(default_factory=list)  # what the checks found, for the preview
    # A task's one second try when the project's tests fail with it: given what failed (a
    # summary, then the output's end), the change with the responsible step redone.
    retry: Callable[[str, str], Awaitable[Change]] | None = None
    # Why only passing project tests can confirm this change (a rename that read some calls
    # by their receiver's name): without tests that pass with it, it is refused.
    needs_passing_tests: str | None = None
    # No model wrote any of it (a rename: the user's new name put where the map says): its doc
    # examples are the user's own, renamed, and keep running.
    model_written: bool = True


@dataclass
class Answer:
    """A read-only action's result: text for the user, and no way to carry an edit."""

    text: str


@dataclass
class ActionContext:
    workspace: Workspace
    project_map: ProjectMap
    model: ModelClient
    budget: Budget
    stats: RepairStats
    memory: Memory
    guards: Guards = field(default_factory=Guards)
    settings: Settings = field(default_factory=Settings)
    progress: Progress = quiet
    # Runs another plan through the registry ("do the same to X" replays the last one).
    dispatch: Callable[[Plan, ActionContext], Awaitable[Change | Answer]] | None = None
    # What a prompt about one symbol carries: "symbol" — its code, its file's imports and the
    # signatures of what it uses and what uses it (actions/focus.py); "file" — the whole file
    # trimmed around it to fit, the earlier shape, kept as the benchmark's latency baseline.
    prompt_context: PromptContext = "symbol"
    # An answer as it is written (the text so far, the tokens written), for front ends that show it coming.
    partial: OnText | None = None

    def streaming_answer(self) -> OnText | None:
        """What a model call writing an answer reports as it comes; None: nobody watches."""
        sink = self.partial
        # A streamed reply is shown before the reply guard sees it: made encodable here too.
        return None if sink is None else lambda text, tokens: sink(without_surrogates(text), tokens)

    def streaming_edit(self, what: str) -> OnText | None:
        """Progress while the model writes code: "writing `what`… (n tokens)" (a path, or
        "the method `count`"), about once a second, instead of a spinner; None when progress
        goes nowhere."""
        if self.progress is quiet:
            return None
        progress, last = self.progress, [-math.inf]

        def report(text: str, tokens: int) -> None:
            if (now := time.monotonic()) - last[0] >= _EDIT_REPORT_SECONDS:
                last[0] = now
                progress(f"writing {what}… ({tokens} tokens)")

        return report

    def target(self, name: str, path: str | None, line: int | None = None) -> Symbol:
        return confirmed_symbol(self.project_map, self.guards, name, path, line)

    async def chat(
        self, messages: list[dict], *, json_schema: dict | None = None, max_tokens: int | None = None
    ) -> ChatReply:
        """A model call with a prompt that cannot shrink (a plan): measured, refused when too long."""
        return await self.chat_fitted(lambda share: messages, json_schema=json_schema, max_tokens=max_tokens)

    async def chat_fitted(
        self,
        build: Callable[[float], list[dict]],
        *,
        json_schema: dict | None = None,
        max_tokens: int | None = None,
        variant: int = 0,
        on_text: OnText | None = None,
    ) -> ChatReply:
        """Every model call goes through here. `build(share)` makes the prompt with `share` of
        the free room for context. The prompt is counted before it is sent — with the model's
        own tokenizer when the server has one, else estimated with a margin — and rebuilt
        smaller when it does not fit; a server that still says "too long" gets one smaller
        try. The server's reported sizes teach the estimate, and the reply passes the reply
        guard (bounded, encodable) before anything else reads it.

        `max_tokens` caps a reply below the configured maximum: a small model asked for
        one function may ramble on through the whole file. `variant` > 0 asks for a sampled
        reply (`ModelClient.chat`), for retries. `on_text` sees a streamed reply grow
        (`streaming_answer`, `streaming_edit`)."""
        self.budget.learn_window(await self.model.context_size())
        allowance = min(max_tokens or self.budget.max_output_tokens, self.budget.max_output_tokens)
        share = 1.0
        for attempt in range(2):
            messages, estimated = await self._fitted(build, share)
            try:
                reply = await self.model.chat(
                    messages, json_schema=json_schema, max_tokens=allowance, variant=variant, on_text=on_text
                )
            except ContextExceeded:
                if attempt == 1:
                    raise BudgetExceeded(
                        f"The model's server refused the prompt as too long for its context window even after "
                        f"trimming it (about {estimated} tokens, window {self.budget.context_window}); ask about a "
                        "smaller part of the code or raise the server's context size."
                    ) from None
                share *= 0.6
                continue
            if reply.prompt_tokens:
                self.budget.calibrate(count_messages(messages), reply.prompt_tokens)
            return dataclasses.replace(reply, text=checked_reply(reply.text, allowance))
        raise AssertionError("unreachable: the loop returns or raises")

    async def _fitted(self, build: Callable[[float], list[dict]], share: float) -> tuple[list[dict], int]:
        """The prompt at `share`, shrunk until its measured size fits; (messages, tokens)."""
        limit = self.budget.prompt_limit()
        for _ in range(3):
            messages = [
                {**m, "content": without_surrogates(m["content"])} if m.get("content") else m for m in build(share)
            ]
            needed = await self._measure(messages)
            if needed <= limit:
                return messages, needed
            share *= 0.9 * limit / needed
        raise BudgetExceeded(
            f"The request needs about {needed} tokens but the model's window leaves {limit} for the prompt "
            f"(context window {self.budget.context_window}, reply {self.budget.max_output_tokens})."
        )

    async def _measure(self, messages: list[dict]) -> int:
        """Exact when the server counts for us (and the estimate learns from it); otherwise the
        calibrated estimate plus a tenth, since cl100k undercounts most local tokenizers on code."""
        text = "\n".join(m.get("content") or "" for m in messages)
        exact = await self.model.count_tokens(text)
        if exact is None:
            return math.ceil(self.budget.estimate(messages) * 1.1)
        total = exact + MESSAGE_OVERHEAD * len(messages)
        self.budget.calibrate(count_messages(messages), total)
        return total
