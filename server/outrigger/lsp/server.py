"""The language server's handlers: each translates lsprotocol values (`convert.py`) and calls the
core through a folder's `Session`. State and shared helpers live in `language_server.py`."""

from __future__ import annotations

import asyncio
import traceback
from collections.abc import Awaitable, Callable
from functools import wraps
from pathlib import Path
from typing import Any, TypeVar

from lsprotocol import types
from pygls.uris import to_fs_path

from outrigger.config import Settings
from outrigger.errors import OutriggerError, Refused
from outrigger.lsp import convert
from outrigger.lsp.language_server import OutriggerServer, root_paths
from outrigger.lsp.params import (
    COMMAND_ARGUMENTS,
    AskParams,
    AskResult,
    HistoryResult,
    StatusResult,
    TrustParams,
    TrustResult,
)
from outrigger.session import Session
from outrigger.workspace.trust import set_trusted

PUSH_SYMBOLS = "outrigger/pushSymbols"
WATCHERS_ID = "outrigger-watched-files"

server = OutriggerServer()


# -- lifecycle ------------------------------------------------------------------------------


@server.feature(types.INITIALIZE)
def initialize(ls: OutriggerServer, params: types.InitializeParams) -> None:
    ls.roots = root_paths(params)
    ls.settings = Settings.from_environment()
    options = params.initialization_options
    if (section := convert.settings_section(options)) is not None:
        try:
            ls.settings = convert.merged_settings(ls.settings, section)
        except ValueError as error:
            ls.startup_errors.append(str(error))
    ls.client_options = convert.client_options(options)


@server.feature(types.INITIALIZED)
async def initialized(ls: OutriggerServer, params: types.InitializedParams) -> None:
    ls._event_loop = asyncio.get_running_loop()
    # The sessions exist before the first await: documents opened next must find them.
    sessions = [session for root in ls.roots if (session := ls.add_folder(root)) is not None]
    for message in ls.startup_errors:
        ls.error(message)
    if not ls.roots:
        ls.warn("Outrigger needs a workspace folder; open a folder to use it.")
    if ls.capability("workspace.configuration"):
        await ls.change_settings(None)  # pulls the client's settings
    await asyncio.gather(*(ls.index_folder(session) for session in sessions))
    ls.indexed.set()
    if ls.capability("workspace.did_change_watched_files.dynamic_registration"):
        await _watch_files(ls)


async def _watch_files(ls: OutriggerServer) -> None:
    """Files changed outside the editor (a git checkout, codegen) re-index when they change."""
    registration = types.Registration(
        id=WATCHERS_ID,
        method=types.WORKSPACE_DID_CHANGE_WATCHED_FILES,
        register_options=types.DidChangeWatchedFilesRegistrationOptions(
            watchers=[types.FileSystemWatcher(glob_pattern="**/*")]
        ),
    )
    try:
        await ls.client_register_capability_async(types.RegistrationParams(registrations=[registration]))
    except Exception as error:
        ls.log(f"Watching files failed: {error}", types.MessageType.Warning)


@server.feature(types.SHUTDOWN)
async def shutdown(ls: OutriggerServer, params: None) -> None:
    for session in ls.folders:
        await session.close()


@server.feature(types.EXIT)
def exit_(ls: OutriggerServer, params: None) -> None:
    for session in ls.folders:
        session.stop_now()


@server.feature(types.WORKSPACE_DID_CHANGE_CONFIGURATION)
async def did_change_configuration(ls: OutriggerServer, params: types.DidChangeConfigurationParams) -> None:
    await ls.change_settings(params.settings)


@server.feature(types.WORKSPACE_DID_CHANGE_WORKSPACE_FOLDERS)
async def did_change_workspace_folders(ls: OutriggerServer, params: types.DidChangeWorkspaceFoldersParams) -> None:
    for folder in params.event.removed:
        if path := to_fs_path(folder.uri):
            await ls.close_folder(Path(path))
    added = [ls.add_folder(Path(path)) for folder in params.event.added if (path := to_fs_path(folder.uri))]
    await asyncio.gather(*(ls.index_folder(session) for session in added if session is not None))


@server.feature(types.WORKSPACE_DID_CHANGE_WATCHED_FILES)
async def did_change_watched_files(ls: OutriggerServer, params: types.DidChangeWatchedFilesParams) -> None:
    rebuild: set[Session] = set()
    for change in params.changes:
        if (found := _document(ls, change.uri)) is None:
            continue
        session, path = found
        if path.rsplit("/", 1)[-1] == ".gitignore":
            rebuild.add(session)  # what is ignored changed: every file may be in or out
        elif session.workspace.version(path) is None:  # an open buffer, not the disk, is the truth
            session.project_map.update(path)
    for session in rebuild:
        await session.index(ls.reporter(None))


# -- documents: open documents are the truth ------------------------------------------------


