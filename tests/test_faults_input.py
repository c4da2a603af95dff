"""Bad input: huge, binary and non-UTF-8 files, files outside the workspace, a workspace
with no supported language, and empty, NUL-laden or absurdly long requests. Each gets a
clear refusal (or is skipped by the index), quickly, without a model call."""

from __future__ import annotations

import time

import pytest

import outrigger.planner as planner
from agent_helpers import copy_fixture, make_agent
from outrigger.actions import question
from outrigger.agent import MAX_REQUEST_CHARS


@pytest.fixture
def js(tmp_path):
    root = copy_fixture("js_auth", tmp_path)
    (root / "big.js").write_text("// " + "x" * 1_100_000 + "\n")
    (root / "blob.js").write_bytes(b"\x00\x01\x02binary" * 100)
    (root / "latin.js").write_bytes(b"// caf\xe9\nfunction latin() {}\n")
    (tmp_path / "outside.js").write_text("function outside() {}\n")
    return root


@pytest.mark.parametrize(
    "path, reason",
    [
        ("big.js", "larger than 1 MB"),
        ("blob.js", "binary"),
        ("latin.js", "not UTF-8"),
    ],
)
async def test_unreadable_files_are_skipped_and_refused(js, fake_model, path, reason):
    agent = make_agent(js, fake_model.base_url)
    assert path not in agent.project_map.files()
    assert reason in agent.project_map.skipped[path]
    for request in (f"how many lines does {path} have", f"add a function that logs to {path}"):
        outcome = await agent.ask(request)
        assert outcome.kind == "refused" and reason in outcome.message, outcome.message
    assert fake_model.requests() == []


@pytest.mark.parametrize("path", ["../outside.js", "/etc/hosts.js", "src/../../outside.js", "..\\outside.js"])
async def test_files_outside_the_workspace_are_refused(js, fake_model, path):
    agent = make_agent(js, fake_model.base_url)
    outcome = await agent.ask(f"add a function that logs to {path}")
    assert outcome.kind == "refused" and "outside the workspace" in outcome.message, outcome.message
    assert fake_model.requests() == []


@pytest.fixture
def no_code(tmp_path):
    root = tmp_path / "docs_only"
    root.mkdir()
    (root / "README.md").write_text("# Notes\n")
    (root / "data.json").write_text('{"a": 1}\n')
    return root


@pytest.mark.parametrize(
    "request_text",
    [
        "fix validateUser",
        "what does validateUser do?",
        "rename a to b",
        "add a function that logs to main.py",
        "how many functions are there?",
        "explain README.md",
    ],
)
async def test_a_workspace_with_no_supported_language(no_code, fake_model, request_text):
    fake_model.script('{"intent": "question"}', "An answer.")
    agent = make_agent(no_code, fake_model.base_url)
    assert agent.project_map.files() == []
    outcome = await agent.ask(request_text)
    assert outcome.kind in ("refused", "answer") and outcome.edits == []
    assert outcome.message.strip()


@pytest.mark.parametrize(
    "request_text, expected",
    [
        ("", "empty"),
        ("   \n\t", "empty"),
        ("\x00", "NUL"),
        ("fix validateUser\x00 in src/auth.js", "NUL"),
        ("add a docstring to validateUser " * 10_000, "characters long"),
        ("how many lines does utils.js have " * 40_000, "characters long"),
    ],
)
async def test_bad_requests_are_refused_before_any_model_call(js, fake_model, request_text, expected):
    agent = make_agent(js, fake_model.base_url)
    started = time.perf_counter()
    outcome = await agent.ask(request_text)
    assert time.perf_counter() - started < 2
    assert outcome.kind == "refused" and expected in outcome.message
    assert fake_model.requests() == []


def _reading(function, lengths: list[int]):
    """`function`, noting how long a text each call is given (its first text argument)."""

    def reads(*args, **kwargs):
        lengths.append(next((len(a) for a in args if isinstance(a, str)), 0))
        return function(*args, **kwargs)

    return reads


@pytest.mark.parametrize("word", ["add ", "what ", "add a docstring to ", "add type "])
async def test_a_pathological_request_under_the_cap_is_read_a_bounded_number_of_times(
    js, fake_model, word, monkeypatch
):
    """The rules' patterns cost O(n²) on repetitive text ("add add add …"), and the catalogue
    search once re-read the question for every entry. Work, not wall time: the rules read at most
    MAX_RULE_CHARS of the request (the model reads it all), the catalogue search reads it once."""
    rules: list[int] = []
    for name in ("normalize", "read", "merge_model_plan"):
        monkeypatch.setattr(planner, name, _reading(getattr(planner, name), rules))
    stemmed: list[int] = []
    monkeypatch.setattr(question, "_stems", _reading(question._stems, stemmed))
    fake_model.script('{"intent": "question"}', "An answer.", '{"intent": "question"}')
    agent = make_agent(js, fake_model.base_url)
    request = (word * MAX_REQUEST_CHARS)[:MAX_REQUEST_CHARS]

    outcome = await agent.ask(request)

    assert outcome.kind in ("refused", "answer", "edit")
    assert rules and max(rules) <= planner.MAX_RULE_CHARS
    assert request in fake_model.requests()[0]["body"]["messages"][-1]["content"]  # the model reads it whole
    assert sum(length >= MAX_REQUEST_CHARS for length in stemmed) <= 1
