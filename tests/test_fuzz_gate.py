"""A smoke run of the test gate's fuzzer (benchmarks/fuzz/gate.py): a few hostile workspaces and
changes through the scratch copy and the sandbox, with the violation checker. The full run
(≥1,000 cases) is a benchmark job; its figures are in docs/reliability.md."""

from __future__ import annotations

import shutil
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


def test_every_attack_in_every_delivery_is_valid_python(tmp_path):
    """A change the fuzzer writes must be code Python runs, or its cases test nothing: each
    attack, alone and with the others, in each way a change carries it (a doctest's examples
    are compiled as doctest reads them)."""
    import doctest
    import importlib.util
    import random

    spec = importlib.util.spec_from_file_location("gate_fuzzer", GATE)
    assert spec is not None and spec.loader is not None
    gate = importlib.util.module_from_spec(spec)
    sys.modules["gate_fuzzer"] = gate  # its dataclasses look their module up
    try:
        spec.loader.exec_module(gate)
    finally:
        del sys.modules["gate_fuzzer"]
    listener = type("L", (), {"port": 9})()
    groups = [[a] for a in gate.ATTACKS] + [random.Random(0).sample(sorted(gate.ATTACKS), 3) for _ in range(20)]
    for attacks in groups:
        attacks.sort(key=lambda a: a in gate.RAISING)
        for delivery in gate.DELIVERIES:
            case = gate.Case(1, "plain", attacks, delivery, "pytest", "lib.py")
            text = gate.change_text(case, tmp_path, tmp_path, listener)
            compile(text, "lib.py", "exec")
            if delivery == "doctest":
                docstring = text.split('r"""', 1)[1].split('"""', 1)[0]
                examples = doctest.DocTestParser().get_examples(docstring)
                assert len(examples) == len(attacks), (attacks, docstring)
                for example in examples:
                    compile(example.source, "lib.py", "single")


@pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed here")
def test_every_javascript_attack_is_valid_javascript(tmp_path):
    import importlib.util

    spec = importlib.util.spec_from_file_location("gate_fuzzer", GATE)
    assert spec is not None and spec.loader is not None
    gate = importlib.util.module_from_spec(spec)
    sys.modules["gate_fuzzer"] = gate
    try:
        spec.loader.exec_module(gate)
    finally:
        del sys.modules["gate_fuzzer"]
    listener = type("L", (), {"port": 9})()
    for attack in gate.JS_ATTACKS:
        for delivery in ("import", "call"):
            case = gate.Case(1, "plain", [attack], delivery, "node", "calc.js")
            path = tmp_path / f"{attack}-{delivery}.js"
            path.write_text(gate.change_text(case, tmp_path, tmp_path, listener))
            checked = subprocess.run(["node", "--check", str(path)], capture_output=True, text=True, timeout=60)
            assert checked.returncode == 0, (attack, delivery, checked.stderr)
