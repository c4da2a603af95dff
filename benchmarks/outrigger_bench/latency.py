"""Where a request's time goes, per kind of task: p50/p95 of the wall time, split into the
model reading the prompt, the model writing the reply (llama.cpp's own timings), running
the project's tests and examples, and Outrigger's own work; with prompt and reply tokens.

Only tasks that called the model are timed (the map answers the others at once). A task's
wall time is its model time plus the rest of its elapsed time (the benchmark's checks count
for none): the project's tests may run beside the model (the "before" run starts with it),
so model + tests + own can be more than the wall time. Model time the server does not account for (HTTP, queueing, a call that failed)
shows as the difference between the model column and prompt + generation.
"""

from __future__ import annotations

import math

from .runner import TaskRun

FIELDS = ("wall", "prompt", "generation", "tests", "own", "prompt_tokens", "generated_tokens")


def percentile(values: list[float], share: float) -> float:
    """The nearest-rank percentile (`share` 0.5 = p50): a value that occurred."""
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def _columns(run: TaskRun) -> dict[str, float]:
    return {
        "wall": run.wall_seconds or run.model_seconds + run.project_seconds + run.own_seconds,
        "prompt": run.prompt_seconds,
        "generation": run.generation_seconds,
        "tests": run.project_seconds,
        "own": run.own_seconds,
        "prompt_tokens": run.prompt_tokens,
        "generated_tokens": run.completion_tokens,
    }


def latency(runs: list[TaskRun]) -> dict[str, dict]:
    """Per task category: the task count, model errors (timeouts among them), and p50/p95
    of every column over the tasks that asked the model (a question the map answers takes
    no time worth a row; it would make a p50 of zero), or over all when none did."""
    groups: dict[str, list[TaskRun]] = {}
    for run in runs:
        groups.setdefault(run.category, []).append(run)
    table = {}
    for category, everything in sorted(groups.items()):
        group = [run for run in everything if run.calls] or everything
        columns = [_columns(run) for run in group]
        row: dict = {
            "tasks": len(everything),
            "timed": len(group),
            "model_errors": sum(run.model_errors for run in everything),
        }
        for name in FIELDS:
            values = [c[name] for c in columns]
            row[name] = {"p50": round(percentile(values, 0.5), 3), "p95": round(percentile(values, 0.95), 3)}
        table[category] = row
    return table
