"""The llama.cpp runtimes that can serve the embedded model, and which one to use.

- the **wheel**: `xllamacpp` from PyPI, llama.cpp's own server prebuilt for AVX2/FMA/F16C
  (x86_64) or armv8-a (aarch64). Installed with Outrigger in seconds; no compiler. It runs in
  a child process, `python -m outrigger.model.wheel_server`.
- a **source build**: `llama-server` compiled in the cache with portable flags
  (`source_build.py`). Minutes to build, faster than the wheel on some CPUs; the fallback
  where the wheel does not apply, and an opt-in upgrade (`outrigger model setup --build`)
  elsewhere.
- a `llama-server` on **PATH**.
- `$OUTRIGGER_LLAMA_SERVER`: a binary the user chose, used as is.

The order: a source build proven on this CPU (and faster than the wheel, where `setup --build`
compared them), then the wheel, then PATH, then other source builds. A runtime that crashed on
this CPU is never chosen again (see `trials.py`).
"""

from __future__ import annotations

import os
import shutil
import sys
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Literal

from outrigger.model import source_build
from outrigger.model.cpu import Cpu
from outrigger.model.trials import Trials

Kind = Literal["wheel", "source", "path", "explicit"]

WHEEL = "xllamacpp"
# `wheel_server` exits with this when the wheel cannot load at all (e.g. libgomp.so.1 missing).
EXIT_UNAVAILABLE = 3
# llama.cpp's cache reuse: a cached run of at least this many prompt tokens is shifted into
# place when an earlier part of the prompt changed (inline completion's window moved a line,
# a signature from another file came in), instead of evaluating it again.
CACHE_REUSE_TOKENS = 64
# The wheel's fixed instruction set: `xllamacpp.get_system_info()` lists AVX AVX2 FMA F16C BMI2
# on x86_64; the aarch64 wheel targets baseline armv8-a. No wheel exists for other machines.
WHEEL_NEEDS = {"x86_64": ("avx", "avx2", "fma", "f16c", "bmi2"), "aarch64": ()}


@dataclass(frozen=True)
class Runtime:
    kind: Kind
    version: str
    needs: tuple[str, ...]  # CPU flags (as /proc/cpuinfo names them) its code uses
    location: Path  # the llama-server binary, or the wheel's package directory

    @property
    def key(self) -> str:
        """What `Trials` files verdicts under: a new version or build is a new runtime."""
        return f"{self.kind} {self.version} {self.location}"

    @property
    def title(self) -> str:
        return {
            "wheel": "xllamacpp wheel",
            "source": "llama-server built from source",
            "path": "llama-server on PATH",
            "explicit": "llama-server from OUTRIGGER_LLAMA_SERVER",
        }[self.kind]

    @property
    def name(self) -> str:
        """The runtime in a sentence."""
        return {
            "wheel": f"the xllamacpp wheel {self.version}",
            "source": f"the llama.cpp build in {self.location.parent}",
            "path": f"the llama-server on PATH ({self.location})",
            "explicit": f"the llama-server in OUTRIGGER_LLAMA_SERVER ({self.location})",
        }[self.kind]

    def command(self, model: Path, port: int, threads: int, context: int) -> list[str]:
        if self.kind == "wheel":
            serve = [sys.executable, "-m", "outrigger.model.wheel_server"]
            return [
                *serve,
                "--model",
                str(model),
                "--port",
                str(port),
                "--threads",
                str(threads),
                "--context",
                str(context),
            ]
        return [
            str(self.location),
            "-m",
            str(model),
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "-t",
            str(threads),
            "-c",
            str(context),
            "-np",
            "1",
            "--cache-reuse",
            str(CACHE_REUSE_TOKENS),
            "--jinja",
        ]


def explicit() -> Runtime | None:
    if chosen := os.environ.get("OUTRIGGER_LLAMA_SERVER"):
        return Runtime("explicit", "unknown version", (), Path(chosen).expanduser())
    return None


def wheel(cpu: Cpu) -> Runtime | None:
    """The installed wheel, if one exists for this machine (whether this CPU can run it is
    `cpu.lacks(runtime.needs)`)."""
    if cpu.machine not in WHEEL_NEEDS:
        return None
    try:
        dist = metadata.distribution(WHEEL)
    except metadata.PackageNotFoundError:
        return None
    return Runtime("wheel", dist.version, WHEEL_NEEDS[cpu.machine], Path(str(dist.locate_file(WHEEL))))


def on_path() -> Runtime | None:
    found = shutil.which("llama-server")
    return Runtime("path", "unknown version", (), Path(found)) if found else None


def source_builds(cpu: Cpu) -> list[Runtime]:
    """Builds in the cache this CPU advertises the instructions for, fastest first."""
    return [source_runtime(level, binary) for level, binary in source_build.installed(cpu)]


def ready(cpu: Cpu, trials: Trials, *, skip: tuple[str, ...] = ()) -> list[Runtime]:
    """The runtimes worth trying now, best first; nothing here builds or installs."""
    builds = source_builds(cpu)
    proven = [r for r in builds if trials.proven(r.key)]
    unproven = [r for r in builds if not trials.proven(r.key)]
    packaged = wheel(cpu)
    order = [
        *proven,
        *([packaged] if packaged and not cpu.lacks(packaged.needs) else []),
        *([found] if (found := on_path()) else []),
        *unproven,
    ]
    return [r for r in order if r.key not in skip and not trials.broken(r.key)]


def source_runtime(level: source_build.Level, binary: Path) -> Runtime:
    return Runtime("source", f"llama.cpp {source_build.VERSION}, {level.name} build", level.needs, binary)


def known(cpu: Cpu) -> list[Runtime]:
    """Every runtime found here, usable or not (for `outrigger model status`)."""
    return [r for r in (wheel(cpu), *source_builds(cpu), on_path()) if r is not None]


def build_runtime(level: source_build.Level) -> Runtime:
    """The source build of `level`, where it lives once built."""
    return source_runtime(level, source_build.build_dir(level) / source_build.BINARY)


def next_build(cpu: Cpu, trials: Trials) -> source_build.Level | None:
    """The fastest source build this CPU may run that has not crashed here."""
    return next((level for level in source_build.levels(cpu) if not trials.broken(build_runtime(level).key)), None)


def why_no_wheel(cpu: Cpu) -> str:
    """Why the wheel is not the answer on this machine, in a few words."""
    if cpu.machine not in WHEEL_NEEDS:
        return f"no xllamacpp wheel exists for {cpu.machine or 'this machine'}"
    packaged = wheel(cpu)
    if packaged is None:
        return "the xllamacpp wheel is not installed"
    if lacking := cpu.lacks(packaged.needs):
        return f"the xllamacpp wheel needs {' '.join(lacking)}, which this CPU lacks"
    return "the xllamacpp wheel crashed here"
