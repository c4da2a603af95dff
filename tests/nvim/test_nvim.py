"""Real Neovim (headless) with the Outrigger plugin of this repository (lua/outrigger/, lsp/,
plugin/ on the runtimepath, `require('outrigger').setup()`), against the fake model."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from agent_helpers import copy_fixture
from test_lsp_server import JSDOC_REPLY
from test_lsp_status_answers import LONG_ANSWER
from test_tasks import PEOPLE_PY, REPORT_PY, ROUTES_JS, ROUTES_TEST, SESSION_JS, SIGNUP_PY, TESTS_PY, UTILS_PY

HERE = Path(__file__).parent
REPO = HERE.parents[1]
DOCS = REPO / "docs" / "neovim.md"
README = REPO / "README.md"
NVIM = shutil.which("nvim", path=str(Path(sys.executable).parent)) or shutil.which("nvim")

pytestmark = [pytest.mark.editor, pytest.mark.skipif(NVIM is None, reason="nvim is not installed")]


def plugin_config(setup: str = "") -> str:
    """An init.lua that loads the plugin from this checkout, as a plugin manager would (the
    repository on the runtimepath), and calls setup() with `setup`'s options (Lua)."""
    return f"vim.opt.runtimepath:prepend({json.dumps(str(REPO))})\nrequire('outrigger').setup({setup or '{}'})\n"


def scripted_outrigger(tmp_path: Path) -> Path:
    """A directory holding an `outrigger` whose embedded model is scripted_runtime.py's."""
    bin_dir = tmp_path / "scripted-bin"
    bin_dir.mkdir()
    script = bin_dir / "outrigger"
    script.write_text(f'#!/bin/sh\nexec "{sys.executable}" "{HERE / "scripted_runtime.py"}" "$@"\n')
    script.chmod(0o755)
    return bin_dir


def run_nvim(
    case: str, workspace: Path, base_url: str, tmp_path: Path, *, scripted_runtime: bool = False, setup: str = ""
) -> subprocess.CompletedProcess:
    config = tmp_path / "outrigger.lua"
    config.write_text(plugin_config(setup))
    # `outrigger` on PATH, as the docs assume; the server reads the model URL from here, or,
    # with the scripted runtime, gets it from its "first start".
    path = [str(scripted_outrigger(tmp_path))] if scripted_runtime else []
    path += [str(Path(sys.executable).parent), os.environ.get("PATH", "")]
    model = {"OUTRIGGER_SCRIPTED_MODEL_URL": base_url} if scripted_runtime else {"OUTRIGGER_BASE_URL": base_url}
    env = {
        **{name: value for name, value in os.environ.items() if name != "OUTRIGGER_BASE_URL"},
        "PATH": os.pathsep.join(path),
        **model,
        "OUTRIGGER_NVIM_CONFIG": str(config),
        "OUTRIGGER_PYTHON": sys.executable,
        "OUTRIGGER_TOY_SERVER": str(HERE / "toy_server.py"),
        **{
            name: str(tmp_path / name.lower())
            for name in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME")
        },
    }
    return subprocess.run(
        ["timeout", "150", NVIM, "--headless", "-i", "NONE", "-u", str(HERE / case)],
        cwd=workspace,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )


def test_neovim_lists_actions_renames_and_asks_about_a_symbol(tmp_path, fake_model):
    workspace = copy_fixture("js_auth", tmp_path)
    fake_model.script(JSDOC_REPLY)

    run = run_nvim("actions.lua", workspace, fake_model.base_url, tmp_path)

    assert run.returncode == 0, f"nvim exited {run.returncode}\nstderr:\n{run.stderr}\nstdout:\n{run.stdout}"
    assert len(fake_model.requests()) == 1  # the JSDoc; code actions and the rename need no model
    assert "validateToken" in (workspace / "src/auth.js").read_text()  # buffers only: nothing saved


def test_the_readme_shows_a_short_plugin_spec_the_docs_repeat():
    def blocks(doc: Path) -> list[str]:
        section = doc.read_text().split("### Neovim", 1)[-1].split("\n## ", 1)[0].split("### VS Code", 1)[0]
        return [block for block in section.split("```")[1::2] if block.startswith("lua")]

    readme = blocks(README)
    assert readme and all(len(block.splitlines()) <= 12 for block in readme)
    assert "require('outrigger').setup" in "".join(readme)
    docs = DOCS.read_text()
    assert all(block in docs for block in readme)


def test_neovim_confirms_once_with_the_diff_shows_long_answers_progress_history_and_undo(tmp_path, fake_model):
    workspace = copy_fixture("js_auth", tmp_path)
    fake_model.script({"content": LONG_ANSWER, "pause": 0.1})  # streamed a word at a time

    run = run_nvim("experience.lua", workspace, fake_model.base_url, tmp_path, scripted_runtime=True)

    assert run.returncode == 0, f"nvim exited {run.returncode}\nstderr:\n{run.stderr}\nstdout:\n{run.stdout}"
    # The explanation; renames and undo need no model (the embedded server's cache warm-up aside).
    asked = [body for body in fake_model.bodies() if body.get("max_tokens") != 1]
    assert len(asked) == 1
    assert "validateToken" in (workspace / "src/auth.js").read_text()  # buffers only: nothing saved
    assert not list(workspace.rglob("*.md"))  # the answer document is written outside the workspace


def test_neovim_forwards_another_language_servers_symbols(tmp_path, fake_model):
    workspace = copy_fixture("js_auth", tmp_path)
    (workspace / "notes.toy").write_text("section billing\n  def charge\n  def invoice\n")

    run = run_nvim("symbols.lua", workspace, fake_model.base_url, tmp_path)

    assert run.returncode == 0, f"nvim exited {run.returncode}\nstderr:\n{run.stderr}\nstdout:\n{run.stdout}"
    assert fake_model.requests() == []


