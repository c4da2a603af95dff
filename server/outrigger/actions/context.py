"""What every executor gets: the workspace, the map, the model and the guards' counters."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..budget import Budget
from ..edits import FileEdit
from ..errors import Refused
from ..model.client import ChatReply, ModelClient
from ..progress import Progress, quiet
from ..repair import RepairStats
from ..workspace.files import Workspace
from ..workspace.index import ProjectMap
from ..workspace.symbols import Symbol


@dataclass
class Guards:
    """Switches for each guard. All on in normal use; the benchmark turns them off one by one."""

    fence_stripping: bool = True
    json_repair: bool = True
    map_validation: bool = True
    question_routing: bool = True
    symbol_confinement: bool = True
    syntax_check: bool = True


@dataclass
class ActionContext:
    workspace: Workspace
    project_map: ProjectMap
    model: ModelClient
    budget: Budget
    stats: RepairStats
    guards: Guards = field(default_factory=Guards)
    progress: Progress = quiet

    def target(self, name: str, path: str | None) -> Symbol:
        """The symbol a plan names, confirmed by the map (refused with close matches).

        With map validation off (benchmark only) it does what an unguarded agent does:
        takes the closest name it can find."""
        try:
            return self.project_map.require_symbol(name, path)
        except Refused:
            if self.guards.map_validation:
                raise
            for guess in self.project_map.close_matches(name, None):
                if found := self.project_map.find(guess):
                    return found[0]
            raise

    async def chat(
        self, messages: list[dict], *, json_schema: dict | None = None, max_tokens: int | None = None
    ) -> ChatReply:
        """Every model call goes through here: count first, refuse what cannot fit,
        and learn the model's real token counts from the server's usage report.

        `max_tokens` caps a reply below the configured maximum: a small model asked for
        one function may ramble on through the whole file."""
        estimated = self.budget.check(messages)
        if max_tokens is not None:
            max_tokens = min(max_tokens, self.budget.max_output_tokens)
        reply = await self.model.chat(messages, json_schema=json_schema, max_tokens=max_tokens)
        if reply.prompt_tokens:
            self.budget.calibrate(round(estimated / self.budget.ratio), reply.prompt_tokens)
        return reply


@dataclass
class Change:
    """An executor's result: edits as data and the one-sentence summary for memory."""

    edits: list[FileEdit]
    summary: str
