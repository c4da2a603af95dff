"""Plan every request of every benchmark task file without a model and write one JSON line per
request: the plan, "MODEL" (the rules left it to the model) or the refusal. Run it before and
after a change to the planner and diff the two files: a changed plan must be an improvement
or a request that now goes to the model, never a silent misread (issue 21).

    .venv/bin/python benchmarks/plan_snapshot.py > before.jsonl   # … change the planner …
    .venv/bin/python benchmarks/plan_snapshot.py > after.jsonl && diff before.jsonl after.jsonl

The planner tests' own requests are recorded the same way by wrapping `make_plan` in a pytest
plugin; the task files are what this script covers."""

from __future__ import annotations

import asyncio
import json
import sys
from pathlib import Path

from outrigger.errors import Refused
from outrigger.guards.stats import RepairStats
from outrigger.guards.switches import Guards
from outrigger.planner import make_plan
from outrigger.workspace.files import Workspace
from outrigger.workspace.index import ProjectMap

BENCHMARKS = Path(__file__).resolve().parent


class ModelAsked(Exception):
    pass


class NoModel:
    async def chat(self, messages, *, json_schema=None, max_tokens=None, variant=0):
        raise ModelAsked


def planned(request: str, project_map: ProjectMap) -> object:
    try:
        plan = asyncio.run(
            make_plan(request, project_map=project_map, model=NoModel(), guards=Guards(), stats=RepairStats())
        )
    except ModelAsked:
        return "MODEL"
    except Refused as refused:
        return f"REFUSED: {refused}"
    return plan.model_dump(mode="json", exclude_defaults=True, exclude={"instruction"})


def main() -> None:
    maps: dict[str, ProjectMap] = {}
    for path in sorted((BENCHMARKS / "tasks").glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        root = BENCHMARKS / "workspaces" / data["workspace"]
        if not root.is_dir():
            continue  # a real project, unpacked only by the benchmark
        if data["workspace"] not in maps:
            maps[data["workspace"]] = ProjectMap(Workspace(root))
            maps[data["workspace"]].build()
        requests = dict.fromkeys(step["request"] for task in data["tasks"] for step in task["steps"])
        for request in requests:
            line = {"workspace": data["workspace"], "request": request}
            line["plan"] = planned(request, maps[data["workspace"]])
            sys.stdout.write(json.dumps(line, sort_keys=True) + "\n")


if __name__ == "__main__":
    main()
