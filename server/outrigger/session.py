"""One workspace folder's objects, wired in one place for every front end: the files, the map,
the model client (the embedded llama.cpp server when no endpoint is configured) and the agent.

The CLI opens one session for one request; the language server keeps one per workspace
folder; the benchmark builds agents over the same parts.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from outrigger import progress
from outrigger.agent import Agent
from outrigger.config import Settings
from outrigger.model.client import ModelClient
from outrigger.model.embedded import EmbeddedServer
from outrigger.progress import Progress, quiet
from outrigger.workspace.files import Workspace
from outrigger.workspace.index import ProjectMap


class Session:
    """Workspace + map + agent for one folder. The model client is rebuilt when the model
    settings change; the agent's memory (history, undo) carries over."""

    def __init__(self, root: Path, settings: Settings) -> None:
        self.root = Path(root).resolve()
        self.settings = settings
        self.workspace = Workspace(self.root, settings.ignore)
        self.project_map = ProjectMap(self.workspace, settings.index)
        self._embedded: EmbeddedServer | None = None
        self.agent = Agent(self.workspace, self.project_map, self._open_model(settings), settings)

    @classmethod
    @asynccontextmanager
    async def open(cls, root: Path, settings: Settings, report: Progress) -> AsyncIterator[Session]:
        """A ready session for the length of a block; no model server outlives it."""
        session = cls(root, settings)
        try:
            await session.index(report)
            yield session
        finally:
            await session.close()

    async def index(self, report: Progress) -> None:
        """Build the map off the event loop: a language server must keep answering meanwhile.
        Documents the editor opened during the build are indexed again from their buffers.
        The build reports from its thread; the reports hop onto the event loop."""
        loop = asyncio.get_running_loop()

        def from_thread(message: str, percent: int | None = None, /) -> None:
            loop.call_soon_threadsafe(report, message, percent)

        report("indexing the workspace…")
        await asyncio.to_thread(self.project_map.build, from_thread)
        for path in self.workspace.open_paths():
            self.project_map.update(path)
        if self.project_map.incomplete:
            report(self.project_map.incomplete)

    def _open_model(self, settings: Settings) -> ModelClient:
        if settings.model.base_url:
            self._embedded = None
            return ModelClient(settings.model)
        embedded = self._embedded = EmbeddedServer()

        async def start() -> str:
            # Start-up progress goes to the request that is waiting for the model.
            return await embedded.start(progress=progress.current)

        return ModelClient(settings.model, base_url_provider=start)

    async def use_settings(self, settings: Settings, report: Progress = quiet) -> None:
        """Switch to new settings. A changed model gets a new client and the old one is closed;
        a changed ignore list or index limits re-index the folder under the new ones."""
        model_changed = settings.model != self.settings.model
        reindex = settings.ignore != self.settings.ignore or settings.index != self.settings.index
        self.settings = settings
        if reindex:
            self.workspace.set_ignore(settings.ignore)
            self.project_map.limits = settings.index
            await self.index(report)
        if not model_changed:
            self.agent.settings = settings
            return
        old_model, old_embedded = self.agent.model, self._embedded
        self.agent = Agent(
            self.workspace, self.project_map, self._open_model(settings), settings, memory=self.agent.memory
        )
        await _close(old_model, old_embedded)

    async def close(self) -> None:
        await _close(self.agent.model, self._embedded)
        self._embedded = None

    def stop_now(self) -> None:
        """Synchronous last resort at exit: never leave a llama-server behind."""
        if self._embedded is not None:
            self._embedded.stop_now()


async def _close(model: ModelClient, embedded: EmbeddedServer | None) -> None:
    try:
        await model.aclose()
    finally:
        if embedded is not None:
            await embedded.stop()
