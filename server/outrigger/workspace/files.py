"""The workspace as the core sees it: editor overlays over disk, with ignore rules and secrets."""

from __future__ import annotations

import os
import re
import stat
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from fnmatch import translate
from pathlib import Path

from pathspec import GitIgnoreSpec
from pathspec.patterns.gitignore.spec import GitIgnoreSpecPattern

from outrigger.config import DEFAULT_SECRET_PATTERNS, with_default_secrets
from outrigger.errors import Refused
from outrigger.workspace.languages import language_for
from outrigger.workspace.paths import resolve_in_workspace

MAX_FILE_BYTES = 1_000_000
BINARY_SNIFF_BYTES = 8192
MAX_GITIGNORE_BYTES = 1_000_000  # a bigger one is not a list of patterns someone wrote
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")

# Tool and dependency folders: never the user's own code, often huge.
SKIPPED_DIRS = frozenset(
    {
        ".git",
        ".hg",
        ".svn",
        "node_modules",
        ".venv",
        "venv",
        "__pycache__",
        "dist",
        "build",
        ".mypy_cache",
        ".pytest_cache",
        ".tox",
    }
)


@dataclass(frozen=True)
class _Document:
    text: str
    version: int | None


class Workspace:
    def __init__(self, root: Path, ignore: Sequence[str] = DEFAULT_SECRET_PATTERNS):
        self.root = Path(root).resolve()
        self.set_ignore(ignore)
        self._documents: dict[str, _Document] = {}
        self._gitignores: dict[str, tuple[float, GitIgnoreSpec | None]] = {}

    def set_ignore(self, patterns: Sequence[str]) -> None:
        """The ignore list: the default secret patterns plus `patterns` (they cannot be removed)."""
        self.ignore = tuple(with_default_secrets(patterns))
        # One case-insensitive regex for all patterns: checked for every file during a walk.
        self._ignore_re = re.compile("|".join(translate(p.lower()) for p in self.ignore))

    def resolve(self, candidate: str) -> str:
        return resolve_in_workspace(self.root, candidate)

    def exists(self, path: str) -> bool:
        """True for an open document or a file on disk; False for paths outside the workspace."""
        try:
            relative = self.resolve(path)
        except Refused:
            return False
        return relative in self._documents or (self.root / relative).is_file()

    def read(self, path: str) -> str:
        """The open document's text if the editor has it, else the file on disk."""
        relative = self.resolve(path)
        if reason := self.ignore_reason(relative):
            raise Refused(reason)
        if (document := self._documents.get(relative)) is not None:
            text = document.text
            if len(text.encode("utf-8")) > MAX_FILE_BYTES:
                raise Refused(_too_large(relative))
            return text
        return self._read_disk(relative)

    def version(self, path: str) -> int | None:
        document = self._documents.get(self.resolve(path))
        return document.version if document else None

    def open_document(self, path: str, text: str, version: int | None) -> None:
        """Record the editor's text (open or changed); raises Refused outside the workspace.

        JSON lets an editor send lone surrogates ("\\ud800"), which no encoder accepts; each
        becomes U+FFFD, one code point and one UTF-16 unit like the original, so positions hold."""
        self._documents[self.resolve(path)] = _Document(_LONE_SURROGATE.sub("\ufffd", text), version)

    def open_paths(self) -> list[str]:
        return list(self._documents)

    def close_document(self, path: str) -> None:
        self._documents.pop(self.resolve(path), None)

    def is_ignored(self, path: str) -> bool:
        return self.ignore_reason(self.resolve(path)) is not None

    def ignore_reason(self, path: str) -> str | None:
        """Why a workspace-relative path is off limits, or None when it is not. A symlink
        is judged by its target too: `notes.js -> .env` is as secret as `.env`."""
        if reason := self._path_reason(path):
            return reason
        real = (self.root / path).resolve()
        if real.is_relative_to(self.root) and (target := real.relative_to(self.root).as_posix()) != path:
            if self._path_reason(target):
                return f"`{path}` links to `{target}`, which is off limits; Outrigger never sends it to the model."
        if _hard_linked(real):
            # Another name of the same file, anywhere on the disk (a `.env`, `~/.aws/credentials`):
            # its name says nothing about what it holds.
            return (
                f"`{path}` is a hard link (the same file has another name, maybe a secret one); "
                "Outrigger never sends such a file to the model."
            )
        return None

    def is_secret(self, path: str) -> bool:
        """Whether a workspace-relative path, or a folder on it, is on the ignore list (secrets)."""
        return any(self._listed(part) for part in path.split("/")) or self._listed(path)

    def _path_reason(self, path: str) -> str | None:
        parts = path.split("/")
        if self._listed(path) or any(self._listed(part) for part in parts):
            return f"`{path}` matches the ignore list; Outrigger never sends it to the model."
        if any(part in SKIPPED_DIRS for part in parts[:-1]):
            return f"`{path}` is inside a dependency or tool folder; Outrigger does not read it."
        for depth in range(1, len(parts) + 1):
            prefix = "/".join(parts[:depth])
            is_dir = depth < len(parts) or (self.root / path).is_dir()
            if self._gitignored(prefix, is_dir):
                return f"`{path}` is ignored by .gitignore; Outrigger does not read it."
        return None

    def source_files(self, stop: Callable[[], bool] = lambda: False) -> Iterator[str]:
        """Supported source files that are not ignored, in a stable order; open unsaved
        documents included. The walk ends early once `stop()` is true (a time limit)."""
        seen = set()
        for path in self._walk("", stop):
            seen.add(path)
            yield path
        for path in sorted(self._documents.keys() - seen):
            if language_for(path) and self.ignore_reason(path) is None:
                yield path

    def _walk(self, directory: str, stop: Callable[[], bool]) -> Iterator[str]:
        if stop():
            return
        try:
            with os.scandir(self.root / directory) as scan:
                entries = sorted(scan, key=lambda e: e.name)
        except OSError:
            return
        for entry in entries:
            if stop():  # checked per entry too: one folder may hold a million of them
                return
            path = f"{directory}/{entry.name}" if directory else entry.name
            try:
                if entry.is_dir(follow_symlinks=False):
                    if (
                        entry.name not in SKIPPED_DIRS
                        and not self._listed(entry.name)
                        and not self._gitignored(path, True)
                    ):
                        yield from self._walk(path, stop)
                elif entry.is_file() and language_for(entry.name):
                    # Symlinked files may point anywhere; only those landing inside count.
                    if entry.is_symlink() and (not self._inside(Path(entry.path)) or self.ignore_reason(path)):
                        continue
                    if entry.stat().st_nlink > 1:
                        continue  # a hard link: maybe another name of a secret (see ignore_reason)
                    listed = self._listed(entry.name) or self._listed(path)
                    if not listed and not self._gitignored(path, False):
                        yield path
            except OSError:
                continue

    def _inside(self, path: Path) -> bool:
        return path.resolve().is_relative_to(self.root)

    def _listed(self, name: str) -> bool:
        """Matches the ignore list (secrets); case-insensitive so `.ENV` is caught too."""
        return self._ignore_re.match(name.lower()) is not None

    def is_gitignored(self, path: str, is_dir: bool) -> bool:
        """Whether `.gitignore` leaves out a workspace-relative path (its folders not checked)."""
        return self._gitignored(path, is_dir)

    def _gitignored(self, path: str, is_dir: bool) -> bool:
        """The last matching pattern wins, deeper .gitignore files after shallower ones, as in git."""
        parts = path.split("/")
        ignored = False
        for depth in range(len(parts)):
            spec = self._gitignore(directory="/".join(parts[:depth]))
            if spec is None:
                continue
            relative = "/".join(parts[depth:]) + ("/" if is_dir else "")  # pathspec's mark of a folder
            if (include := spec.check_file(relative).include) is not None:
                ignored = include
        return ignored

    def _gitignore(self, directory: str) -> GitIgnoreSpec | None:
        """The patterns of `directory`'s .gitignore (None when it has none), cached by mtime."""
        file = self.root / directory / ".gitignore"
        try:
            status = file.stat()
        except OSError:
            return None
        cached = self._gitignores.get(directory)
        if cached is None or cached[0] != status.st_mtime:
            cached = (status.st_mtime, _load_gitignore(file, status.st_size))
            self._gitignores[directory] = cached
        return cached[1]

    def _read_disk(self, path: str) -> str:
        file = self.root / path
        if not file.is_file():
            kind = "a folder, not a file" if file.is_dir() else "not in the workspace"
            raise Refused(f"`{path}` does not exist: it is {kind}.")
        try:
            if file.stat().st_size > MAX_FILE_BYTES:
                raise Refused(_too_large(path))
            data = file.read_bytes()
        except OSError as error:
            raise Refused(f"Could not read `{path}`: {error.strerror}.") from error
        if b"\x00" in data[:BINARY_SNIFF_BYTES]:
            raise Refused(f"`{path}` is a binary file; Outrigger only reads text.")
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError as error:
            raise Refused(
                f"`{path}` is not UTF-8 text (bad byte at offset {error.start}); Outrigger only edits UTF-8 files."
            ) from error


def _hard_linked(path: Path) -> bool:
    try:
        status = path.stat()
    except OSError:
        return False
    return stat.S_ISREG(status.st_mode) and status.st_nlink > 1


def _too_large(path: str) -> str:
    size = MAX_FILE_BYTES // 1_000_000
    return f"`{path}` is larger than {size} MB; Outrigger skips files that big."


def _load_gitignore(file: Path, size: int) -> GitIgnoreSpec | None:
    """A .gitignore's patterns, matched by pathspec with the RE2 engine: linear time, so a
    pattern like `*a*a*a*a*a*a*a*a*a*a*a*a*b` cannot make a file name take minutes.

    A .gitignore that is a folder, unreadable or huge counts as none. A pattern no regular
    expression can express (`[z-a]`, an empty range) is dropped: git lets it match nothing."""
    if not file.is_file() or size > MAX_GITIGNORE_BYTES:
        return None
    try:
        text = file.read_text("utf-8", "replace")
    except OSError:
        return None
    patterns = []
    for line in text.splitlines():
        try:
            patterns.append(GitIgnoreSpecPattern(line))
        except (ValueError, re.error):  # GitIgnorePatternError is a ValueError
            continue
    return GitIgnoreSpec(patterns, backend="re2")
