"""What every executor gets (the workspace, the map, the model, the guards and their counters,
the memory) and what it gives back (a Change, or an Answer for read-only actions)."""

from __future__ import annotations

import dataclasses
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from outrigger.edits import FileEdit
from outrigger.guards.budget import Budget
from outrigger.guards.map_check import confirmed_symbol
from outrigger.guards.replies import checked_reply, without_surrogates
from outrigger.guards.stats import RepairStats
from outrigger.guards.switches import Guards
from outrigger.memory import Memory
from outrigger.model.client import ChatReply, ModelClient
from outrigger.plan import Plan
from outrigger.progress import Progress, quiet
from outrigger.workspace.files import Workspace
from outrigger.workspace.index import ProjectMap
from outrigger.workspace.symbols import Symbol


@dataclass
class Change:
    """An executor's result: edits as data and the one-sentence summary for memory."""

    edits: list[FileEdit]
    summary: str
    plan: Plan | None = None  # the plan carried out, when it is not the one asked ("do the same")


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
    progress: Progress = quiet
    # Runs another plan through the registry ("do the same to X" replays the last one).
    dispatch: Callable[[Plan, ActionContext], Awaitable[Change | Answer]] | None = None

    def target(self, name: str, path: str | None) -> Symbol:
        return confirmed_symbol(self.project_map, self.guards, name, path)

    async def chat(
        self, messages: list[dict], *, json_schema: dict | None = None, max_tokens: int | None = None
    ) -> ChatReply:
        """Every model call goes through here: count first, refuse what cannot fit, learn
        the model's real token counts from the server's usage report, and pass the reply
        through the reply guard (bounded, encodable) before anything else reads it.

        `max_tokens` caps a reply below the configured maximum: a small model asked for
        one function may ramble on through the whole file."""
        messages = [{**m, "content": without_surrogates(m["content"])} if m.get("content") else m for m in messages]
        estimated = self.budget.check(messages)
        allowance = min(max_tokens or self.budget.max_output_tokens, self.budget.max_output_tokens)
        reply = await self.model.chat(messages, json_schema=json_schema, max_tokens=allowance)
        if reply.prompt_tokens:
            self.budget.calibrate(round(estimated / self.budget.ratio), reply.prompt_tokens)
        return dataclasses.replace(reply, text=checked_reply(reply.text, allowance))
