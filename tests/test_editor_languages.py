"""The languages the editors serve come from the server: its `initialize` result announces the
language table, and the clients' static fallbacks (VS Code's activation, the Neovim plugin's
filetypes) cover every row of it: server, VS Code client and Neovim plugin agree. A file with
no grammar gets the actions from pushed symbols."""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import pytest_lsp
from lsprotocol import types
from lsprotocol.converters import get_converter
from pytest_lsp import ClientServerConfig, LanguageClient

from agent_helpers import copy_fixture
from lsp_editor import SERVER, Editor
from outrigger.workspace.languages import LANGUAGES

REPO = Path(__file__).resolve().parents[1]

# VS Code's own language identifiers for the rows of the table (its built-in grammars).
VSCODE_IDS = {
    "python": {"python"},
    "javascript": {"javascript", "javascriptreact"},
    "typescript": {"typescript"},
    "tsx": {"typescriptreact"},
    "rust": {"rust"},
    "go": {"go"},
    "java": {"java"},
    "c": {"c"},
    "cpp": {"cpp"},
    "csharp": {"csharp"},
    "ruby": {"ruby"},
    "php": {"php"},
    "lua": {"lua"},
    "bash": {"shellscript"},
}


@pytest_lsp.fixture(config=ClientServerConfig(server_command=SERVER))
async def client(lsp_client: LanguageClient):
    yield
    await lsp_client.shutdown_session()


def table() -> list[dict]:
    return [{"name": r.name, "title": r.title, "extensions": list(r.extensions)} for r in LANGUAGES.values()]


async def test_initialize_announces_every_language_of_the_table(client, tmp_path):
    result = await Editor(client, copy_fixture("js_auth", tmp_path)).start()

    assert result.server_info.name == "outrigger"
    assert result.capabilities.experimental["outrigger"]["languages"] == table()


def test_vscode_activates_on_every_language_the_server_announces():
    manifest = json.loads((REPO / "vscode-client/package.json").read_text())
    activation = {event.removeprefix("onLanguage:") for event in manifest["activationEvents"] if "onLanguage:" in event}
    assert set(VSCODE_IDS) == set(LANGUAGES), "a language was added: give it its VS Code identifier here"
    missing = {name: ids - activation for name, ids in VSCODE_IDS.items() if ids - activation}
    assert not missing


async def test_a_file_without_a_grammar_gets_the_actions_from_pushed_symbols(client, tmp_path):
    workspace = copy_fixture("js_auth", tmp_path)
    (workspace / "Billing.kt").write_text(
        "class Billing {\n    fun charge(amount: Int): Int {\n        return amount\n    }\n}\n"
    )
    editor = Editor(client, workspace)
    await editor.start()
    uri = editor.open("Billing.kt")
    assert not await editor.code_actions("Billing.kt", line=2, character=8)  # nothing known yet

    def at(line: int, end: int) -> types.Range:
        return types.Range(start=types.Position(line=line, character=0), end=types.Position(line=end, character=0))

    symbols = [
        {"name": "Billing", "kind": 5, "location": {"uri": uri, "range": at(0, 5)}},
        {"name": "charge", "kind": 6, "containerName": "Billing", "location": {"uri": uri, "range": at(1, 4)}},
    ]
    client.protocol.notify("outrigger/pushSymbols", get_converter().unstructure({"symbols": symbols}))

    titles: list[str] = []
    for _ in range(50):
        titles = [a.title for a in await editor.code_actions("Billing.kt", line=2, character=8)]
        if titles:
            break
        await asyncio.sleep(0.1)
    assert "Explain `charge`" in titles
    assert any(title.startswith("Ask Outrigger about `charge`") for title in titles)


NVIM = shutil.which("nvim", path=str(Path(sys.executable).parent)) or shutil.which("nvim")

# For every extension: the filetype Neovim gives it, and whether the plugin's fallback lists it.
NVIM_CHECK = """
local fallback = require('outrigger.languages').filetypes
local found = {}
for _, extension in ipairs(vim.json.decode(os.getenv('EXTENSIONS'))) do
  local buf = vim.api.nvim_create_buf(false, true)  -- some extensions are decided by a buffer
  vim.api.nvim_buf_set_name(buf, vim.fs.joinpath(vim.fn.getcwd(), 'file' .. extension))
  local filetype = vim.filetype.match({ buf = buf }) or '?'
  found[extension] = filetype .. (vim.tbl_contains(fallback, filetype) and '' or ' (not in the fallback)')
end
io.stdout:write(vim.json.encode(found))
"""


