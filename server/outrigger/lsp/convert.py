"""Core values ↔ lsprotocol types. Plain functions, testable without a running server.

The core counts characters in code points; LSP clients count in the negotiated position
encoding (UTF-16 unless the client offered another). Every position crossing the boundary
goes through `to_core_position` / `to_lsp_position` with the line it refers to.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from lsprotocol import types
from pydantic import ValidationError
from pygls.uris import from_fs_path, to_fs_path

from outrigger.config import Settings
from outrigger.edits import FileEdit, split_lines
from outrigger.errors import Refused
from outrigger.lsp.params import ClientOptions, PlanParams
from outrigger.offers import Offer
from outrigger.plan import Intent, Plan, Question
from outrigger.spans import Position, Range
from outrigger.workspace.files import Workspace
from outrigger.workspace.symbols import Symbol

ANNOTATION_ID = "outrigger"
ASK_COMMAND = "outrigger.ask"
ASK_ABOUT_COMMAND = "outrigger.askAbout"  # registered by the client: it prompts, then runs ask

# ---------------------------------------------------------------------------------------------
# Positions


def lines_of(text: str) -> list[str]:
    """Lines without their "\\n", split the way `spans` counts them."""
    return text.split("\n")


def _units(char: str, encoding: str) -> int:
    if encoding == types.PositionEncodingKind.Utf8:
        return len(char.encode("utf-8"))
    if encoding == types.PositionEncodingKind.Utf32:
        return 1
    return 2 if ord(char) > 0xFFFF else 1


def to_core_position(lines: list[str], position: types.Position, encoding: str) -> Position:
    """A client position (in `encoding` units) → code points; clamped to the text."""
    if position.line >= len(lines):
        return Position(len(lines) - 1, len(lines[-1])) if lines else Position(0, 0)
    line = lines[position.line].rstrip("\r")
    if line.isascii() or encoding == types.PositionEncodingKind.Utf32:
        return Position(position.line, min(position.character, len(line)))
    units = 0
    for index, char in enumerate(line):
        if units >= position.character:
            return Position(position.line, index)
        units += _units(char, encoding)
    return Position(position.line, len(line))


def to_lsp_position(lines: list[str], position: Position, encoding: str) -> types.Position:
    """Code points → the client's units."""
    if position.line >= len(lines):
        return types.Position(line=position.line, character=0)
    prefix = lines[position.line][: position.character]
    if prefix.isascii() or encoding == types.PositionEncodingKind.Utf32:
        return types.Position(line=position.line, character=len(prefix))
    return types.Position(line=position.line, character=sum(_units(c, encoding) for c in prefix))


def to_lsp_range(lines: list[str], range_: Range, encoding: str) -> types.Range:
    return types.Range(
        start=to_lsp_position(lines, range_.start, encoding),
        end=to_lsp_position(lines, range_.end, encoding),
    )


def to_core_range(lines: list[str], range_: types.Range, encoding: str) -> Range:
    return Range(to_core_position(lines, range_.start, encoding), to_core_position(lines, range_.end, encoding))


# ---------------------------------------------------------------------------------------------
# URIs


def uri_to_path(uri: str, workspace: Workspace) -> str | None:
    """The workspace-relative path of a file URI, or None when it is outside the workspace."""
    fs_path = to_fs_path(uri) if uri.startswith("file:") else None
    if not fs_path:
        return None
    try:
        return workspace.resolve(fs_path)
    except Refused:
        return None


def path_to_uri(path: str, root: Path) -> str:
    return from_fs_path(str(root / path)) or (root / path).as_uri()


# ---------------------------------------------------------------------------------------------
# Edits


