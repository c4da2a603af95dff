"""The language server object: what it keeps between requests (the folders' sessions, the
asks in flight, the settings) and the helpers the handlers in `server.py` share.

The one place edits leave the server is `_apply`: stale check → `workspace/applyEdit` →
`Agent.commit` only when the client applied them.
"""

from __future__ import annotations

import asyncio
import contextvars
import math
import time
import uuid
from pathlib import Path
from typing import Any

import cattrs
from lsprotocol import types
from pygls.exceptions import JsonRpcException, JsonRpcInvalidParams, JsonRpcServerNotInitialized
from pygls.lsp._capabilities import get_capability
from pygls.lsp.server import LanguageServer
from pygls.protocol import LanguageServerProtocol, lsp_method
from pygls.uris import to_fs_path

from outrigger import __version__
from outrigger.agent import Outcome
from outrigger.completion.guarded import CompletionStats
from outrigger.config import Settings
from outrigger.errors import Refused
from outrigger.guards.stale import first_stale
from outrigger.lsp import answers, convert
from outrigger.lsp.asks import Asks
from outrigger.lsp.completions import InlineRequests
from outrigger.lsp.folders import Folders
from outrigger.lsp.params import (
    COMMAND_ARGUMENTS,
    AskParams,
    AskResult,
    ClientOptions,
    CompletionStatus,
    PartialAnswerParams,
    StatusResult,
    command_converter,
)
from outrigger.model.client import OnText
from outrigger.model.status import sandbox_line
from outrigger.progress import Progress
from outrigger.session import Session
from outrigger.workspace.languages import LANGUAGES

CANCELLED = "Cancelled; nothing was changed."
_PARTIAL_SECONDS = 0.25  # between reports of an answer being written
PARTIAL_ANSWER = "outrigger/partialAnswer"  # server → client, to clients with `partialAnswers`
CONFIGURATION_SECONDS = 10.0  # a client that never answers workspace/configuration must not stall settings

# The `workDoneToken` of the executeCommand request being handled (pygls hands command
# handlers only the arguments).
_work_done_token: contextvars.ContextVar[types.ProgressToken | None] = contextvars.ContextVar(
    "work_done_token", default=None
)


def announced_languages() -> list[dict[str, Any]]:
    """The languages Outrigger parses, as the `initialize` result announces them
    (`capabilities.experimental.outrigger.languages`): editors build their document selector
    from this list instead of a copy of their own."""
    return [{"name": row.name, "title": row.title, "extensions": list(row.extensions)} for row in LANGUAGES.values()]


class OutriggerProtocol(LanguageServerProtocol):
    _server: OutriggerServer
    _initialize_received = False

    def _handle_request(self, msg_id, method_name, params):
        # LSP: before `initialize`, a request is answered ServerNotInitialized (-32002), not
        # held until the index is built (which never starts without `initialize`).
        if method_name == types.INITIALIZE:
            self._initialize_received = True
        elif not self._initialize_received:
            message = f"Outrigger has not been initialized: send `initialize` before `{method_name}`."
            self._send_response(msg_id, None, JsonRpcServerNotInitialized(message).to_response_error())
            return
        super()._handle_request(msg_id, method_name, params)

    def structure_message(self, data: dict[str, Any]) -> Any:
        """pygls raises when a message's params do not fit their types, and its reader then
        logs the request and never answers it: the editor waits forever. A request is
        answered -32602 here, naming the method and the field."""
        try:
            return super().structure_message(data)
        except JsonRpcException as error:
            if "id" not in data or "method" not in data:
                raise  # a notification or a response: nothing to answer
            cause = error.__cause__
            detail = "; ".join(cattrs.transform_error(cause)) if isinstance(cause, cattrs.BaseValidationError) else ""
            message = f"{data['method']}: invalid params" + (f" ({detail})" if detail else "")
            self._send_response(data["id"], None, JsonRpcInvalidParams(message=message[:2000]).to_response_error())
            return _ANSWERED

    def _handle_notification(self, method_name, params):
        if self._initialize_received or method_name == types.EXIT:  # the others are dropped
            super()._handle_notification(method_name, params)

    @lsp_method(types.INITIALIZE)
    def lsp_initialize(self, params: types.InitializeParams):
        result = yield from super().lsp_initialize(params)
        experimental = result.capabilities.experimental
        result.capabilities.experimental = {
            **(experimental if isinstance(experimental, dict) else {}),
            "outrigger": {"languages": announced_languages()},
        }
        return result

    @lsp_method(types.WORKSPACE_EXECUTE_COMMAND)
    def lsp_workspace__execute_command(self, params: types.ExecuteCommandParams):
        _work_done_token.set(params.work_done_token)
        if params.arguments is None:  # `null` is "no arguments", not a Python TypeError
            params.arguments = []
        try:
            return (yield from super().lsp_workspace__execute_command(params))
        except JsonRpcInvalidParams as error:
            # pygls structured the arguments from the handler's annotations and said only
            # "While structuring AskParams" or "Expected 1 arguments"; say what is expected.
            raise JsonRpcInvalidParams(message=f"{params.command}: {_why_invalid(params.command, error)}") from None

    def _handle_cancel_notification(self, msg_id):
        # pygls 2.1 cancels only the future wrapping executeCommand, not the command's own
        # task; without this the agent would keep running and could still send its edit.
        super()._handle_cancel_notification(msg_id)
        self._server.asks.cancel_request(msg_id)


