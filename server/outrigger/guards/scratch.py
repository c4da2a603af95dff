"""The scratch copy that proposed code runs in (the project's tests, a user's example): the
workspace as the editor shows it, built so that nothing done in it reaches the real files.

- Links are never followed while copying. A link whose target lies inside the workspace
  becomes a relative link to the same place in the copy (`alias.py -> /ws/lib/real.py` gives
  `alias.py -> lib/real.py`); a link leading out of the workspace, or to a secret, is left out.
- Only folders and regular files are copied: FIFOs, sockets and devices are left out (opening
  a FIFO blocks forever).
- Files `.gitignore` leaves out, and hard links (another name of a file that may be a secret),
  are copied (tests may need them: a generated `_version.py`),
  but Outrigger never reads them for the model, so their values are redacted like a secret
  file's from anything quoted back (`ignored_files`; a local `settings_local.py`).
- Secret files (the ignore list: `.env`, keys, credentials; `config.DEFAULT_SECRET_PATTERNS`)
  and files that hold a private key are left out: the code under test cannot read them.
- Dependency folders (`node_modules`, `.venv`, `venv`, at any depth, or a link to a folder of
  that name elsewhere) are not copied: the sandbox shows the real ones read-only at the same
  place (`dependencies`); only where the
  user runs without a sandbox are they copied. A Rust crate's `target/` is not copied: cargo
  builds in the copy.
- `write_into` is the only way Outrigger writes into a copy: it never follows a link out of
  it, whatever the code run in the copy left there.
"""

from __future__ import annotations

import os
import shutil
import stat
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from outrigger.errors import Refused
from outrigger.guards.secret_values import holds_private_key
from outrigger.workspace.files import SKIPPED_DIRS, Workspace

MAX_COPY_BYTES = 200_000_000
MAX_DEPENDENCY_BYTES = 2_000_000_000  # copied only when no sandbox can show them read-only
DEPENDENCY_DIRS = frozenset({"node_modules", ".venv", "venv"})


class TooLarge(Exception):
    pass


@dataclass
class ScratchCopy:
    path: Path  # the copy
    root: Path  # the real workspace it copies
    dependencies: list[str] = field(default_factory=list)  # folders left for the sandbox to show read-only
    left_out: list[str] = field(default_factory=list)  # links, special and secret files not copied
    secret_files: list[Path] = field(default_factory=list)  # the real secret files, whose values are redacted
    ignored_files: list[Path] = field(default_factory=list)  # copied files .gitignore leaves out (values redacted)


def build_copy(workspace: Workspace, copy: Path, copy_dependencies: bool = False) -> ScratchCopy | None:
    """The copy of `workspace` at `copy` (with the editor's unsaved buffers), or None when
    the workspace is too large. `copy_dependencies`: copy dependency folders too (no sandbox
    will show them)."""
    scratch = ScratchCopy(copy, workspace.root)
    copy.mkdir(parents=True)
    budget = [MAX_COPY_BYTES]
    try:
        _copy_folder(workspace, "", scratch, budget)
    except TooLarge:
        return None
    if copy_dependencies:
        if sum(_size(workspace.root / d) for d in scratch.dependencies) > MAX_DEPENDENCY_BYTES:
            return None
        for folder in scratch.dependencies:
            shutil.copytree(workspace.root / folder, copy / folder, symlinks=True, ignore_dangling_symlinks=True)
        scratch.dependencies = []
    for path in workspace.open_paths():  # what the editor shows, saved or not
        try:
            text = workspace.read(path)
        except Refused:
            continue  # secret, ignored or outside: never in the copy
        write_into(copy, path, text)
    return scratch


MAX_IGNORED_FILES = 200  # whose values are redacted: a build folder must not make the list huge


def _copy_folder(
    workspace: Workspace, folder: str, scratch: ScratchCopy, budget: list[int], ignored: bool = False
) -> None:
    source = workspace.root / folder
    try:
        with os.scandir(source) as scan:
            entries = sorted(scan, key=lambda e: e.name)
    except OSError:
        return
    names = {entry.name for entry in entries}
    for entry in entries:
        path = f"{folder}/{entry.name}" if folder else entry.name
        try:
            mode = entry.stat(follow_symlinks=False).st_mode
        except OSError:
            continue
        if workspace.is_secret(path):
            scratch.left_out.append(path)
            scratch.secret_files += _files_of(Path(entry.path), mode)
        elif stat.S_ISLNK(mode) and entry.name in DEPENDENCY_DIRS and _linked_dependency(Path(entry.path)):
            scratch.dependencies.append(path)  # `node_modules` -> a shared install: shown read-only like one
        elif stat.S_ISLNK(mode):
            _copy_link(workspace, path, scratch)
        elif stat.S_ISDIR(mode):
            if entry.name in DEPENDENCY_DIRS:
                scratch.dependencies.append(path)
            elif entry.name == "target" and "Cargo.toml" in names:
                continue  # cargo's build output: rebuilt in the copy
            elif entry.name not in SKIPPED_DIRS:
                (scratch.path / path).mkdir()
                _copy_folder(workspace, path, scratch, budget, ignored or workspace.is_gitignored(path, True))
        elif stat.S_ISREG(mode):
            _copy_file(Path(entry.path), scratch.path / path, path, scratch, budget)
            if len(scratch.ignored_files) < MAX_IGNORED_FILES and (ignored or workspace.is_gitignored(path, False)):
                scratch.ignored_files.append(Path(entry.path))
        else:
            scratch.left_out.append(path)  # FIFO, socket, device


