"""Building an Agent over a copy of a fixture workspace, for tests and the benchmark's tests."""

from __future__ import annotations

import shutil
from pathlib import Path

from outrigger.agent import Agent, Outcome
from outrigger.config import ModelSettings, Settings
from outrigger.disk import apply_to_disk
from outrigger.model.client import ModelClient
from outrigger.workspace.files import Workspace
from outrigger.workspace.index import ProjectMap

FIXTURES = Path(__file__).resolve().parents[1] / "benchmarks" / "workspaces"


def write_files(root: Path, files: dict[str, str]) -> Path:
    """`root` with each of `files` (path → text) written, folders made as needed."""
    for path, text in files.items():
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        (root / path).write_text(text)
    return root


def copy_fixture(name: str, destination: Path) -> Path:
    root = destination / name
    shutil.copytree(FIXTURES / name, root)
    return root


def make_agent(root: Path, base_url: str, **model: object) -> Agent:
    settings = Settings(model=ModelSettings(base_url=base_url, **model))
    workspace = Workspace(root, settings.ignore)
    project_map = ProjectMap(workspace)
    project_map.build()
    return Agent(workspace, project_map, ModelClient(settings.model), settings)


def apply(agent: Agent, outcome: Outcome) -> None:
    """What a front end does once the user accepts: write, re-index, remember."""
    assert outcome.kind == "edit", outcome.message
    apply_to_disk(agent.workspace.root, outcome.edits)
    for edit in outcome.edits:
        agent.project_map.update(edit.path)
    agent.commit(outcome)
