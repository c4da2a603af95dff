"""How often each repair fired: the benchmark shows these next to its results."""

from __future__ import annotations

from dataclasses import asdict, dataclass


@dataclass
class RepairStats:
    fences_stripped: int = 0
    json_invalid: int = 0  # replies that failed strict validation (up to two per request)
    json_retried: int = 0  # requests that needed a second model call
    json_repaired: int = 0  # replies saved by the permissive parse
    json_failed: int = 0  # requests refused after every path failed

    def merge(self, other: RepairStats) -> None:
        for name, value in asdict(other).items():
            setattr(self, name, getattr(self, name) + value)

    def as_dict(self) -> dict[str, int]:
        return asdict(self)
