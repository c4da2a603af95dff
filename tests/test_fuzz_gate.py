"""A smoke run of the test gate's fuzzer (benchmarks/fuzz/gate.py): a few hostile workspaces and
changes through the scratch copy and the sandbox, with the violation checker. The full run
(≥1,000 cases) is a benchmark job; its figures are in docs/reliability.md."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from outrigger.guards import sandbox

GATE = Path(__file__).resolve().parents[1] / "benchmarks" / "fuzz" / "gate.py"


@pytest.mark.skipif(
    sandbox.backend() == "none", reason="no sandbox here (install bubblewrap): proposed code never runs"
)
def test_a_few_gate_fuzz_cases_break_nothing():
    done = subprocess.run(
        [sys.executable, str(GATE), "--cases", "4", "--seed", "7"], capture_output=True, text=True, timeout=600
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "4 cases, 0 violations" in done.stdout
