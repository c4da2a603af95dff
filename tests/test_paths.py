import os

import pytest

from outrigger.errors import Refused
from outrigger.workspace.paths import resolve_in_workspace


@pytest.fixture
def root(tmp_path):
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "auth.js").write_text("function a() {}\n")
    return tmp_path


@pytest.mark.parametrize(
    ("candidate", "expected"),
    [
        ("src/auth.js", "src/auth.js"),
        ("./src/auth.js", "src/auth.js"),
        ("src//auth.js", "src/auth.js"),
        ("src/../src/auth.js", "src/auth.js"),
        ("src\\auth.js", "src/auth.js"),
        ("src/new_file.js", "src/new_file.js"),
        ("  src/auth.js ", "src/auth.js"),
    ],
)
def test_relative_paths_are_normalized(root, candidate, expected):
    assert resolve_in_workspace(root, candidate) == expected


def test_absolute_path_inside_root_becomes_relative(root):
    assert resolve_in_workspace(root, str(root / "src" / "auth.js")) == "src/auth.js"
    assert resolve_in_workspace(root, str(root.resolve() / "src" / "auth.js")) == "src/auth.js"


@pytest.mark.parametrize(
    "candidate",
    ["../x", "../secrets.txt", "a/../../x", "src/../../x", "..\\secret", "src\\..\\..\\x", "/etc/passwd"],
)
def test_escapes_are_refused(root, candidate):
    with pytest.raises(Refused, match="points outside the workspace"):
        resolve_in_workspace(root, candidate)


def test_refusal_names_the_path(root):
    with pytest.raises(Refused) as error:
        resolve_in_workspace(root, "../secrets.txt")
    assert str(error.value) == "Refused path `../secrets.txt`: it points outside the workspace."


def test_absolute_sibling_with_root_as_name_prefix_is_refused(root):
    sibling = str(root) + "-other/file.py"
    with pytest.raises(Refused, match="outside the workspace"):
        resolve_in_workspace(root, sibling)


@pytest.mark.parametrize("candidate", ["C:\\..", "C:\\Windows\\system.ini", "c:/x.py"])
def test_windows_drive_paths_are_refused(root, candidate):
    with pytest.raises(Refused, match="Windows drive path"):
        resolve_in_workspace(root, candidate)


@pytest.mark.parametrize(
    ("candidate", "reason"),
    [
        ("", "empty path"),
        ("   ", "empty path"),
        ("src/a\x00.js", "NUL byte"),
        ("~", "home-directory"),
        ("~/.ssh/id_rsa", "home-directory"),
        (".", "names the workspace folder"),
        ("src/..", "names the workspace folder"),
    ],
)
def test_malformed_paths_are_refused(root, candidate, reason):
    with pytest.raises(Refused, match=reason):
        resolve_in_workspace(root, candidate)


def test_symlinked_file_leaving_the_root_is_refused(root, tmp_path_factory):
    outside = tmp_path_factory.mktemp("outside") / "secret.txt"
    outside.write_text("password")
    os.symlink(outside, root / "src" / "link.txt")
    with pytest.raises(Refused, match="symbolic link"):
        resolve_in_workspace(root, "src/link.txt")


def test_symlinked_dir_leaving_the_root_is_refused(root, tmp_path_factory):
    outside = tmp_path_factory.mktemp("outside")
    (outside / "x.js").write_text("")
    os.symlink(outside, root / "vendor")
    with pytest.raises(Refused, match="symbolic link"):
        resolve_in_workspace(root, "vendor/x.js")
    with pytest.raises(Refused, match="symbolic link"):
        resolve_in_workspace(root, "vendor/not_yet_created.js")


def test_symlink_inside_the_root_is_accepted(root):
    os.symlink(root / "src", root / "lib")
    assert resolve_in_workspace(root, "lib/auth.js") == "lib/auth.js"


def test_root_given_through_a_symlink(root, tmp_path_factory):
    alias = tmp_path_factory.mktemp("alias") / "ws"
    os.symlink(root, alias)
    assert resolve_in_workspace(alias, str(alias / "src" / "auth.js")) == "src/auth.js"
    assert resolve_in_workspace(alias, "src/auth.js") == "src/auth.js"
