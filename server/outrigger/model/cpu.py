"""What this CPU says it can run, from /proc/cpuinfo.

A CPU can advertise instructions its VM cannot execute (AMX on some cloud VMs), so the flags
only decide what to try first; a runtime proves itself by starting and answering."""

from __future__ import annotations

import hashlib
import platform
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

CPUINFO = Path("/proc/cpuinfo")
_ARCHITECTURES = {"amd64": "x86_64", "x64": "x86_64", "arm64": "aarch64"}


@dataclass(frozen=True)
class Cpu:
    machine: str  # x86_64, aarch64, …
    name: str
    flags: frozenset[str]

    def lacks(self, features: Iterable[str]) -> list[str]:
        return [feature for feature in features if feature not in self.flags]

    @property
    def fingerprint(self) -> str:
        """Identifies this kind of CPU, so what was learnt on one machine is not trusted on
        another that shares the cache (a home directory on NFS, a VM moved to new hardware)."""
        text = "\n".join([self.machine, self.name, *sorted(self.flags)])
        return hashlib.sha256(text.encode()).hexdigest()[:16]

    def summary(self) -> str:
        shown = [flag for flag in _NOTABLE if flag in self.flags]
        return f"{self.machine}, {self.name or 'unknown model'}; {' '.join(shown) or 'no vector extensions listed'}"


# The flags that decide between llama.cpp builds, in the order people know them.
_NOTABLE = ("sse4_2", "avx", "avx2", "fma", "f16c", "bmi2", "avx512f", "amx_tile", "asimd", "sve")


def parse_cpuinfo(text: str, machine: str) -> Cpu:
    """x86 lists `flags`, ARM lists `Features`; the model is `model name` (or `Model`)."""
    flags: set[str] = set()
    name = ""
    for line in text.splitlines():
        key, _, value = line.partition(":")
        key = key.strip().lower()
        if key in ("flags", "features") and not flags:
            flags = set(value.split())
        elif key in ("model name", "model", "cpu model") and not name and not value.strip().isdigit():
            name = " ".join(value.split())
    return Cpu(machine=_ARCHITECTURES.get(machine.lower(), machine.lower()), name=name, flags=frozenset(flags))


def this_cpu() -> Cpu:
    try:
        text = CPUINFO.read_text(errors="replace")
    except OSError:
        text = ""  # not Linux: no flags, so only runtimes that need none are chosen by flags
    return parse_cpuinfo(text, platform.machine())
