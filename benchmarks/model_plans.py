"""How well the model plans on its own: every benchmark request whose `plan` field gives the
right plan (the wording corpora, benchmarks/tasks/*_wording.json) is planned straight through
the model's path — the rules never see it — and the model's plan is compared with that one:
intent, symbol and new name for a single action; action, file and symbol of each step for a
task. The figure says how much of the planning the rules could ever leave to the model.

    flock /work/model.lock .venv/bin/python benchmarks/model_plans.py [--out results.jsonl]

`raw` scores the model's own JSON; `merged` scores it after the corrections the planner applies
to every model plan (a request worded as a question stays a question, the kind of edit its
words say, a rename put the right way round). Requests whose right plan the model cannot give
(a refusal, "do the same to X": the rules' alone) are left out and counted."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import time
from pathlib import Path
from typing import Any

from outrigger.config import ModelSettings, TaskSettings
from outrigger.errors import OutriggerError
from outrigger.guards.stats import RepairStats
from outrigger.guards.structured import structured_reply
from outrigger.guards.switches import Guards
from outrigger.model.client import ModelClient
from outrigger.model.embedded import EmbeddedServer
from outrigger.plan import Plan
from outrigger.planner import PLAN_TOKENS, _model_task
from outrigger.planner.constrained import plan_schema
from outrigger.planner.model_plan import PLAN, ModelPlan, merge_model_plan, oriented, prompt_for
from outrigger.workspace.files import Workspace
from outrigger.workspace.index import ProjectMap
from plan_snapshot import planned

BENCHMARKS = Path(__file__).resolve().parent


def corpus(by_rules: bool = False) -> tuple[list[tuple[str, str, dict[str, Any]]], int]:
    """(workspace, request, right plan) for each request the model could plan, and how many
    were left out (refusals, repeats). `by_rules`: every request of the benchmark's own
    workspaces instead, the rules' plan taken as the right one where they settle it."""
    cases, left_out = [], 0
    maps: dict[str, ProjectMap] = {}
    for path in sorted((BENCHMARKS / "tasks").glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        if by_rules and not (BENCHMARKS / "workspaces" / data["workspace"]).is_dir():
            continue  # a real project, unpacked only by the benchmark
        for task in data["tasks"]:
            for step in task["steps"]:
                expected = _by_rules(step["request"], _map(data["workspace"], maps)) if by_rules else step.get("plan")
                if expected is None:
                    continue
                if "refused" in expected or expected.get("intent") == "repeat":
                    left_out += 1
                    continue
                cases.append((data["workspace"], step["request"], expected))
    return cases, left_out


def _map(workspace: str, maps: dict[str, ProjectMap]) -> ProjectMap:
    if workspace not in maps:
        maps[workspace] = ProjectMap(Workspace(BENCHMARKS / "workspaces" / workspace))
        maps[workspace].build()
    return maps[workspace]


def _by_rules(request: str, project_map: ProjectMap) -> dict[str, Any] | None:
    """The rules' plan in the corpus's form; None when they leave the request to the model."""
    plan = planned(request, project_map)
    if plan == "MODEL":
        return None
    if isinstance(plan, str):
        return {"refused": plan}
    if plan["intent"] == "task":
        return {"intent": "task", "steps": [[s["action"], s["file"], s.get("symbol")] for s in plan["steps"]]}
    keys = ("symbol", "new_name") if plan["intent"] == "rename" else ("symbol",)
    return {"intent": plan["intent"], **{key: plan.get(key) for key in keys}}


def misses(plan: dict[str, Any], expected: dict[str, Any]) -> list[str]:
    """The fields where the model's plan differs from the right one."""
    if expected["intent"] == "task":
        steps = [[s["action"], s["file"], s.get("symbol")] for s in plan.get("steps", [])]
        return [] if steps == expected["steps"] else [f"steps {steps}"]
    return [
        f"{key} {plan.get(key)!r}"
        for key in ("intent", "symbol", "new_name")
        if key in expected and plan.get(key) != expected[key]
    ]


async def single(request: str, project_map: ProjectMap, model: ModelClient) -> tuple[dict, dict]:
    """The model's plan of one action, as it replied and as the planner corrects it."""
    reply = await structured_reply(
        model,
        prompt_for(PLAN, request, project_map),
        ModelPlan,
        RepairStats(),
        schema_name="plan",
        max_tokens=PLAN_TOKENS,
        json_schema=plan_schema(request, project_map, None),
    )
    merged = oriented(merge_model_plan(request, reply, cursor_symbol=None, cursor_file=None), project_map)
    return reply.model_dump(mode="json"), merged.model_dump(mode="json")


def _task_dump(plan: Plan) -> dict:
    return {"intent": "task", "steps": [s.model_dump(mode="json") for s in plan.steps]}


async def run(model: ModelClient, by_rules: bool, start: int, out: Path | None) -> dict[str, Any]:
    cases, left_out = await asyncio.to_thread(corpus, by_rules)  # the rules' plans run their own event loop
    maps: dict[str, ProjectMap] = {}
    rows = []
    for number, (workspace, request, expected) in enumerate(cases, 1):
        if number <= start:
            continue  # done in an earlier run (a hold of the model is kept short)
        project_map = _map(workspace, maps)
        started, calls = time.perf_counter(), model.stats.calls
        prompt_tokens, prompt_seconds = model.stats.prompt_tokens, model.stats.prompt_seconds
        try:
            if expected["intent"] == "task":
                plan = _task_dump(
                    await _model_task(request, project_map, model, Guards(), RepairStats(), TaskSettings().max_steps)
                )
                raw = merged = plan
            else:
                raw, merged = await single(request, project_map, model)
        except OutriggerError as error:
            raw = merged = {"refused": str(error)}
        row = {
            "workspace": workspace,
            "request": request,
            "expected": expected,
            "raw": raw,
            "merged": merged,
            "raw_misses": misses(raw, expected) if "refused" not in raw else ["refused"],
            "merged_misses": misses(merged, expected) if "refused" not in merged else ["refused"],
            "seconds": round(time.perf_counter() - started, 2),
            "calls": model.stats.calls - calls,
            "prompt_tokens": model.stats.prompt_tokens - prompt_tokens,
            "prompt_seconds": round(model.stats.prompt_seconds - prompt_seconds, 2),
        }
        rows.append(row)
        if out:
            with out.open("a", encoding="utf-8") as lines:
                lines.write(json.dumps(row) + "\n")
        mark = "ok" if not row["raw_misses"] else "MISS " + "; ".join(row["raw_misses"])
        print(f"[{number}/{len(cases)}] {row['seconds']:5.1f}s {request[:70]!r}: {mark}", file=sys.stderr, flush=True)
    return {"rows": rows, "left_out": left_out}


def summary(result: dict[str, Any]) -> str:
    rows = result["rows"]
    total = len(rows)
    raw = sum(not r["raw_misses"] for r in rows)
    merged = sum(not r["merged_misses"] for r in rows)
    seconds = sorted(r["seconds"] for r in rows)
    prompt = sum(r["prompt_tokens"] for r in rows) / max(total, 1)
    reading = sum(r["prompt_seconds"] for r in rows) / max(total, 1)
    return (
        f"model-only plans: raw {raw}/{total} = {raw / max(total, 1):.0%}, "
        f"after the planner's corrections {merged}/{total} = {merged / max(total, 1):.0%} "
        f"({result['left_out']} left out: refusals and repeats); "
        f"median {seconds[len(seconds) // 2] if seconds else 0:.1f} s a request, {prompt:.0f} prompt tokens and {reading:.1f} s reading them on average"
    )


async def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--base-url", help="an OpenAI-compatible server (default: the embedded model)")
    parser.add_argument("--out", type=Path, help="add one JSON line per request to this file")
    parser.add_argument("--start", type=int, default=0, help="skip the first START requests")
    parser.add_argument(
        "--by-rules", action="store_true", help="every request of the benchmark's workspaces, against the rules' plan"
    )
    args = parser.parse_args()
    server = None if args.base_url else EmbeddedServer()
    # Built as the editor builds it: the embedded server's prompt cache is used.
    model = (
        ModelClient(ModelSettings(base_url=args.base_url))
        if server is None
        else ModelClient(ModelSettings(), base_url_provider=server.start)
    )
    try:
        result = await run(model, args.by_rules, args.start, args.out)
    finally:
        await model.aclose()
        if server is not None:
            await server.stop()
    print(summary(result))
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