def _document(ls: OutriggerServer, uri: str) -> tuple[Session, str] | None:
    session = ls.folders.for_uri(uri)
    if session is None or (path := convert.uri_to_path(uri, session.workspace)) is None:
        return None
    return session, path


def _sync(ls: OutriggerServer, uri: str, line: int | None = None) -> None:
    """The editor's text becomes the truth; `line` (where it was edited; None: just opened)
    goes to the files inline completion takes context from."""
    if (found := _document(ls, uri)) is None:
        return
    session, path = found
    document = ls.workspace.get_text_document(uri)
    session.workspace.open_document(path, document.source, document.version)
    session.project_map.update(path)
    session.recent_files.touch(path, line)


@server.feature(types.TEXT_DOCUMENT_DID_OPEN)
def did_open(ls: OutriggerServer, params: types.DidOpenTextDocumentParams) -> None:
    _sync(ls, params.text_document.uri)


@server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
def did_change(ls: OutriggerServer, params: types.DidChangeTextDocumentParams) -> None:
    edited = [
        c.range.start.line for c in params.content_changes if isinstance(c, types.TextDocumentContentChangePartial)
    ]
    ls.inline.cancel(params.text_document.uri)  # its ghost text would be for text that is gone
    _sync(ls, params.text_document.uri, edited[-1] if edited else None)


@server.feature(types.TEXT_DOCUMENT_DID_SAVE)
def did_save(ls: OutriggerServer, params: types.DidSaveTextDocumentParams) -> None:
    if (found := _document(ls, params.text_document.uri)) is not None:
        session, path = found
        session.project_map.update(path)


@server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
def did_close(ls: OutriggerServer, params: types.DidCloseTextDocumentParams) -> None:
    if (found := _document(ls, params.text_document.uri)) is not None:
        session, path = found
        session.workspace.close_document(path)
        session.project_map.update(path)  # back to the file on disk


# -- commands -------------------------------------------------------------------------------

Result = TypeVar("Result")


def _command_boundary(name: str):
    """Nothing a request or a model reply does takes the server down: an unexpected error
    becomes an Error message and a `refused` result (the traceback goes to the log)."""

    def wrap(handler: Callable[..., Awaitable[Result]]) -> Callable[..., Awaitable[Result | AskResult]]:
        @wraps(handler)  # pygls reads the handler's annotations to structure the arguments
        async def run(ls: OutriggerServer, *arguments: Any) -> Result | AskResult:
            try:
                return await handler(ls, *arguments)
            except Exception as error:
                ls.log(traceback.format_exc(), types.MessageType.Error)
                message = f"Outrigger failed on {name}: {error}"
                ls.error(message)
                return AskResult(kind="refused", message=message)

        return run

    return wrap


@server.command("outrigger.ask")
@_command_boundary("outrigger.ask")
async def ask_command(ls: OutriggerServer, params: AskParams) -> AskResult:
    return await ls.ask(params)


@server.command("outrigger.undo")
@_command_boundary("outrigger.undo")
async def undo_command(ls: OutriggerServer) -> AskResult:
    return await ls.ask(AskParams(request="undo"))


@server.command("outrigger.history")
@_command_boundary("outrigger.history")
async def history_command(ls: OutriggerServer) -> HistoryResult:
    session = ls.folders.default()
    return HistoryResult(entries=session.agent.history() if session else [])


@server.command("outrigger.status")
@_command_boundary("outrigger.status")
async def status_command(ls: OutriggerServer) -> StatusResult:
    return await ls.status()


@server.command("outrigger.trust")
@_command_boundary("outrigger.trust")
async def trust_command(ls: OutriggerServer, *arguments: Any) -> TrustResult:
    """Ask or set whether folders are trusted to run their own code (Neovim asks once per
    folder; VS Code passes its workspace trust with `remember: false`). The argument is
    optional, which pygls cannot structure: it is structured here."""
    if len(arguments) > 1 or (arguments and not isinstance(arguments[0], dict)):
        raise Refused(f"outrigger.trust takes {COMMAND_ARGUMENTS['outrigger.trust']}.")
    try:
        params = ls.protocol._converter.structure(arguments[0], TrustParams) if arguments else TrustParams()
    except Exception:
        raise Refused(f"outrigger.trust takes {COMMAND_ARGUMENTS['outrigger.trust']}.") from None
    if params.folder is not None:
        session = ls.folders.for_uri(params.folder)
        if session is None:
            raise Refused(f"{params.folder} is not one of the workspace folders.")
        sessions = [session]
    else:
        sessions = list(ls.folders)
    if params.trusted is not None and params.folder is None and ls.client_options.workspace_trusted is not None:
        ls.client_options.workspace_trusted = params.trusted  # the client's trust: folders added later too
    for session in sessions:
        if params.trusted is not None:
            if params.remember:
                set_trusted(session.root, params.trusted)
            session.trusted = params.trusted
    trusted = bool(sessions) and all(session.trusted for session in sessions)
    names = ", ".join(str(session.root) for session in sessions) or "no folder"
    message = f"{names}: {'trusted' if trusted else 'not trusted'} to run its own code (tests, scripts)."
    return TrustResult(folders=[str(session.root) for session in sessions], trusted=trusted, message=message)


