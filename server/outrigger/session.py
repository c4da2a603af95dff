"""One workspace folder's objects, wired in one place for every front end: the files, the map,
the model client (the embedded llama.cpp server when no endpoint is configured) and the agent.

The CLI opens one session for one request; the language server keeps one per workspace
folder; the benchmark builds agents over the same parts.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import httpx

from outrigger import progress
from outrigger.agent import Agent
from outrigger.completion.completer import Completer
from outrigger.completion.guarded import CompletionStats
from outrigger.completion.recent import RecentFiles
from outrigger.config import Settings
from outrigger.guards.budget import count_tokens
from outrigger.memory import Memory
from outrigger.model.client import ModelClient
from outrigger.model.embedded import EmbeddedServer
from outrigger.planner.model_plan import PLAN, prompt_for
from outrigger.progress import Progress, quiet
from outrigger.workspace.files import Workspace
from outrigger.workspace.index import ProjectMap
from outrigger.workspace.trust import is_trusted, untrusted_reason

ModelState = Literal["starting", "ready", "busy", "unreachable"]
PROBE_SECONDS = 2.0
WARM_AFTER_SECONDS = 0.5  # the request that started the server is sent by then


@dataclass(frozen=True)
class ModelStatus:
    model: str
    endpoint: str | None  # the model server's URL; None for the embedded model
    state: ModelState
    message: str  # one sentence for a status line or a tooltip


class Session:
    """Workspace + map + agent for one folder. The model client is rebuilt when the model
    settings change; the agent's memory (history, undo) carries over."""

    def __init__(self, root: Path, settings: Settings, trusted: bool | None = None) -> None:
        """`trusted`: whether the folder's own code may run (tests, examples); None asks the
        user's trust list (`workspace/trust.py`)."""
        self.root = Path(root).resolve()
        self.settings = settings
        self.workspace = Workspace(self.root, settings.ignore)
        self.project_map = ProjectMap(self.workspace, settings.index)
        self._embedded: EmbeddedServer | None = None
        self._warming: asyncio.Task[None] | None = None
        self.agent = Agent(
            self.workspace, self.project_map, self._open_model(settings), settings, memory=Memory.for_workspace(root)
        )
        self.trusted = is_trusted(self.root) if trusted is None else trusted
        self._completer: Completer | None = None
        self.recent_files = RecentFiles()  # what the editor opened and edited, for completion's context

    @property
    def trusted(self) -> bool:
        return self.agent.untrusted is None

    @trusted.setter
    def trusted(self, trusted: bool) -> None:
        self.agent.untrusted = None if trusted else untrusted_reason(self.root)

    @property
    def completer(self) -> Completer:
        """Inline completion over the agent's model client (rebuilt when the model changes)."""
        model = self.agent.model
        if self._completer is None or self._completer.model is not model:
            embedded = self._embedded is not None
            self._completer = Completer(
                self.workspace,
                self.project_map,
                model,
                self.settings.completion,
                embedded=embedded,
                recent=self.recent_files,
            )
        self._completer.settings = self.settings.completion
        return self._completer

    @property
    def completion_stats(self) -> CompletionStats | None:
        """What inline completion's guards did in this folder; None before its first request."""
        return self._completer.stats if self._completer is not None else None

    @classmethod
    @asynccontextmanager
    async def open(
        cls, root: Path, settings: Settings, report: Progress, trusted: bool | None = None
    ) -> AsyncIterator[Session]:
        """A ready session for the length of a block; no model server outlives it."""
        session = cls(root, settings, trusted)
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
        # The token counter's tables load once per process (~0.1 s idle, 2-3 s on a busy
        # machine): while the user has asked nothing yet, not in their first preview.
        await asyncio.to_thread(count_tokens, "")
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
            base_url = await embedded.start(progress=progress.current)
            self._warming = asyncio.create_task(self._warm(base_url))
            return base_url

        return ModelClient(settings.model, base_url_provider=start)

    async def _warm(self, base_url: str) -> None:
        """Put the planner's prompt for this folder (its instructions and file list, the same
        for every request here; the request comes last) into the embedded server's prompt
        cache, after the request that started the server: the server has one slot, so that
        request goes first, and a later one the model plans reads only its own words. Not
        when inline completion is in use: a keystroke's completion would wait behind it."""
        await asyncio.sleep(WARM_AFTER_SECONDS)
        if self._completer is not None:
            return
        messages = prompt_for(PLAN, "", self.project_map)
        body = {"messages": messages, "max_tokens": 1, "temperature": 0, "cache_prompt": True}
        try:
            async with httpx.AsyncClient(timeout=self.settings.model.timeout_seconds) as http:
                await http.post(f"{base_url.rstrip('/')}/chat/completions", json=body)
        except httpx.HTTPError:
            pass  # a head start lost, nothing else

    async def status(self, busy: bool) -> ModelStatus:
        """The model in use and its state; `busy` says whether a request is being served.
        A configured endpoint that is not busy is probed (one short GET)."""
        model = self.settings.model
        if model.base_url is None:
            running = self._embedded is not None and self._embedded.running
            if busy:
                state: ModelState = "busy" if running else "starting"
            else:
                state = "ready"
            how = "running" if running else "starts on the first request"
            return ModelStatus(model.name, None, state, f"{model.name} (embedded, {how}) is {state}.")
        if busy:
            return ModelStatus(model.name, model.base_url, "busy", f"{model.name} at {model.base_url} is busy.")
        if problem := await _unreachable(model.base_url, model.api):
            message = f"{model.name} at {model.base_url} is unreachable: {problem}"
            return ModelStatus(model.name, model.base_url, "unreachable", message)
        return ModelStatus(model.name, model.base_url, "ready", f"{model.name} at {model.base_url} is ready.")

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
        old_model, old_embedded, untrusted = self.agent.model, self._embedded, self.agent.untrusted
        self.agent = Agent(
            self.workspace, self.project_map, self._open_model(settings), settings, memory=self.agent.memory
        )
        self.agent.untrusted = untrusted
        await _close(old_model, old_embedded)

    async def close(self) -> None:
        if self._warming is not None:
            self._warming.cancel()
        await _close(self.agent.model, self._embedded)
        self._embedded = None

    def stop_now(self) -> None:
        """Synchronous last resort at exit: never leave a llama-server behind."""
        if self._embedded is not None:
            self._embedded.stop_now()


async def _unreachable(base_url: str, api: str) -> str | None:
    """Why the model server cannot be reached, or None. Any HTTP answer counts as reachable:
    a wrong model name or key is reported by the request that uses it."""
    url = base_url.rstrip("/") + ("/api/tags" if api == "ollama" else "/models")
    try:
        async with httpx.AsyncClient(timeout=PROBE_SECONDS) as client:
            await client.get(url)
    except httpx.HTTPError as error:
        return str(error) or type(error).__name__
    return None


async def _close(model: ModelClient, embedded: EmbeddedServer | None) -> None:
    try:
        await model.aclose()
    finally:
        if embedded is not None:
            await embedded.stop()
