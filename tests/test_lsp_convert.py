"""Core values ↔ lsprotocol types, without a server."""

from __future__ import annotations

from pathlib import Path

import pytest
from lsprotocol import types

from agent_helpers import copy_fixture
from outrigger.agent import Offer
from outrigger.config import Settings
from outrigger.edits import file_edit
from outrigger.lsp import convert
from outrigger.lsp.params import AskParams, AskResult, command_converter
from outrigger.spans import Position, Range
from outrigger.workspace.files import Workspace
from outrigger.workspace.symbols import Symbol

UTF16 = types.PositionEncodingKind.Utf16
UTF8 = types.PositionEncodingKind.Utf8
UTF32 = types.PositionEncodingKind.Utf32

# "😀" is one code point, two UTF-16 units, four UTF-8 bytes; "é" is 1, 1, 2.
LINE = 'const s = "😀é"; function after() {}'


@pytest.mark.parametrize("encoding, client_column", [(UTF16, 26), (UTF8, 29), (UTF32, 25)])
def test_positions_round_trip_through_every_encoding(encoding, client_column):
    lines = convert.lines_of(LINE + "\n")
    core = Position(0, LINE.index("after"))

    lsp = convert.to_lsp_position(lines, core, encoding)

    assert lsp == types.Position(line=0, character=client_column)
    assert convert.to_core_position(lines, lsp, encoding) == core


def test_client_positions_are_clamped_to_the_text():
    lines = convert.lines_of("ab\ncd")
    assert convert.to_core_position(lines, types.Position(line=0, character=99), UTF16) == Position(0, 2)
    assert convert.to_core_position(lines, types.Position(line=7, character=0), UTF16) == Position(1, 2)
    assert convert.to_core_position(
        convert.lines_of("a😀\r\n"), types.Position(line=0, character=9), UTF16
    ) == Position(0, 2)


def test_workspace_edit_with_versions_and_annotations_in_utf16(tmp_path: Path):
    old = 'const s = "😀"; function after() {}\n'
    edit = file_edit("src/a.js", old, old.replace("after", "later"), version=3)
    closed = file_edit("b.js", "after();\n", "later();\n", version=None)

    result = convert.workspace_edit(
        [edit, closed],
        tmp_path,
        UTF16,
        document_changes=True,
        annotation=convert.change_annotation("Renamed `after`.", "rename after to later", [edit, closed]),
    )

    first, second = result.document_changes
    assert first.text_document == types.OptionalVersionedTextDocumentIdentifier(
        uri=(tmp_path / "src/a.js").as_uri(), version=3
    )
    assert second.text_document.version is None
    [text_edit] = first.edits
    assert isinstance(text_edit, types.AnnotatedTextEdit) and text_edit.annotation_id == "outrigger"
    assert text_edit.range == types.Range(
        start=types.Position(line=0, character=0), end=types.Position(line=1, character=0)
    )
    annotation = result.change_annotations["outrigger"]
    assert annotation.needs_confirmation and annotation.label == "Renamed `after`."
    assert annotation.description == "Outrigger: rename after to later · src/a.js +1 −1, b.js +1 −1"


def test_the_annotation_counts_the_lines_each_file_gains_and_loses():
    old = "def f():\n    return 1\n"
    documented = file_edit("f.py", old, old.replace(":\n", ':\n    """One."""\n', 1), version=None)
    shrunk = file_edit("g.py", "a\nb\nc\n", "a\n", version=None)

    annotation = convert.change_annotation("Documented `f`.", "document f", [documented, shrunk])

    assert annotation.label == "Documented `f`."
    assert annotation.description == "Outrigger: document f · f.py +1 −0, g.py +0 −2"


def test_minimal_edit_ranges_count_utf16_units(tmp_path: Path):
    old = 'x = "😀"\ny = 1\n'
    edit = file_edit("a.py", old, old.replace("y = 1", "y = 2"), version=None)
    # A mid-line edit range must count the emoji as two units.
    mid = type(edit)("b.py", None, old, old, (type(edit.edits[0])(Range.of(0, 6, 0, 7), "!"),))

    plain = convert.workspace_edit([edit, mid], tmp_path, UTF16, document_changes=False, annotation=None)

    [line_edit] = plain.changes[(tmp_path / "a.py").as_uri()]
    [emoji_edit] = plain.changes[(tmp_path / "b.py").as_uri()]
    assert type(line_edit) is types.TextEdit
    assert line_edit.range.start == types.Position(line=1, character=0)
    assert emoji_edit.range.start == types.Position(line=0, character=7)


def test_documents_without_annotation_support_get_plain_text_edits(tmp_path: Path):
    edit = file_edit("a.py", "a = 1\n", "a = 2\n", version=1)
    result = convert.workspace_edit([edit], tmp_path, UTF16, document_changes=True, annotation=None)
    assert type(result.document_changes[0].edits[0]) is types.TextEdit
    assert result.change_annotations is None


def test_offers_become_ask_commands_and_the_open_question_asks_the_client():
    uri, at = "file:///w/src/auth.js", types.Position(line=8, character=4)
    docs = Offer("Add JSDoc to `f`", "Add a JSDoc to `f` in src/auth.js", "f", "src/auth.js", "refactor.rewrite")
    open_ended = Offer("Ask Outrigger about `f`…", "", "f", "src/auth.js", "refactor", needs_prompt=True)

    action, about = convert.code_action(docs, uri, at), convert.code_action(open_ended, uri, at)

    assert action.kind == types.CodeActionKind.RefactorRewrite
    assert action.command.command == "outrigger.ask"
    assert action.command.arguments == [
        {"request": docs.request, "textDocument": {"uri": uri}, "position": {"line": 8, "character": 4}}
    ]
    assert about.command.command == "outrigger.askAbout"
    assert about.command.arguments == [
        {"symbol": "f", "textDocument": {"uri": uri}, "position": {"line": 8, "character": 4}}
    ]