def write_project(root: Path, files: dict[str, str]) -> Path:
    for path, text in files.items():
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        (root / path).write_text(text)
    return root


def office(tmp_path: Path) -> Path:
    """A Python project with tests (pytest, configured in pyproject.toml: the root marker)."""
    files = {
        "utils.py": UTILS_PY,
        "report.py": REPORT_PY,
        "people.py": PEOPLE_PY,
        "signup.py": SIGNUP_PY,
        "old_api.py": "def legacy():\n    return 1\n",
        "tests/test_office.py": TESTS_PY,
        "pyproject.toml": '[tool.pytest.ini_options]\npythonpath = ["."]\n',
    }
    return write_project(tmp_path / "office", files)


def test_neovim_reviews_and_applies_tasks_that_create_and_delete_files(tmp_path, fake_model):
    workspace = office(tmp_path)

    run = run_nvim("tasks.lua", workspace, fake_model.base_url, tmp_path)

    assert run.returncode == 0, f"nvim exited {run.returncode}\nstderr:\n{run.stderr}\nstdout:\n{run.stdout}"
    assert fake_model.requests() == []  # moves and deletions are computed, not written by the model
    assert "def format_date" in (workspace / "dates.py").read_text()
    assert not (workspace / "loud.py").exists()
    tests = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"], cwd=workspace, capture_output=True, text=True
    )
    assert tests.returncode == 0, tests.stdout  # the task as saved fits together


def test_neovim_reviews_a_task_the_model_writes_step_by_step(tmp_path, fake_model):
    workspace = write_project(
        tmp_path / "web",
        {
            "src/session.js": SESSION_JS,
            "src/routes.js": ROUTES_JS,
            "test.js": ROUTES_TEST,
            "package.json": '{"name": "web", "scripts": {"test": "node test.js"}}',
        },
    )
    fake_model.script(
        "function logout(session) {\n  session.active = false;\n}\n",
        'function handleLogout(req) {\n  logout(req.session);\n  return "bye";\n}\n',
    )

    run = run_nvim("model_task.lua", workspace, fake_model.base_url, tmp_path)

    assert run.returncode == 0, f"nvim exited {run.returncode}\nstderr:\n{run.stderr}\nstdout:\n{run.stdout}"
    assert len(fake_model.requests()) == 2  # one call per file
    logged_out = "const r = require('./src/routes'); const q = {user: 'a'}; r.handleLogin(q); r.handleLogout(q);"
    check = subprocess.run(["node", "-e", logged_out + " process.exit(q.session.active ? 1 : 0);"], cwd=workspace)
    assert check.returncode == 0  # saved with :wall, the two files work together


def test_neovim_serves_rust_go_and_a_language_without_a_grammar(tmp_path, fake_model):
    workspace = write_project(
        tmp_path / "harbour",
        {
            "tide.rs": "pub fn high_tide(level: f64) -> bool {\n    level > 4.2\n}\n",
            "orchard.go": "package orchard\n\nfunc Ripe(days int) bool {\n\treturn days > 30\n}\n",
            "notes.toy": "section billing\n  def charge\n  def invoice\n",
        },
    )
    (workspace / ".git").mkdir()  # the root marker
    fake_model.script(
        "```rust\n/// Whether the water is above the high-tide mark.\npub fn high_tide(level: f64) -> bool {\n"
        "    level > 4.2\n}\n```",
        "```go\n// Ripe reports whether fruit picked days ago is ripe.\nfunc Ripe(days int) bool {\n"
        "\treturn days > 30\n}\n```",
        "```\n  def charge\n    twice\n```",
    )

    run = run_nvim(
        "languages.lua", workspace, fake_model.base_url, tmp_path, setup="{ settings = { tests = { run = 'never' } } }"
    )

    assert run.returncode == 0, f"nvim exited {run.returncode}\nstderr:\n{run.stderr}\nstdout:\n{run.stdout}"
    assert len(fake_model.requests()) == 3  # one model call per edit


def test_neovim_shows_the_servers_inline_completion_and_accepts_it(tmp_path, fake_model):
    workspace = write_project(
        tmp_path / "stats", {"stats.py": "def average(values):\n    total = \n    return total / len(values)\n"}
    )
    (workspace / ".git").mkdir()  # the root marker
    fake_model.script("0; count = 0")

    run = run_nvim("completion.lua", workspace, fake_model.base_url, tmp_path)

    assert run.returncode == 0, f"nvim exited {run.returncode}\nstderr:\n{run.stderr}\nstdout:\n{run.stdout}"
    assert [r["path"] for r in fake_model.requests()] == ["/v1/completions"]
    assert "total = \n" in (workspace / "stats.py").read_text()  # the buffer changed, not the file


def test_neovim_asks_once_whether_an_untrusted_folder_may_run_its_code(tmp_path, fake_model):
    from outrigger.workspace import trust

    workspace = tmp_path / "clone"
    workspace.mkdir()
    (workspace / "prices.py").write_text("def with_vat(net):\n    return net\n")
    (workspace / "other.py").write_text("def other():\n    return 1\n")
    (workspace / "pyproject.toml").write_text("[project]\nname = 'clone'\n")  # the root Neovim finds

    run = run_nvim("trust.lua", workspace, fake_model.base_url, tmp_path)

    assert run.returncode == 0, f"nvim exited {run.returncode}\nstderr:\n{run.stderr}\nstdout:\n{run.stdout}"
    assert not trust.is_trusted(workspace)  # trusted on the question, then untrusted, in the user's list
    assert trust.trust_file().exists()