def _copy_file(source: Path, target: Path, path: str, scratch: ScratchCopy, budget: list[int]) -> None:
    try:
        with open(source, "rb", opener=lambda name, flags: os.open(name, flags | os.O_NOFOLLOW)) as handle:
            status = os.fstat(handle.fileno())
            size = status.st_size
            budget[0] -= size
            if budget[0] < 0:
                raise TooLarge
            data = handle.read()
    except OSError:
        return
    if holds_private_key(data):
        scratch.left_out.append(path)
        scratch.secret_files.append(source)
        return
    if status.st_nlink > 1 and len(scratch.ignored_files) < MAX_IGNORED_FILES:
        scratch.ignored_files.append(source)  # another name of a file the model may not read
    descriptor = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o644)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(data)
    os.chmod(target, stat.S_IMODE(os.stat(source, follow_symlinks=False).st_mode) | stat.S_IWUSR)


def _linked_dependency(link: Path) -> bool:
    """A link to a dependency folder of the same kind (`node_modules` to another install's
    `node_modules`), which the sandbox can show read-only; a link to anything else is not."""
    try:
        real = link.resolve(strict=True)
    except (OSError, RuntimeError):
        return False
    return real.is_dir() and real.name == link.name


def _copy_link(workspace: Workspace, path: str, scratch: ScratchCopy) -> None:
    """A link inside the workspace, as a relative link inside the copy; any other, left out."""
    root = workspace.root
    try:
        real = (root / path).resolve(strict=True)
    except (OSError, RuntimeError):
        scratch.left_out.append(path)  # dangling or a loop
        return
    if real == root or not real.is_relative_to(root):
        scratch.left_out.append(path)
        return
    target = real.relative_to(root).as_posix()
    parts = PurePosixPath(target).parts
    if workspace.is_secret(target) or any(p in SKIPPED_DIRS or p in DEPENDENCY_DIRS for p in parts):
        scratch.left_out.append(path)
        return
    link = scratch.path / path
    os.symlink(os.path.relpath(scratch.path / target, link.parent), link)


def _files_of(path: Path, mode: int, most: int = 100) -> list[Path]:
    """A secret file, or the first files of a secret folder (`.aws/`), links not followed."""
    if stat.S_ISREG(mode):
        return [path]
    if not stat.S_ISDIR(mode):
        return []
    found = []
    for directory, _, files in os.walk(path):
        found += [Path(directory) / name for name in files if not os.path.islink(os.path.join(directory, name))]
        if len(found) >= most:
            break
    return found[:most]


def _size(folder: Path) -> int:
    total = 0
    for directory, _, files in os.walk(folder):
        for name in files:
            try:
                total += os.lstat(os.path.join(directory, name)).st_size
            except OSError:
                continue
    return total


def write_into(copy: Path, path: str, text: str | None) -> None:
    """Write `text` to `path` in the copy (None: delete it), never through a link that leads
    out of the copy: a folder or file link leading out is replaced by a real folder or file.
    A link to a file inside the copy is written through, as the edit would be on disk."""
    copy = copy.resolve()
    current = copy
    parts = PurePosixPath(path).parts
    # Callers pass workspace-relative paths; this check holds whatever a caller forgets to resolve.
    if not parts or PurePosixPath(path).is_absolute() or any(part in ("..", ".") for part in parts):
        raise Refused(f"Refused path `{path}`: the scratch copy is written only at paths inside it.")
    for part in parts[:-1]:
        current = _real_folder(copy, current / part)
    target = current / parts[-1]
    if target.is_symlink():
        real = target.resolve()
        if real.is_relative_to(copy) and real.is_file():
            target = real
        else:
            target.unlink()
    if text is None:
        if target.is_file() or target.is_symlink():
            target.unlink()
        return
    if target.exists() and not stat.S_ISREG(os.lstat(target).st_mode):
        if target.is_dir():
            shutil.rmtree(target)
        else:
            target.unlink()  # a FIFO or socket the code under test made
    flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW | os.O_NONBLOCK
    descriptor = os.open(target, flags, 0o644)
    with os.fdopen(descriptor, "w", encoding="utf-8", newline="") as handle:
        handle.write(text)


def _real_folder(copy: Path, folder: Path) -> Path:
    """`folder` as a real folder inside the copy: a link leading inside is followed, one leading
    out (or anything not a folder) is replaced by an empty folder."""
    if folder.is_symlink():
        real = folder.resolve()
        if real.is_relative_to(copy) and real.is_dir():
            return real
        folder.unlink()
    elif folder.exists() and not folder.is_dir():
        folder.unlink()
    folder.mkdir(exist_ok=True)
    return folder
