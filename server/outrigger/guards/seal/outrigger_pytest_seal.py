"""Loaded into the project's own pytest by Outrigger (`PYTEST_ADDOPTS=-p outrigger_pytest_seal`,
this folder on `PYTHONPATH`; see `guards/runs.py`), never imported by Outrigger itself.

Code under test runs inside pytest's process: it can print "3 passed in 0.1s" and end the
process with `os._exit(0)`, and the output and exit code then read as a pass. So a pytest
session that really ends with every test passed exits with a status Outrigger chose for this
run (read here from a pipe that is closed at once, before any test module is imported) instead
of 0; an exit code 0 then means the session never reached its end.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from typing import Any

import pytest


def _take_seal() -> int | None:
    descriptor = os.environ.pop("OUTRIGGER_SEAL_FD", "")
    for name in ("PYTEST_ADDOPTS", "PYTHONPATH"):  # a pytest the tests start is not sealed
        os.environ.pop(name, None)
    try:
        with os.fdopen(int(descriptor), "rb") as pipe:
            return int(pipe.read(8))
    except (ValueError, OSError):
        return None


# Printed (to stderr) when the session is not sealed because of plugins registered late.
LATE_PLUGINS = "outrigger-seal: pytest plugins registered while the tests ran:"


def _sealed(seal: int | None) -> tuple[Callable[..., None], Callable[..., None], Callable[..., None]]:
    """The hooks of one sealed session. A plugin the tests register once the session started
    (`request.config.pluginmanager.register(...)` in a fixture, `pytest_plugins` in a test
    module) can rewrite every later report (`pytest_runtest_makereport`): such a session is
    not sealed. Conftest modules and pytest's own fixture manager are registered then too."""
    started = [False]
    late: list[str] = []

    def pytest_sessionstart(session: Any) -> None:
        started[0] = True

    def pytest_plugin_registered(plugin: Any, manager: Any) -> None:
        if not started[0] or os.path.basename(str(getattr(plugin, "__file__", ""))) == "conftest.py":
            return
        if type(plugin).__name__ == "FixtureManager" and type(plugin).__module__ == "_pytest.fixtures":
            return
        late.append(str(manager.get_name(plugin) or type(plugin).__name__))

    @pytest.hookimpl(trylast=True)
    def pytest_sessionfinish(session: Any, exitstatus: int) -> None:
        if late:
            print(f"{LATE_PLUGINS} {', '.join(late[:5])[:300]}", file=sys.stderr, flush=True)
        elif seal is not None and exitstatus == 0:
            session.exitstatus = seal

    return pytest_sessionstart, pytest_plugin_registered, pytest_sessionfinish


# The seal lives only in the hooks' closure.
pytest_sessionstart, pytest_plugin_registered, pytest_sessionfinish = _sealed(_take_seal())
