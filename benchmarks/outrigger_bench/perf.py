"""Map performance on a generated workspace, each figure next to a baseline from the same run.

initial index   ProjectMap.build()            vs walking the tree and reading every file
code actions    Agent.offers(path, position)  vs a plain dict lookup of the symbol
"""

from __future__ import annotations

import os
import random
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from outrigger.agent import Agent
from outrigger.config import ModelSettings, Settings
from outrigger.model.client import ModelClient
from outrigger.workspace.files import Workspace
from outrigger.workspace.index import ProjectMap

INDEX_TARGET_SECONDS = 10.0
OFFERS_TARGET_MS = 20.0

PY = '''"""Module {n}."""

ITEMS_{n} = {{1: "apple", 2: "pear"}}


def get_item_{n}(item_id):
    return ITEMS_{n}.get(item_id)


def get_items_{n}(ids):
    return [get_item_{n}(i) for i in ids if i in ITEMS_{n}]


def get_item_count_{n}():
    return len(ITEMS_{n})


class Inventory{n}:
    def __init__(self):
        self.stock = {{}}

    def add(self, item_id, quantity=1):
        self.stock[item_id] = self.stock.get(item_id, 0) + quantity

    def total(self):
        return sum(self.stock.values())
'''

JS = """const {{ isBlank }} = require("./util");

function validateToken{n}(token) {{
  return !isBlank(token) && token.startsWith("tok_");
}}

function validateUser{n}(user) {{
  return Boolean(user && user.name) && validateToken{n}(user.token);
}}

function validateSession{n}(session) {{
  return validateUser{n}(session.user) && Date.now() - session.started < 3600000;
}}

class SessionStore{n} {{
  constructor() {{
    this.sessions = new Map();
  }}

  add(id, session) {{
    if (validateSession{n}(session)) {{
      this.sessions.set(id, session);
    }}
  }}
}}

module.exports = {{ validateToken{n}, validateUser{n}, validateSession{n}, SessionStore{n} }};
"""

TS = """export interface CartLine{n} {{
  sku: string;
  quantity: number;
  unitPrice: number;
}}

export function getPrice{n}(line: CartLine{n}): number {{
  return line.quantity * line.unitPrice;
}}

export function getPrices{n}(lines: CartLine{n}[]): number[] {{
  return lines.map(getPrice{n});
}}

export function getPriceTotal{n}(lines: CartLine{n}[]): number {{
  return getPrices{n}(lines).reduce((sum, price) => sum + price, 0);
}}
"""


def generate(root: Path, files: int) -> None:
    """`files` source files (2/5 Python, 2/5 JavaScript, 1/5 TypeScript), 100 per folder."""
    for n in range(files):
        folder = root / f"pkg{n // 100:03d}"
        folder.mkdir(parents=True, exist_ok=True)
        template, suffix = ((PY, "py"), (PY, "py"), (JS, "js"), (JS, "js"), (TS, "ts"))[n % 5]
        (folder / f"module{n}.{suffix}").write_text(template.format(n=n), encoding="utf-8")


def _read_all(root: Path) -> int:
    total = 0
    for directory, _, names in os.walk(root):
        for name in names:
            total += len((Path(directory) / name).read_text(encoding="utf-8"))
    return total


def _median_ms(samples: list[float]) -> float:
    return round(1000 * statistics.median(samples), 4)


def measure(files: int = 5000, samples: int = 300, progress: Callable[[str], None] | None = None) -> dict:
    say = progress or (lambda message: None)
    with tempfile.TemporaryDirectory(prefix="outrigger-perf-") as tmp:
        root = Path(tmp)
        say(f"generating {files} files …")
        generate(root, files)

        started = time.perf_counter()
        _read_all(root)
        read_seconds = time.perf_counter() - started

        say("indexing …")
        settings = Settings(model=ModelSettings(base_url="http://127.0.0.1:9/v1"))
        project_map = ProjectMap(Workspace(root, settings.ignore))
        started = time.perf_counter()
        project_map.build()
        index_seconds = time.perf_counter() - started
        symbols = project_map.symbols()

        say("timing code actions …")
        agent = Agent(project_map.workspace, project_map, ModelClient(settings.model), settings)
        chosen = random.Random(6).sample(symbols, min(samples, len(symbols)))
        offers_times, lookup_times = [], []
        table = {(s.path, s.selection.start.line): s for s in symbols}
        for symbol in chosen:
            position = symbol.selection.start
            started = time.perf_counter()
            offers = agent.offers(symbol.path, position)
            offers_times.append(time.perf_counter() - started)
            assert offers, f"no code action on {symbol.name}"
            started = time.perf_counter()
            table[(symbol.path, position.line)]
            lookup_times.append(time.perf_counter() - started)

    offers_ms, lookup_ms = _median_ms(offers_times), _median_ms(lookup_times)
    return {
        "files": files,
        "symbols": len(symbols),
        "index_seconds": round(index_seconds, 3),
        "read_seconds": round(read_seconds, 3),
        "index_vs_read": round(index_seconds / read_seconds, 1) if read_seconds else None,
        "index_target_seconds": INDEX_TARGET_SECONDS,
        "index_met": index_seconds < INDEX_TARGET_SECONDS,
        "offers_median_ms": offers_ms,
        "offers_p95_ms": round(1000 * sorted(offers_times)[int(0.95 * (len(offers_times) - 1))], 4),
        "lookup_median_ms": lookup_ms,
        "offers_vs_lookup": round(offers_ms / lookup_ms) if lookup_ms else None,
        "offers_target_ms": OFFERS_TARGET_MS,
        "offers_met": offers_ms < OFFERS_TARGET_MS,
        "offers_samples": len(chosen),
        "cpus": os.cpu_count(),
    }