def test_only_filters_by_kind_prefix():
    assert convert.wanted_kind("refactor.rewrite", ["refactor"])
    assert not convert.wanted_kind("refactor", ["refactor.rewrite"])
    assert not convert.wanted_kind("refactor", ["quickfix"])
    assert convert.wanted_kind("quickfix", None)
    assert convert.wanted_kind("refactor.rewrite", [types.CodeActionKind.Refactor])  # as lsprotocol parses them


def test_document_symbols_nest_members(tmp_path: Path):
    def symbol(name, kind, lines, container=None):
        return Symbol(
            name, kind, "a.py", Range.of(lines[0], 0, lines[1], 0), Range.of(lines[0], 0, lines[0], 1), container
        )

    tree = convert.document_symbols(
        [
            symbol("Store", "class", (0, 5)),
            symbol("add", "method", (1, 2), "Store"),
            symbol("free", "function", (6, 7)),
        ],
        convert.lines_of("\n" * 8),
        UTF16,
    )

    assert [(s.name, [c.name for c in s.children]) for s in tree] == [("Store", ["add"]), ("free", [])]
    assert tree[0].kind == types.SymbolKind.Class and tree[0].children[0].kind == types.SymbolKind.Method


def test_pushed_symbols_are_grouped_per_file_and_outsiders_dropped(tmp_path: Path):
    root = copy_fixture("js_auth", tmp_path)
    workspace = Workspace(root)
    auth = (root / "src/auth.js").as_uri()
    where = {"start": {"line": 14, "character": 0}, "end": {"line": 16, "character": 1}}
    payload = {
        "symbols": [
            {"name": "validateUser", "kind": 12, "location": {"uri": auth, "range": where}, "containerName": "auth"},
            {"name": "elsewhere", "kind": 12, "location": {"uri": "file:///other/x.js", "range": where}},
            {"name": "broken"},
        ]
    }

    grouped = convert.editor_symbols(convert.pushed_entries(payload), workspace, UTF16)

    [symbol] = grouped["src/auth.js"]
    assert (symbol.name, symbol.kind, symbol.source, symbol.container) == ("validateUser", "function", "editor", "auth")
    assert symbol.range == Range.of(14, 0, 16, 1)
    assert symbol.selection == Range.of(14, 9, 14, 21)  # the name inside the range
    assert list(grouped) == ["src/auth.js"]
    with pytest.raises(ValueError):
        convert.pushed_entries({"symbols": "nope"})


def test_plain_turns_pygls_namedtuples_back_into_json():
    from pygls.protocol import _dict_to_object

    value = _dict_to_object({"symbols": [{"name": "a", "location": {"uri": "u"}}]})
    assert convert.plain(value) == {"symbols": [{"name": "a", "location": {"uri": "u"}}]}


def test_uris_inside_and_outside_the_workspace(tmp_path: Path):
    workspace = Workspace(tmp_path)
    assert convert.uri_to_path((tmp_path / "src" / "a b.js").as_uri(), workspace) == "src/a b.js"
    assert convert.uri_to_path("file:///etc/passwd", workspace) is None
    assert convert.uri_to_path("untitled:Untitled-1", workspace) is None
    assert convert.path_to_uri("src/a b.js", tmp_path) == (tmp_path / "src/a b.js").as_uri()


@pytest.mark.parametrize(
    "payload",
    [
        {"model": {"baseUrl": "http://h:1/v1", "contextWindow": 4096}},
        {"outrigger": {"model": {"baseUrl": "http://h:1/v1", "contextWindow": 4096}}},
    ],
)
def test_settings_arrive_nested_or_bare_and_merge_into_the_current_ones(payload):
    current = Settings.from_environment(name="qwen", api="ollama")
    merged = convert.merged_settings(current, convert.settings_section(payload))
    assert merged.model.base_url == "http://h:1/v1"
    assert merged.model.context_window == 4096
    assert (merged.model.name, merged.model.api) == ("qwen", "ollama")


def test_invalid_settings_name_the_field_and_keep_nothing():
    with pytest.raises(ValueError, match=r"model\.contextWindow|model\.context_window"):
        convert.merged_settings(Settings(), {"model": {"contextWindow": 5}})
    assert convert.settings_section(None) is None
    assert convert.settings_section([1]) is None


@pytest.mark.parametrize(
    "argument",
    [
        "text",
        {"request": None},
        {"request": 5},
        {"request": "x", "textDocument": "src/a.js"},
        {"request": "x", "position": {"line": -1, "character": 0}},
        {},
    ],
)
def test_malformed_ask_arguments_are_refused_when_structured(argument):
    with pytest.raises(Exception):  # noqa: B017 — cattrs raises its own validation errors, pygls wraps any
        command_converter().structure(argument, AskParams)


def test_ask_arguments_are_structured_from_camel_case():
    converter = command_converter()
    argument = {"request": "explain", "textDocument": {"uri": "file:///a.js"}, "position": {"line": 1, "character": 2}}
    assert converter.structure(argument, AskParams) == AskParams(
        "explain", types.TextDocumentIdentifier(uri="file:///a.js"), types.Position(line=1, character=2)
    )
    assert converter.structure({"request": "undo"}, AskParams) == AskParams("undo")
    assert converter.unstructure(AskResult(kind="edit", message="m", preview="p")) == {
        "kind": "edit",
        "message": "m",
        "preview": "p",
    }
