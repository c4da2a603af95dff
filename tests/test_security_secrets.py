"""Secrets never reach the model: `.env`, keys, the configurable ignore list, gitignored
paths, and symlinks with innocent names that lead to any of them. Every assertion is on
the prompts the fake model server actually received."""

from __future__ import annotations

import json
import os

import pytest

from agent_helpers import copy_fixture
from outrigger.agent import Agent
from outrigger.config import ModelSettings, Settings
from outrigger.model.client import ModelClient
from outrigger.workspace.files import Workspace
from outrigger.workspace.index import ProjectMap

SECRET = "SECRET-d41d8cd98f"
SECRET_FILES = [
    ".env",
    ".env.production",
    "server.pem",
    "deploy.key",
    "id_rsa",
    "id_ed25519.pub",
    ".npmrc",
    "secrets.js",
    "config.secret.js",
]
LINKS = {"env_alias.js": ".env", "key_alias.js": "id_rsa", "src/settings.js": "../config.secret.js"}


@pytest.fixture
def root(tmp_path):
    root = copy_fixture("js_auth", tmp_path)
    for name in SECRET_FILES:
        (root / name).write_text(f'const key = "{SECRET}";\n' if name.endswith(".js") else f"KEY={SECRET}\n")
    (root / ".gitignore").write_text("private/\n*.local.js\n")
    (root / "private").mkdir()
    (root / "private" / "vault.js").write_text(f'function vault() {{ return "{SECRET}"; }}\n')
    (root / "keys.local.js").write_text(f'function keys() {{ return "{SECRET}"; }}\n')
    for link, target in LINKS.items():
        os.symlink(target, root / link)
    return root


@pytest.fixture
def hard_links(root, tmp_path):
    """Hard links: other names of the same file, which say nothing of what it holds (round 6)."""
    outside = tmp_path / "credentials"
    outside.write_text(f'const key = "{SECRET}";\n')
    os.link(root / ".env", root / "env_copy.js")
    os.link(outside, root / "vendor.js")
    return ["env_copy.js", "vendor.js"]


def agent_for(root, fake_model) -> Agent:
    settings = Settings(model=ModelSettings(base_url=fake_model.base_url))
    settings.ignore.append("*.secret.js")  # the configurable list, on top of the defaults
    workspace = Workspace(root, settings.ignore)
    project_map = ProjectMap(workspace)
    project_map.build()
    return Agent(workspace, project_map, ModelClient(settings.model), settings)


def sent(fake_model) -> str:
    return json.dumps(fake_model.bodies())


def test_the_index_holds_no_secret_ignored_or_linked_file(root, fake_model):
    agent = agent_for(root, fake_model)
    files = agent.project_map.files()
    assert files == ["src/auth.js", "src/session.js", "src/user.js", "test.js", "utils.js"]
    for path in SECRET_FILES + list(LINKS) + ["private/vault.js", "keys.local.js"]:
        assert agent.workspace.is_ignored(path), path


@pytest.mark.parametrize(
    "path", SECRET_FILES + list(LINKS) + ["private/vault.js", "keys.local.js", "./.ENV", "src/../.env"]
)
async def test_asking_about_a_secret_file_never_sends_it(root, fake_model, path):
    fake_model.script("It holds a key.", "It holds a key.")
    agent = agent_for(root, fake_model)
    for request in (f"how many lines does {path} have", f"what is in {path}?", f"explain the code in `{path}`"):
        outcome = await agent.ask(request)
        assert outcome.kind in ("refused", "answer") and not outcome.edits
    assert SECRET not in sent(fake_model)


@pytest.mark.parametrize(
    "path", [".env", "id_rsa", "config.secret.js", "env_alias.js", "src/settings.js", "private/vault.js"]
)
async def test_adding_code_to_a_secret_file_is_refused_unsent(root, fake_model, path):
    # The rules cannot place ".env"; the model's plan names the file, the map refuses it.
    plan = json.dumps({"intent": "add", "symbol": None, "file": path, "new_name": None})
    fake_model.script(plan, "const stolen = 1;")
    agent = agent_for(root, fake_model)
    outcome = await agent.ask(f"add code to {path}")
    assert outcome.kind == "refused" and not outcome.edits
    assert "ignore" in outcome.message or "links to" in outcome.message
    assert SECRET not in sent(fake_model)


async def test_work_next_to_secrets_sends_only_the_target_file(root, fake_model):
    fake_model.script("It checks a user.")
    agent = agent_for(root, fake_model)
    outcome = await agent.ask("what does validateUser do?")
    assert outcome.kind == "answer"
    prompt = sent(fake_model)
    assert SECRET not in prompt
    assert "src/auth.js" in prompt


async def test_the_planner_lists_no_secret_file_names(root, fake_model):
    fake_model.script(json.dumps({"intent": "question", "symbol": "validateUser"}), "It checks a user.")
    agent = agent_for(root, fake_model)
    await agent.ask("tell me about validateUser please")
    plan_prompt = json.dumps(fake_model.bodies()[0]["messages"])
    assert "src/auth.js" in plan_prompt
    for name in SECRET_FILES + list(LINKS) + ["vault.js", "keys.local.js"]:
        assert name not in plan_prompt, name


async def test_a_hard_link_to_a_secret_is_never_sent(root, fake_model, hard_links):
    fake_model.script(*["It holds a key."] * 6)
    agent = agent_for(root, fake_model)

    assert not set(hard_links) & set(agent.project_map.files())
    for path in hard_links:
        assert agent.workspace.is_ignored(path), path
        for request in (f"what is in {path}?", f"explain the code in `{path}`"):
            outcome = await agent.ask(request)
            assert outcome.kind in ("refused", "answer") and not outcome.edits
    assert SECRET not in sent(fake_model)
