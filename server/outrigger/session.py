"""Wiring shared by the CLI and the benchmark: workspace + map + model + agent.

`open_agent` starts the embedded llama-server when no endpoint is configured and stops
it when the block ends, so no front end leaves a model server behind.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from .agent import Agent, Outcome
from .config import Settings
from .disk import apply_to_disk
from .model.client import ModelClient
from .model.embedded import EmbeddedServer
from .progress import Progress, TerminalProgress
from .workspace.files import Workspace
from .workspace.index import ProjectMap

EXIT_REFUSED = 2


@asynccontextmanager
async def open_model(settings: Settings, progress: Progress) -> AsyncIterator[ModelClient]:
    embedded = EmbeddedServer() if not settings.model.base_url else None

    async def embedded_url() -> str:
        assert embedded is not None
        return await embedded.start(progress=progress)

    client = ModelClient(settings.model, base_url_provider=embedded_url if embedded else None)
    try:
        yield client
    finally:
        await client.aclose()
        if embedded is not None:
            await embedded.stop()


@asynccontextmanager
async def open_agent(root: Path, settings: Settings, progress: Progress) -> AsyncIterator[Agent]:
    workspace = Workspace(root, settings.ignore)
    project_map = ProjectMap(workspace)
    progress("indexing the workspace…")
    project_map.build()
    async with open_model(settings, progress) as model:
        yield Agent(workspace, project_map, model, settings)


async def ask_once(root: Path, request: str, settings: Settings, *, apply: bool) -> int:
    progress = TerminalProgress()
    async with open_agent(root, settings, progress) as agent:
        outcome = await agent.ask(request, progress=progress)
        _print_outcome(outcome)
        if outcome.kind == "refused":
            return EXIT_REFUSED
        if outcome.kind == "edit" and apply:
            apply_to_disk(agent.workspace.root, outcome.edits)
            agent.commit(outcome)
            print(f"Applied: {outcome.message}")
        elif outcome.kind == "edit":
            print("(preview only: run again with --apply to write it)")
    return 0


def _print_outcome(outcome: Outcome) -> None:
    plan = outcome.plan
    if plan is not None:
        target = " ".join(
            part
            for part in (
                f"`{plan.symbol}`" if plan.symbol else "",
                f"→ `{plan.new_name}`" if plan.new_name else "",
                f"in {plan.file}" if plan.file else "",
            )
            if part
        )
        print(f"Plan: {plan.action.replace('_', ' ')} {target} (decided by {plan.decided_by})".rstrip())
    if outcome.kind == "answer":
        print(outcome.message)
    elif outcome.kind == "edit":
        print(outcome.preview, end="" if outcome.preview.endswith("\n") else "\n")
        print(f"Summary: {outcome.message}")
    else:
        print(f"Refused: {outcome.message}")
