"""The client side of the language server tests: `Editor` plays what an editor does (pytest-lsp
is the real LSP client): it opens documents, applies (or declines) `workspace/applyEdit` to its
buffers or to disk, answers registrations, and runs the server's commands."""

from __future__ import annotations

import asyncio
import json
import sys
import threading
import time
from pathlib import Path

from lsprotocol import types
from pygls.uris import to_fs_path
from pytest_lsp import LanguageClient, client_capabilities

from fake_model import FakeModel

SERVER = [sys.executable, "-m", "outrigger", "lsp"]
COMMANDS = ["outrigger.ask", "outrigger.history", "outrigger.status", "outrigger.trust", "outrigger.undo"]
LANGUAGE_IDS = {".js": "javascript", ".ts": "typescript", ".py": "python"}
VSCODE_PACKAGE = Path(__file__).resolve().parents[1] / "vscode-client" / "package.json"

JSDOC_REPLY = """```javascript
/**
 * Checks that a user has a name and a valid token.
 * @param {object} user
 * @returns {boolean}
 */
function validateUser(user) {
  return Boolean(user && user.name) && validateToken(user.token);
}
```"""


def vscode_section(**changed: dict) -> dict:
    """VS Code's answer for the `outrigger` section: every setting the extension's package.json
    declares, at its default, nested by its dots; `changed` sets some, e.g. tests={"run": "never"}."""
    properties = json.loads(VSCODE_PACKAGE.read_text())["contributes"]["configuration"]["properties"]
    section: dict = {}
    for key, spec in properties.items():
        *groups, name = key.removeprefix("outrigger.").split(".")
        node = section
        for group in groups:
            node = node.setdefault(group, {})
        node[name] = spec["default"]
    for group, values in changed.items():
        section[group] |= values
    return section


class GatedFake(FakeModel):
    """The fake model, holding each reply until the test opens the gate (every reply from then
    on) or lets one through: the model is "thinking" for exactly as long as the test needs."""

    def __init__(self) -> None:
        super().__init__()
        self.gate = threading.Event()
        self.arrived = threading.Event()
        self.arrivals = 0  # model calls received so far, held or answered
        self._passes = threading.Semaphore(0)

    def let_one_through(self) -> None:
        self._passes.release()

    def _next(self, path, headers, body):
        with self._lock:
            self.arrivals += 1
        self.arrived.set()
        deadline = time.monotonic() + 30
        while not self.gate.is_set() and not self._passes.acquire(timeout=0.02) and time.monotonic() < deadline:
            pass
        return super()._next(path, headers, body)


class EditRejected(Exception):
    """A workspace edit the editor cannot make (its message is the failure reason)."""