class _Answered:
    """A request already answered while it was read: `handle_message` skips what is not
    JSON-RPC 2.0."""

    jsonrpc = None


_ANSWERED = _Answered()


def _why_invalid(command: str, error: JsonRpcInvalidParams) -> str:
    expected = COMMAND_ARGUMENTS.get(command)
    if expected is None:
        return str(error.message)  # an unknown command: pygls names it
    cause = error.__context__
    detail = ""
    if isinstance(cause, cattrs.BaseValidationError):
        detail = " (" + "; ".join(cattrs.transform_error(cause)) + ")"
    return f"invalid arguments{detail}; it takes {expected}"


class OutriggerServer(LanguageServer):
    def __init__(self) -> None:
        super().__init__("outrigger", __version__, protocol_cls=OutriggerProtocol, converter_factory=command_converter)
        self.settings = Settings()
        self.client_options = ClientOptions()
        self.roots: list[Path] = []
        self.folders = Folders()
        self.asks = Asks()
        self.inline = InlineRequests()
        self.startup_errors: list[str] = []
        self.indexed = asyncio.Event()  # set once every folder of the start-up is indexed
        # Settings changes are applied one at a time, in the order they arrived: each awaits
        # the client and the model's shutdown, and an older change finishing last must not win.
        self.settings_lock = asyncio.Lock()
        self._event_loop: asyncio.AbstractEventLoop | None = None

    # -- messages --------------------------------------------------------------------------

    def info(self, message: str) -> None:
        self.window_show_message(types.ShowMessageParams(type=types.MessageType.Info, message=message))

    def warn(self, message: str) -> None:
        self.window_show_message(types.ShowMessageParams(type=types.MessageType.Warning, message=message))

    def error(self, message: str) -> None:
        self.window_show_message(types.ShowMessageParams(type=types.MessageType.Error, message=message))

    def log(self, message: str, kind: types.MessageType = types.MessageType.Log) -> None:
        self.window_log_message(types.LogMessageParams(type=kind, message=message))

    @property
    def encoding(self) -> str:
        encoding = self.workspace.position_encoding or types.PositionEncodingKind.Utf16
        return getattr(encoding, "value", encoding)  # "utf-16", not "PositionEncodingKind.Utf16"

    def capability(self, field: str) -> Any:
        """A client capability by its dotted path ("workspace.workspace_edit.document_changes")."""
        return get_capability(self.client_capabilities, field, None)

    # -- folders ----------------------------------------------------------------------------

    def add_folder(self, root: Path) -> Session | None:
        """A session for one folder, at once: documents the editor opens from now on belong
        to it, even before its index is built (`index_folder`)."""
        if not root.is_dir():
            self.warn(f"Outrigger cannot use {root}: it is not a folder.")
            return None
        session = Session(root, self.settings, trusted=self.client_options.workspace_trusted)
        self.folders.add(session)
        return session

    async def index_folder(self, session: Session) -> None:
        """Index a folder off the event loop; problems become messages, not a dead server."""
        root = session.root
        try:
            await session.index(self._folder_progress(root))
        except Exception as error:  # a file that breaks the indexer must not take the folder down
            self.error(f"Outrigger could not index {root}: {error}")
            return
        files = len(session.project_map.files())
        self.log(f"Outrigger {__version__}: indexed {files} files in {session.root}", types.MessageType.Info)
        if session.project_map.incomplete:
            self.warn(session.project_map.incomplete)

    async def close_folder(self, root: Path) -> None:
        if (session := self.folders.pop(root)) is not None:
            await session.close()

    def session_for(self, uri: str | None) -> Session | None:
        return self.folders.for_uri(uri) if uri else self.folders.default()

    def _folder_progress(self, root: Path) -> Progress:
        def report(message: str, percent: int | None = None, /) -> None:
            self.log(f"{root.name}: {message}")

        return report

    async def status(self) -> StatusResult:
        """The model of the folder last asked in, busy while any ask is in flight. Settings
        changes received before this request are applied first, so it reports the new model."""
        async with self.settings_lock:
            pass
        session = self.folders.default()
        where = await asyncio.to_thread(sandbox_line, self.settings.tests.allow_unsandboxed)
        if session is None:
            model = self.settings.model
            return StatusResult(
                model=model.name, state="ready", message="No folder is open.", endpoint=model.base_url, sandbox=where
            )
        status = await session.status(busy=len(self.asks) > 0)
        return StatusResult(
            model=status.model,
            state=status.state,
            message=status.message,
            endpoint=status.endpoint,
            sandbox=where,
            completion=self.completion_status(),
        )

    def completion_status(self) -> CompletionStatus:
        """What inline completion's guards dropped and shortened, summed over the folders."""
        total = CompletionStats()
        for session in self.folders:
            if (stats := session.completion_stats) is not None:
                total.merge(stats)
        return CompletionStatus(
            total.requests, total.shown, dict(total.dropped), dict(total.shortened), total.sentence()
        )

    # -- settings ---------------------------------------------------------------------------

    async def change_settings(self, payload: Any) -> None:
        """`workspace/didChangeConfiguration`: the settings it carries, or (VS Code style, no
        settings) a pull of the client's."""
        async with self.settings_lock:
            if payload is None and self.capability("workspace.configuration"):
                await self.pull_configuration()
            else:
                await self.apply_settings(payload)

    async def apply_settings(self, payload: Any) -> None:
        section = convert.settings_section(payload)
        if section is None:
            return
        try:
            settings = convert.merged_settings(self.settings, section)
        except ValueError as error:
            self.error(str(error))
            return
        self.settings = settings
        for session in self.folders:
            await session.use_settings(settings, self._folder_progress(session.root))
        where = settings.model.base_url or "the embedded model"
        self.log(f"Model: {settings.model.name} at {where}", types.MessageType.Info)

    async def pull_configuration(self) -> None:
        try:
            values = await asyncio.wait_for(
                self.workspace_configuration_async(
                    types.ConfigurationParams(items=[types.ConfigurationItem(section="outrigger")])
                ),
                CONFIGURATION_SECONDS,
            )
        except TimeoutError:
            self.log("workspace/configuration got no answer; settings stay as they are", types.MessageType.Warning)
            return
        except Exception as error:  # the client may not answer; settings stay as they are
            self.log(f"workspace/configuration failed: {error}", types.MessageType.Warning)
            return
        if values:
            await self.apply_settings(values[0])

    # -- progress ---------------------------------------------------------------------------

    async def begin_progress(self, message: str) -> types.ProgressToken | None:
        """The request's workDoneToken, or a server-created one when the client supports it."""
        token = _work_done_token.get()
        if token is None:
            if not self.capability("window.work_done_progress"):
                return None
            token = f"outrigger-{uuid.uuid4()}"
            try:
                await self.work_done_progress.create_async(token)
            except Exception as error:
                self.log(f"window/workDoneProgress/create failed: {error}", types.MessageType.Warning)
                return None
        self.work_done_progress.begin(
            token, types.WorkDoneProgressBegin(title="Outrigger", message=message, cancellable=True, percentage=0)
        )
        return token

    def end_progress(self, token: types.ProgressToken | None, message: str) -> None:
        if token is None:
            return
        self.work_done_progress.end(token, types.WorkDoneProgressEnd(message=message))
        self.work_done_progress.tokens.pop(token, None)

    def reporter(self, token: types.ProgressToken | None) -> Progress:
        """A progress sink for one ask. Fetching and building the embedded model report from a
        worker thread: those reports hop onto the event loop."""
        loop = self._event_loop

        def report(message: str, percent: int | None = None, /) -> None:
            if loop is not None and not _in_loop(loop):
                loop.call_soon_threadsafe(report, message, percent)
                return
            self.log(message)
            if token is not None:
                self.work_done_progress.report(token, types.WorkDoneProgressReport(message=message, percentage=percent))

        return report

    def answer_reporter(self, token: types.ProgressToken | None) -> OnText | None:
        """An answer as the model writes it, at most a few times a second: to a client that
        asked for them (`partialAnswers`), `outrigger/partialAnswer` with the text so far and
        its tokens; to any other, the text so far as the progress message. The editor shows
        the answer coming instead of a spinner."""
        if token is None:
            return None
        last = -math.inf
        notify = self.client_options.partial_answers

        def report(text: str, tokens: int) -> None:
            nonlocal last
            if (now := time.monotonic()) - last < _PARTIAL_SECONDS:
                return
            last = now
            if notify:
                self.protocol.notify(PARTIAL_ANSWER, PartialAnswerParams(token=token, text=text, tokens=tokens))
            else:
                self.work_done_progress.report(token, types.WorkDoneProgressReport(message=text))

        return report

    # -- asking -----------------------------------------------------------------------------

    async def ask(self, params: AskParams) -> AskResult:
        uri = params.text_document.uri if params.text_document else None
        await self.indexed.wait()  # asks arriving during start-up indexing wait for the map
        session = self.session_for(uri)
        if session is None:
            where = f"{to_fs_path(uri) or uri} is not inside a workspace folder" if uri else "no folder is open"
            return self.refuse(f"Outrigger has no workspace for this request: {where}. Open the project's folder.")
        self.folders.used(session)
        path, position = None, None
        if uri is not None:
            path = convert.uri_to_path(uri, session.workspace)
            if path is None:
                return self.refuse(f"{to_fs_path(uri) or uri} is outside the workspace {session.root}.")
            if params.position is not None:
                try:
                    lines = convert.lines_of(session.workspace.read(path))
                except Refused as error:
                    return self.refuse(str(error))
                position = convert.to_core_position(lines, params.position, self.encoding)

        try:
            planned = convert.offered_plan(params.plan, params.request)
        except Refused as error:
            return self.refuse(str(error))
        running = self.asks.start(self.protocol.msg_id)
        if running is None:
            return AskResult(kind="not-applied", message=CANCELLED)
        outcome = None
        try:
            token = await self.begin_progress(_short(params.request))
            if token is not None:
                self.asks.track_token(running, token)
            where = f" at {path}:{params.position.line + 1}" if path and params.position else ""
            self.log(f"ask: {params.request!r}{where}")
            outcome = await session.agent.ask(
                params.request,
                path=path,
                position=position,
                progress=self.reporter(token),
                planned=planned,
                partial=self.answer_reporter(token),
            )
        except asyncio.CancelledError:
            if not running.cancelled:
                raise  # the server is shutting down, not the user cancelling
            running.task.uncancel()
            self.log(f"cancelled: {params.request!r}")
            return AskResult(kind="not-applied", message=CANCELLED)
        finally:
            self.asks.finish(running)
            self.end_progress(running.token, outcome.kind if outcome else "cancelled")
        return await self._deliver(session, outcome, params.request)

    def refuse(self, message: str) -> AskResult:
        self.show(types.MessageType.Warning, message)
        return AskResult(kind="refused", message=message)

    def show(self, kind: types.MessageType, message: str) -> None:
        """A command's result as a message, for clients that do not show results themselves."""
        if self.client_options.presents_results:
            self.log(message, kind)
        else:
            self.window_show_message(types.ShowMessageParams(type=kind, message=message))

    async def _deliver(self, session: Session, outcome: Outcome, request: str) -> AskResult:
        plan = outcome.plan.describe() if outcome.plan else None
        if outcome.kind == "answer":
            await self._show_answer(outcome.message, request)
            return AskResult(kind="answer", message=outcome.message, plan=plan)
        if outcome.kind == "refused":
            result = self.refuse(outcome.message)
            result.plan = plan
            return result
        return await self._apply(session, outcome, request, plan)

    async def _show_answer(self, message: str, request: str) -> None:
        """Short answers are a message; a long one opens as a markdown document (when the
        client can show documents) with its first line as the message."""
        if self.client_options.presents_results or not answers.is_long(message):
            self.show(types.MessageType.Info, message)
            return
        if self.capability("window.show_document.support"):
            try:
                path = answers.write_answer(request, message)
                shown = await self.window_show_document_async(
                    types.ShowDocumentParams(uri=path.as_uri(), take_focus=True)
                )
            except Exception as error:  # a full disk or a client that fails: the toast still carries it
                self.log(f"Showing the answer as a document failed: {error}", types.MessageType.Warning)
            else:
                if shown.success:
                    self.show(types.MessageType.Info, f"{answers.toast(message)} (the full answer is in {path.name})")
                    return
        self.show(types.MessageType.Info, message)

    async def _apply(self, session: Session, outcome: Outcome, request: str, plan: str | None) -> AskResult:
        notes = outcome.notes or None
        result = AskResult(kind="edit", message=outcome.message, preview=outcome.preview, plan=plan, notes=notes)
        if stale := first_stale(outcome.edits, session.workspace.read, session.workspace.version):
            return self.refuse(f"{stale} changed while Outrigger was working; nothing was applied. Ask again.")
        if not self.capability("workspace.apply_edit"):
            message = "This editor cannot apply workspace edits; nothing was applied."
            self.show(types.MessageType.Warning, message)
            return AskResult(kind="not-applied", message=message, preview=outcome.preview, plan=plan, notes=notes)

        needed = convert.needs_resource_operations(outcome.edits)
        document_changes = bool(self.capability("workspace.workspace_edit.document_changes"))
        # Resource operations travel only in documentChanges: a client offering them without it
        # (Neovim's defaults) cannot receive them either.
        offered = {
            str(getattr(op, "value", op))
            for op in (self.capability("workspace.workspace_edit.resource_operations") or [])
            if document_changes
        }
        if missing := needed - offered:
            message = (
                f"This task needs to {' and '.join(sorted(missing))} files, which this editor cannot do through LSP; "
                "nothing was applied (the CLI's `outrigger ask --apply` can)."
            )
            self.show(types.MessageType.Warning, message)
            return AskResult(kind="not-applied", message=message, preview=outcome.preview, plan=plan, notes=notes)

        annotations = self.capability("workspace.workspace_edit.change_annotation_support") is not None
        edit = convert.workspace_edit(
            outcome.edits,
            session.root,
            self.encoding,
            document_changes=document_changes,
            annotation=(
                convert.change_annotation(outcome.message, request, outcome.edits, outcome.notes)
                if annotations
                else None
            ),
            step_labels=_step_labels(outcome),
        )
        try:
            answer = await self.workspace_apply_edit_async(
                types.ApplyWorkspaceEditParams(edit=edit, label=outcome.message)
            )
        except Exception as error:
            answer = types.ApplyWorkspaceEditResult(applied=False, failure_reason=str(error))
        if not answer.applied:
            why = answer.failure_reason or "the editor did not apply it"
            message = f"Not applied ({why}): {outcome.message}"
            self.log(message, types.MessageType.Info)
            return AskResult(kind="not-applied", message=message, preview=outcome.preview, plan=plan, notes=notes)

        session.agent.commit(outcome)
        for file_edit in outcome.edits:
            # Files that are not open changed on disk (or in the client): re-read them.
            session.project_map.update(file_edit.path)
        self.log(f"applied: {outcome.message}", types.MessageType.Info)
        return result


