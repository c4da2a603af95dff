"""The language server: thin pygls handlers over the core.

Each handler translates lsprotocol values (`convert.py`) and calls the agent, the workspace
or the project map (`state.Session`). The one place edits leave the server is `_apply`:
stale check → `workspace/applyEdit` → `Agent.commit` only when the client applied them.
"""

from __future__ import annotations

import asyncio
import contextvars
import traceback
import uuid
from collections import deque
from pathlib import Path
from typing import Any

from lsprotocol import types
from pygls.lsp.server import LanguageServer
from pygls.protocol import LanguageServerProtocol, lsp_method
from pygls.uris import to_fs_path

from outrigger import __version__
from outrigger.agent import Outcome
from outrigger.config import Settings
from outrigger.errors import Refused
from outrigger.progress import Progress

from . import convert
from .state import Session

PUSH_SYMBOLS = "outrigger/pushSymbols"
CANCELLED = "Cancelled; nothing was changed."

# The `workDoneToken` of the executeCommand request being handled (pygls hands command
# handlers only the arguments).
_work_done_token: contextvars.ContextVar[types.ProgressToken | None] = contextvars.ContextVar(
    "work_done_token", default=None
)


class OutriggerProtocol(LanguageServerProtocol):
    @lsp_method(types.WORKSPACE_EXECUTE_COMMAND)
    def lsp_workspace__execute_command(self, params: types.ExecuteCommandParams):
        _work_done_token.set(params.work_done_token)
        return (yield from super().lsp_workspace__execute_command(params))

    def _handle_cancel_notification(self, msg_id):
        # pygls 2.1 cancels only the future wrapping executeCommand, not the command's own
        # task; without this the agent would keep running and could still send its edit.
        super()._handle_cancel_notification(msg_id)
        self._server.cancel_running(msg_id)


