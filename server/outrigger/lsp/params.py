"""The arguments and results of Outrigger's commands: typed, so pygls structures (and refuses)
what a client sends, and documented once here (docs/protocol.md mirrors this; the VS Code
client mirrors it in results.ts)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

import attrs
from cattrs import Converter
from lsprotocol import types
from pygls.protocol import default_converter

AskKind = Literal["answer", "edit", "not-applied", "refused"]
ModelState = Literal["starting", "ready", "busy", "unreachable"]


@attrs.define
class PlanParams:
    """What a code action asks, as the server decided it when offering: the intent (`question`,
    `docstring`, `type_hints`, `fix`), the symbol and its workspace-relative file."""

    intent: str
    symbol: str
    file: str


@attrs.define
class AskParams:
    """`outrigger.ask`'s one argument. `position` (in the negotiated encoding) says which
    symbol "this" is; it needs `textDocument`."""

    request: str
    text_document: types.TextDocumentIdentifier | None = None
    position: types.Position | None = None
    plan: PlanParams | None = None  # a code action's plan: what to do is known, not re-read from `request`


# What each command takes, as the error for arguments of another shape says it.
COMMAND_ARGUMENTS = {
    "outrigger.ask": 'one argument, [{"request": "what to do", "textDocument"?: {"uri": …}, "position"?: {…}}]',
    "outrigger.undo": "no arguments",
    "outrigger.history": "no arguments",
    "outrigger.status": "no arguments",
    "outrigger.trust": 'no arguments, or [{"folder"?: "file:///…", "trusted"?: true, "remember"?: true}]',
}


@attrs.define
class AskResult:
    kind: AskKind
    message: str  # the answer, the edit's one-sentence summary, or why nothing changed
    preview: str | None = None  # for edits: the unified diff of every file
    plan: str | None = None  # what the planner decided, in one line (a task lists its steps)
    notes: list[str] | None = None  # what the checks found: imports added, the project's tests


@attrs.define
class HistoryResult:
    entries: list[str]  # one sentence per applied action, oldest first


@attrs.define
class CompletionStatus:
    """Inline completion since the server started, over all folders: what its guards did."""

    # No defaults: the converter leaves default values out, and a client reads every field.
    requests: int  # completions asked of the model
    shown: int  # that passed every guard (maybe shortened)
    dropped: dict[str, int]  # by the guard that emptied it ("empty": the model wrote nothing)
    shortened: dict[str, int]  # by guard
    message: str  # the same in a sentence


@attrs.define
class StatusResult:
    """`outrigger.status`: the model in use and what it is doing."""

    model: str  # the model's name
    state: ModelState  # starting (the embedded model is starting for a request), ready, busy, unreachable
    message: str  # one sentence: "qwen2.5-coder-0.5b (embedded, running) is ready."
    endpoint: str | None = None  # the model server's URL; None for the embedded model
    sandbox: str = ""  # where proposed code (the project's tests, examples) runs: "in a bubblewrap sandbox (…)"
    completion: CompletionStatus | None = None  # None: no folder is open


@attrs.define
class ClientOptions:
    """Initialization options about the client rather than the settings."""

    # The client shows command results itself: the server then does not repeat them with
    # window/showMessage (editors that show nothing of a command's result rely on those).
    presents_results: bool = False
    # The client shows an answer as the model writes it from `outrigger/partialAnswer`
    # notifications; its progress then counts tokens instead of carrying the text.
    partial_answers: bool = False
    # The client decides which folders are trusted (VS Code's workspace trust): True or False
    # for every folder. None: the user's trust list decides (`outrigger trust`, `outrigger.trust`).
    workspace_trusted: bool | None = None


@attrs.define
class PartialAnswerParams:
    """`outrigger/partialAnswer` (server → client): an answer as the model writes it, for clients
    that asked with the initialization option `partialAnswers`."""

    token: int | str  # the ask's work-done progress token
    text: str  # the answer so far (each notification replaces the last); the result has the whole answer
    tokens: int  # tokens written so far


@attrs.define
class TrustParams:
    """`outrigger.trust`'s optional argument: the folder (a URI; default: every folder), and
    whether to trust it (None: only ask); `remember` writes it to the user's trust list."""

    folder: str | None = None
    trusted: bool | None = None
    remember: bool = True


@attrs.define
class TrustResult:
    folders: list[str]  # the folders' paths
    trusted: bool  # whether all of them are trusted now
    message: str


def command_converter() -> Converter:
    """lsprotocol's converter, with `outrigger.ask`'s request required to be a string: cattrs
    would turn `null` or `5` into the request "None" or "5"."""
    conv = default_converter()
    structure_ask = conv.get_structure_hook(AskParams)

    def strict(value: Any, kind: type) -> AskParams:
        if not isinstance(value, Mapping) or not isinstance(value.get("request"), str):
            raise ValueError('the argument must be {"request": "what to do", "textDocument"?, "position"?}')
        return structure_ask(value, kind)

    conv.register_structure_hook(AskParams, strict)
    conv.register_structure_hook(types.InlineCompletionTriggerKind, _trigger_kind)
    return conv


def _trigger_kind(value: Any, kind: type) -> types.InlineCompletionTriggerKind:
    """LSP 3.18 counts from 1 (Invoked, Automatic); vscode-languageclient 9's proposed inline
    completion sends VS Code's own enum, which counts from 0 (Invoke, Automatic). Outrigger
    answers both alike, so no value is worth refusing the request over."""
    try:
        return types.InlineCompletionTriggerKind(value)
    except ValueError:
        return types.InlineCompletionTriggerKind.Invoked if value == 0 else types.InlineCompletionTriggerKind.Automatic
