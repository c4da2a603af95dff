"""ProjectMap: what exists in the workspace. A model's plan is checked against it, never trusted."""

from __future__ import annotations

import dataclasses
import gc
import os
import posixpath
import time
from collections import defaultdict
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from difflib import SequenceMatcher

from outrigger.config import IndexSettings
from outrigger.errors import Refused
from outrigger.progress import Progress, quiet
from outrigger.spans import Position, Range
from outrigger.workspace.files import Workspace
from outrigger.workspace.languages import language_for
from outrigger.workspace.one_symbol import OneSymbol, is_stub_file, is_test_file, one_symbol
from outrigger.workspace.symbols import Symbol, extract_symbols, identifier_spans

__all__ = ["ProjectMap", "Symbol"]

MAX_SUGGESTIONS = 5
_MIN_RATIO = 0.6
_MAX_LISTED = 8
_PROGRESS_SECONDS = 1.0


@dataclass
class _FileEntry:
    text: str
    symbols: list[Symbol]
    identifiers: dict[str, list[tuple[int, int, int]]] | None = None  # on first occurrences()


class ProjectMap:
    def __init__(self, workspace: Workspace, limits: IndexSettings | None = None):
        self.workspace = workspace
        self.limits = limits or IndexSettings()
        self.skipped: dict[str, str] = {}  # path -> why it could not be indexed
        self.incomplete: str | None = None  # why the last build stopped early, if it did
        self._files: dict[str, _FileEntry] = {}
        self._editor: dict[str, list[Symbol]] = {}

    # -- building ---------------------------------------------------------------------------

    def build(self, progress: Progress = quiet) -> None:
        """Index every source file, within `limits` (files, bytes, seconds), reporting progress.

        The new map replaces the old one in one step, so lookups made while it builds (it runs
        off the event loop) see the old map, never half of one. A limit stops the build where
        it is reached; `incomplete` then says which one, and the map keeps what it has."""
        files: dict[str, _FileEntry] = {}
        skipped: dict[str, str] = {}
        budget = _Budget(self.limits)
        with _collector_paused():
            for path in self.workspace.source_files(stop=budget.out_of_time):
                entry = self._entry(path, skipped)
                if entry is not None:
                    files[path] = entry
                    budget.count(entry.text)
                if budget.report_due():
                    progress(f"indexing… {len(files):,} files")
                if budget.exhausted():
                    break
        self._files, self.skipped = files, skipped
        self.incomplete = budget.reason(len(files))
        for path in [path for path in self._editor if self.workspace.ignore_reason(path) is not None]:
            del self._editor[path]  # the ignore list changed: what it now covers leaves the map

    def update(self, path: str) -> None:
        """Re-index one file from the workspace (overlay first); drops it when gone."""
        relative = self.workspace.resolve(path)
        self._editor.pop(relative, None)  # their ranges describe the old text
        indexable = language_for(relative) and self.workspace.ignore_reason(relative) is None
        if indexable and self.workspace.exists(relative):
            self._index(relative)
        else:
            self.remove(relative)

    def overlaid(self, workspace: Workspace, changed: list[str]) -> ProjectMap:
        """A map of `workspace` (a view with proposed texts) that shares this map's entries
        for every file but the `changed` ones, which are indexed anew (or dropped)."""
        other = ProjectMap(workspace)
        other._files, other._editor, other.skipped = dict(self._files), dict(self._editor), dict(self.skipped)
        for path in changed:
            other.update(path)
        return other

    def remove(self, path: str) -> None:
        relative = self.workspace.resolve(path)
        self._files.pop(relative, None)
        self._editor.pop(relative, None)
        self.skipped.pop(relative, None)

    def set_editor_symbols(self, path: str, symbols: list[Symbol]) -> None:
        """Symbols from the editor's own language server win for `path` until it changes.
        An empty list clears them: servers report nothing while still starting.

        They say what exists, not where it may be edited: a range that is inverted or lies
        past the end of the text is dropped here, and an edit first confirms that the range
        still holds the definition (`guards.map_check.confirmed_symbol`)."""
        relative = self.workspace.resolve(path)
        if self.workspace.ignore_reason(relative) is not None:
            return
        try:
            line_count: int | None = self.workspace.read(relative).count("\n") + 1
        except Refused:
            line_count = None  # a file only the editor knows: nothing to measure them against
        entry = self._files.get(relative)
        own = entry.symbols if entry is not None else []
        kept = [
            dataclasses.replace(s, path=relative, source="editor")
            for s in _one_per_definition(_definitions(symbols), own)
            if s.range.start <= s.range.end and (line_count is None or s.range.end.line < line_count)
        ]
        if kept:
            self._editor[relative] = kept
        else:
            self._editor.pop(relative, None)

    def own_symbols(self, path: str) -> list[Symbol]:
        """The index's own symbols of `path`, from its current text (never the editor's)."""
        relative = self.workspace.resolve(path)
        text = self.workspace.read(relative)
        entry = self._files.get(relative)
        if entry is None or entry.text != text:
            self._index(relative)
            entry = self._files.get(relative)
        if entry is None:
            raise Refused(self.skipped.get(relative) or f"`{relative}` is not indexed.")
        return list(entry.symbols)

    def _index(self, path: str) -> None:
        self.skipped.pop(path, None)
        entry = self._entry(path, self.skipped)
        if entry is None:
            self._files.pop(path, None)
        else:
            self._files[path] = entry

    def _entry(self, path: str, skipped: dict[str, str]) -> _FileEntry | None:
        """The file's text and symbols, or None (and the reason in `skipped`): one file the
        indexer cannot handle is skipped, it never takes the map (and every request) down."""
        try:
            text = self.workspace.read(path)
        except Refused as error:
            skipped[path] = str(error)
            return None
        try:
            return _FileEntry(text, extract_symbols(path, text))
        except RecursionError:
            skipped[path] = f"`{path}` is nested too deeply for Outrigger to read its definitions; it skips the file."
            return None

    # -- lookups ----------------------------------------------------------------------------

    def files(self) -> list[str]:
        return sorted(self._files.keys() | self._editor.keys())

    def symbols(self, path: str | None = None) -> list[Symbol]:
        if path is None:
            return [symbol for each in self.files() for symbol in self._symbols_of(each)]
        return self._symbols_of(self.workspace.resolve(path))

    def _symbols_of(self, relative: str) -> list[Symbol]:
        if relative in self._editor:
            return list(self._editor[relative])
        entry = self._files.get(relative)
        return list(entry.symbols) if entry else []

    def find(self, name: str, path: str | None = None) -> list[Symbol]:
        """Symbols called `name`; `Class.method` matches a member of that class. A name with
        a dot of its own (a CSS selector `.banner`, a pushed `Table.Column`) matches itself first."""
        pool = self.symbols(path)
        if exact := [s for s in pool if s.name == name]:
            return exact
        container, _, member = name.rpartition(".")
        container = container.rpartition(".")[2]
        return [s for s in pool if s.name == member and (not container or s.container == container)]

    def symbol_at(self, path: str, position: Position) -> Symbol | None:
        """The innermost symbol whose range holds `position`."""
        around = [s for s in self.symbols(path) if s.range.contains_position(position)]
        if not around:
            return None
        return max(around, key=lambda s: (s.range.start, -s.range.end.line, -s.range.end.character))

    def close_matches(self, name: str, path: str | None = None) -> list[str]:
        """Similar names, most similar first; suggestions only, never chosen for the user."""
        pool = self.symbols(path)
        candidates = {s.name for s in pool}
        if "." in name:
            candidates |= {s.qualified_name for s in pool}
        return _closest(name, candidates)

    def require_file(self, candidate: str, near: str | None = None) -> str:
        """The workspace-relative path of an existing, readable file, or Refused. A name as
        people say it resolves when it means one file (`file_named`)."""
        relative = self.file_named(candidate, near)
        if reason := self.workspace.ignore_reason(relative):
            raise Refused(reason)
        if self.workspace.exists(relative):
            return relative
        similar = _closest_files(relative, self.files())
        hint = f"; did you mean {_listing(similar)}?" if similar else "."
        raise Refused(f"`{relative}` does not exist in the workspace{hint}")

    def file_named(self, candidate: str, near: str | None = None) -> str:
        """The file `candidate` names, as people name files: a workspace path, a path relative
        to the folder of `near` (the open file), a module path (`shop.cart` for `shop/cart.py`
        or `src/shop/cart/__init__.py`), or the end of one path (`cart.py`, `shop/cart.py`),
        the non-test file first. Two files that fit equally are refused with both listed;
        a name nothing fits comes back as written, for `require_file`'s refusal."""
        relative = self.workspace.resolve(candidate)
        if self.workspace.exists(relative):
            return relative
        if near is not None:
            beside = posixpath.normpath(posixpath.join(posixpath.dirname(self.workspace.resolve(near)), candidate))
            if not beside.startswith("../") and self.workspace.exists(beside):
                return self.workspace.resolve(beside)
        files = self.files()
        fits = [f for f in files if f.endswith("/" + relative)]
        if not fits and (dotted := _module_path(candidate)):
            fits = [f for f in files if _module_of(f) == dotted or _module_of(f).endswith("/" + dotted)]
        if len(fits) > 1:
            fits = [f for f in fits if not is_test_file(f)] or fits
        if len(fits) > 1:
            fits = [f for f in fits if not is_stub_file(f)] or fits
        if len(fits) == 1:
            return fits[0]
        if fits:
            raise Refused(f"`{candidate}` could be {_listing(sorted(fits))}; name the one you mean by its path.")
        return relative

    def require_symbol(self, name: str, path: str | None, line: int | None = None, *, tests: bool = False) -> Symbol:
        """The one symbol `name` names (in `path` when given, at its 1-based `line` when given),
        or Refused with what exists and how to name one. Stubs, re-exports and (unless
        `tests`: the request is about the tests) the tests' own same-named helpers do not
        make a name ambiguous (`one_symbol.py`)."""
        if path is not None:
            return self._in_file(name, self.require_file(path), line)
        by_file = _by_file(self.find(name))
        if len(by_file) == 1:
            return self._in_file(name, next(iter(by_file)), line)
        if by_file and line is None and (group := self.one_symbol(name, tests=tests)) is not None:
            return group.main
        if by_file:
            found = sorted(self.find(name), key=lambda s: (s.path, s.range.start))
            options = ", ".join(f"`{s.qualified_name}` ({s.path}:{s.range.start.line + 1})" for s in found)
            example = found[-1]
            how = [f"with its file (“{name} in {example.path}”)"]
            if any(s.container for s in found):
                how.insert(0, f"with its class (`{next(s for s in found if s.container).qualified_name}`)")
            how.append(f"with its line ({example.path}:{example.range.start.line + 1})")
            raise Refused(
                f"`{name}` is defined {len(found)} times: {options}. Name the one you mean "
                f"{', '.join(how[:-1])} or {how[-1]}, or put the cursor on it."
            )
        similar = self.close_matches(name)
        hint = f"; did you mean {_listing(similar)}?" if similar else "."
        raise Refused(f"`{name}` is not defined anywhere in the workspace{hint}{self._blind_spots()}")

    def one_symbol(self, name: str, *, tests: bool = False) -> OneSymbol | None:
        """The one symbol the definitions of `name` (`Class.member` too) are, or None when
        they are rivals or there are none."""
        return one_symbol(self.find(name), self.workspace.read, tests=tests)

    def same_symbol(self, symbol: Symbol) -> list[Symbol]:
        """`symbol` and the definitions that are the same symbol: its stubs, its re-exports
        (or, from a stub, its implementation and theirs). What a rename changes together."""
        group = one_symbol(self.find(symbol.qualified_name), self.workspace.read, tests=is_test_file(symbol.path))
        if group is None or symbol not in (members := [group.main, *group.companions]):
            return [symbol]
        return [symbol, *(s for s in members if s != symbol)]

    def _blind_spots(self) -> str:
        """What the map cannot see, for a "not defined" refusal: it may be there."""
        notes = []
        if self.incomplete:
            notes.append(f" {self.incomplete}")
        if self.skipped:
            listed = _listing(sorted(self.skipped)[:3]) + (" …" if len(self.skipped) > 3 else "")
            notes.append(f" Skipped (not read): {listed}.")
        return "".join(notes)

    def _in_file(self, name: str, path: str, line: int | None = None) -> Symbol:
        if path in self.skipped and path not in self._editor:
            raise Refused(f"{self.skipped[path]} So Outrigger cannot find `{name}` in it.")
        found = self.find(name, path)
        if line is not None and found:
            at = [s for s in found if s.range.start.line <= line - 1 <= s.range.end.line]
            if at:
                return max(at, key=lambda s: s.range.start)  # the innermost
            places = ", ".join(f"{path}:{s.range.start.line + 1}" for s in found)
            raise Refused(f"`{name}` is not at {path}:{line}; it is defined at {places}.")
        if len(found) == 1:
            return found[0]
        top_level = [s for s in found if s.container is None]
        if len(top_level) == 1:
            return top_level[0]
        if found:
            ordered = sorted(found, key=lambda s: s.range.start)
            options = ", ".join(f"`{s.qualified_name}` (line {s.range.start.line + 1})" for s in ordered)
            example = ordered[0]
            raise Refused(
                f"`{name}` is defined {len(found)} times in {path}: {options}. Name the one you mean with its class "
                f"(`{example.qualified_name}`) or its line ({path}:{example.range.start.line + 1}), or put the cursor on it."
            )
        elsewhere = sorted(_by_file(self.find(name)))
        if elsewhere:
            raise Refused(f"`{name}` is not defined in {path}. It is defined in {_and(elsewhere)}.")
        similar = self.close_matches(name, path)
        if similar:
            raise Refused(f"`{name}` is not defined in {path}; did you mean {_listing(similar)}?")
        names = [s.qualified_name for s in self.symbols(path)]
        known = f" It defines {_listing(names[:_MAX_LISTED])}." if names else ""
        raise Refused(f"`{name}` is not defined in {path}.{known}")

    def occurrences(self, name: str) -> dict[str, list[Range]]:
        """Identifier tokens exactly equal to `name`, per file: never substrings, strings or
        comments. Files are parsed for identifiers only when their text contains `name`."""
        found: dict[str, list[Range]] = {}
        for path in sorted(self._files):
            entry = self._files[path]
            if name not in entry.text:
                continue
            if entry.identifiers is None:
                entry.identifiers = identifier_spans(path, entry.text)
            if spans := entry.identifiers.get(name):
                found[path] = [Range.of(line, start, line, end) for line, start, end in spans]
        return found


