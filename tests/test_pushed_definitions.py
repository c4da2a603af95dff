"""Symbols an editor pushes say what exists; only definitions count as definitions. VS Code's
symbol providers report more: Outrigger's own symbols echoed back, TypeScript's keys of
`module.exports = { … }`, members of anonymous containers. None of them is a second
definition that makes a request ambiguous."""

from __future__ import annotations

import shutil
from pathlib import Path

from agent_helpers import make_agent
from outrigger.spans import Range
from outrigger.workspace.symbols import Symbol

EXAMPLE = Path(__file__).parents[1] / "examples" / "auth-js"


def editor_symbol(name: str, kind: str, line: int, last: int | None = None, container: str | None = None) -> Symbol:
    where = Range.of(line, 0, line if last is None else last, 0)
    return Symbol(name, kind, "src/auth.js", where, where, container=container, source="editor")


async def test_echoes_and_export_listings_are_not_second_definitions(tmp_path, fake_model):
    workspace = tmp_path / "auth"
    shutil.copytree(EXAMPLE, workspace)
    fake_model.script("/**\n * Whether the session's user and token are valid.\n */\n")
    agent = make_agent(workspace, fake_model.base_url)
    own = agent.project_map.symbols("src/auth.js")
    last = (workspace / "src/auth.js").read_text().count("\n") - 1
    echoed = [editor_symbol(s.name, s.kind, s.range.start.line, s.range.end.line) for s in own] * 2
    listing = [
        editor_symbol("module.exports", "variable", last),
        editor_symbol("validateSession", "property", last, container="module.exports"),
        editor_symbol("validateSession", "property", last, container="<unknown>"),
    ]
    agent.project_map.set_editor_symbols("src/auth.js", echoed + listing)

    outcome = await agent.ask("add a JSDoc comment to validateSession in src/auth.js")

    assert outcome.kind == "edit", outcome.message
    assert [s.name for s in agent.project_map.symbols("src/auth.js")].count("validateSession") == 1


def test_an_objects_own_members_stay(tmp_path, fake_model):
    """A member of a named object that is not a listing of the file's functions is kept."""
    workspace = tmp_path / "auth"
    shutil.copytree(EXAMPLE, workspace)
    agent = make_agent(workspace, fake_model.base_url)
    agent.project_map.set_editor_symbols(
        "src/auth.js",
        [editor_symbol("limits", "variable", 0), editor_symbol("maxAge", "property", 0, container="limits")],
    )
    assert [(s.name, s.container) for s in agent.project_map.symbols("src/auth.js")] == [
        ("limits", None),
        ("maxAge", "limits"),
    ]


async def test_one_definition_reported_by_two_providers_with_different_ranges_is_one(tmp_path, fake_model):
    """Outrigger's own symbol echoed back starts at the comment above the function; the
    language server's starts at `function`: one definition, not two (seen in code-server)."""
    workspace = tmp_path / "auth"
    shutil.copytree(EXAMPLE, workspace)
    fake_model.script("/**\n * Whether the session's user and token are valid.\n */\n")
    agent = make_agent(workspace, fake_model.base_url)
    own = agent.project_map.symbols("src/auth.js")
    echoed = [editor_symbol(s.name, s.kind, s.range.start.line, s.range.end.line) for s in own]
    session = next(s for s in own if s.name == "validateSession")
    typescripts = editor_symbol("validateSession", "function", session.range.start.line + 1, session.range.end.line)
    agent.project_map.set_editor_symbols("src/auth.js", [typescripts, *echoed])

    outcome = await agent.ask("add a JSDoc comment to validateSession in src/auth.js")

    assert outcome.kind == "edit", outcome.message
    assert [s.name for s in agent.project_map.symbols("src/auth.js")].count("validateSession") == 1
