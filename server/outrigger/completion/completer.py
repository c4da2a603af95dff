"""Inline completion, top to bottom: context at the cursor → fitted to the window → one fill
request → the guards → what may be shown. Front ends (the language server, the benchmark)
call `Completer.complete`; it never writes a file and never raises for a bad reply."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from outrigger.completion.context import FimContext, definitions_by_name, gather
from outrigger.completion.cut import stop_when_cut
from outrigger.completion.fim import template_for
from outrigger.completion.fitting import fitted, raw_tokens
from outrigger.completion.guarded import Checked, CompletionStats, checked
from outrigger.completion.members import Members
from outrigger.completion.names import file_names
from outrigger.completion.recent import RecentFiles
from outrigger.completion.requests import Endpoint, Fill, request_fill
from outrigger.completion.syntax import errors_of
from outrigger.config import CompletionSettings
from outrigger.guards.budget import Budget
from outrigger.model.client import ModelClient
from outrigger.spans import Position
from outrigger.workspace.files import Workspace
from outrigger.workspace.index import ProjectMap
from outrigger.workspace.languages import has_grammar, language_for
from outrigger.workspace.symbols import Symbol

DEFINITIONS_SECONDS = 2.0  # the map's names are gathered again at most this often
LINE_TOKENS = 32  # one line (the fill stops at its line break); each token is time on two cores
BLOCK_TOKENS = 144  # an empty block's few lines (llama.cpp also stops at a line break past 1.5 s)
TIMEOUT_SECONDS = 10.0  # ghost text later than this is no use


@dataclass(frozen=True)
class Completion:
    text: str  # what to insert at the cursor; "" when nothing passed the guards
    raw: str  # what the model wrote
    checked: Checked
    fill: Fill
    multiline: bool


def max_tokens_for(context: FimContext) -> int:
    return BLOCK_TOKENS if context.multiline else LINE_TOKENS


class Completer:
    def __init__(
        self,
        workspace: Workspace,
        project_map: ProjectMap,
        model: ModelClient,
        settings: CompletionSettings,
        *,
        embedded: bool,
        recent: RecentFiles | None = None,
    ) -> None:
        self.workspace = workspace
        self.project_map = project_map
        self.model = model
        self.settings = settings
        self.embedded = embedded  # the embedded llama.cpp server
        self.recent = recent if recent is not None else RecentFiles()  # the editor's, kept by the session
        self.stats = CompletionStats()
        self.budget = Budget(model.settings.context_window, BLOCK_TOKENS)
        self._definitions: dict[str, list[Symbol]] = {}
        self._definitions_at = float("-inf")
        self._window_learned = False

    @property
    def endpoint(self) -> Endpoint:
        if self.model.settings.api == "ollama":
            return "ollama"
        if self.settings.endpoint != "auto":
            return self.settings.endpoint
        # /v1/completions with the cursor line last, on llama.cpp too: its /infill puts the
        # cursor line before the suffix, so every keystroke evaluated the suffix again.
        return "completions"

    def wanted(self, path: str) -> bool:
        """Is completion on for this file's language (and can its guards parse it)?"""
        return has_grammar(path) and self.settings.for_language(language_for(path))

    def context(self, path: str, position: Position) -> FimContext | None:
        """The fitted context at `position`; None when this file gets no completion."""
        if not self.wanted(path):
            return None
        context = gather(self.workspace, self.definitions(), path, position)
        if context is None:
            return None
        context.recent = self.recent.chunks(self.workspace, path)
        return fitted(context, self.budget)

    async def complete(self, path: str, position: Position) -> Completion | None:
        """The guarded completion at `position`; None when this file gets none (off for its
        language, a secret, no grammar, too big for the window)."""
        if not self._window_learned:
            self._window_learned = True
            self.budget.learn_window(await self.model.context_size())
        context = self.context(path, position)
        if context is None:
            return None
        max_tokens = max_tokens_for(context)
        template = template_for(self.model.settings.name)
        stop = self.stop_for(context)
        fill = await request_fill(self.model, self.endpoint, context, template, max_tokens, TIMEOUT_SECONDS, stop)
        if fill.prompt_tokens:
            self.budget.calibrate(raw_tokens(context), fill.prompt_tokens)
        result = self.check(context, fill.text, cut_off=fill.cut_off)
        self.stats.add(result)
        return Completion(result.text, fill.text, result, fill, context.multiline)

    def stop_for(self, context: FimContext) -> Callable[[str], bool]:
        """When to leave a streamed reply: once the guards have ended it."""
        return stop_when_cut(context, errors_of(context))

    def check(self, context: FimContext, raw: str, *, cut_off: bool = False) -> Checked:
        """The guards on one reply (the benchmark calls this on replies it already has)."""
        in_file = file_names(context.path, context.text)
        definitions = self.definitions()
        errors_before = errors_of(context)
        return checked(
            context,
            raw,
            cut_off=cut_off,
            known=lambda name: name in in_file or name in definitions,
            errors_before=errors_before,
            members=self.members(),
        )

    def members(self) -> Members:
        """What the map knows of members and keyword arguments (the names guard's second half)."""
        return Members(self.workspace, self.definitions())

    def definitions(self) -> dict[str, list[Symbol]]:
        now = time.monotonic()
        if now - self._definitions_at > DEFINITIONS_SECONDS:
            self._definitions = definitions_by_name(self.project_map)
            self._definitions_at = now
        return self._definitions
