"""Packages a workspace's own tests need (the TypeScript compiler, Node's type definitions):
installed once per lockfile into the cache with `npm ci`, then linked into each task's copy
as `node_modules`, as a developer's checkout would have it. Nothing is written to the
workspaces in the repository."""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import tempfile
from pathlib import Path

from outrigger.cache import cache_dir
from outrigger.errors import OutriggerError

INSTALL_TIMEOUT = 600
_MANIFESTS = ("package.json", "package-lock.json")


def node_modules(workspace: Path) -> Path | None:
    """The installed `node_modules` for `workspace`'s lockfile; None when it has none."""
    if not (workspace / "package-lock.json").is_file():
        return None
    digest = hashlib.sha256(b"".join((workspace / name).read_bytes() for name in _MANIFESTS)).hexdigest()[:16]
    home = cache_dir() / "bench-node" / digest
    if not (home / "node_modules").is_dir():
        _install(workspace, home)
    return home / "node_modules"


def link_node_modules(workspace: Path, copy: Path) -> None:
    """Give the task's `copy` of `workspace` the packages its tests need."""
    installed = node_modules(workspace)
    if installed is not None and not (copy / "node_modules").exists():
        (copy / "node_modules").symlink_to(installed, target_is_directory=True)


def _install(workspace: Path, home: Path) -> None:
    npm = shutil.which("npm")
    if npm is None:
        raise OutriggerError(f"The tests of {workspace.name} need npm to install their packages; install Node.js.")
    home.parent.mkdir(parents=True, exist_ok=True)
    # Renamed into place when complete; the context then has nothing left to remove.
    with tempfile.TemporaryDirectory(dir=home.parent, prefix=f"{home.name}-", ignore_cleanup_errors=True) as scratch:
        for name in _MANIFESTS:
            shutil.copy2(workspace / name, Path(scratch) / name)
        try:
            done = subprocess.run(
                [npm, "ci", "--no-audit", "--no-fund", "--ignore-scripts"],
                cwd=scratch,
                capture_output=True,
                text=True,
                timeout=INSTALL_TIMEOUT,
                stdin=subprocess.DEVNULL,
            )
        except subprocess.TimeoutExpired:
            raise OutriggerError(f"npm ci for {workspace.name} took over {INSTALL_TIMEOUT} s.") from None
        if done.returncode != 0:
            tail = " ".join((done.stdout + done.stderr).split())[-300:]
            raise OutriggerError(f"npm ci for {workspace.name} failed: {tail}")
        try:
            Path(scratch).rename(home)  # whole or not at all: a concurrent install may have won
        except OSError:
            if not (home / "node_modules").is_dir():
                raise
