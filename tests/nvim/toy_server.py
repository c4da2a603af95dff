"""A tiny language server for a made-up language Outrigger has no grammar for ("toy": `section
NAME` opens a block, indented `def NAME` lines are its members). It answers only
textDocument/documentSymbol, as a user's own language server for that language would."""

from __future__ import annotations

import re

from lsprotocol import types
from pygls.lsp.server import LanguageServer

SECTION = re.compile(r"^section (\w+)")
MEMBER = re.compile(r"^\s+def (\w+)")

server = LanguageServer("toy", "0.1")


def _symbol(name: str, kind: types.SymbolKind, line: int, column: int, end: int) -> types.DocumentSymbol:
    whole = types.Range(start=types.Position(line=line, character=0), end=types.Position(line=end, character=0))
    name_range = types.Range(
        start=types.Position(line=line, character=column), end=types.Position(line=line, character=column + len(name))
    )
    return types.DocumentSymbol(name=name, kind=kind, range=whole, selection_range=name_range, children=[])


@server.feature(types.TEXT_DOCUMENT_DOCUMENT_SYMBOL)
def document_symbols(ls: LanguageServer, params: types.DocumentSymbolParams) -> list[types.DocumentSymbol]:
    lines = ls.workspace.get_text_document(params.text_document.uri).lines
    sections: list[types.DocumentSymbol] = []
    for number, line in enumerate(lines):
        if match := SECTION.match(line):
            sections.append(_symbol(match[1], types.SymbolKind.Module, number, match.start(1), number + 1))
        elif (match := MEMBER.match(line)) and sections:
            member = _symbol(match[1], types.SymbolKind.Function, number, match.start(1), number + 1)
            sections[-1].children.append(member)  # type: ignore[union-attr]
            sections[-1].range.end = member.range.end
    return sections


if __name__ == "__main__":
    server.start_io()
