"""A question about one function of a 1,000-line module (issue 24: "what does thread_first
do?" on a real project took 57 s, 2,847 prompt tokens). The suites' workspaces are small,
so the module is written at run time: filler functions around a few real ones, each
question about a different one (so none is a repeat), asked with today's prompts and with
the earlier whole-file prompts on the same server.
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

from outrigger.actions.context import PromptContext
from outrigger.agent import Agent
from outrigger.config import Settings
from outrigger.workspace.files import Workspace
from outrigger.workspace.index import ProjectMap

from .latency import percentile
from .runner import MeteredModel

# (function, its code, a word a right answer uses)
FUNCTIONS = (
    (
        "shipping_cost",
        'def shipping_cost(weight, zone):\n    """What sending a parcel costs, in cents."""\n'
        '    rate = zone_rate(zone)\n    if weight > 30:\n        raise ValueError("too heavy")\n'
        "    return round(weight * rate + HANDLING)\n",
        "cost",
    ),
    (
        "zone_rate",
        'def zone_rate(zone):\n    """Cents per kilogram for a delivery zone."""\n    return 100 + 40 * zone\n',
        "zone",
    ),
    (
        "tracking_code",
        "def tracking_code(parcel_id, zone):\n    prefix = 'Z' + str(zone)\n"
        "    return prefix + '-' + str(parcel_id).zfill(8)\n",
        "code",
    ),
    (
        "is_deliverable",
        "def is_deliverable(weight, zone):\n    if zone not in ZONES:\n        return False\n    return weight <= 30\n",
        "deliver",
    ),
)
PROMPTS: dict[str, PromptContext] = {"guarded": "symbol", "file prompts": "file"}


def write_module(root: Path) -> Path:
    """shipping.py: about 1,000 lines, the real functions spread among fillers."""
    filler = [
        f'def filler_{n}(values):\n    """Filler number {n}."""\n    total = 0\n    for v in values:\n'
        f"        total += v * {n}\n    return total\n\n\n"
        for n in range(124)
    ]
    parts = ["import math\nfrom decimal import Decimal\n\nHANDLING = 250\nZONES = (1, 2, 3)\n\n\n"]
    step = len(filler) // len(FUNCTIONS)
    for index, (_, code, _) in enumerate(FUNCTIONS):
        parts += filler[index * step : (index + 1) * step] + [code + "\n\n"]
    parts += filler[len(FUNCTIONS) * step :]
    parts.append("def quote(order):\n    return shipping_cost(order.weight, order.zone)\n")
    (root / "shipping.py").write_text("".join(parts))
    return root


async def measure(model: MeteredModel, settings: Settings, questions: int) -> dict:
    """Per prompt shape: p50/p95 of the wall, prompt and generation seconds and tokens of
    `questions` questions, and how many answers used the word a right one needs."""
    out = {}
    with tempfile.TemporaryDirectory(prefix="outrigger-bench-long-") as tmp:
        root = write_module(Path(tmp))
        workspace = Workspace(root, settings.ignore)
        project_map = ProjectMap(workspace)
        project_map.build()
        lines = (root / "shipping.py").read_text().count("\n")
        for config, shape in PROMPTS.items():
            rows = []
            for name, _, word in FUNCTIONS[:questions]:
                agent = Agent(workspace, project_map, model, settings)
                agent.prompt_context = shape
                stats = model.stats
                before = (stats.prompt_tokens, stats.completion_tokens, stats.prompt_seconds, stats.generation_seconds)
                failed = model.failed_calls
                started = time.perf_counter()
                outcome = await agent.ask(f"what does {name} do?")
                rows.append(
                    {
                        "wall": time.perf_counter() - started,
                        "prompt_tokens": stats.prompt_tokens - before[0],
                        "generated_tokens": stats.completion_tokens - before[1],
                        "prompt": stats.prompt_seconds - before[2],
                        "generation": stats.generation_seconds - before[3],
                        "right": outcome.kind == "answer" and word in outcome.message.lower(),
                        "errors": model.failed_calls - failed,
                    }
                )
            out[config] = {
                "questions": len(rows),
                "lines": lines,
                "right": sum(row["right"] for row in rows),
                "model_errors": sum(row["errors"] for row in rows),
                **{
                    name: {
                        "p50": round(percentile([row[name] for row in rows], 0.5), 3),
                        "p95": round(percentile([row[name] for row in rows], 0.95), 3),
                    }
                    for name in ("wall", "prompt", "generation", "prompt_tokens", "generated_tokens")
                },
            }
    return out
