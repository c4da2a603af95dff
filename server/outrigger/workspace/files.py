"""The workspace as the core sees it: editor overlays over disk, with ignore rules and secrets."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from fnmatch import translate
from pathlib import Path

from outrigger.config import DEFAULT_SECRET_PATTERNS
from outrigger.errors import Refused
from outrigger.workspace.languages import language_for
from outrigger.workspace.paths import resolve_in_workspace

MAX_FILE_BYTES = 1_000_000
BINARY_SNIFF_BYTES = 8192

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
        self.ignore = tuple(ignore)
        # One case-insensitive regex for all patterns: checked for every file during a walk.
        self._ignore_re = re.compile("|".join(translate(p.lower()) for p in self.ignore) or "(?!)")
        self._documents: dict[str, _Document] = {}
        self._gitignores: dict[str, tuple[float, list[_Rule]]] = {}

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
        """Record the editor's text (open or changed); raises Refused outside the workspace."""
        self._documents[self.resolve(path)] = _Document(text, version)

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
        return None

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

    def source_files(self) -> Iterator[str]:
        """Supported source files that are not ignored, in a stable order; open unsaved
        documents included."""
        seen = set()
        for path in self._walk(""):
            seen.add(path)
            yield path
        for path in sorted(self._documents.keys() - seen):
            if language_for(path) and self.ignore_reason(path) is None:
                yield path

    def _walk(self, directory: str) -> Iterator[str]:
        try:
            with os.scandir(self.root / directory) as scan:
                entries = sorted(scan, key=lambda e: e.name)
        except OSError:
            return
        for entry in entries:
            path = f"{directory}/{entry.name}" if directory else entry.name
            try:
                if entry.is_dir(follow_symlinks=False):
                    if (
                        entry.name not in SKIPPED_DIRS
                        and not self._listed(entry.name)
                        and not self._gitignored(path, True)
                    ):
                        yield from self._walk(path)
                elif entry.is_file() and language_for(entry.name):
                    # Symlinked files may point anywhere; only those landing inside count.
                    if entry.is_symlink() and (not self._inside(Path(entry.path)) or self.ignore_reason(path)):
                        continue
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

    def _gitignored(self, path: str, is_dir: bool) -> bool:
        """Last matching rule wins, deeper .gitignore files after shallower ones, as in git."""
        parts = path.split("/")
        ignored = False
        for depth in range(len(parts)):
            base = "/".join(parts[:depth])
            relative = "/".join(parts[depth:])
            for rule in self._rules(base):
                if rule.matches(relative, is_dir):
                    ignored = not rule.negated
        return ignored

    def _rules(self, directory: str) -> list[_Rule]:
        file = self.root / directory / ".gitignore"
        try:
            mtime = file.stat().st_mtime
        except OSError:
            return []
        cached = self._gitignores.get(directory)
        if cached is None or cached[0] != mtime:
            cached = (mtime, _parse_gitignore(file.read_text("utf-8", "replace")))
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


def _too_large(path: str) -> str:
    size = MAX_FILE_BYTES // 1_000_000
    return f"`{path}` is larger than {size} MB; Outrigger skips files that big."


@dataclass(frozen=True)
class _Rule:
    pattern: re.Pattern[str]
    negated: bool
    dir_only: bool
    anchored: bool  # contains a slash: matched against the whole path, else the base name

    def matches(self, path: str, is_dir: bool) -> bool:
        if self.dir_only and not is_dir:
            return False
        target = path if self.anchored else path.rsplit("/", 1)[-1]
        return self.pattern.fullmatch(target) is not None


def _parse_gitignore(text: str) -> list[_Rule]:
    rules = []
    for line in text.splitlines():
        line = line.rstrip()
        if not line or line.startswith("#"):
            continue
        negated = line.startswith("!")
        line = line[1:] if negated else line
        if line.startswith("\\"):
            line = line[1:]
        dir_only = line.endswith("/")
        line = line.rstrip("/")
        if not line:
            continue
        anchored = "/" in line
        rules.append(_Rule(re.compile(_glob_regex(line.lstrip("/"))), negated, dir_only, anchored))
    return rules


def _glob_regex(glob: str) -> str:
    """gitignore glob → regex: `*` and `?` stop at `/`, `**` crosses folders."""
    out, i = [], 0
    while i < len(glob):
        char = glob[i]
        if glob.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
        elif glob.startswith("/**", i) and i + 3 == len(glob):
            out.append("/.*")
            i += 3
        elif glob.startswith("**", i):
            out.append(".*")
            i += 2
        elif char == "*":
            out.append("[^/]*")
            i += 1
        elif char == "?":
            out.append("[^/]")
            i += 1
        elif char == "[" and (end := glob.find("]", i + 2)) != -1:
            body = glob[i + 1 : end].replace("\\", "\\\\")
            out.append("[^" + body[1:] + "]" if body.startswith("!") else "[" + body + "]")
            i = end + 1
        elif char == "\\" and i + 1 < len(glob):
            out.append(re.escape(glob[i + 1]))
            i += 2
        else:
            out.append(re.escape(char))
            i += 1
    return "".join(out)