@server.feature(types.WINDOW_WORK_DONE_PROGRESS_CANCEL)
def progress_cancel(ls: OutriggerServer, params: types.WorkDoneProgressCancelParams) -> None:
    ls.asks.cancel_token(params.token)


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
async def code_actions(ls: OutriggerServer, params: types.CodeActionParams) -> list[types.CodeAction]:
    await ls.indexed.wait()  # only during start-up: afterwards the map answers at once
    uri = params.text_document.uri
    if (found := _document(ls, uri)) is None:
        return []
    session, path = found
    try:
        lines = convert.lines_of(session.workspace.read(path))
    except Refused:
        return []
    position = convert.to_core_position(lines, params.range.start, ls.encoding)
    diagnostics = [
        (d.message, convert.to_core_position(lines, d.range.start, ls.encoding)) for d in params.context.diagnostics
    ]
    offers = session.agent.offers(path, position, diagnostics)
    return [
        convert.code_action(offer, uri, params.range.start)
        for offer in offers
        if convert.wanted_kind(offer.kind, params.context.only)
    ]


# -- inline completion: the model fills in at the cursor, guarded --------------------------


@server.feature(types.TEXT_DOCUMENT_INLINE_COMPLETION, types.InlineCompletionOptions())
async def inline_completion(
    ls: OutriggerServer, params: types.InlineCompletionParams
) -> types.InlineCompletionList | None:
    await ls.indexed.wait()
    uri = params.text_document.uri
    if (found := _document(ls, uri)) is None:
        return None
    session, path = found
    completer = session.completer
    if not completer.wanted(path):
        return None

    async def complete() -> types.InlineCompletionList | None:
        version = session.workspace.version(path)
        try:
            lines = convert.lines_of(session.workspace.read(path))
        except Refused:
            return None
        position = convert.to_core_position(lines, params.position, ls.encoding)
        try:
            completion = await completer.complete(path, position)
        except OutriggerError as error:  # no ghost text is the whole failure: say why in the log
            ls.log(f"inline completion: {error}", types.MessageType.Warning)
            return None
        if completion is None:
            return None
        if completion.checked.dropped_by:
            invented = ", ".join(completion.checked.invented)
            ls.log(
                f"inline completion dropped by {completion.checked.dropped_by}{f' ({invented})' if invented else ''}"
            )
        if not completion.text or session.workspace.version(path) != version:
            return None  # nothing passed, or the user typed while the model worked
        return convert.inline_completion(completion.text, params.position)

    return await ls.inline.run(uri, complete)


@server.feature(types.WORKSPACE_SYMBOL)
async def workspace_symbols(ls: OutriggerServer, params: types.WorkspaceSymbolParams) -> list[types.SymbolInformation]:
    await ls.indexed.wait()
    query = params.query.lower()
    result: list[types.SymbolInformation] = []
    for session in ls.folders:
        found = [s for s in session.project_map.symbols() if _fuzzy(query, s.name.lower())]
        lines: dict[str, list[str]] = {}
        for symbol in found[: 500 - len(result)]:
            if symbol.path not in lines:
                lines[symbol.path] = _lines_or_empty(session, symbol.path)
            result.append(convert.symbol_information(symbol, session.root, lines[symbol.path], ls.encoding))
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
async def document_symbols(ls: OutriggerServer, params: types.DocumentSymbolParams) -> list[types.DocumentSymbol]:
    await ls.indexed.wait()
    if (found := _document(ls, params.text_document.uri)) is None:
        return []
    session, path = found
    lines = _lines_or_empty(session, path)
    return convert.document_symbols(session.project_map.symbols(path), lines, ls.encoding)


@server.feature(PUSH_SYMBOLS)
async def push_symbols(ls: OutriggerServer, params: Any) -> None:
    await ls.indexed.wait()  # a build finishing later would drop them
    try:
        entries = convert.pushed_entries(convert.plain(params))
    except ValueError as error:
        ls.log(f"{PUSH_SYMBOLS}: {error}", types.MessageType.Warning)
        return
    counted = 0
    for session in ls.folders:
        grouped = convert.editor_symbols(entries, session.workspace, ls.encoding)
        for path, symbols in grouped.items():
            session.project_map.set_editor_symbols(path, symbols)
        counted += sum(map(len, grouped.values()))
    ls.log(f"{PUSH_SYMBOLS}: {counted} symbols")


def serve() -> None:
    server.start_io()
