"""The scratch copy proposed code runs in cannot reach the real workspace: links are not
followed out of it, special files and secrets are left out, dependency folders are read-only,
and nothing Outrigger writes into it goes through a link (issue 19, finding 1)."""

from __future__ import annotations

import asyncio
import os
import sys

import pytest

from outrigger.errors import Refused
from outrigger.guards import project_tests
from outrigger.guards.scratch import build_copy, write_into
from outrigger.workspace.files import Workspace

REAL = "def total(xs):\n    return sum(xs)\n"
HOSTILE = "def total(xs):\n    return 0\n"


@pytest.fixture
def root(tmp_path):
    root = tmp_path / "ws"
    (root / "lib").mkdir(parents=True)
    (root / "lib" / "__init__.py").write_text("")
    (root / "lib" / "real.py").write_text(REAL)
    os.symlink(root / "lib" / "real.py", root / "alias.py")  # absolute, as the issue found it
    return root


def command(code: str) -> list[str]:
    return [sys.executable, "-c", code]


async def test_a_refused_change_to_an_absolute_link_never_touches_the_real_file(root):
    tests = command("import sys; sys.path.insert(0, '.'); from lib.real import total; assert total([1, 2]) == 3")

    runs = await project_tests.before_and_after(Workspace(root), {"alias.py": HOSTILE}, tests, 60)

    assert runs is not None and runs[0].passed
    assert not runs[1].passed  # the tests ran the changed code (through the link, in the copy)
    with pytest.raises(Refused):
        project_tests.verdict(*runs, "refuse")
    assert (root / "lib" / "real.py").read_text() == REAL


async def test_an_unsaved_buffer_of_a_linked_file_is_not_written_to_disk(root):
    workspace = Workspace(root)
    workspace.open_document("alias.py", HOSTILE, 2)

    await project_tests.before_and_after(workspace, {}, command("pass"), 60)

    assert (root / "lib" / "real.py").read_text() == REAL


def test_links_out_of_the_workspace_and_special_files_are_left_out(root, tmp_path):
    outside = tmp_path / "outside.py"
    outside.write_text("X = 1\n")
    os.symlink(outside, root / "out.py")
    os.symlink("lib", root / "pkg")  # a folder link inside: kept, relative
    os.mkfifo(root / "pipe")
    copy = build_copy(Workspace(root), tmp_path / "copy")

    assert copy is not None
    assert not (copy.path / "out.py").exists() and not (copy.path / "pipe").exists()
    assert os.readlink(copy.path / "alias.py") == "lib/real.py"
    assert os.readlink(copy.path / "pkg") == "lib"
    assert {"out.py", "pipe"} <= set(copy.left_out)


def test_writes_into_the_copy_replace_links_that_lead_out(root, tmp_path):
    copy = build_copy(Workspace(root), tmp_path / "copy")
    assert copy is not None
    victim = tmp_path / "victim.py"
    victim.write_text("untouched\n")
    (copy.path / "evil.py").symlink_to(victim)  # what code run in the copy may leave behind
    (copy.path / "evil_dir").symlink_to(tmp_path, target_is_directory=True)

    write_into(copy.path, "evil.py", "changed\n")
    write_into(copy.path, "evil_dir/victim.py", "changed\n")
    write_into(copy.path, "alias.py", HOSTILE)  # a link inside: written through, in the copy

    assert victim.read_text() == "untouched\n"
    assert (copy.path / "evil.py").read_text() == "changed\n" and not (copy.path / "evil.py").is_symlink()
    assert (copy.path / "lib" / "real.py").read_text() == HOSTILE
    assert (root / "lib" / "real.py").read_text() == REAL


@pytest.mark.parametrize("path", ["../beside.py", "lib/../../beside.py", "/beside.py", "lib/./../../beside.py", ""])
def test_a_path_that_leads_out_of_the_copy_is_never_written(root, tmp_path, path):
    """`write_into` is the copy's one door: whatever path it is handed (a plan's `..`, an
    absolute path), it writes inside the copy or nowhere (round 6)."""
    copy = build_copy(Workspace(root), tmp_path / "copy")
    assert copy is not None
    path = path.replace("/beside.py", str(tmp_path / "beside.py")) if path.startswith("/") else path

    with pytest.raises(Refused):
        write_into(copy.path, path, "changed\n")

    assert not (tmp_path / "beside.py").exists()


async def test_a_fifo_in_the_workspace_does_not_stop_the_tests(root):
    os.mkfifo(root / "events.fifo")
    (root / "lib" / "ctl.sock").touch()

    runs = await asyncio.wait_for(
        project_tests.before_and_after(Workspace(root), {"lib/real.py": REAL + "\n"}, command("pass"), 60), 60
    )

    assert runs is not None and runs[0].passed and runs[1].passed