def workspace_edit(
    edits: list[FileEdit],
    root: Path,
    encoding: str,
    *,
    document_changes: bool,
    annotation: types.ChangeAnnotation | None,
    step_labels: dict[str, str] | None = None,
) -> types.WorkspaceEdit:
    """Versioned `TextDocumentEdit`s — with `CreateFile` / `DeleteFile` for files a task creates
    or deletes — annotated when `annotation` is given: one annotation per task step (their
    labels in `step_labels`, keyed by `FileEdit.step`) so the preview groups the changes by
    step. Clients without `workspace.workspaceEdit.documentChanges` get the `changes` map,
    which cannot create or delete files (ValueError)."""
    if not document_changes:
        if any(edit.kind != "edit" for edit in edits):
            raise ValueError("this editor cannot create or delete files through a workspace edit")
        return types.WorkspaceEdit(
            changes={path_to_uri(edit.path, root): _text_edits(edit, encoding) for edit in edits}
        )
    annotations: dict[str, types.ChangeAnnotation] = {}
    if annotation is not None:
        annotations[ANNOTATION_ID] = annotation
        for label in sorted({edit.step for edit in edits if edit.step}):
            annotations[_step_id(label)] = types.ChangeAnnotation(
                label=(step_labels or {}).get(label, label), needs_confirmation=True, description=annotation.label
            )

    def annotation_of(edit: FileEdit) -> str | None:
        if annotation is None:
            return None
        return _step_id(edit.step) if edit.step else ANNOTATION_ID

    changes: list[types.TextDocumentEdit | types.CreateFile | types.RenameFile | types.DeleteFile] = []
    for edit in edits:
        uri, annotated = path_to_uri(edit.path, root), annotation_of(edit)
        if edit.kind == "delete":
            changes.append(types.DeleteFile(uri=uri, annotation_id=annotated))
            continue
        if edit.kind == "create":
            changes.append(
                types.CreateFile(
                    uri=uri,
                    options=types.CreateFileOptions(overwrite=False, ignore_if_exists=False),
                    annotation_id=annotated,
                )
            )
        text_edits = _text_edits(edit, encoding)
        version = None if edit.kind == "create" else edit.version
        changes.append(
            types.TextDocumentEdit(
                text_document=types.OptionalVersionedTextDocumentIdentifier(uri=uri, version=version),
                edits=_annotated(text_edits, annotated) if annotated else text_edits,
            )
        )
    return types.WorkspaceEdit(document_changes=changes, change_annotations=annotations or None)


def needs_resource_operations(edits: list[FileEdit]) -> set[str]:
    """The LSP resource operations (`create`, `delete`) applying `edits` takes."""
    return {edit.kind for edit in edits if edit.kind != "edit"}


def _step_id(label: str) -> str:
    return f"{ANNOTATION_ID}-{label.replace(' ', '-').replace(',', '')}"


def _text_edits(edit: FileEdit, encoding: str) -> list[types.TextEdit]:
    lines = lines_of(edit.old_text)  # edit ranges refer to the text they were computed on
    return [
        types.TextEdit(range=to_lsp_range(lines, change.range, encoding), new_text=change.new_text)
        for change in edit.edits
    ]


def _annotated(edits: list[types.TextEdit], annotation_id: str) -> list[types.TextEdit | types.AnnotatedTextEdit]:
    return [types.AnnotatedTextEdit(range=e.range, new_text=e.new_text, annotation_id=annotation_id) for e in edits]


def change_annotation(
    summary: str, request: str, edits: list[FileEdit], notes: Iterable[str] = ()
) -> types.ChangeAnnotation:
    """What a confirmation prompt shows: the one-sentence summary as the label; the request,
    the lines each file gains and loses, and what the checks found (the project's tests, a
    warning that they fail) as the description (Neovim's "Apply all changes?" prints both):
    the user decides knowing them. needs_confirmation makes editors ask before applying."""
    counts = ", ".join(f"{edit.path} {_line_counts(edit)}" for edit in edits)
    parts = [f"Outrigger: {request.strip()}", *([counts] if counts else []), *notes]
    return types.ChangeAnnotation(label=summary, needs_confirmation=True, description=" · ".join(parts))


def _line_counts(edit: FileEdit) -> str:
    """ "+3 −1": lines added and removed, as a unified diff of the file would count them."""
    old, new = split_lines(edit.old_text), split_lines(edit.new_text)
    matcher = difflib.SequenceMatcher(a=old, b=new, autojunk=False)
    added = removed = 0
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag != "equal":
            removed += i2 - i1
            added += j2 - j1
    return f"+{added} −{removed}"


# ---------------------------------------------------------------------------------------------
# Code actions

_ACTION_KINDS = {
    "refactor": types.CodeActionKind.Refactor,
    "refactor.rewrite": types.CodeActionKind.RefactorRewrite,
    "quickfix": types.CodeActionKind.QuickFix,
    "source": types.CodeActionKind.Source,
}


def code_action(offer: Offer, uri: str, position: types.Position) -> types.CodeAction:
    """An offer runs `outrigger.ask` with its request; the open-ended one asks the client to
    prompt first (`outrigger.askAbout`)."""
    where = {"textDocument": {"uri": uri}, "position": {"line": position.line, "character": position.character}}
    if offer.needs_prompt:
        command = types.Command(
            title=offer.title, command=ASK_ABOUT_COMMAND, arguments=[{"symbol": offer.symbol, **where}]
        )
    else:
        argument: dict[str, object] = {"request": offer.request, **where}
        if offer.intent is not None:  # the editor sends what to do, not words to parse back
            argument["plan"] = {
                "intent": offer.intent.value,
                "symbol": offer.qualified or offer.symbol,
                "file": offer.path,
            }
        command = types.Command(title=offer.title, command=ASK_COMMAND, arguments=[argument])
    return types.CodeAction(title=offer.title, kind=_ACTION_KINDS.get(offer.kind, offer.kind), command=command)


