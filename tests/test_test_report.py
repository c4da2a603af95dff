"""The gate reads the runner's own report, not the exit code (issue 19): each runner's summary
as it prints it, and what a missing or empty report means."""

from __future__ import annotations

import pytest

from outrigger.guards.project_tests import judged
from outrigger.guards.runs import Output
from outrigger.guards.test_report import Report, read_report


@pytest.mark.parametrize(
    ("output", "report"),
    [
        ("..\n2 passed in 0.01s", Report("pytest", 2, 0)),
        ("F.\n=== 1 failed, 1 passed, 1 warning in 0.20s ===", Report("pytest", 1, 1)),
        ("E\n1 error in 0.1s", Report("pytest", 0, 1)),
        ("\nno tests ran in 0.01s", Report("pytest", 0, 0)),
        (
            "running 1 test\n.\ntest result: ok. 1 passed; 0 failed; 0 ignored\n\n"
            "running 2 tests\ntest result: FAILED. 1 passed; 1 failed; 0 ignored",
            Report("cargo", 2, 1),
        ),
        ("ok  \texample.com/m\t0.009s\nok  \texample.com/m/sub\t(cached)", Report("go", 2, 0)),
        ("--- FAIL: TestOne (0.00s)\nFAIL\nFAIL\texample.com/m\t0.01s", Report("go", 0, 3)),
        ("?   \texample.com/m\t[no test files]", Report("go", 0, 0)),
        ("TAP version 13\nok 1 - a\n# tests 1\n# pass 1\n# fail 0", Report("node", 1, 0)),
        ("ℹ tests 3\nℹ pass 2\nℹ fail 1", Report("node", 2, 1)),
        ("TAP version 13\n# adds\nok 1 should be equal\n\n1..1\n# tests 1\n# pass  1\n\n# ok\n", Report("tape", 1, 0)),
        ("ok 1 should be equal\nnot ok 2 nope\n1..2\n# tests 2\n# pass  1\n# fail  1\n", Report("node", 1, 1)),
        ("Tests:       1 failed, 4 passed, 5 total", Report("jest", 4, 1)),
        ("  5 passing (20ms)\n  1 failing", Report("mocha", 5, 1)),
        (" Tests  3 passed (3)", Report("vitest", 3, 0)),
        ("all good", None),
    ],
)
def test_each_runners_report_is_read(output, report):
    assert read_report(output) == report


def test_exit_zero_without_the_report_a_runner_always_prints_is_not_a_pass():
    pytest_run = ["python", "-m", "pytest", "-q"]
    assert not judged(pytest_run, Output(0, False, "", 0.1)).passed
    assert judged(pytest_run, Output(0, False, "3 passed in 0.1s", 0.1)).passed
    assert not judged(["cargo", "test"], Output(0, False, "Compiling x", 0.1)).passed
    assert judged(["node", "test.js"], Output(0, False, "", 0.1)).passed  # a plain script reports nothing
    assert not judged(["node_modules/.bin/tape", "test/*.js"], Output(0, False, "TAP version 13\n", 0.1)).passed
    empty = judged(pytest_run, Output(5, False, "no tests ran in 0.01s", 0.1))
    assert not empty.passed and "no tests" in empty.not_run


def test_a_runner_whose_report_cannot_be_read_is_said_to_be_judged_by_exit_code_only():
    from outrigger.guards.project_tests import verdict

    script = ["node", "test.js"]
    before, after = judged(script, Output(0, False, "ok", 0.1)), judged(script, Output(0, False, "", 0.2))

    assert after.passed and "judged by exit code only" in verdict(before, after, "refuse").lower()
    pytest_run = ["python", "-m", "pytest"]
    ran = judged(pytest_run, Output(0, False, "1 passed in 0.1s", 0.1))
    assert "exit code only" not in verdict(ran, ran, "refuse")


def test_nodes_report_names_its_top_level_tests_in_tap_and_spec():
    tap = (
        "TAP version 13\n# Subtest: adds\nok 1 - adds\n  ---\n  ...\n    ok 1 - inner\n"
        "not ok 2 - calc.test.js # TODO\n1..2\n# tests 2\n# pass 1\n# fail 1"
    )
    spec = "✔ adds (0.9ms)\n  ✔ inner (0.1ms)\n✖ empty (1.2ms)\nℹ tests 2\nℹ pass 1\nℹ fail 1"

    assert read_report(tap).names == ("adds", "calc.test.js")  # type: ignore[union-attr]
    assert read_report(spec).names == ("adds", "empty")  # type: ignore[union-attr]