async def test_a_built_rust_crate_is_copied_without_its_target_folder(tmp_path):
    root = tmp_path / "crate"
    (root / "src").mkdir(parents=True)
    (root / "target" / "debug").mkdir(parents=True)
    (root / "Cargo.toml").write_text('[package]\nname = "crate"\nversion = "0.1.0"\nedition = "2021"\n')
    (root / "src" / "lib.rs").write_text("pub fn one() -> i32 { 1 }\n")
    (root / "target" / "debug" / "big.rlib").write_bytes(b"\0" * 1000)
    check = command("import os, sys; sys.exit(os.path.exists('target/debug/big.rlib'))")

    runs = await project_tests.before_and_after(
        Workspace(root), {"src/lib.rs": "pub fn one() -> i32 { 2 }\n"}, check, 60
    )

    assert runs is not None and runs[0].passed and runs[1].passed


async def test_dependency_folders_are_read_only_for_the_code_under_test(root):
    (root / "node_modules" / "left-pad").mkdir(parents=True)
    (root / "node_modules" / "left-pad" / "index.js").write_text("module.exports = 1;\n")
    (root / ".venv" / "lib").mkdir(parents=True)
    attack = command(
        "import pathlib\n"
        "for path in ('node_modules/left-pad/index.js', '.venv/lib/evil.pth'):\n"
        "    try:\n        pathlib.Path(path).write_text('import os')\n    except OSError:\n        pass\n"
        "assert pathlib.Path('node_modules/left-pad/index.js').read_text() == 'module.exports = 1;\\n'\n"
    )

    runs = await project_tests.before_and_after(Workspace(root), {}, attack, 60)

    assert runs is not None and runs[0].passed  # read, but not written
    assert (root / "node_modules" / "left-pad" / "index.js").read_text() == "module.exports = 1;\n"
    assert not (root / ".venv" / "lib" / "evil.pth").exists()


async def test_a_linked_dependency_folder_is_shown_read_only_and_other_links_out_stay_out(root, tmp_path):
    """`node_modules` as a link to a shared install (the benchmark's, a monorepo's): the tests
    need it (qs's `node_modules/.bin/tape` was missing, every qs test run failed at once). A
    link out of the workspace by any other name, or to a folder of another name, stays out."""
    shared = tmp_path / "shared-install" / "node_modules"
    (shared / "left-pad").mkdir(parents=True)
    (shared / "left-pad" / "index.js").write_text("module.exports = 1;\n")
    os.symlink(shared, root / "node_modules")
    os.symlink(tmp_path / "shared-install", root / "venv")  # named venv, but not a venv
    reads = command(
        "import os, pathlib\n"
        "assert pathlib.Path('node_modules/left-pad/index.js').read_text() == 'module.exports = 1;\\n'\n"
        "try:\n    pathlib.Path('node_modules/left-pad/index.js').write_text('x')\nexcept OSError:\n    pass\n"
        "assert not os.path.exists('venv')\n"
    )

    runs = await project_tests.before_and_after(Workspace(root), {}, reads, 60)

    assert runs is not None and runs[0].passed, runs and runs[0].output
    assert (shared / "left-pad" / "index.js").read_text() == "module.exports = 1;\n"


@pytest.mark.parametrize("name", ["home", "root", "copy", "sandbox-root"])
async def test_a_workspace_named_like_the_sandboxs_own_folders_is_tested(tmp_path, name):
    root = tmp_path / name
    root.mkdir()
    (root / "app.py").write_text("X = 1\n")

    runs = await project_tests.before_and_after(Workspace(root), {"app.py": "X = 2\n"}, command("pass"), 60)

    assert runs is not None and runs[0].passed and runs[1].passed


def test_a_hard_link_is_copied_but_its_values_are_redacted(root, tmp_path):
    """A hard link may be another name of a secret outside the workspace: tests may read it
    in the copy, but whatever they quote of it is redacted (round 6)."""
    from outrigger.guards.runs import ScratchRun

    credentials = tmp_path / "credentials"
    credentials.write_text("aws_session = Zq81-LkP0-xx73-Wm42\n")
    os.link(credentials, root / "settings.cfg")
    copy = build_copy(Workspace(root), tmp_path / "copy")

    assert copy is not None and (copy.path / "settings.cfg").is_file()
    run = ScratchRun(copy, "none", tmp_path / "home")
    assert "Zq81-LkP0-xx73-Wm42" in run.secrets
