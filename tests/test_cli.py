"""The `outrigger` command as a user runs it: one clear line on error, no traceback."""

from __future__ import annotations

import subprocess
import sys


def run(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "outrigger", *args], capture_output=True, text=True, timeout=60, env=env
    )


def test_a_question_is_answered_from_the_map(js):
    result = run("ask", "--workspace", str(js), "how many lines does utils.js have")
    assert result.returncode == 0, result.stderr
    assert "utils.js has 16 lines." in result.stdout


def test_a_rename_prints_the_diff_and_applies_only_when_asked(js):
    preview = run("ask", "-w", str(js), "rename validateToken to checkToken")
    assert preview.returncode == 0 and "+function checkToken(token) {" in preview.stdout
    assert "checkToken" not in (js / "src/auth.js").read_text()
    applied = run("ask", "-w", str(js), "rename validateToken to checkToken", "--apply")
    assert applied.returncode == 0 and "Applied:" in applied.stdout
    assert "function checkToken(token)" in (js / "src/auth.js").read_text()


def test_a_refusal_exits_2_with_the_reason(js):
    result = run("ask", "-w", str(js), "rename validateTokn to checkToken")
    assert result.returncode == 2
    assert "Refused:" in result.stdout and "validateToken" in result.stdout


def test_an_unreachable_endpoint_is_one_line_without_traceback(js):
    result = run("ask", "-w", str(js), "--base-url", "http://127.0.0.1:9/v1", "explain validateToken")
    assert result.returncode == 2
    assert "Traceback" not in result.stderr + result.stdout
    assert "http://127.0.0.1:9" in result.stdout


def test_a_missing_workspace_is_one_line(tmp_path):
    result = run("ask", "-w", str(tmp_path / "nope"), "anything")
    assert result.returncode == 1
    assert result.stderr.strip().startswith("outrigger:") and "Traceback" not in result.stderr
