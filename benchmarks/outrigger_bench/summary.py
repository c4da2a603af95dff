"""Per-configuration figures from the task runs: the numbers the table and report show."""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, fields

from .checks import UNSAFE_KINDS
from .latency import latency
from .runner import TaskRun


def summarise(runs: list[TaskRun]) -> dict:
    tasks = len(runs) or 1
    repair: Counter = Counter()
    for run in runs:
        repair.update(run.repair)
    unsafe_kinds = Counter(kind for run in runs for kind in run.unsafe)
    model = sum(r.model_seconds for r in runs)
    own = sum(r.own_seconds for r in runs)
    project = sum(r.project_seconds for r in runs)
    wall = model + own + project
    requests = sum(len(r.steps) for r in runs)
    questions = [r for r in runs if r.category == "question"]
    return {
        "tasks": len(runs),
        "succeeded": sum(r.success for r in runs),
        "success_rate": round(sum(r.success for r in runs) / tasks, 4),
        "unsafe": sum(bool(r.unsafe) for r in runs),
        "unsafe_kinds": {kind: unsafe_kinds[kind] for kind in UNSAFE_KINDS},
        "fence_leaks": sum(r.fence_leak for r in runs),
        "json_invalid": repair["json_invalid"],
        "json_failed": repair["json_failed"],
        "json_retried": repair["json_retried"],
        "json_repaired": repair["json_repaired"],
        "fences_stripped": repair["fences_stripped"],
        "misrouted_questions": sum(r.misrouted for r in runs),
        "question_tasks": len(questions),
        "requests": requests,
        "calls": sum(r.calls for r in runs),
        "calls_per_task": round(sum(r.calls for r in runs) / tasks, 3),
        "tokens_per_task": round(sum(r.prompt_tokens + r.completion_tokens for r in runs) / tasks, 1),
        "model_seconds": round(model, 3),
        "own_seconds": round(own, 3),
        "project_seconds": round(project, 3),
        "wall_seconds": round(wall, 3),
        "own_share": round(own / wall, 5) if wall else 0.0,
        "project_share": round(project / wall, 5) if wall else 0.0,
        "own_ms_per_request": round(1000 * own / (requests or 1), 2),
        "model_ms_per_request": round(1000 * model / (requests or 1), 1),
    }


def by_suite(runs: list[TaskRun]) -> dict[str, dict]:
    """Each suite's summary, and within it one success/unsafe row per tag."""
    suites: dict[str, list[TaskRun]] = {}
    for run in runs:
        suites.setdefault(run.suite, []).append(run)
    return {
        name: {"summary": summarise(group), "tags": _by_tag(group), "latency": latency(group)}
        for name, group in suites.items()
    }


def _by_tag(runs: list[TaskRun]) -> dict[str, dict]:
    tags: dict[str, list[TaskRun]] = {}
    for run in runs:
        for tag in run.tags:
            tags.setdefault(tag, []).append(run)
    return {
        tag: {
            "tasks": len(group),
            "succeeded": sum(r.success for r in group),
            "unsafe": sum(bool(r.unsafe) for r in group),
            "calls_per_task": round(sum(r.calls for r in group) / len(group), 3),
        }
        for tag, group in sorted(tags.items())
    }


def config_result(runs: list[TaskRun]) -> dict:
    """What the results file keeps for one configuration."""
    return {"summary": summarise(runs), "suites": by_suite(runs), "tasks": runs_as_dicts(runs)}


def runs_as_dicts(runs: list[TaskRun]) -> list[dict]:
    return [asdict(run) for run in runs]


def runs_from_dicts(rows: list[dict]) -> list[TaskRun]:
    """Task runs read back from a results file (fields it lacks keep their defaults)."""
    known = {f.name for f in fields(TaskRun)}
    return [TaskRun(**{k: v for k, v in row.items() if k in known}) for row in rows]


def merge_runs(old: list[dict], new: list[TaskRun]) -> list[TaskRun]:
    """An earlier run's tasks with this run's replacing the same ids: running one suite
    (or a few tasks) again keeps the rest of the model's results."""
    fresh = {run.task for run in new}
    return [run for run in runs_from_dicts(old) if run.task not in fresh] + new