class _Budget:
    """Counts what a build has read against its limits, and says which one stopped it."""

    def __init__(self, limits: IndexSettings) -> None:
        self.limits = limits
        self.started = self.last_report = time.monotonic()
        self.files = 0
        self.bytes = 0
        self.timed_out = False

    def count(self, text: str) -> None:
        self.files += 1
        self.bytes += len(text) if text.isascii() else len(text.encode("utf-8"))

    def out_of_time(self) -> bool:
        if time.monotonic() - self.started > self.limits.max_seconds:
            self.timed_out = True
        return self.timed_out

    def exhausted(self) -> bool:
        return self.files >= self.limits.max_files or self.bytes >= self.limits.max_bytes or self.out_of_time()

    def report_due(self) -> bool:
        now = time.monotonic()
        if now - self.last_report < _PROGRESS_SECONDS:
            return False
        self.last_report = now
        return True

    def reason(self, indexed: int) -> str | None:
        where = f"after {indexed:,} files"
        if self.timed_out:
            return (
                f"Indexing stopped {where} at its time limit of {self.limits.max_seconds:g} s "
                "(outrigger.index.maxSeconds); open the project's own folder, or raise the limit."
            )
        if self.files >= self.limits.max_files:
            return (
                f"Indexing stopped {where}: the limit is {self.limits.max_files:,} files "
                "(outrigger.index.maxFiles); open the project's own folder, or raise the limit."
            )
        if self.bytes >= self.limits.max_bytes:
            return (
                f"Indexing stopped {where}: they hold {self.bytes:,} bytes, the limit is "
                f"{self.limits.max_bytes:,} (outrigger.index.maxBytes); open the project's own folder, "
                "or raise the limit."
            )
        return None


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Indexing allocates ~10 small acyclic objects per symbol; on large workspaces the
    cyclic garbage collector's repeated passes over them cost more than the parsing."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _by_file(symbols: list[Symbol]) -> dict[str, list[Symbol]]:
    grouped: dict[str, list[Symbol]] = defaultdict(list)
    for symbol in symbols:
        grouped[symbol.path].append(symbol)
    return grouped