class Editor:
    """The client side: buffers with versions, applyEdit handling, command helpers."""

    def __init__(self, client: LanguageClient, root: Path) -> None:
        self.client = client
        self.root = root
        self.buffers: dict[str, tuple[str, int]] = {}  # uri -> (text, version)
        self.applied: list[types.ApplyWorkspaceEditParams] = []
        self.declined: list[types.ApplyWorkspaceEditParams] = []
        self.registrations: list[types.Registration] = []
        self.accept = True

        def apply_edit(params: types.ApplyWorkspaceEditParams) -> types.ApplyWorkspaceEditResult:
            return self._apply_edit(params)

        def register(params: types.RegistrationParams) -> None:
            self.registrations.extend(params.registrations)

        client.feature(types.WORKSPACE_APPLY_EDIT)(apply_edit)
        client.feature(types.CLIENT_REGISTER_CAPABILITY)(register)
        _read_code_actions_as_code_actions(client)

    def uri(self, path: str) -> str:
        """The URI of a path relative to the first folder (or an absolute path)."""
        return (self.root / path).as_uri()

    async def start(
        self,
        editor: str = "visual-studio-code",
        model_url: str | None = None,
        timeout: float = 20,
        encodings: list[types.PositionEncodingKind] | None = None,
        folders: list[Path] | None = None,
        capabilities: types.ClientCapabilities | None = None,
        **options,
    ) -> types.InitializeResult:
        """Initialize as `editor` (pytest-lsp's capability sets of real editors), or with
        `capabilities` of the test's own."""
        model = {"baseUrl": model_url, "timeoutSeconds": timeout} if model_url else {}
        capabilities = capabilities or client_capabilities(editor)
        if encodings:
            capabilities.general = types.GeneralClientCapabilities(position_encodings=encodings)
        return await self.client.initialize_session(
            types.InitializeParams(
                capabilities=capabilities,
                root_uri=self.root.as_uri(),
                workspace_folders=[
                    types.WorkspaceFolder(uri=folder.as_uri(), name=folder.name) for folder in folders or [self.root]
                ],
                # Like VS Code in a trusted workspace, unless a test says otherwise.
                initialization_options={"model": model, "workspaceTrusted": True, **options},
            )
        )

    def open(self, path: str) -> str:
        uri = self.uri(path)
        text = (self.root / path).read_text()
        self.buffers[uri] = (text, 1)
        language = LANGUAGE_IDS.get(Path(path).suffix, "plaintext")
        self.client.text_document_did_open(
            types.DidOpenTextDocumentParams(
                text_document=types.TextDocumentItem(uri=uri, language_id=language, version=1, text=text)
            )
        )
        return uri

    def close(self, uri: str) -> None:
        del self.buffers[uri]
        self.client.text_document_did_close(
            types.DidCloseTextDocumentParams(text_document=types.TextDocumentIdentifier(uri=uri))
        )

    def change(self, uri: str, text: str) -> None:
        version = self.buffers[uri][1] + 1
        self.buffers[uri] = (text, version)
        self.client.text_document_did_change(
            types.DidChangeTextDocumentParams(
                text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version),
                content_changes=[types.TextDocumentContentChangeWholeDocument(text=text)],
            )
        )

    def text(self, path: str) -> str:
        uri = self.uri(path)
        return self.buffers[uri][0] if uri in self.buffers else (self.root / path).read_text()

    async def ask(self, request: str, path: str | None = None, line: int | None = None, character: int = 0) -> dict:
        argument: dict = {"request": request}
        if path is not None:
            argument["textDocument"] = {"uri": self.uri(path)}
        if line is not None:
            argument["position"] = {"line": line, "character": character}
        return await self.command("outrigger.ask", argument)

    async def command(self, name: str, *arguments) -> dict:
        return await self.client.workspace_execute_command_async(
            types.ExecuteCommandParams(command=name, arguments=list(arguments))
        )

    async def history(self) -> list[str]:
        return (await self.command("outrigger.history"))["entries"]

    async def code_actions(self, path: str, line: int, character: int = 0, **context) -> list[types.CodeAction]:
        position = types.Position(line=line, character=character)
        return await self.client.text_document_code_action_async(
            types.CodeActionParams(
                text_document=types.TextDocumentIdentifier(uri=self.uri(path)),
                range=types.Range(start=position, end=position),
                context=types.CodeActionContext(diagnostics=context.pop("diagnostics", []), **context),
            )
        )

    def _apply_edit(self, params: types.ApplyWorkspaceEditParams) -> types.ApplyWorkspaceEditResult:
        """As VS Code does: every change checked first (versions, files to create or delete),
        then all of them applied, or none; open documents change in their buffers, other files
        on disk, and the server's file watcher hears of what changed on disk."""
        if not self.accept:
            self.declined.append(params)
            return types.ApplyWorkspaceEditResult(applied=False, failure_reason="the user cancelled the preview")
        try:
            proposed = self._proposed(params.edit)
        except EditRejected as error:
            self.declined.append(params)
            return types.ApplyWorkspaceEditResult(applied=False, failure_reason=str(error))
        self.applied.append(params)
        events = []
        for uri, text in proposed.items():
            path = Path(to_fs_path(uri))
            if text is None:
                if uri in self.buffers:
                    self.close(uri)
                path.unlink()
                events.append(types.FileEvent(uri=uri, type=types.FileChangeType.Deleted))
            elif uri in self.buffers:
                self.change(uri, text)
            else:  # not open: this editor writes the file
                created = not path.exists()
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text(text)
                kind = types.FileChangeType.Created if created else types.FileChangeType.Changed
                events.append(types.FileEvent(uri=uri, type=kind))
        if events and any(r.method == types.WORKSPACE_DID_CHANGE_WATCHED_FILES for r in self.registrations):
            self.client.workspace_did_change_watched_files(types.DidChangeWatchedFilesParams(changes=events))
        return types.ApplyWorkspaceEditResult(applied=True)

    def _proposed(self, edit: types.WorkspaceEdit) -> dict[str, str | None]:
        """uri → the text it would have (None: deleted), in the order of the changes;
        EditRejected when any change cannot be made."""
        proposed: dict[str, str | None] = {}

        def current(uri: str) -> str | None:
            if uri in proposed:
                return proposed[uri]
            if uri in self.buffers:
                return self.buffers[uri][0]
            path = Path(to_fs_path(uri))
            return path.read_text() if path.exists() else None

        if edit.document_changes is None:
            changes = [
                types.TextDocumentEdit(
                    text_document=types.OptionalVersionedTextDocumentIdentifier(uri=uri, version=None), edits=edits
                )
                for uri, edits in (edit.changes or {}).items()
            ]
        else:
            changes = edit.document_changes
        for change in changes:
            if isinstance(change, types.CreateFile):
                options = change.options or types.CreateFileOptions()
                if current(change.uri) is not None and not (options.overwrite or options.ignore_if_exists):
                    raise EditRejected(f"{change.uri} already exists")
                if current(change.uri) is None or options.overwrite:
                    proposed[change.uri] = ""
            elif isinstance(change, types.DeleteFile):
                if current(change.uri) is None:
                    if not (change.options and change.options.ignore_if_not_exists):
                        raise EditRejected(f"{change.uri} does not exist")
                    continue
                proposed[change.uri] = None
            elif isinstance(change, types.TextDocumentEdit):
                uri, version = change.text_document.uri, change.text_document.version
                if version is not None and uri in self.buffers and self.buffers[uri][1] != version:
                    raise EditRejected(f"{uri} is at version {self.buffers[uri][1]}, the edit is for {version}")
                text = current(uri)
                if text is None:
                    raise EditRejected(f"{uri} does not exist")
                proposed[uri] = apply_text_edits(text, change.edits)
            else:
                raise EditRejected(f"this editor does not {type(change).__name__}")
        return proposed

    def shown(self, kind: types.MessageType | None = None) -> list[str]:
        return [m.message for m in self.client.messages if kind is None or m.type == kind]


def _read_code_actions_as_code_actions(client: LanguageClient) -> None:
    """lsprotocol reads any `Command | CodeAction` that has a "command" key as a Command, and
    so loses a CodeAction's kind; a bare Command is the one whose "command" is a string."""
    converter = client.protocol._converter

    def structure(value, _):
        kind = types.Command if isinstance(value.get("command"), str) else types.CodeAction
        return converter.structure(value, kind)

    converter.register_structure_hook(types.Command | types.CodeAction, structure)


def apply_text_edits(text: str, edits) -> str:
    """LSP text edits (ASCII fixtures: characters are code points) applied back to front."""
    lines = text.split("\n")
    starts = [0]
    for line in lines[:-1]:
        starts.append(starts[-1] + len(line) + 1)

    def offset(position: types.Position) -> int:
        return starts[position.line] + position.character if position.line < len(starts) else len(text)

    for edit in sorted(edits, key=lambda e: (e.range.start.line, e.range.start.character), reverse=True):
        text = text[: offset(edit.range.start)] + edit.new_text + text[offset(edit.range.end) :]
    return text


async def wait_for(condition, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("timed out waiting for a condition")
        await asyncio.sleep(0.02)