class OutriggerServer(LanguageServer):
    def __init__(self) -> None:
        super().__init__("outrigger", __version__, protocol_cls=OutriggerProtocol)
        self.root: Path | None = None
        self.settings = Settings()
        self.session: Session | None = None
        self.startup_errors: list[str] = []
        self._by_request: dict[Any, asyncio.Task] = {}
        # Requests cancelled before their handler started running (a short memory suffices:
        # a handler starts within one turn of the event loop).
        self._cancelled_early: deque[Any] = deque(maxlen=64)
        self._event_loop: asyncio.AbstractEventLoop | None = None
        self._by_token: dict[types.ProgressToken, asyncio.Task] = {}
        self._model_progress: Progress | None = None

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

    def capability(self, *names: str) -> Any:
        """A nested client capability, None when any step is missing."""
        value: Any = self.client_capabilities
        for name in names:
            value = getattr(value, name, None)
            if value is None:
                return None
        return value

    # -- settings ---------------------------------------------------------------------------

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
        if self.session is not None:
            await self.session.use_settings(settings)
        where = settings.model.base_url or "the embedded model"
        self.log(f"Model: {settings.model.name} at {where}", types.MessageType.Info)

    async def pull_configuration(self) -> None:
        try:
            values = await self.workspace_configuration_async(
                types.ConfigurationParams(items=[types.ConfigurationItem(section="outrigger")])
            )
        except Exception as error:  # the client may not answer; settings stay as they are
            self.log(f"workspace/configuration failed: {error}", types.MessageType.Warning)
            return
        if values:
            await self.apply_settings(values[0])

    # -- cancellation -----------------------------------------------------------------------

    def cancel_running(self, msg_id: Any) -> None:
        if (task := self._by_request.get(msg_id)) is not None:
            task.cancel()
        else:
            self._cancelled_early.append(msg_id)

    def cancel_token(self, token: types.ProgressToken) -> None:
        if (task := self._by_token.get(token)) is not None:
            task.cancel()

    # -- progress ---------------------------------------------------------------------------

    async def begin_progress(self, message: str) -> types.ProgressToken | None:
        """The request's workDoneToken, or a server-created one when the client supports it."""
        token = _work_done_token.get()
        if token is None:
            if not self.capability("window", "work_done_progress"):
                return None
            token = f"outrigger-{uuid.uuid4()}"
            try:
                await self.work_done_progress.create_async(token)
            except Exception as error:
                self.log(f"window/workDoneProgress/create failed: {error}", types.MessageType.Warning)
                return None
        self.work_done_progress.begin(
            token, types.WorkDoneProgressBegin(title="Outrigger", message=message, cancellable=True)
        )
        return token

    def end_progress(self, token: types.ProgressToken | None, message: str) -> None:
        if token is None:
            return
        self.work_done_progress.end(token, types.WorkDoneProgressEnd(message=message))
        self.work_done_progress.tokens.pop(token, None)

    def model_progress(self, message: str, percent: int | None = None, /) -> None:
        """Progress from the embedded model's start-up goes to whichever ask is waiting.
        Fetching and building report from a worker thread: hop onto the event loop."""
        if self._event_loop is not None and not _in_loop(self._event_loop):
            self._event_loop.call_soon_threadsafe(self.model_progress, message, percent)
            return
        self.log(message)
        if self._model_progress is not None:
            self._model_progress(message, percent)

    # -- asking -----------------------------------------------------------------------------

    async def ask(self, request: str, uri: str | None, position: types.Position | None) -> dict:
        session = self.session
        if session is None:
            return self.refuse("Outrigger has no workspace: open a folder (or a file inside a project) first.")
        path = None
        core_position = None
        if uri is not None:
            path = convert.uri_to_path(uri, session.workspace)
            if path is None:
                return self.refuse(f"{to_fs_path(uri) or uri} is outside the workspace {session.root}.")
            if position is not None:
                try:
                    lines = convert.lines_of(session.workspace.read(path))
                except Refused as error:
                    return self.refuse(str(error))
                core_position = convert.to_core_position(lines, position, self.encoding)

        me = asyncio.current_task()
        msg_id = self.protocol.msg_id
        if msg_id is not None and msg_id in self._cancelled_early:
            self._cancelled_early.remove(msg_id)
            return {"kind": "not-applied", "message": CANCELLED}
        token = None
        outcome = None
        self._by_request[msg_id] = me
        try:
            token = await self.begin_progress(_short(request))
            if token is not None:
                self._by_token[token] = me
            report = self._reporter(token)
            self._model_progress = report
            self.log(f"ask: {request!r}" + (f" at {path}:{position.line + 1}" if path and position else ""))
            outcome = await session.agent.ask(request, path=path, position=core_position, progress=report)
        except asyncio.CancelledError:
            me.uncancel()
            self.log(f"cancelled: {request!r}")
            return {"kind": "not-applied", "message": CANCELLED}
        finally:
            # Past this point the edit may reach the client: it can no longer be cancelled.
            self._by_request.pop(msg_id, None)
            self._by_token.pop(token, None)
            self._model_progress = None
            self.end_progress(token, outcome.kind if outcome else "cancelled")
        return await self._deliver(outcome, request)

    def _reporter(self, token: types.ProgressToken | None) -> Progress:
        def report(message: str, percent: int | None = None, /) -> None:
            if token is not None:
                self.work_done_progress.report(token, types.WorkDoneProgressReport(message=message, percentage=percent))

        return report

    def refuse(self, message: str) -> dict:
        self.warn(message)
        return {"kind": "refused", "message": message}

    async def _deliver(self, outcome: Outcome, request: str) -> dict:
        if outcome.kind == "answer":
            # Long answers too: every client shows a message; not every one a document.
            self.info(outcome.message)
            return {"kind": "answer", "message": outcome.message}
        if outcome.kind == "refused":
            return self.refuse(outcome.message)
        return await self._apply(outcome, request)

    async def _apply(self, outcome: Outcome, request: str) -> dict:
        session = self.session
        assert session is not None
        result = {"kind": "edit", "message": outcome.message, "preview": outcome.preview}
        if stale := self._stale(outcome):
            return self.refuse(f"{stale} changed while Outrigger was working; nothing was applied. Ask again.")
        if not self.capability("workspace", "apply_edit"):
            message = "This editor cannot apply workspace edits; nothing was applied."
            self.warn(message)
            return {**result, "kind": "not-applied", "message": message}

        document_changes = bool(self.capability("workspace", "workspace_edit", "document_changes"))
        annotations = bool(self.capability("workspace", "workspace_edit", "change_annotation_support"))
        edit = convert.workspace_edit(
            outcome.edits,
            session.root,
            self.encoding,
            document_changes=document_changes,
            annotation=convert.change_annotation(outcome.message, request) if annotations else None,
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
            return {**result, "kind": "not-applied", "message": message}

        session.agent.commit(outcome)
        for file_edit in outcome.edits:
            # Files that are not open changed on disk (or in the client): re-read them.
            session.project_map.update(file_edit.path)
        self.log(f"applied: {outcome.message}", types.MessageType.Info)
        return result

    def _stale(self, outcome: Outcome) -> str | None:
        """The first edited file whose text moved on while the model was thinking."""
        workspace = self.session.workspace
        for edit in outcome.edits:
            current = workspace.version(edit.path)
            if current is not None and current != edit.version:
                return edit.path
            try:
                if workspace.read(edit.path) != edit.old_text:
                    return edit.path
            except Refused:
                return edit.path
        return None


def _in_loop(loop: asyncio.AbstractEventLoop) -> bool:
    try:
        return asyncio.get_running_loop() is loop
    except RuntimeError:
        return False


def _short(request: str, limit: int = 80) -> str:
    line = request.strip().splitlines()[0] if request.strip() else ""
    return line if len(line) <= limit else line[: limit - 1] + "…"


server = OutriggerServer()


# -- lifecycle ------------------------------------------------------------------------------


@server.feature(types.INITIALIZE)
def initialize(ls: OutriggerServer, params: types.InitializeParams) -> None:
    ls.root = _root(params)
    ls.settings = Settings.from_environment()
    if (section := convert.settings_section(params.initialization_options)) is not None:
        try:
            ls.settings = convert.merged_settings(ls.settings, section)
        except ValueError as error:
            ls.startup_errors.append(str(error))


def _root(params: types.InitializeParams) -> Path | None:
    uri = params.workspace_folders[0].uri if params.workspace_folders else params.root_uri
    if uri:
        path = to_fs_path(uri)
        return Path(path) if path else None
    return Path(params.root_path) if params.root_path else None


@server.feature(types.INITIALIZED)
def initialized(ls: OutriggerServer, params: types.InitializedParams) -> None:
    # Synchronous on purpose: the map exists before the next message (didOpen) is handled.
    ls._event_loop = asyncio.get_running_loop()
    for message in ls.startup_errors:
        ls.error(message)
    if ls.root is None or not ls.root.is_dir():
        ls.warn("Outrigger needs a workspace folder; open a folder to use it.")
        return
    ls.session = Session(ls.root, ls.settings, ls.model_progress)
    files = len(ls.session.project_map.files())
    ls.log(f"Outrigger {__version__}: indexed {files} files in {ls.session.root}", types.MessageType.Info)
    if ls.capability("workspace", "configuration"):
        asyncio.ensure_future(ls.pull_configuration())


@server.feature(types.SHUTDOWN)
async def shutdown(ls: OutriggerServer, params: None) -> None:
    if ls.session is not None:
        await ls.session.close()


@server.feature(types.EXIT)
def exit_(ls: OutriggerServer, params: None) -> None:
    if ls.session is not None:
        ls.session.stop_now()


@server.feature(types.WORKSPACE_DID_CHANGE_CONFIGURATION)
async def did_change_configuration(ls: OutriggerServer, params: types.DidChangeConfigurationParams) -> None:
    if params.settings is None and ls.capability("workspace", "configuration"):
        await ls.pull_configuration()  # "settings changed, pull them" (VS Code style)
    else:
        await ls.apply_settings(params.settings)


# -- documents: open documents are the truth ------------------------------------------------


def _sync(ls: OutriggerServer, uri: str) -> None:
    if ls.session is None or (path := convert.uri_to_path(uri, ls.session.workspace)) is None:
        return
    document = ls.workspace.get_text_document(uri)
    ls.session.workspace.open_document(path, document.source, document.version)
    ls.session.project_map.update(path)


@server.feature(types.TEXT_DOCUMENT_DID_OPEN)
def did_open(ls: OutriggerServer, params: types.DidOpenTextDocumentParams) -> None:
    _sync(ls, params.text_document.uri)


@server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
def did_change(ls: OutriggerServer, params: types.DidChangeTextDocumentParams) -> None:
    _sync(ls, params.text_document.uri)


@server.feature(types.TEXT_DOCUMENT_DID_SAVE)
def did_save(ls: OutriggerServer, params: types.DidSaveTextDocumentParams) -> None:
    if ls.session is not None and (path := convert.uri_to_path(params.text_document.uri, ls.session.workspace)):
        ls.session.project_map.update(path)


@server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
def did_close(ls: OutriggerServer, params: types.DidCloseTextDocumentParams) -> None:
    if ls.session is None or (path := convert.uri_to_path(params.text_document.uri, ls.session.workspace)) is None:
        return
    ls.session.workspace.close_document(path)
    ls.session.project_map.update(path)  # back to the file on disk


# -- commands -------------------------------------------------------------------------------


def _command_boundary(name: str):
    """Nothing a request or a model reply does takes the server down: errors become an
    Error message and a `refused` result."""

    def wrap(handler):
        async def run(ls: OutriggerServer, *arguments: Any) -> dict:
            try:
                return await handler(ls, *arguments)
            except ValueError as error:
                message = f"{name}: {error}"
                ls.error(message)
                return {"kind": "refused", "message": message}
            except Exception as error:
                ls.log(traceback.format_exc(), types.MessageType.Error)
                message = f"Outrigger failed on {name}: {error}"
                ls.error(message)
                return {"kind": "refused", "message": message}

        return run

    return wrap


@server.command("outrigger.ask")
@_command_boundary("outrigger.ask")
async def ask_command(ls: OutriggerServer, *arguments: Any) -> dict:
    request, uri, position = convert.ask_arguments(arguments)
    return await ls.ask(request, uri, position)


@server.command("outrigger.undo")
@_command_boundary("outrigger.undo")
async def undo_command(ls: OutriggerServer, *arguments: Any) -> dict:
    return await ls.ask("undo", None, None)


@server.command("outrigger.history")
@_command_boundary("outrigger.history")
async def history_command(ls: OutriggerServer, *arguments: Any) -> dict:
    return {"entries": ls.session.agent.history() if ls.session else []}


@server.feature(types.WINDOW_WORK_DONE_PROGRESS_CANCEL)
def progress_cancel(ls: OutriggerServer, params: types.WorkDoneProgressCancelParams) -> None:
    ls.cancel_token(params.token)


# -- code actions and symbols: from the map, no model call ----------------------------------


@server.feature(
    types.TEXT_DOCUMENT_CODE_ACTION,
    types.CodeActionOptions(
        code_action_kinds=[
            types.CodeActionKind.Refactor,
            types.CodeActionKind.RefactorRewrite,
            types.CodeActionKind.QuickFix,
        ]
    ),
)
def code_actions(ls: OutriggerServer, params: types.CodeActionParams) -> list[types.CodeAction]:
    uri = params.text_document.uri
    if ls.session is None or (path := convert.uri_to_path(uri, ls.session.workspace)) is None:
        return []
    try:
        lines = convert.lines_of(ls.session.workspace.read(path))
    except Refused:
        return []
    position = convert.to_core_position(lines, params.range.start, ls.encoding)
    diagnostics = [
        (d.message, convert.to_core_position(lines, d.range.start, ls.encoding)) for d in params.context.diagnostics
    ]
    offers = ls.session.agent.offers(path, position, diagnostics)
    return [
        convert.code_action(offer, uri, params.range.start)
        for offer in offers
        if convert.wanted_kind(offer.kind, params.context.only)
    ]


@server.feature(types.WORKSPACE_SYMBOL)
def workspace_symbols(ls: OutriggerServer, params: types.WorkspaceSymbolParams) -> list[types.SymbolInformation]:
    if ls.session is None:
        return []
    query = params.query.lower()
    found = [s for s in ls.session.project_map.symbols() if _fuzzy(query, s.name.lower())]
    lines: dict[str, list[str]] = {}
    result = []
    for symbol in found[:500]:
        if symbol.path not in lines:
            lines[symbol.path] = _lines_or_empty(ls.session, symbol.path)
        result.append(convert.symbol_information(symbol, ls.session.root, lines[symbol.path], ls.encoding))
    return result


def _fuzzy(query: str, name: str) -> bool:
    """The query's characters appear in order in the name (how editors filter symbols)."""
    rest = iter(name)
    return all(char in rest for char in query)


def _lines_or_empty(session: Session, path: str) -> list[str]:
    try:
        return convert.lines_of(session.workspace.read(path))
    except Refused:
        return []


@server.feature(types.TEXT_DOCUMENT_DOCUMENT_SYMBOL)
def document_symbols(ls: OutriggerServer, params: types.DocumentSymbolParams) -> list[types.DocumentSymbol]:
    if ls.session is None or (path := convert.uri_to_path(params.text_document.uri, ls.session.workspace)) is None:
        return []
    lines = _lines_or_empty(ls.session, path)
    return convert.document_symbols(ls.session.project_map.symbols(path), lines, ls.encoding)


@server.feature(PUSH_SYMBOLS)
def push_symbols(ls: OutriggerServer, params: Any) -> None:
    if ls.session is None:
        return
    try:
        grouped = convert.editor_symbols(convert.plain(params), ls.session.workspace, ls.encoding)
    except ValueError as error:
        ls.log(f"{PUSH_SYMBOLS}: {error}", types.MessageType.Warning)
        return
    for path, symbols in grouped.items():
        ls.session.project_map.set_editor_symbols(path, symbols)
    ls.log(f"{PUSH_SYMBOLS}: {sum(map(len, grouped.values()))} symbols in {len(grouped)} files")


def serve() -> None:
    server.start_io()