def offered_plan(plan: PlanParams | None, request: str) -> Plan | None:
    """A code action's plan as the agent takes it; None for a request in words. Only what an
    offer can be (explain, doc comment, type hints, fix) is taken as decided."""
    if plan is None:
        return None
    intent = {i.value: i for i in _OFFERED}.get(plan.intent)
    if intent is None:
        raise Refused(f"A code action cannot plan {plan.intent!r}; ask in words instead.")
    question = Question.EXPLAIN if intent is Intent.QUESTION else None
    return Plan(intent=intent, symbol=plan.symbol, file=plan.file, instruction=request.strip(), question=question)


_OFFERED = (Intent.QUESTION, Intent.DOCSTRING, Intent.TYPE_HINTS, Intent.FIX)


def wanted_kind(kind: str, only: Iterable[str] | None) -> bool:
    """`context.only` filters by kind prefix: "refactor" admits "refactor.rewrite"."""
    if not only:
        return True
    wanted = [getattr(want, "value", want) for want in only]  # CodeActionKind members or strings
    return any(kind == want or kind.startswith(f"{want}.") for want in wanted)


# ---------------------------------------------------------------------------------------------
# Symbols

_SYMBOL_KINDS = {
    "file": types.SymbolKind.File,
    "module": types.SymbolKind.Module,
    "class": types.SymbolKind.Class,
    "method": types.SymbolKind.Method,
    "property": types.SymbolKind.Property,
    "field": types.SymbolKind.Field,
    "constructor": types.SymbolKind.Constructor,
    "enum": types.SymbolKind.Enum,
    "interface": types.SymbolKind.Interface,
    "function": types.SymbolKind.Function,
    "variable": types.SymbolKind.Variable,
    "constant": types.SymbolKind.Constant,
    "type": types.SymbolKind.TypeParameter,
    "struct": types.SymbolKind.Struct,
    "trait": types.SymbolKind.Interface,
    "namespace": types.SymbolKind.Namespace,
}
_CORE_KINDS: dict[int, str] = {}
for _name, _kind in _SYMBOL_KINDS.items():  # several core kinds share an LSP kind: the first names it
    _CORE_KINDS.setdefault(int(_kind), _name)


def symbol_kind(kind: str) -> types.SymbolKind:
    return _SYMBOL_KINDS.get(kind, types.SymbolKind.Variable)


def core_kind(kind: int) -> str:
    return _CORE_KINDS.get(kind, "variable")


def symbol_information(symbol: Symbol, root: Path, lines: list[str], encoding: str) -> types.SymbolInformation:
    return types.SymbolInformation(
        name=symbol.name,
        kind=symbol_kind(symbol.kind),
        location=types.Location(uri=path_to_uri(symbol.path, root), range=to_lsp_range(lines, symbol.range, encoding)),
        container_name=symbol.container,
    )


def document_symbols(symbols: list[Symbol], lines: list[str], encoding: str) -> list[types.DocumentSymbol]:
    """A tree: members sit under the class that contains them."""
    nodes: list[tuple[Symbol, types.DocumentSymbol]] = []
    children: dict[int, list[types.DocumentSymbol]] = {}  # id(node) → its children, filled in order
    roots: list[types.DocumentSymbol] = []
    for symbol in sorted(symbols, key=lambda s: (s.range.start, -s.range.end.line)):
        node = types.DocumentSymbol(
            name=symbol.name,
            kind=symbol_kind(symbol.kind),
            range=to_lsp_range(lines, symbol.range, encoding),
            selection_range=to_lsp_range(lines, symbol.selection, encoding),
        )
        node.children = children[id(node)] = []
        parent = next(
            (n for s, n in reversed(nodes) if s.name == symbol.container and s.range.contains(symbol.range)), None
        )
        (children[id(parent)] if parent is not None else roots).append(node)
        nodes.append((symbol, node))
    return roots


def pushed_entries(payload: Any) -> list[Any]:
    """The entries of an `outrigger/pushSymbols` notification; ValueError when it has the wrong shape."""
    if not isinstance(payload, Mapping) or not isinstance(payload.get("symbols"), list):
        raise ValueError('outrigger/pushSymbols expects {"symbols": [SymbolInformation, …]}')
    return payload["symbols"]


