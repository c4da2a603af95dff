"""Planning a request without a model: the tests that say the rules and the map decide."""

from __future__ import annotations

from pathlib import Path

from agent_helpers import write_files
from outrigger.guards.stats import RepairStats
from outrigger.guards.switches import Guards
from outrigger.plan import Plan
from outrigger.planner import make_plan
from outrigger.workspace.files import Workspace
from outrigger.workspace.index import ProjectMap


class NoModel:
    """A model that fails the test when it is asked anything."""

    async def chat(self, messages, *, json_schema=None, max_tokens=None, variant=0):
        raise AssertionError(f"the model was asked to plan: {messages[-1]['content'][-200:]!r}")


async def plan_without_model(project_map: ProjectMap, request: str, cursor: str | None = None) -> Plan:
    """The plan the rules and the map make; `cursor` names the symbol the cursor is on."""
    at = project_map.find(cursor)[0] if cursor else None
    return await make_plan(
        request, project_map=project_map, model=NoModel(), guards=Guards(), stats=RepairStats(), cursor=at
    )


def map_of(root: Path, files: dict[str, str]) -> ProjectMap:
    """The map of a workspace of these files (path → text), built."""
    project_map = ProjectMap(Workspace(write_files(root, files)))
    project_map.build()
    return project_map