@pytest.mark.skipif(NVIM is None, reason="nvim is not installed")
def test_the_neovim_plugin_starts_on_every_extension_the_server_announces(tmp_path):
    extensions = [extension for row in LANGUAGES.values() for extension in row.extensions]
    script = tmp_path / "check.lua"
    script.write_text(NVIM_CHECK)
    run = subprocess.run(
        [NVIM, "--headless", "--clean", "--cmd", f"set rtp^={REPO}", "-l", str(script)],
        env={**os.environ, "EXTENSIONS": json.dumps(extensions), "XDG_STATE_HOME": str(tmp_path)},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert run.returncode == 0, run.stderr
    found = json.loads(run.stdout)
    assert [f"{extension}: {found[extension]}" for extension in extensions if "(" in found[extension]] == []


STYLES_CSS = ".banner {\n  color: navy;\n}\n\n.footer {\n  margin: 0;\n}\n"


async def test_a_css_selector_the_editor_pushed_gets_its_actions_and_an_edit(client, tmp_path, fake_model):
    # CSS's symbols are selectors, dot included (VS Code's CSS service names `.banner`): the
    # name is the symbol's own, not `Class.member`. A doc comment is not offered: without a
    # grammar nothing tells it from code, so the edit would be refused.
    workspace = copy_fixture("js_auth", tmp_path)
    (workspace / "styles.css").write_text(STYLES_CSS)
    editor = Editor(client, workspace)
    await editor.start(model_url=fake_model.base_url)
    uri = editor.open("styles.css")

    def rule(first: int, last: int) -> dict:
        return {"start": {"line": first, "character": 0}, "end": {"line": last, "character": 1}}

    symbols = [
        {"name": ".banner", "kind": 5, "location": {"uri": uri, "range": rule(0, 2)}},
        {"name": ".footer", "kind": 5, "location": {"uri": uri, "range": rule(4, 6)}},
    ]
    client.protocol.notify("outrigger/pushSymbols", {"symbols": symbols})
    titles: list[str] = []
    for _ in range(50):
        titles = [a.title for a in await editor.code_actions("styles.css", line=1, character=2)]
        if titles:
            break
        await asyncio.sleep(0.1)
    assert titles == ["Explain `.banner`", "Ask Outrigger about `.banner`…"]

    # "About `.banner`:" says what the command after it is about: the rules plan it, the model writes it.
    fake_model.script("```css\n.banner {\n  color: navy;\n  font-weight: bold;\n}\n```")
    result = await editor.ask("About `.banner`: make its text bold", "styles.css", line=1, character=2)

    assert result["kind"] == "edit", result
    assert editor.text("styles.css") == STYLES_CSS.replace("navy;\n", "navy;\n  font-weight: bold;\n", 1)
    assert len(fake_model.requests()) == 1


async def test_a_request_typed_for_a_pushed_symbol_is_read_with_its_position(client, tmp_path, fake_model):
    """ "Ask Outrigger about `.banner`…" sends the words as typed and the position: "its" is
    the symbol there, so the rules read the change and the model only writes it."""
    workspace = copy_fixture("js_auth", tmp_path)
    (workspace / "styles.css").write_text(STYLES_CSS)
    editor = Editor(client, workspace)
    await editor.start(model_url=fake_model.base_url)
    uri = editor.open("styles.css")
    banner = {"start": {"line": 0, "character": 0}, "end": {"line": 2, "character": 1}}
    client.protocol.notify(
        "outrigger/pushSymbols",
        {"symbols": [{"name": ".banner", "kind": 5, "location": {"uri": uri, "range": banner}}]},
    )
    for _ in range(50):
        if await editor.code_actions("styles.css", line=1, character=2):
            break
        await asyncio.sleep(0.1)
    fake_model.script("```css\n.banner {\n  color: navy;\n  font-weight: bold;\n}\n```")

    result = await editor.ask("make its text bold", "styles.css", line=1, character=2)

    assert result["kind"] == "edit", result
    assert "font-weight: bold;" in editor.text("styles.css")
    assert len(fake_model.requests()) == 1  # the change itself: no plan asked of the model
