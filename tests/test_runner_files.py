"""A change that writes the test runner's own files (its configuration, a plugin, a module in
its place) cannot have its tests vouch for it: their report is the change's word (round 6)."""

from __future__ import annotations

import sys

import pytest

from outrigger.errors import Refused
from outrigger.guards import project_tests
from outrigger.guards.runner_files import runner_files
from outrigger.workspace.files import Workspace

GOOD = "def total(xs):\n    return sum(xs)\n"
BROKEN = "def total(xs):\n    return 0\n"
TESTS = "from lib import total\n\n\ndef test_total():\n    assert total([1, 2]) == 3\n"
PYTEST = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"]

# Every failure reported as a pass, by a hook of a new conftest.py.
FORGING_CONFTEST = """import pytest


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    outcome.get_result().outcome = "passed"
"""
# `python -m pytest` imports this instead of pytest: it reads the seal's status itself.
FORGING_PYTEST = """import os, sys
descriptor = os.environ.get("OUTRIGGER_SEAL_FD")
status = int(os.read(int(descriptor), 8)) if descriptor else 0
print("1 passed in 0.01s", flush=True)
os._exit(status)
"""
FORGERIES = [
    pytest.param({"conftest.py": FORGING_CONFTEST}, id="conftest hook"),
    pytest.param({"tests/conftest.py": FORGING_CONFTEST}, id="conftest in a test folder"),
    pytest.param({"pytest.py": FORGING_PYTEST}, id="module in pytest's place"),
]


def workspace(tmp_path, lib: str) -> Workspace:
    root = tmp_path / "ws"
    (root / "tests").mkdir(parents=True)
    (root / "lib.py").write_text(lib)
    (root / "tests" / "test_lib.py").write_text(TESTS)
    (root / "pytest.ini").write_text("[pytest]\npythonpath = .\n")
    return Workspace(root)


@pytest.mark.parametrize("forgery", FORGERIES)
async def test_a_change_that_breaks_the_code_and_writes_the_runners_files_is_not_said_to_pass(tmp_path, forgery):
    runs = await project_tests.before_and_after(workspace(tmp_path, GOOD), {"lib.py": BROKEN} | forgery, PYTEST, 120)

    assert runs is not None and runs[0].passed
    line = project_tests.verdict(*runs, "refuse")
    assert line.startswith("Warning:") and next(iter(forgery)) in line and "cannot vouch" in line


@pytest.mark.parametrize("forgery", FORGERIES)
async def test_a_fix_that_passes_only_by_the_runners_files_it_writes_is_refused(tmp_path, forgery):
    runs = await project_tests.before_and_after(workspace(tmp_path, BROKEN), {"lib.py": BROKEN} | forgery, PYTEST, 120)

    assert runs is not None and not runs[0].passed
    with pytest.raises(Refused, match="cannot vouch"):
        project_tests.verdict(*runs, "refuse", fixing=True)


async def test_an_ordinary_change_with_its_tests_still_passes(tmp_path):
    changes = {
        "lib.py": GOOD + "\n\ndef twice(x):\n    return 2 * x\n",
        "tests/test_twice.py": "from lib import twice\n\n\ndef test_twice():\n    assert twice(2) == 4\n",
    }
    runs = await project_tests.before_and_after(workspace(tmp_path, GOOD), changes, PYTEST, 120)

    assert runs is not None
    assert project_tests.verdict(*runs, "refuse").startswith("The project's tests")


PACKAGES = {"app"}
EXISTING = {"types.py", "app/__init__.py"}


@pytest.mark.parametrize(
    "path, own",
    [
        ("conftest.py", True),
        ("deep/tests/conftest.py", True),
        ("pyproject.toml", True),
        ("setup.cfg", True),
        ("tox.ini", True),
        ("sitecustomize.py", True),
        ("evil.pth", True),
        ("pytest.py", True),
        ("_pytest/__init__.py", True),
        ("pluggy.py", True),
        ("json.py", True),  # new, at the top: `import json` anywhere gets it
        ("tests/unittest.py", True),  # a folder pytest puts on the path (no __init__.py)
        ("package.json", True),
        ("web/jest.config.js", True),
        ("vitest.config.ts", True),
        (".mocharc.yml", True),
        ("Cargo.toml", True),
        ("build.rs", True),
        (".cargo/config.toml", True),
        ("go.mod", True),
        ("types.py", False),  # the project's own, already there
        ("app/json.py", False),  # `app.json`: takes no module's place
        ("app/models.py", False),
        ("lib.py", False),
        ("tests/test_lib.py", False),
        ("src/main.rs", False),
        ("config.toml", False),
        ("index.test.js", False),
    ],
)
def test_the_runners_own_files_are_told_apart(path, own):
    found = runner_files([path], lambda p: p in EXISTING, lambda folder: folder in PACKAGES)

    assert found == ([path] if own else [])


# A new test file whose autouse fixture registers a plugin that reports every test passed.
REGISTERING_TEST = """import pytest


class _Forger:
    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_makereport(self, item, call):
        outcome = yield
        outcome.get_result().outcome = "passed"


@pytest.fixture(autouse=True)
def _forge(request):
    if not request.config.pluginmanager.has_plugin("forger"):
        request.config.pluginmanager.register(_Forger(), "forger")


def test_aaa():
    assert True
"""
FORGING_PLUGIN = FORGING_CONFTEST  # the same hook, as a module a test file names in `pytest_plugins`


@pytest.mark.parametrize(
    "forgery",
    [
        pytest.param({"tests/test_aaa.py": REGISTERING_TEST}, id="plugin registered by a fixture"),
        pytest.param(
            {
                "tests/test_aaa.py": 'pytest_plugins = ["forge"]\n\n\ndef test_aaa():\n    assert True\n',
                "forge.py": FORGING_PLUGIN,
            },
            id="pytest_plugins in a test module",
        ),
    ],
)
async def test_tests_that_register_a_plugin_while_they_run_cannot_vouch(tmp_path, forgery):
    """Test files are not the runner's files, but a new one can register a plugin once the
    session has started and rewrite every later report: the seal refuses such a session
    (round 6)."""
    runs = await project_tests.before_and_after(workspace(tmp_path, GOOD), {"lib.py": BROKEN} | forgery, PYTEST, 120)

    assert runs is not None and runs[0].passed and not runs[1].passed
    with pytest.raises(Refused, match="registered a pytest plugin"):
        project_tests.verdict(*runs, "refuse")


async def test_a_conftest_in_a_test_folder_is_no_late_plugin(tmp_path):
    ws = workspace(tmp_path, GOOD)
    (ws.root / "tests" / "conftest.py").write_text("import pytest\n\n\n@pytest.fixture\ndef three():\n    return 3\n")
    (ws.root / "tests" / "test_three.py").write_text(
        "def test_three(three, tmp_path, monkeypatch):\n    assert three == 3\n"
    )

    runs = await project_tests.before_and_after(ws, {"lib.py": GOOD + "\n"}, PYTEST, 120)

    assert runs is not None and runs[0].passed and runs[1].passed, runs[1].tail
