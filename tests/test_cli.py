"""The `outrigger` command as a user runs it: one clear line on error, no traceback."""

from __future__ import annotations

import os
import subprocess
import sys

from outrigger.workspace.trust import set_trusted


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


def test_undo_and_do_the_same_work_in_a_later_process(py, fake_model):
    """The CLI used to forget: "undo" in a second run said "Nothing to undo"."""
    original = (py / "items.py").read_text()
    env = {**os.environ, "OUTRIGGER_BASE_URL": fake_model.base_url}
    renamed = run("ask", "-w", str(py), "rename get_item_count to count_items", "--apply", env=env)
    assert renamed.returncode == 0, renamed.stderr
    assert "count_items" in (py / "items.py").read_text()

    history_run = run("ask", "-w", str(py), "undo", "--apply", env=env)

    assert history_run.returncode == 0, history_run.stdout + history_run.stderr
    assert "Undid: Renamed `get_item_count` to `count_items`" in history_run.stdout
    assert (py / "items.py").read_text() == original
    again = run("ask", "-w", str(py), "undo", env=env)
    assert again.returncode == 2 and "Nothing to undo" in again.stdout


def test_a_later_process_never_undoes_over_changes_made_since(py, fake_model):
    env = {**os.environ, "OUTRIGGER_BASE_URL": fake_model.base_url}
    assert run("ask", "-w", str(py), "rename get_item_count to count_items", "--apply", env=env).returncode == 0
    with (py / "items.py").open("a") as handle:
        handle.write("\n# edited by hand afterwards\n")

    undo = run("ask", "-w", str(py), "undo", "--apply", env=env)

    assert undo.returncode == 2 and "changed since it was edited" in undo.stdout
    assert "# edited by hand afterwards" in (py / "items.py").read_text()


def test_the_project_tests_guard_can_be_switched_off_or_given_a_command(tmp_path, fake_model):
    (tmp_path / "calc.py").write_text("def double(x):\n    return x * 2\n")
    (tmp_path / "test_calc.py").write_text(
        "from calc import double\n\n\ndef test_double():\n    assert double(2) == 4\n"
    )
    breaking = "def double(x):\n    return x * 3\n"
    env = {**os.environ, "OUTRIGGER_BASE_URL": fake_model.base_url}
    request = "rewrite double in calc.py so it is clearer"
    set_trusted(tmp_path, True)  # the project's own tests run only in a folder the user trusts

    fake_model.script(breaking)
    guarded = run("ask", "-w", str(tmp_path), request, env=env)
    fake_model.script(breaking)
    unguarded = run("ask", "-w", str(tmp_path), request, "--tests", "never", env=env)
    fake_model.script(breaking)
    own_command = run("ask", "-w", str(tmp_path), request, "--test-command", f"{sys.executable} -c pass", env=env)

    assert guarded.returncode == 2 and "tests fail" in guarded.stdout, guarded.stdout
    assert unguarded.returncode == 0 and "+    return x * 3" in unguarded.stdout
    assert own_command.returncode == 0 and "-c pass" in own_command.stdout  # the check note names it


def test_bad_test_command_quoting_and_a_bad_model_url_are_one_clear_line(js):
    """Issue 19: both ended as exit 70, "internal error"."""
    quoting = run("ask", "-w", str(js), "fix validateToken", "--test-command", 'pytest "unclosed')
    assert quoting.returncode == 1 and "No closing quotation" in quoting.stderr, quoting.stderr
    for url in ("not a url", "ftp://example.com/v1", "http://[::1", "http://host:99999999/v1"):
        bad = run("ask", "-w", str(js), "--base-url", url, "explain validateToken")
        assert bad.returncode == 1, (url, bad.stderr)
        assert bad.stderr.startswith("outrigger: the model URL") and "internal error" not in bad.stderr


def test_an_answer_is_printed_as_the_model_writes_it(js, fake_model):
    """Issue 24: on two cores an answer takes seconds to write; it shows on stderr as it
    comes, and the whole answer is printed on stdout (a pipe gets it once)."""
    answer = "It checks that the user has a name and an email address."
    fake_model.script({"content": answer, "pause": 0.02})
    env = {**os.environ, "OUTRIGGER_BASE_URL": fake_model.base_url}

    result = run("ask", "-w", str(js), "what does validateUser do?", env=env)

    assert result.returncode == 0, result.stderr
    assert answer in result.stdout and answer in result.stderr
    assert fake_model.bodies()[-1]["stream"] is True
