"""What the language server keeps between requests: one workspace's core objects and the
model client behind them. No lsprotocol here; `server.py` translates."""

from __future__ import annotations

from pathlib import Path

from outrigger.agent import Agent
from outrigger.config import Settings
from outrigger.model.client import ModelClient
from outrigger.model.embedded import EmbeddedServer
from outrigger.progress import Progress
from outrigger.workspace.files import Workspace
from outrigger.workspace.index import ProjectMap


class Session:
    """Workspace + map + agent. The model client is rebuilt when the model settings change;
    with no base URL the embedded llama-server starts on the first model call."""

    def __init__(self, root: Path, settings: Settings, progress: Progress) -> None:
        self.root = Path(root).resolve()
        self.settings = settings
        self.workspace = Workspace(self.root, settings.ignore)
        self.project_map = ProjectMap(self.workspace)
        self.project_map.build()
        self._progress = progress
        self._embedded: EmbeddedServer | None = None
        self.agent = Agent(self.workspace, self.project_map, self._open_model(settings), settings)

    def _open_model(self, settings: Settings) -> ModelClient:
        if settings.model.base_url:
            self._embedded = None
            return ModelClient(settings.model)
        embedded = self._embedded = EmbeddedServer()

        async def start() -> str:
            return await embedded.start(progress=self._progress)

        return ModelClient(settings.model, base_url_provider=start)

    async def use_settings(self, settings: Settings) -> None:
        """Switch to new settings; a changed model gets a new client and the old one is closed.
        The agent's memory (history, undo) carries over."""
        model_changed = settings.model != self.settings.model
        self.settings = settings
        if not model_changed:
            self.agent.settings = settings
            return
        old_model, old_embedded = self.agent.model, self._embedded
        memory = self.agent.memory
        self.agent = Agent(self.workspace, self.project_map, self._open_model(settings), settings)
        self.agent.memory = memory
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
