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


def _sealed(seal: int | None) -> Callable[[Any, int], None]:
    @pytest.hookimpl(trylast=True)
    def pytest_sessionfinish(session: Any, exitstatus: int) -> None:
        if seal is not None and exitstatus == 0:
            session.exitstatus = seal

    return pytest_sessionfinish


pytest_sessionfinish = _sealed(_take_seal())  # the seal lives only in the hook's closure
