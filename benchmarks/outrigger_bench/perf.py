"""Map performance on generated workspaces, each figure next to a baseline from the same run.

initial index   ProjectMap.build()            vs walking the tree and reading every file
code actions    Agent.offers(path, position)  vs a plain dict lookup of the symbol

Twice: on Python, JavaScript and TypeScript files (the original workspace), and on a
mixed one where the files cycle through every language of the table; the mixed index
time is also given as a ratio of the original's.
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

ITEMS_{n} = {1: "apple", 2: "pear"}


def get_item_{n}(item_id):
    return ITEMS_{n}.get(item_id)


def get_items_{n}(ids):
    return [get_item_{n}(i) for i in ids if i in ITEMS_{n}]


def get_item_count_{n}():
    return len(ITEMS_{n})


class Inventory{n}:
    def __init__(self):
        self.stock = {}

    def add(self, item_id, quantity=1):
        self.stock[item_id] = self.stock.get(item_id, 0) + quantity

    def total(self):
        return sum(self.stock.values())
'''

JS = """const { isBlank } = require("./util");

function validateToken{n}(token) {
  return !isBlank(token) && token.startsWith("tok_");
}

function validateUser{n}(user) {
  return Boolean(user && user.name) && validateToken{n}(user.token);
}

function validateSession{n}(session) {
  return validateUser{n}(session.user) && Date.now() - session.started < 3600000;
}

class SessionStore{n} {
  constructor() {
    this.sessions = new Map();
  }

  add(id, session) {
    if (validateSession{n}(session)) {
      this.sessions.set(id, session);
    }
  }
}

module.exports = { validateToken{n}, validateUser{n}, validateSession{n}, SessionStore{n} };
"""

TS = """export interface CartLine{n} {
  sku: string;
  quantity: number;
  unitPrice: number;
}

export function getPrice{n}(line: CartLine{n}): number {
  return line.quantity * line.unitPrice;
}

export function getPrices{n}(lines: CartLine{n}[]): number[] {
  return lines.map(getPrice{n});
}

export function getPriceTotal{n}(lines: CartLine{n}[]): number {
  return getPrices{n}(lines).reduce((sum, price) => sum + price, 0);
}
"""


RS = """/// Gauge readings of station {n}.
pub struct Reading{n} {
    pub bars: f64,
}

impl Reading{n} {
    pub fn to_psi(&self) -> f64 {
        self.bars * 14.5
    }

    pub fn to_psi_rounded(&self) -> f64 {
        self.to_psi().round()
    }
}

pub fn to_psi_all_{n}(readings: &[Reading{n}]) -> Vec<f64> {
    readings.iter().map(Reading{n}::to_psi).collect()
}
"""

GO = """package gauge{n}

// Reading{n} is a gauge reading in bars.
type Reading{n} struct {
	Bars float64
}

func (r *Reading{n}) ToPsi() float64 {
	return r.Bars * 14.5
}

func (r *Reading{n}) ToPsiRounded() float64 {
	return float64(int(r.ToPsi() + 0.5))
}

func ToPsiAll{n}(readings []Reading{n}) []float64 {
	out := []float64{}
	for _, r := range readings {
		out = append(out, r.ToPsi())
	}
	return out
}
"""

JAVA = """package gauge;

/** A gauge reading of station {n}. */
public class Reading{n} {
    private final double bars;

    public Reading{n}(double bars) {
        this.bars = bars;
    }

    public double toPsi() {
        return bars * 14.5;
    }

    public long toPsiRounded() {
        return Math.round(toPsi());
    }
}
"""

C = """#include <math.h>

/** A gauge reading of station {n}. */
struct reading_{n} {
    double bars;
};

double to_psi_{n}(const struct reading_{n} *r) {
    return r->bars * 14.5;
}

