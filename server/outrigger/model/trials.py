"""What each llama.cpp runtime did on this kind of CPU: proven (it started, loaded the model
and answered), broken (it crashed), or slower (it answered, but generated no faster than the
runtime it was meant to replace; `outrigger model setup --build` measures that). Kept in `<cache>/runtimes.json`, keyed by the CPU's
fingerprint, so a cache shared with other hardware does not inherit the verdicts."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from outrigger.model.cache import cache_dir, cache_lock, write_atomically
from outrigger.model.cpu import Cpu

Verdict = Literal["proven", "broken", "slower"]


@dataclass(frozen=True)
class Trial:
    verdict: Verdict
    reason: str
    when: str


class Trials:
    def __init__(self, cpu: Cpu, path: Path | None = None) -> None:
        self.cpu = cpu
        self.path = path or cache_dir() / "runtimes.json"

    def get(self, key: str) -> Trial | None:
        entry = self._load().get(self.cpu.fingerprint, {}).get(key)
        if not isinstance(entry, dict) or entry.get("verdict") not in ("proven", "broken", "slower"):
            return None
        return Trial(entry["verdict"], str(entry.get("reason", "")), str(entry.get("when", "")))

    def proven(self, key: str) -> bool:
        trial = self.get(key)
        return trial is not None and trial.verdict == "proven"

    def broken(self, key: str) -> bool:
        trial = self.get(key)
        return trial is not None and trial.verdict == "broken"

    def record(self, key: str, verdict: Verdict, reason: str) -> None:
        with cache_lock("runtimes"):
            data = self._load()
            data.setdefault(self.cpu.fingerprint, {})[key] = {
                "verdict": verdict,
                "reason": reason,
                "when": time.strftime("%Y-%m-%d %H:%M:%S"),
                "cpu": self.cpu.summary(),
            }
            write_atomically(self.path, json.dumps(data, indent=1) + "\n")

    def _load(self) -> dict:
        try:
            data = json.loads(self.path.read_text())
        except (OSError, ValueError):
            return {}  # none yet, or damaged: re-learning costs one trial start
        return data if isinstance(data, dict) else {}
