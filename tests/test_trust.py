"""Folder trust (issue 19): in a folder the user has not trusted, none of its code runs — not
its tests, not its conftest.py, not the example a request states — and an edit is still
previewed, saying why the tests did not run and how to trust the folder. The CLI keeps a trust
list in the user's config folder (`outrigger trust`); over LSP a client passes its own trust
(VS Code) or asks once per folder (`outrigger.trust`, Neovim)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest_lsp
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient

from lsp_editor import SERVER, Editor
from outrigger.workspace import trust

PRICES = "VAT = 0.2\n\n\ndef with_vat(net):\n    return net + VAT\n"
FIXED = "def with_vat(net):\n    return net * (1 + VAT)\n"
# The project's test hook: in an untrusted folder it must never run.
# Outside the scratch copy nothing is writable: there the marker's write fails, harmlessly.
CONFTEST = (
    "import contextlib, pathlib\nwith contextlib.suppress(OSError):\n    pathlib.Path({marker!r}).write_text('ran')\n"
)
TEST = "from prices import with_vat\n\n\ndef test_vat():\n    assert with_vat(10) == 12.0\n"


def hostile_project(tmp_path: Path) -> tuple[Path, Path]:
    root = tmp_path / "clone"
    root.mkdir()
    marker = tmp_path / "conftest-ran"
    (root / "prices.py").write_text(PRICES)
    (root / "conftest.py").write_text(CONFTEST.format(marker=str(marker)))
    (root / "test_prices.py").write_text(TEST)
    return root, marker


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "outrigger", *args], capture_output=True, text=True, timeout=300, check=False
    )


def test_an_untrusted_clone_runs_none_of_its_code_and_the_edit_is_still_previewed(tmp_path, fake_model):
    root, marker = hostile_project(tmp_path)
    fake_model.script(FIXED)
    result = run_cli("ask", "-w", str(root), "--base-url", fake_model.base_url, "fix with_vat in prices.py")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "+    return net * (1 + VAT)" in result.stdout
    assert "is not a trusted folder" in result.stdout and f"outrigger trust {root.resolve()}" in result.stdout
    assert not marker.exists()


def test_trust_and_untrust_are_remembered_per_folder(tmp_path):
    root, _ = hostile_project(tmp_path)
    other = tmp_path / "other"
    other.mkdir()
    assert not trust.is_trusted(root)
    result = run_cli("trust", str(root))
    assert result.returncode == 0 and "Trusted:" in result.stdout, result.stderr
    assert trust.is_trusted(root) and trust.is_trusted(root / "sub") and not trust.is_trusted(other)
    assert trust.trust_file().parent == trust.config_dir() and not str(trust.trust_file()).startswith(str(root))
    result = run_cli("untrust", str(root))
    assert result.returncode == 0 and not trust.is_trusted(root)
    assert run_cli("trust", str(tmp_path / "missing")).returncode == 1


def test_a_trusted_folder_runs_its_tests(tmp_path, fake_model):
    root, marker = hostile_project(tmp_path)
    fake_model.script(FIXED)
    result = run_cli(
        "ask",
        "-w",
        str(root),
        "--base-url",
        fake_model.base_url,
        "--trust",
        "--allow-unsandboxed",
        "fix with_vat in prices.py",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "is not a trusted folder" not in result.stdout
    assert trust.is_trusted(root)
    checks = [line for line in result.stdout.splitlines() if line.startswith("Check:") and "test" in line]
    assert checks and not any("did not run" in line for line in checks), result.stdout


@pytest_lsp.fixture(config=ClientServerConfig(server_command=SERVER))
async def client(lsp_client: LanguageClient):
    yield
    await lsp_client.shutdown_session()


async def test_over_lsp_an_untrusted_folder_can_be_trusted_once(client, tmp_path, fake_model):
    root, marker = hostile_project(tmp_path)
    editor = Editor(client, root)
    await editor.start(model_url=fake_model.base_url, workspaceTrusted=None)  # Neovim: no trust of its own
    asked = await editor.command("outrigger.trust")
    assert asked["trusted"] is False and asked["folders"] == [str(root.resolve())]

    fake_model.script(FIXED)
    result = await editor.ask("fix with_vat in prices.py")
    assert result["kind"] == "edit", result
    assert any("is not a trusted folder" in note for note in result["notes"])
    assert not marker.exists()

    trusted = await editor.command("outrigger.trust", {"trusted": True})
    assert trusted["trusted"] is True and trust.is_trusted(root)


async def test_vscode_workspace_trust_decides_without_the_list(client, tmp_path, fake_model):
    root, marker = hostile_project(tmp_path)
    editor = Editor(client, root)
    await editor.start(model_url=fake_model.base_url, workspaceTrusted=False)
    fake_model.script(FIXED)
    result = await editor.ask("fix with_vat in prices.py")
    assert any("is not a trusted folder" in note for note in result["notes"]), result
    assert not marker.exists()
    granted = await editor.command("outrigger.trust", {"trusted": True, "remember": False})
    assert granted["trusted"] is True and not trust.is_trusted(root)  # VS Code keeps its own list
    assert not editor.shown(types.MessageType.Error)

    # A folder added after the grant is trusted like the rest of the (trusted) workspace.
    added = tmp_path / "added"
    added.mkdir()
    (added / "notes.py").write_text("def note():\n    return 1\n")
    client.workspace_did_change_workspace_folders(
        types.DidChangeWorkspaceFoldersParams(
            event=types.WorkspaceFoldersChangeEvent(
                added=[types.WorkspaceFolder(uri=added.as_uri(), name="added")], removed=[]
            )
        )
    )
    asked = await editor.command("outrigger.trust", {"folder": added.as_uri()})
    assert asked["trusted"] is True, asked


# -- one deadline per request ------------------------------------------------------------------


async def test_a_slow_model_is_stopped_at_the_request_deadline(tmp_path, fake_model):
    from agent_helpers import make_agent
    from outrigger.config import RequestSettings

    (tmp_path / "prices.py").write_text(PRICES)
    fake_model.script({"hang": 20}, {"hang": 20}, {"hang": 20}, {"hang": 20})
    agent = make_agent(tmp_path, fake_model.base_url)
    agent.settings = agent.settings.model_copy(update={"request": RequestSettings(deadline_seconds=0.5)})
    outcome = await agent.ask("fix with_vat in prices.py: with_vat(10) should return 12.0")
    assert outcome.kind == "refused" and outcome.edits == []
    assert "longer than its 0.5 seconds" in outcome.message and "request.deadlineSeconds" in outcome.message
    assert (tmp_path / "prices.py").read_text() == PRICES
