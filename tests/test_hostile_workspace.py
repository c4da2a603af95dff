"""A hostile workspace: secret files under every name scanners know, a file nested hundreds of
levels deep, .gitignore files that crash or stall a matcher, a workspace as big as `/`. The
index survives each one, bounded, and says what it skipped and why."""

from __future__ import annotations

import json
import time

import pytest

from agent_helpers import copy_fixture, make_agent
from outrigger.config import IndexSettings, Settings
from outrigger.errors import Refused
from outrigger.session import Session
from outrigger.workspace.files import Workspace
from outrigger.workspace.index import ProjectMap

SECRET = "SECRET-5ebe2294ecd0e0f08eab7690d2a6ee69"


def indexed(root, **limits) -> ProjectMap:
    project_map = ProjectMap(Workspace(root), IndexSettings(**limits)) if limits else ProjectMap(Workspace(root))
    project_map.build()
    return project_map


# -- secrets (item 8) -----------------------------------------------------------------------

SCANNER_SECRETS = [
    "id_dsa",
    "id_ecdsa",
    "deploy_ed25519",
    ".aws/credentials",
    ".ssh/config",
    ".git-credentials",
    ".pgpass",
    ".envrc",
    "credentials.json",
    "client_secret_1234.json",
    "prod.env",
    "terraform.tfvars",
    "state.tfstate",
    ".docker/config.json",
    ".kube/config",
    ".bash_history",
    "keystore.jks",
]


@pytest.mark.parametrize("path", SCANNER_SECRETS)
async def test_files_secret_scanners_know_never_reach_the_model(tmp_path, fake_model, path):
    root = copy_fixture("js_auth", tmp_path)
    (root / path).parent.mkdir(parents=True, exist_ok=True)
    (root / path).write_text(f"token = {SECRET}\n")
    # The model's plan names the file (the rules cannot place a name without an extension).
    plan = json.dumps({"intent": "question", "file": path})
    fake_model.script(plan, "It holds a token.", plan, "It holds a token.")
    agent = make_agent(root, fake_model.base_url)
    for request in (f"look at {path}", f"read {path}"):
        outcome = await agent.ask(request)
        assert outcome.kind == "refused" and "ignore list" in outcome.message, outcome.message
    assert SECRET not in json.dumps(fake_model.bodies())


def test_a_users_ignore_setting_adds_to_the_defaults(tmp_path):
    settings = Settings.model_validate({"ignore": ["*.generated.js"]})
    workspace = Workspace(tmp_path, settings.ignore)
    assert workspace.is_ignored("api.generated.js")
    assert workspace.is_ignored(".env") and workspace.is_ignored("id_rsa")


async def test_an_ignore_change_at_run_time_is_applied_and_reindexed(tmp_path):
    root = copy_fixture("js_auth", tmp_path)
    session = Session(root, Settings())
    await session.index(lambda *_: None)
    assert session.project_map.find("validateToken")

    await session.use_settings(Settings.model_validate({"ignore": ["src/auth.js"]}))

    assert session.workspace.is_ignored("src/auth.js") and session.workspace.is_ignored(".env")
    assert session.project_map.find("validateToken") == []
    with pytest.raises(Refused, match="ignore list"):
        session.project_map.require_file("src/auth.js")


# -- a file nested too deeply (item 11) -----------------------------------------------------


def nested(levels: int) -> str:
    return "".join("    " * i + "if x:\n" for i in range(levels)) + "    " * levels + "pass(\n"


async def test_a_deeply_nested_file_is_skipped_and_every_request_still_works(tmp_path, fake_model):
    root = copy_fixture("py_items", tmp_path)
    (root / "deep.py").write_text(nested(600))
    fake_model.script("It returns the item.")
    agent = make_agent(root, fake_model.base_url)

    # The language table's extractor walks without recursion and indexes it; a reader that
    # recursed would skip it with the reason. Either way nothing crashes.
    skipped = agent.project_map.skipped.get("deep.py", "")
    assert "deep.py" in agent.project_map.files() or "nested too deeply" in skipped
    outcome = await agent.ask("what does get_item do?")
    assert outcome.kind == "answer", outcome.message
    refused = await agent.ask("fix f in deep.py")
    assert refused.kind == "refused" and ("nested too deeply" in refused.message or "`f`" in refused.message)