double to_psi_rounded_{n}(const struct reading_{n} *r) {
    return round(to_psi_{n}(r));
}
"""

CPP = """namespace gauge{n} {

class Reading {
public:
    explicit Reading(double bars) : bars_(bars) {}
    double toPsi() const;
    double toPsiRounded() const { return static_cast<long>(toPsi() + 0.5); }

private:
    double bars_;
};

double Reading::toPsi() const { return bars_ * 14.5; }

}  // namespace gauge{n}
"""

CS = """namespace Gauges{n}
{
    /// <summary>A gauge reading of station {n}.</summary>
    public class Reading
    {
        public double Bars;

        public double ToPsi() => Bars * 14.5;

        public long ToPsiRounded()
        {
            return (long)System.Math.Round(ToPsi());
        }
    }
}
"""

RB = """# Gauge readings of station {n}.
module Gauges{n}
  class Reading
    def initialize(bars)
      @bars = bars
    end

    def to_psi
      @bars * 14.5
    end

    def to_psi_rounded
      to_psi.round
    end
  end
end
"""

PHP = """<?php
namespace Gauges{n};

/** A gauge reading of station {n}. */
class Reading
{
    public function __construct(private float $bars) {}

    public function toPsi(): float
    {
        return $this->bars * 14.5;
    }

    public function toPsiRounded(): int
    {
        return (int) round($this->toPsi());
    }
}
"""

LUA = """--- Gauge readings of station {n}.
local Reading = {}

function Reading.to_psi(r)
  return r.bars * 14.5
end

function Reading:to_psi_rounded()
  return math.floor(Reading.to_psi(self) + 0.5)
end

return Reading
"""

SH = """#!/usr/bin/env bash
# Gauge readings of station {n}.
UNIT_{n}="bar"

to_psi_{n}() {
  echo "$(( $1 * 145 / 10 ))"
}

to_psi_all_{n}() {
  for b in "$@"; do
    to_psi_{n} "$b"
  done
}
"""

ORIGINAL = ((PY, "py"), (PY, "py"), (JS, "js"), (JS, "js"), (TS, "ts"))
MIXED = (
    (PY, "py"),
    (JS, "js"),
    (TS, "ts"),
    (RS, "rs"),
    (GO, "go"),
    (JAVA, "java"),
    (C, "c"),
    (CPP, "cpp"),
    (CS, "cs"),
    (RB, "rb"),
    (PHP, "php"),
    (LUA, "lua"),
    (SH, "sh"),
)


def generate(root: Path, files: int, templates: tuple[tuple[str, str], ...] = ORIGINAL) -> None:
    """`files` source files cycling through `templates` (the original: 2/5 Python, 2/5
    JavaScript, 1/5 TypeScript), 100 per folder."""
    for n in range(files):
        folder = root / f"pkg{n // 100:03d}"
        folder.mkdir(parents=True, exist_ok=True)
        template, suffix = templates[n % len(templates)]
        (folder / f"module{n}.{suffix}").write_text(template.replace("{n}", str(n)), encoding="utf-8")


def _read_all(root: Path) -> int:
    total = 0
    for directory, _, names in os.walk(root):
        for name in names:
            total += len((Path(directory) / name).read_text(encoding="utf-8"))
    return total


def _median_ms(samples: list[float]) -> float:
    return round(1000 * statistics.median(samples), 4)


def measure(files: int = 5000, samples: int = 300, progress: Callable[[str], None] | None = None) -> dict:
    """The original workspace's figures at the top level (as before), the mixed one's under
    "mixed", with the mixed index time as a ratio of the original's."""
    say = progress or (lambda message: None)
    original = _measure(files, samples, ORIGINAL, "Python, JavaScript and TypeScript", say)
    mixed = _measure(files, samples, MIXED, f"{len(MIXED)} languages", say)
    mixed["index_vs_original"] = (
        round(mixed["index_seconds"] / original["index_seconds"], 2) if original["index_seconds"] else None
    )
    return {**original, "mixed": mixed}


def _measure(
    files: int, samples: int, templates: tuple[tuple[str, str], ...], what: str, say: Callable[[str], None]
) -> dict:
    with tempfile.TemporaryDirectory(prefix="outrigger-perf-") as tmp:
        root = Path(tmp)
        say(f"generating {files} files ({what}) …")
        generate(root, files, templates)

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
        "languages": sorted({suffix for _, suffix in templates}),
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
