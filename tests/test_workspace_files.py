import os
import shutil
import time
from pathlib import Path

import pytest

from outrigger.errors import Refused
from outrigger.workspace.files import MAX_FILE_BYTES, Workspace

FIXTURES = Path(__file__).resolve().parents[1] / "benchmarks" / "workspaces"


@pytest.fixture
def ws(tmp_path):
    shutil.copytree(FIXTURES / "js_auth", tmp_path, dirs_exist_ok=True)
    return Workspace(tmp_path)


def write(ws, path, content):
    file = ws.root / path
    file.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, bytes):
        file.write_bytes(content)
    else:
        file.write_text(content)


def test_reads_disk_and_keeps_line_endings(ws):
    write(ws, "crlf.js", "a();\r\nb();\r\n")
    assert ws.read("crlf.js") == "a();\r\nb();\r\n"
    assert ws.read("src/auth.js").startswith('const { isBlank } = require("../utils");')


def test_overlay_wins_over_disk_until_closed(ws):
    ws.open_document("src/auth.js", "// unsaved\n", 7)
    assert ws.read("src/auth.js") == "// unsaved\n"
    assert ws.version("src/auth.js") == 7
    assert ws.version("src/user.js") is None
    ws.close_document("src/auth.js")
    assert ws.read("src/auth.js").startswith("const")
    assert ws.version("src/auth.js") is None


def test_unsaved_new_document_exists_and_is_a_source_file(ws):
    ws.open_document("src/new.js", "function fresh() {}\n", 1)
    assert ws.exists("src/new.js")
    assert ws.read("src/new.js") == "function fresh() {}\n"
    assert "src/new.js" in list(ws.source_files())


def test_open_document_outside_the_workspace_is_refused(ws):
    with pytest.raises(Refused, match="outside the workspace"):
        ws.open_document("../elsewhere.js", "", 1)


def test_exists(ws):
    assert ws.exists("src/auth.js")
    assert not ws.exists("src/missing.js")
    assert not ws.exists("src")
    assert not ws.exists("../etc/passwd")


def test_missing_file_is_refused(ws):
    with pytest.raises(Refused, match="`src/nope.js` does not exist"):
        ws.read("src/nope.js")


def test_escape_is_refused(ws):
    with pytest.raises(Refused, match="outside the workspace"):
        ws.read("../secrets.txt")


def test_env_file_is_refused_even_when_open(ws):
    write(ws, ".env", "API_KEY=hunter2\n")
    with pytest.raises(Refused) as error:
        ws.read(".env")
    assert str(error.value) == "`.env` matches the ignore list; Outrigger never sends it to the model."
    ws.open_document(".env", "API_KEY=hunter2\n", 1)
    with pytest.raises(Refused, match="ignore list"):
        ws.read(".env")


@pytest.mark.parametrize("path", [".env", ".env.local", "config/.ENV", "certs/server.pem", "secrets.json"])
def test_secret_patterns(ws, path):
    assert ws.is_ignored(path)


def test_custom_ignore_patterns_match_relative_paths(tmp_path):
    ws = Workspace(tmp_path, ignore=["generated/*.js", "*.min.js"])
    assert ws.is_ignored("generated/api.js")
    assert ws.is_ignored("src/lib/jquery.min.js")
    assert not ws.is_ignored("src/api.js")
    assert ws.is_ignored(".env"), "a user's patterns add to the default secrets, never replace them"


def test_binary_file_is_refused(ws):
    write(ws, "src/logo.js", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    with pytest.raises(Refused, match="binary file"):
        ws.read("src/logo.js")


def test_non_utf8_file_is_refused(ws):
    write(ws, "src/latin1.js", "const name = 'café';\n".encode("latin-1"))
    with pytest.raises(Refused, match="not UTF-8"):
        ws.read("src/latin1.js")


def test_large_file_is_refused(ws):
    write(ws, "src/huge.js", "x" * (MAX_FILE_BYTES + 1))
    with pytest.raises(Refused, match="larger than 1 MB"):
        ws.read("src/huge.js")


def test_folder_is_not_a_file(ws):
    with pytest.raises(Refused, match="folder, not a file"):
        ws.read("src")


def test_source_files_of_the_fixture(ws):
    assert list(ws.source_files()) == ["src/auth.js", "src/session.js", "src/user.js", "test.js", "utils.js"]


def test_source_files_skip_tool_folders_secrets_and_other_languages(ws):
    for path in [
        "node_modules/lib/index.js",
        ".git/hooks/x.js",
        ".venv/lib/site.py",
        "venv/a.py",
        "src/__pycache__/m.py",
        "dist/bundle.js",
        "build/out.js",
    ]:
        write(ws, path, "x = 1\n")
    write(ws, "README.md", "# hi\n")
    write(ws, "secrets.js", "const key = 1;\n")
    write(ws, "app.tsx", "export const A = () => <div/>;\n")
    assert list(ws.source_files()) == [
        "app.tsx",
        "src/auth.js",
        "src/session.js",
        "src/user.js",
        "test.js",
        "utils.js",
    ]
    assert ws.is_ignored("node_modules/lib/index.js")


def test_gitignore(ws):
    write(ws, ".gitignore", "# build output\ngenerated/\n/root_only.js\n*.gen.ts\n!keep.gen.ts\nlogs/**/*.js\n")
    write(ws, "generated/api.js", "")
    write(ws, "src/generated/deep.js", "")
    write(ws, "root_only.js", "")
    write(ws, "src/root_only.js", "")
    write(ws, "src/schema.gen.ts", "")
    write(ws, "src/keep.gen.ts", "")
    write(ws, "logs/a/b/trace.js", "")
    files = set(ws.source_files())
    assert {"src/root_only.js", "src/keep.gen.ts"} <= files
    assert not files & {
        "generated/api.js",
        "src/generated/deep.js",
        "root_only.js",
        "src/schema.gen.ts",
        "logs/a/b/trace.js",
    }
    assert ws.is_ignored("generated/api.js")
    assert not ws.is_ignored("src/keep.gen.ts")
    with pytest.raises(Refused, match="ignored by .gitignore"):
        ws.read("generated/api.js")


def test_nested_gitignore(ws):
    write(ws, "src/.gitignore", "*.local.js\n")
    write(ws, "src/config.local.js", "")
    write(ws, "config.local.js", "")
    files = set(ws.source_files())
    assert "config.local.js" in files
    assert "src/config.local.js" not in files


def test_gitignore_change_is_picked_up(ws):
    write(ws, "tmp.js", "")
    assert not ws.is_ignored("tmp.js")
    write(ws, ".gitignore", "tmp.js\n")
    os.utime(ws.root / ".gitignore", (time.time() + 5, time.time() + 5))
    assert ws.is_ignored("tmp.js")


def test_symlinked_file_leaving_the_root_is_not_listed(ws, tmp_path_factory):
    outside = tmp_path_factory.mktemp("outside") / "stolen.js"
    outside.write_text("const token = 'x';\n")
    os.symlink(outside, ws.root / "src" / "stolen.js")
    assert "src/stolen.js" not in list(ws.source_files())
    with pytest.raises(Refused, match="symbolic link"):
        ws.read("src/stolen.js")


def test_walk_finds_every_source_file(tmp_path):
    for package in range(50):
        folder = tmp_path / f"pkg{package}"
        folder.mkdir()
        for module in range(100):
            (folder / f"m{module}.py").write_text("def f():\n    return 1\n")
    (tmp_path / ".gitignore").write_text("*.log\nbuild/\n")
    ws = Workspace(tmp_path)
    assert len(list(ws.source_files())) == 5000
