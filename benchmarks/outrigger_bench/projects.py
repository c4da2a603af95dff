"""Real open-source projects for the `real` suite: fetched once, at pinned versions, by their
registry's own client (pip, npm, apt-get), checked against the sha256 in
`benchmarks/projects/projects.json`, unpacked into `~/.cache/outrigger/bench-projects/`.
Nothing of them is kept in the repository; a task copies its project like any workspace.

A project whose tests need packages (qs needs tape) has a pinned manifest and lockfile in
`benchmarks/projects/<name>/`, installed once with `npm ci` (`dependencies.py`)."""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import sys
import tarfile
import tempfile
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from outrigger.cache import cache_dir
from outrigger.errors import OutriggerError

FETCH_TIMEOUT = 300
_COMMANDS = {
    "pypi": lambda p, into: [
        sys.executable, "-m", "pip", "download", "--no-binary", ":all:", "--no-deps", "-q", "-d", str(into),
        f"{p.package}=={p.version}",
    ],
    "npm": lambda p, into: ["npm", "pack", f"{p.package}@{p.version}", "--silent", "--pack-destination", str(into)],
    "debian": lambda p, into: ["apt-get", "download", f"{p.package}={p.version}"],
}  # fmt: skip


@dataclass(frozen=True)
class Project:
    name: str
    language: str
    source: str
    package: str
    version: str
    file: str
    sha256: str
    folder: str  # inside the archive: the project's root
    license: str = ""
    test_packages: str | None = None  # benchmarks/projects/<this>: the tests' npm manifest
    # Files upstream has that the package leaves out (Debian's Go sources drop `go.mod`).
    files: dict[str, str] = field(default_factory=dict)

    @property
    def home(self) -> Path:
        return cache_dir() / "bench-projects" / f"{self.name}-{self.version}"


def manifest_dir(root: Path) -> Path:
    return root / "projects"


@cache
def catalogue(root: Path) -> dict[str, Project]:
    path = manifest_dir(root) / "projects.json"
    if not path.is_file():
        return {}
    data = json.loads(path.read_text(encoding="utf-8"))["projects"]
    return {name: Project(name=name, **fields) for name, fields in data.items() if name != "about"}


def ensure(project: Project) -> Path:
    """The project's unpacked folder, fetched and checked first if the cache lacks it."""
    if (project.home / ".outrigger-sha256").is_file():
        return project.home
    downloads = cache_dir() / "bench-projects" / "downloads"
    downloads.mkdir(parents=True, exist_ok=True)
    archive = downloads / project.file
    if not archive.is_file():
        _download(project, downloads)
    digest = hashlib.sha256(archive.read_bytes()).hexdigest()
    if digest != project.sha256:
        archive.unlink()
        raise OutriggerError(f"{project.file} has sha256 {digest}, not the pinned {project.sha256}; removed it.")
    with tempfile.TemporaryDirectory(dir=downloads, prefix=f"{project.name}-") as scratch:
        _unpack(archive, Path(scratch))
        unpacked = Path(scratch) / project.folder
        if not unpacked.is_dir():
            raise OutriggerError(f"{project.file} has no folder {project.folder}.")
        for name, text in project.files.items():
            (unpacked / name).write_text(text, encoding="utf-8")
        (unpacked / ".outrigger-sha256").write_text(digest + "\n")
        shutil.rmtree(project.home, ignore_errors=True)  # a half-made one from an interrupted run
        unpacked.rename(project.home)
    return project.home


def _download(project: Project, into: Path) -> None:
    command = _COMMANDS[project.source](project, into)
    try:
        done = subprocess.run(
            command, cwd=into, capture_output=True, text=True, timeout=FETCH_TIMEOUT, stdin=subprocess.DEVNULL
        )
    except (OSError, subprocess.TimeoutExpired) as error:
        raise OutriggerError(f"Fetching {project.name} ({' '.join(command)}) failed: {error}") from None
    if done.returncode != 0 or not (into / project.file).is_file():
        tail = " ".join((done.stdout + done.stderr).split())[-300:]
        raise OutriggerError(f"Fetching {project.name} ({' '.join(command)}) failed: {tail}")


def _unpack(archive: Path, into: Path) -> None:
    if archive.suffix == ".deb":
        done = subprocess.run(["dpkg-deb", "-x", str(archive), str(into)], capture_output=True, text=True)
        if done.returncode != 0:
            raise OutriggerError(f"dpkg-deb could not unpack {archive.name}: {done.stderr.strip()}")
        return
    with tarfile.open(archive) as tar:
        tar.extractall(into, filter="data")