def editor_symbols(entries: list[Any], workspace: Workspace, encoding: str) -> dict[str, list[Symbol]]:
    """Pushed `SymbolInformation` entries → core Symbols grouped per file of this workspace.
    Entries outside it, malformed, inverted or reaching past the end of the text are skipped;
    the ranges kept still only say what exists (`guards.map_check.editable` confirms them
    before an edit)."""
    grouped: dict[str, list[Symbol]] = {}
    texts: dict[str, list[str]] = {}
    for entry in entries:
        try:
            name, kind = entry["name"], int(entry["kind"])
            uri, raw_range = entry["location"]["uri"], entry["location"]["range"]
            lsp_range = types.Range(
                start=types.Position(
                    line=int(raw_range["start"]["line"]), character=int(raw_range["start"]["character"])
                ),
                end=types.Position(line=int(raw_range["end"]["line"]), character=int(raw_range["end"]["character"])),
            )
            container = entry.get("containerName") or None
        except (KeyError, TypeError, ValueError):
            continue
        path = uri_to_path(uri, workspace) if isinstance(uri, str) else None
        if path is None or not isinstance(name, str) or not name:
            continue
        if path not in texts:
            try:
                texts[path] = lines_of(workspace.read(path))
            except Refused:
                texts[path] = []
        lines = texts[path]
        if lsp_range.end.line < lsp_range.start.line or (
            lsp_range.end.line == lsp_range.start.line and lsp_range.end.character < lsp_range.start.character
        ):
            continue  # inverted: no text lies in it
        if lines and lsp_range.end.line >= len(lines):
            continue  # past the end of the text: it describes another version of the file
        core_range = (
            to_core_range(lines, lsp_range, encoding)
            if lines
            else Range(
                Position(lsp_range.start.line, lsp_range.start.character),
                Position(lsp_range.end.line, lsp_range.end.character),
            )
        )
        grouped.setdefault(path, []).append(
            Symbol(
                name=name,
                kind=core_kind(kind),
                path=path,
                range=core_range,
                selection=_name_range(lines, core_range, name),
                container=container,
                source="editor",
            )
        )
    return grouped


def plain(value: Any) -> Any:
    """pygls hands a custom method's params over as nested namedtuples: back to JSON values."""
    if hasattr(value, "_asdict"):
        return {key: plain(item) for key, item in value._asdict().items()}
    if isinstance(value, (list, tuple)):
        return [plain(item) for item in value]
    if isinstance(value, Mapping):
        return {key: plain(item) for key, item in value.items()}
    return value


def _name_range(lines: list[str], range_: Range, name: str) -> Range:
    """SymbolInformation has no selection range: the first occurrence of the name inside the
    symbol's range stands in for it."""
    for line in range(range_.start.line, min(range_.end.line, len(lines) - 1) + 1):
        start = range_.start.character if line == range_.start.line else 0
        column = lines[line].find(name, start)
        if column >= 0:
            return Range.of(line, column, line, column + len(name))
    return range_


# ---------------------------------------------------------------------------------------------
# Settings


def settings_section(payload: Any) -> Mapping[str, Any] | None:
    """Settings may arrive as the `outrigger` section's value or nested under "outrigger"."""
    if not isinstance(payload, Mapping):
        return None
    nested = payload.get("outrigger")
    return nested if isinstance(nested, Mapping) else payload


def merged_settings(current: Settings, payload: Mapping[str, Any]) -> Settings:
    """`current` updated with the keys `payload` gives; raises ValueError with pydantic's reason."""
    base = current.model_dump(by_alias=True)
    try:
        return Settings.model_validate(_deep_merge(base, dict(payload)))
    except ValidationError as error:
        reasons = "; ".join(f"{'.'.join(str(part) for part in e['loc'])}: {e['msg']}" for e in error.errors())
        raise ValueError(f"Invalid Outrigger settings ({reasons}); keeping the previous settings.") from None


def _deep_merge(base: dict[str, Any], update: Mapping[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in update.items():
        if isinstance(value, Mapping) and isinstance(merged.get(key), dict):
            merged[key] = _deep_merge(merged[key], value)
        else:
            merged[key] = value
    return merged


# ---------------------------------------------------------------------------------------------
# Initialization options


def client_options(payload: Any) -> ClientOptions:
    """The options about the client itself; anything else in the payload is settings."""
    options = payload if isinstance(payload, Mapping) else {}
    trusted = options.get("workspaceTrusted")
    return ClientOptions(
        presents_results=options.get("presentsResults") is True,
        partial_answers=options.get("partialAnswers") is True,
        workspace_trusted=trusted if isinstance(trusted, bool) else None,
    )


def inline_completion(text: str, position: types.Position) -> types.InlineCompletionList:
    """Ghost text inserted at the cursor (an empty range there: nothing is replaced)."""
    at = types.Range(start=position, end=position)
    return types.InlineCompletionList(items=[types.InlineCompletionItem(insert_text=text, range=at)])
