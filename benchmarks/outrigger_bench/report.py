"""The table on the terminal, and the Markdown report with its chart."""

from __future__ import annotations

from pathlib import Path

COLUMNS = (
    ("config", 20),
    ("success", 9),
    ("unsafe", 7),
    ("fence", 6),
    ("json bad/fail", 13),
    ("misrouted", 10),
    ("calls/task", 10),
    ("tokens/task", 11),
    ("model s", 8),
    ("own s", 7),
    ("own %", 6),
    ("tests %", 7),
)


def row(config: str, s: dict) -> list[str]:
    return [
        config,
        f"{s['succeeded']}/{s['tasks']}",
        str(s["unsafe"]),
        str(s["fence_leaks"]),
        f"{s['json_invalid']}/{s['json_failed']}",
        f"{s['misrouted_questions']}/{s['question_tasks']}",
        f"{s['calls_per_task']:.2f}",
        f"{s['tokens_per_task']:.0f}",
        f"{s['model_seconds']:.1f}",
        f"{s['own_seconds']:.2f}",
        f"{100 * s['own_share']:.1f}",
        f"{100 * s.get('project_share', 0.0):.1f}",
    ]


def terminal_table(label: str, result: dict) -> str:
    """All tasks, then each suite on its own when there is more than one."""
    configs = result["configs"]
    suites = list(dict.fromkeys(name for data in configs.values() for name in data.get("suites", {})))
    lines = []
    for title, summaries in [(label, {c: d["summary"] for c, d in configs.items()})] + [
        (f"{label}: suite {name}", {c: d["suites"][name]["summary"] for c, d in configs.items() if name in d["suites"]})
        for name in (suites if len(suites) > 1 else [])
    ]:
        lines += [title, "  ".join(name.ljust(width) for name, width in COLUMNS)]
        for config, summary in summaries.items():
            cells = row(config, summary)
            lines.append("  ".join(cell.ljust(width) for cell, (_, width) in zip(cells, COLUMNS, strict=False)))
    return "\n".join(lines)


def write(data: dict, path: Path) -> None:
    from .markdown import render

    path.parent.mkdir(parents=True, exist_ok=True)
    chart = path.with_suffix(".png")
    has_chart = _chart(data, chart)
    path.write_text(render(data, chart.name if has_chart else None), encoding="utf-8")


def _chart(data: dict, path: Path) -> bool:
    """Success and unsafe outcomes per configuration, one group of bars per model."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return False
    models = list(data.get("models", {}).values())
    if not models:
        return False
    configs = list(models[0]["configs"])
    fig, axes = plt.subplots(1, 2, figsize=(13, 4.8), sharey=False)
    width = 0.8 / len(models)
    for index, model in enumerate(models):
        xs = [c + index * width - 0.4 + width / 2 for c in range(len(configs))]
        success = [100 * model["configs"].get(c, {}).get("summary", {}).get("success_rate", 0) for c in configs]
        unsafe = [model["configs"].get(c, {}).get("summary", {}).get("unsafe", 0) for c in configs]
        tasks = max((c.get("summary", {}).get("tasks", 0) for c in model["configs"].values()), default=0)
        axes[0].bar(xs, success, width, label=f"{model['label']} ({tasks} tasks)")
        axes[1].bar(xs, unsafe, width, label=model["label"])
    for axis, title in zip(axes, ("task success (%)", "unsafe outcomes (tasks)"), strict=False):
        axis.set_title(title)
        axis.set_xticks(range(len(configs)))
        axis.set_xticklabels(configs, rotation=35, ha="right", fontsize=8)
        axis.grid(axis="y", alpha=0.3)
    axes[0].set_ylim(0, 100)
    axes[0].legend(fontsize=7)
    fig.suptitle("Outrigger benchmark: guarded pipeline vs naive agent vs one guard off")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return True
