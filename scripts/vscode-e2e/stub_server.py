"""A stand-in for `outrigger lsp` that speaks the client contract without a model.

It lets the VS Code e2e run (`node run.mjs --stub`) check the client alone: `outrigger.ask`
with "rename A to B in PATH" sends a confirmed `workspace/applyEdit` exactly as the real
server does; anything else is answered. Every message it gets is appended, one JSON object a
line, to $OUTRIGGER_STUB_LOG so the e2e can check what the client sent.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any

from lsprotocol import types
from pygls.lsp.server import LanguageServer

server = LanguageServer("outrigger-stub", "0.0.1")
history: list[str] = []
RENAME = re.compile(r"rename\s+(\w+)\s+to\s+(\w+)\s+in\s+(\S+)", re.IGNORECASE)


def record(event: str, payload: Any) -> None:
    log = os.environ.get("OUTRIGGER_STUB_LOG")
    if log:
        with open(log, "a", encoding="utf-8") as f:
            f.write(json.dumps({"event": event, "payload": payload}) + "\n")


@server.feature(types.INITIALIZE)
def initialize(_ls: LanguageServer, params: types.InitializeParams) -> None:
    record("initializationOptions", params.initialization_options)


@server.feature(types.WORKSPACE_DID_CHANGE_CONFIGURATION)
def did_change_configuration(_ls: LanguageServer, params: types.DidChangeConfigurationParams) -> None:
    record("didChangeConfiguration", params.settings)


@server.feature("outrigger/pushSymbols")
def push_symbols(_ls: LanguageServer, params: Any) -> None:
    symbols = getattr(params, "symbols", None) or []
    record("pushSymbols", [{"name": s.name, "uri": s.location.uri, "container": getattr(s, "containerName", None)} for s in symbols])


def rename_edit(root: Path, old: str, new: str, path: str) -> types.WorkspaceEdit | None:
    file = (root / path).resolve()
    if not file.is_file() or root not in file.parents:
        return None
    edits = []
    for line_no, line in enumerate(file.read_text(encoding="utf-8").splitlines()):
        for match in re.finditer(rf"\b{re.escape(old)}\b", line):
            rng = types.Range(
                start=types.Position(line=line_no, character=match.start()),
                end=types.Position(line=line_no, character=match.end()),
            )
            edits.append(types.AnnotatedTextEdit(range=rng, new_text=new, annotation_id="outrigger"))
    if not edits:
        return None
    return types.WorkspaceEdit(
        document_changes=[
            types.TextDocumentEdit(
                text_document=types.OptionalVersionedTextDocumentIdentifier(uri=file.as_uri(), version=None),
                edits=edits,
            )
        ],
        change_annotations={
            "outrigger": types.ChangeAnnotation(label=f"Rename {old} to {new}", needs_confirmation=True)
        },
    )


@server.command("outrigger.ask")
async def ask(ls: LanguageServer, *args: Any) -> dict[str, Any]:
    argument = args[0] if args else {}
    request = argument.get("request", "") if isinstance(argument, dict) else getattr(argument, "request", "")
    record("ask", argument if isinstance(argument, dict) else str(argument))
    match = RENAME.search(request)
    if not match:
        return {"kind": "answer", "message": f"(stub) You asked: {request}"}
    old, new, path = match.groups()
    root = Path(ls.workspace.root_path or os.getcwd()).resolve()
    edit = rename_edit(root, old, new, path)
    if edit is None:
        return {"kind": "refused", "message": f"`{old}` is not defined in {path}"}
    result = await ls.workspace_apply_edit_async(types.ApplyWorkspaceEditParams(edit=edit, label=f"Rename {old}"))
    record("applyEdit", {"applied": result.applied})
    if not result.applied:
        return {"kind": "not-applied", "message": "The edit was not applied."}
    history.append(f"Renamed `{old}` to `{new}` in {path}.")
    return {"kind": "edit", "message": history[-1], "preview": f"-{old}\n+{new}"}


@server.command("outrigger.undo")
def undo(_ls: LanguageServer, *_args: Any) -> dict[str, Any]:
    return {"kind": "refused", "message": "(stub) nothing to undo"}


@server.command("outrigger.history")
def show_history(_ls: LanguageServer, *_args: Any) -> dict[str, Any]:
    return {"entries": history}


if __name__ == "__main__":
    server.start_io()
