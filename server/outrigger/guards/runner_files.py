"""Files a change writes that the test runner loads as its own: its configuration, its plugins,
or a module that takes the runner's place. Tests run with such a change report what the
change says: a new `conftest.py` hook can turn every failure into a pass
(`pytest_runtest_makereport`), a `pytest.py` beside the tests is what `python -m pytest`
imports, and reads the seal's status before the seal does; `package.json` scripts,
`jest.config.js`, `build.rs` and `.cargo/config.toml` decide what `npm test` and `cargo test`
run. The gate does not let such a run vouch for the change (`project_tests.verdict`).

Test files themselves are not listed: a change that adds tests is judged by them, as any
test run is.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable
from pathlib import PurePosixPath

# Python: read by pytest (and unittest's discovery, tox) at start or for every folder it enters.
_PYTHON_CONFIG = frozenset(
    {"conftest.py", "pytest.ini", ".pytest.ini", "pyproject.toml", "setup.cfg", "tox.ini", "setup.py", "noxfile.py"}
)
# Modules the runner imports: a top-level module of the same name in the project replaces it.
_RUNNER_MODULES = frozenset({"pytest", "_pytest", "pluggy", "iniconfig", "packaging", "py", "conftest"})
_STARTUP = frozenset({"sitecustomize", "usercustomize"})
# JavaScript, Rust, Go: the files that say what `npm test`, `cargo test`, `go test` run.
_OTHER_CONFIG = frozenset(
    {
        "package.json",
        ".npmrc",
        ".babelrc",
        ".mocharc.js",
        ".mocharc.cjs",
        ".mocharc.json",
        ".mocharc.yml",
        ".mocharc.yaml",
        "cargo.toml",
        "build.rs",
        "rust-toolchain",
        "rust-toolchain.toml",
        "go.mod",
        "go.work",
    }
)
_CONFIG_STEMS = (".config.", "jest.config", "vitest.config", "babel.config", "jest.setup", "vitest.setup")


def runner_files(paths: Iterable[str], existed: Callable[[str], bool], is_package: Callable[[str], bool]) -> list[str]:
    """The paths among `paths` (a change's files) that the test runner loads as its own.
    `existed(path)`: whether the file was there before the change (a project's own `types.py`
    stays the project's; a new one takes the standard module's place). `is_package(folder)`:
    whether a folder holds an `__init__.py` (with the change), so a module in it is not a
    top-level module that could take a runner's place."""
    found = []
    for path in paths:
        pure = PurePosixPath(path)
        name = pure.name.lower()
        folder = pure.parent.as_posix()
        if name in _PYTHON_CONFIG or name.endswith(".pth"):
            found.append(path)
        elif name == "config.toml" or name == "config":
            if pure.parent.name == ".cargo":
                found.append(path)
        elif name in _OTHER_CONFIG or any(stem in name for stem in _CONFIG_STEMS):
            found.append(path)
        elif _takes_a_modules_place(pure, folder, is_package, existed(path)):
            found.append(path)
    return found


def _takes_a_modules_place(pure: PurePosixPath, folder: str, is_package: Callable[[str], bool], existed: bool) -> bool:
    """A top-level Python module (or package) named like one the runner imports, or a new one
    named like a standard module."""
    if pure.suffix == ".py" and pure.stem != "__init__":
        module, where = pure.stem, folder
    elif pure.name == "__init__.py" and folder != ".":
        module, where = pure.parent.name, pure.parent.parent.as_posix()
    else:
        return False
    if where != "." and is_package(where):
        return False  # `app/json.py` is `app.json`: it replaces nothing
    return module in _RUNNER_MODULES or module in _STARTUP or (not existed and module in sys.stdlib_module_names)