# -- .gitignore files that crash or stall a matcher (item 12) -------------------------------


def test_a_gitignore_range_git_accepts_does_not_crash_the_index(tmp_path):
    (tmp_path / ".gitignore").write_text("[z-a]\ngenerated/\n")
    (tmp_path / "generated").mkdir()
    (tmp_path / "generated" / "gen.py").write_text("def gen():\n    pass\n")
    (tmp_path / "z.py").write_text("def z():\n    pass\n")
    project_map = indexed(tmp_path)
    assert project_map.files() == ["z.py"]  # the bad line matches nothing; the next one still counts


def test_a_backtracking_gitignore_pattern_takes_no_time(tmp_path):
    (tmp_path / ".gitignore").write_text("*a*a*a*a*a*a*a*a*a*a*a*a*b\n")
    (tmp_path / ("a" * 60 + ".py")).write_text("def a():\n    pass\n")
    started = time.perf_counter()
    project_map = indexed(tmp_path)
    assert time.perf_counter() - started < 5  # a backtracking matcher takes hours on this name
    assert project_map.files() == ["a" * 60 + ".py"]


async def test_a_gitignore_that_is_a_folder_counts_as_none(tmp_path, fake_model):
    (tmp_path / ".gitignore").mkdir()
    (tmp_path / "items.py").write_text("def get_item(key):\n    return key\n")
    fake_model.script("def hello():\n    return 1\n")
    agent = make_agent(tmp_path, fake_model.base_url)
    assert agent.project_map.files() == ["items.py"]
    outcome = await agent.ask("add a function hello that returns 1 to items.py")
    assert outcome.kind == "edit", outcome.message


# -- bounded indexing (item 13) -------------------------------------------------------------


def many_files(root, count):
    for n in range(count):
        (root / f"m{n:03d}.py").write_text(f"def f{n}():\n    return {n}\n")


@pytest.mark.parametrize(
    "limits, setting",
    [
        ({"max_files": 5}, "maxFiles"),
        ({"max_bytes": 100}, "maxBytes"),
        ({"max_seconds": 0.000001}, "maxSeconds"),
    ],
)
def test_indexing_stops_at_each_limit_and_says_which(tmp_path, limits, setting):
    many_files(tmp_path, 40)
    project_map = indexed(tmp_path, **limits)
    assert len(project_map.files()) < 40
    assert project_map.incomplete and f"outrigger.index.{setting}" in project_map.incomplete
    with pytest.raises(Refused, match=f"outrigger.index.{setting}"):
        project_map.require_symbol("f39", None)


def test_a_complete_index_says_nothing(tmp_path):
    many_files(tmp_path, 10)
    project_map = indexed(tmp_path)
    assert len(project_map.files()) == 10 and project_map.incomplete is None


async def test_the_session_reports_progress_and_the_limit_it_hit(tmp_path, monkeypatch):
    many_files(tmp_path, 30)
    monkeypatch.setattr("outrigger.workspace.index._PROGRESS_SECONDS", 0.0)
    reports: list[str] = []
    settings = Settings.model_validate({"index": {"maxFiles": 20}})
    session = Session(tmp_path, settings)
    await session.index(lambda message, percent=None: reports.append(message))
    assert any(report.startswith("indexing… ") and "files" in report for report in reports[1:])
    assert "outrigger.index.maxFiles" in reports[-1]
    assert len(session.project_map.files()) == 20


# -- what a skipped file is called (item 14) ------------------------------------------------


async def test_a_symbol_in_a_skipped_file_is_refused_with_the_reason_it_was_skipped(tmp_path, fake_model):
    (tmp_path / "huge.py").write_text("def f1():\n    pass\n" + "#" * 1_100_000 + "\n")
    (tmp_path / "small.py").write_text("def f2():\n    pass\n")
    agent = make_agent(tmp_path, fake_model.base_url)
    outcome = await agent.ask("fix f1 in huge.py")
    assert outcome.kind == "refused"
    assert "larger than 1 MB" in outcome.message and "`f1`" in outcome.message
    anywhere = await agent.ask("fix f1")
    assert anywhere.kind == "refused" and "huge.py" in anywhere.message
    assert fake_model.requests() == []
