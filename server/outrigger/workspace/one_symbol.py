"""One symbol, however many places spell its definition.

A real project writes one function in several places that are not rivals: a type stub beside
its implementation (`more.py` + `more.pyi`, `index.js` + `index.d.ts`, a C header's prototype
and the definition), a re-export built from it (`valfilter = curry(dicttoolz.valfilter)`,
`export const parse = impl.parse`), and a test's own helper of the same name. A request that
names it means the implementation; a rename changes the stub and the re-exports with it and
leaves a test's own helper alone. Only two real implementations make a name ambiguous.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from outrigger.errors import Refused
from outrigger.workspace.symbols import Symbol

# A test file: under a tests/specs folder, or named as a test by the usual conventions
# (`test_x.py`, `x_test.go`, `x.test.js`, `x.spec.ts`, pytest's `conftest.py`).
_TEST_FILE = re.compile(
    r"(?:^|/)(?:tests?|specs?|__tests__|testing)/|(?:^|/)(?:test_[^/]*|conftest\.py)$|[._-](?:test|spec)s?\.\w+$"
)
_STUB_SUFFIXES = (".pyi", ".d.ts", ".d.mts", ".d.cts", ".h", ".hh", ".hpp", ".hxx")


def is_test_file(path: str) -> bool:
    return bool(_TEST_FILE.search(path))


def is_stub_file(path: str) -> bool:
    """A file of declarations only: a type stub or a C/C++ header."""
    return path.endswith(_STUB_SUFFIXES)


def mentions_tests(text: str) -> bool:
    """The request is about the tests ("the test helper", "in the specs")."""
    return bool(re.search(r"\b(?:tests?|specs?|testing|fixtures?|conftest)\b", text, re.I))


@dataclass
class OneSymbol:
    main: Symbol  # the implementation a request means
    companions: list[Symbol] = field(default_factory=list)  # its stubs and re-exports: renamed with it
    set_aside: list[Symbol] = field(default_factory=list)  # same-named definitions of the tests

    def note(self) -> str:
        """What was taken and what was not, for the plan line."""
        parts = []
        if stubs := [s for s in self.companions if is_stub_file(s.path)]:
            parts.append(f"its declaration in {_paths(stubs)} is the same symbol")
        if others := [s for s in self.companions if not is_stub_file(s.path)]:
            parts.append(f"{_paths(others)} re-export{'s' * (len(others) == 1)} it")
        if self.set_aside:
            parts.append(f"`{self.main.name}` of {_paths(self.set_aside)} left alone")
        return "; ".join(parts)


def one_symbol(found: list[Symbol], read: Callable[[str], str], *, tests: bool = False) -> OneSymbol | None:
    """The one symbol several definitions of a name are, or None when two of them are rival
    implementations (a person would have to ask which). `tests`: the request is about tests,
    so a test's own definition is the one meant."""
    if len(found) < 2:
        return OneSymbol(found[0]) if found else None
    stubs = [s for s in found if is_stub_file(s.path)]
    real = [s for s in found if s not in stubs]
    reexports = [s for s in real if _built_from_itself(s, read)] if len(real) > 1 else []
    implementations = [s for s in real if s not in reexports] or real
    in_tests = [s for s in implementations if is_test_file(s.path)]
    elsewhere = [s for s in implementations if s not in in_tests]
    chosen = in_tests if tests and in_tests else elsewhere or in_tests or (stubs if len(stubs) == 1 else [])
    if len(chosen) != 1:
        return None
    main = chosen[0]
    side = is_test_file(main.path)
    companions = [
        s
        for s in [*stubs, *reexports]
        if s is not main and s.container == main.container and is_test_file(s.path) == side
    ]
    set_aside = [s for s in found if is_test_file(s.path) != side]
    if any(s is not main and s not in companions and s not in set_aside for s in found):
        return None  # a second real definition on the same side, or another class's stub
    return OneSymbol(main, companions, set_aside)


def _built_from_itself(symbol: Symbol, read: Callable[[str], str]) -> bool:
    """`valfilter = curry(dicttoolz.valfilter)`, `export const parse = impl.parse`: a binding
    whose value is made from another definition of the same name."""
    if symbol.kind not in {"variable", "constant"}:
        return False
    try:
        line = read(symbol.path).split("\n")[symbol.selection.start.line]
    except (IndexError, OSError, Refused):
        return False
    after = line[symbol.selection.end.character :]
    m = re.match(r"\s*(?::[^=]*)?=\s*(.+)", after)
    return bool(m and re.search(rf"(?<![\w$]){re.escape(symbol.name)}(?![\w$])", m.group(1)))


def _paths(symbols: list[Symbol]) -> str:
    return ", ".join(sorted({s.path for s in symbols}))
