"""Real Neovim (headless) with the configuration docs/neovim.md shows, against the fake model."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from agent_helpers import copy_fixture
from test_lsp_server import JSDOC_REPLY

HERE = Path(__file__).parent
DOCS = HERE.parents[1] / "docs" / "neovim.md"
NVIM = shutil.which("nvim", path=str(Path(sys.executable).parent)) or shutil.which("nvim")

pytestmark = [pytest.mark.editor, pytest.mark.skipif(NVIM is None, reason="nvim is not installed")]


def documented_config() -> str:
    """The init.lua snippet from docs/neovim.md, verbatim: the test runs what users paste."""
    [block] = re.findall(r"```lua\n(.*?)```", DOCS.read_text(), re.S)
    return block


def run_nvim(case: str, workspace: Path, base_url: str, tmp_path: Path) -> subprocess.CompletedProcess:
    config = tmp_path / "outrigger.lua"
    config.write_text(documented_config())
    env = {
        **os.environ,
        # `outrigger` on PATH, as the docs assume; the server reads the model URL from here.
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
        "OUTRIGGER_BASE_URL": base_url,
        "OUTRIGGER_NVIM_CONFIG": str(config),
        **{
            name: str(tmp_path / name.lower())
            for name in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME")
        },
    }
    return subprocess.run(
        ["timeout", "60", NVIM, "--headless", "-i", "NONE", "-u", str(HERE / case)],
        cwd=workspace,
        env=env,
        capture_output=True,
        text=True,
        timeout=90,
    )


def test_neovim_lists_actions_renames_and_asks_about_a_symbol(tmp_path, fake_model):
    workspace = copy_fixture("js_auth", tmp_path)
    fake_model.script(JSDOC_REPLY)

    run = run_nvim("actions.lua", workspace, fake_model.base_url, tmp_path)

    assert run.returncode == 0, f"nvim exited {run.returncode}\nstderr:\n{run.stderr}\nstdout:\n{run.stdout}"
    assert len(fake_model.requests()) == 1  # the JSDoc; code actions and the rename need no model
    assert "validateToken" in (workspace / "src/auth.js").read_text()  # buffers only: nothing saved