def _step_labels(outcome: Outcome) -> dict[str, str]:
    """ "step 1, 3" → "Steps 1, 3: add `logout` in src/session.js; edit …" for the preview."""
    if outcome.plan is None or not outcome.plan.steps:
        return {}
    by_id = {step.id: step for step in outcome.plan.steps}
    labels = {}
    for edit in outcome.edits:
        if edit.step and edit.step not in labels:
            ids = [int(n) for n in edit.step.removeprefix("step ").split(", ") if n.isdigit()]
            described = "; ".join(by_id[n].describe() for n in ids if n in by_id)
            labels[edit.step] = f"Step{'s' * (len(ids) > 1)} {', '.join(map(str, ids))}: {described}"
    return labels


def root_paths(params: types.InitializeParams) -> list[Path]:
    """Every workspace folder the client opened (the root URI for clients without folders)."""
    uris = [folder.uri for folder in params.workspace_folders or []] or ([params.root_uri] if params.root_uri else [])
    paths = [Path(path) for uri in uris if (path := to_fs_path(uri))]
    if not paths and params.root_path:
        paths = [Path(params.root_path)]
    return paths


def _in_loop(loop: asyncio.AbstractEventLoop) -> bool:
    try:
        return asyncio.get_running_loop() is loop
    except RuntimeError:
        return False


def _short(request: str, limit: int = 80) -> str:
    line = request.strip().splitlines()[0] if request.strip() else ""
    return line if len(line) <= limit else line[: limit - 1] + "…"