def _normal(name: str) -> str:
    # `get_item`, `getItem` and `GetItem` are the same word to a small model.
    return name.replace("_", "").lower()


def _similarity(wanted: str, candidate: str) -> tuple[float, float, int]:
    """(score, difflib ratio, shared prefix length); the score rewards a shared prefix."""
    a, b = _normal(wanted), _normal(candidate)
    ratio = SequenceMatcher(None, a, b).ratio()
    prefix = len(os.path.commonprefix([a, b]))
    return ratio + 0.2 * prefix / max(len(a), len(b), 1), ratio, prefix


def _closest(wanted: str, candidates: set[str]) -> list[str]:
    scored = []
    for candidate in candidates - {wanted}:
        score, ratio, prefix = _similarity(wanted, candidate)
        # A long shared prefix (`validateToken` ~ `validateUser`) counts even at a low ratio.
        if ratio >= _MIN_RATIO or prefix >= max(4, len(_normal(wanted)) // 2):
            scored.append((-score, candidate))
    return [candidate for _, candidate in sorted(scored)[:MAX_SUGGESTIONS]]


def _closest_files(wanted: str, files: list[str]) -> list[str]:
    """Files whose path or base name resembles `wanted` (`src/auht.js`, `auth.js`)."""
    base = wanted.rsplit("/", 1)[-1]
    scored = []
    for path in files:
        by_path, path_ratio, _ = _similarity(wanted, path)
        by_name, name_ratio, _ = _similarity(base, path.rsplit("/", 1)[-1])
        # Stricter than for symbols: paths share `src/` and `.js`, which inflates the ratio.
        if name_ratio >= 0.75 or path_ratio >= 0.85:
            scored.append((-max(by_path, by_name), path))
    return [path for _, path in sorted(scored)[:MAX_SUGGESTIONS]]


def _module_path(written: str) -> str | None:
    """`shop.cart` → `shop/cart`: a dotted module path (not a file name with an extension)."""
    parts = written.strip().split(".")
    if len(parts) < 2 or not all(part.isidentifier() for part in parts) or language_for(written):
        return None
    return "/".join(parts)


def _module_of(path: str) -> str:
    """`src/shop/cart.py` → `src/shop/cart`; a package's `__init__`/`index` is its folder."""
    stem = posixpath.splitext(path)[0]
    folder, _, base = stem.rpartition("/")
    return folder if base in ("__init__", "index", "mod", "lib") and folder else stem


def _listing(names: list[str]) -> str:
    return ", ".join(f"`{n}`" for n in names)


def _and(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


_MEMBER_KINDS = ("property", "field")
_VALUE_KINDS = ("variable", "constant")


def _definitions(symbols: list[Symbol]) -> list[Symbol]:
    """The editor's symbols that define something a request can name. An editor also reports
    the same symbol twice (two providers; Outrigger's own symbols echoed back), members of a
    container nobody can name (`<unknown>`, `<function>`), and the keys of an object that lists
    the file's own functions (`module.exports = { f }`): a listing of `f`, not a second `f`."""
    values = {s.name for s in symbols if s.kind in _VALUE_KINDS}
    definitions = {s.name for s in symbols if s.container is None and s.kind not in (*_VALUE_KINDS, *_MEMBER_KINDS)}
    seen: set[tuple] = set()
    kept = []
    for symbol in symbols:
        key = (symbol.name, symbol.kind, symbol.container, symbol.range)
        if key in seen or (symbol.container and "<" in symbol.container):
            continue
        if symbol.kind in _MEMBER_KINDS and symbol.container in values and symbol.name in definitions:
            continue
        seen.add(key)
        kept.append(symbol)
    return kept


def _one_per_definition(symbols: list[Symbol], own: Sequence[Symbol]) -> list[Symbol]:
    """Two providers report one definition with ranges that differ (Outrigger's own symbol
    echoed back counts the comment above it, TypeScript's does not): symbols of one name and
    container whose ranges overlap are one definition. The one Outrigger's index agrees with
    is kept, else the first."""
    agreed = {(s.name, s.container, s.range) for s in own}
    ranked = sorted(symbols, key=lambda s: (s.name, s.container, s.range) not in agreed)  # stable
    taken: dict[tuple[str, str | None], list[Range]] = {}
    dropped: set[int] = set()
    for symbol in ranked:
        ranges = taken.setdefault((symbol.name, symbol.container), [])
        if any(r.start <= symbol.range.end and symbol.range.start <= r.end for r in ranges):
            dropped.add(id(symbol))
        else:
            ranges.append(symbol.range)
    return [s for s in symbols if id(s) not in dropped]
