"""Compiler-grade syntax checks, where the language's own toolchain is installed.

tree-sitter's parse is tolerant: it accepts code a compiler rejects (`print "x"` in
Python 3, a duplicate parameter, `break` outside a loop). When the toolchain is on the
PATH, `compile_errors` asks the language's own parser too — bounded in time, fed the
text on stdin or in a temporary file, never the user's files, never running the code, and in
the sandbox where there is one (`guards/sandbox.py`: a C `#include` of `.env` or of a file
outside the workspace must not put its lines into errors quoted back to the model).
It returns the errors, not a verdict: callers refuse only errors an edit introduces.

| language | check | what it catches beyond tree-sitter |
|---|---|---|
| Python | `compile()` in-process, no execution | TabError, `print "x"`, duplicate arguments, `break`/`return` outside their block |
| JavaScript | `node --check` (`.js`, `.mjs`, `.cjs`) | V8's parser: strict-mode and early errors |
| TypeScript, TSX, JSX | none | Node 20 cannot strip types or read JSX |
| Rust | `rustfmt --emit stdout` | rustc's parser (no type checking) |
| Go | `gofmt -e` | Go's parser, every error |
| Java | `javac`, stopped after parsing | javac's parser (missing classes of the project do not count) |
| C / C++ | `gcc` / `g++ -fsyntax-only` | syntax and types, with the file's own folder and the workspace on the include path |
| C# | none | no compiler checks a lone file without a project |
| Ruby | `ruby -c` | Ruby's parser |
| PHP | `php -n -l` | PHP's parser |
| Lua | `luac -p` | Lua's parser |
| Bash | `bash -n` | Bash's parser |
"""

from __future__ import annotations

import fnmatch
import os
import re
import shutil
import subprocess
import tempfile
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path, PurePosixPath

from outrigger.config import DEFAULT_SECRET_PATTERNS
from outrigger.guards import sandbox
from outrigger.workspace.languages import language_for

DEFAULT_TIMEOUT = 10.0


@dataclass(frozen=True)
class CheckResult:
    """What a check found: `tool` is None when no check ran, and `reason` says why."""

    tool: str | None
    errors: list[str] = field(default_factory=list)  # "line N: message", in file order
    reason: str = ""


@dataclass(frozen=True)
class _Tool:
    """A command that reads the text (stdin, or `{file}`: a temporary copy) and reports
    errors as lines that `pattern` matches, with groups `line` and `message`."""

    name: str
    command: tuple[str, ...]  # the first word may list alternatives: "luac5.4|luac"
    pattern: re.Pattern[str]
    includes: bool = False  # C and C++: add the file's folder and the workspace to the include path
    skip: Callable[[str], str] = lambda path: ""  # a reason not to run on this path

    def run(self, path: str, text: str, root: Path | None, timeout: float) -> CheckResult:
        if reason := self.skip(path):
            return CheckResult(None, reason=reason)
        program = next((found for name in self.command[0].split("|") if (found := shutil.which(name))), None)
        if program is None:
            return CheckResult(None, reason=f"{self.command[0].split('|')[0]} is not installed")
        if not runs(program):
            return CheckResult(None, reason=f"{self.name} is installed but cannot run (no toolchain is set up)")
        with tempfile.TemporaryDirectory(prefix="outrigger-check-") as scratch:
            file = Path(scratch) / PurePosixPath(path).name
            file.write_text(text, encoding="utf-8")
            argv = [program] + [part.format(file=file, dir=scratch) for part in self.command[1:]]
            readable: list[Path] = []
            if self.includes:
                argv[1:1] = _include_path(path, root)
                readable = [Path(part) for part in argv[1:] if part.startswith("/") and Path(part).is_dir()]
            sandboxed = sandbox.for_a_check(argv, Path(scratch), readable, _secrets_in(readable))
            argv, env = sandboxed if sandboxed is not None else (argv, _environment())
            try:
                done = subprocess.run(
                    argv,
                    input=text.encode("utf-8"),
                    capture_output=True,
                    cwd=scratch,
                    env=env,
                    timeout=timeout,
                )
            except subprocess.TimeoutExpired:
                return CheckResult(self.name, reason=f"{self.name} timed out after {timeout:g} s")
            except OSError as error:
                return CheckResult(None, reason=f"{self.name} could not run: {error.strerror}")
        output = (done.stdout + done.stderr).decode("utf-8", "replace")
        errors: list[str] = []
        for match in self.pattern.finditer(output):
            message = f"line {int(match['line'])}: {match['message'].strip()}"
            if message not in errors:
                errors.append(message)
        if done.returncode != 0 and not errors:
            errors.append(f"line 1: {self.name} failed: {_last_line(output)}")
        return CheckResult(self.name, errors)


@cache
def runs(program: str) -> bool:
    """Whether an installed tool can run. rustup's proxies (`~/.cargo/bin/rustfmt`, `cargo`)
    are on the PATH even when no toolchain is set up for this user, and then fail on any
    input; asking for their version tells. Other tools are taken to run when installed."""
    path = shutil.which(program)
    if path is None:
        return False
    if ".cargo" not in Path(path).parts:
        return True
    try:
        return subprocess.run([path, "--version"], capture_output=True, timeout=DEFAULT_TIMEOUT).returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        return False


# Variables that make these tools load and run code of their own choosing before checking.
_CODE_LOADING = frozenset(
    {"NODE_OPTIONS", "RUBYOPT", "JAVA_TOOL_OPTIONS", "JDK_JAVA_OPTIONS", "_JAVA_OPTIONS", "BASH_ENV", "ENV", "PHPRC"}
)


def _environment() -> dict[str, str]:
    """The user's environment (rustup finds its toolchain through HOME), minus variables
    that make a tool run code, in the C locale so messages do not depend on the user's."""
    environment = {name: value for name, value in os.environ.items() if name not in _CODE_LOADING}
    environment["LC_ALL"] = "C"
    return environment


def _secrets_in(folders: list[Path], most: int = 5000) -> list[Path]:
    """Secret files and folders (the default secret patterns) under the folders a check may
    read, to blank out: a bounded walk (links not followed, dependency folders skipped)."""
    pattern = re.compile("|".join(fnmatch.translate(p.lower()) for p in DEFAULT_SECRET_PATTERNS))
    found: list[Path] = []
    seen = 0
    for folder in folders:
        for directory, subdirs, files in os.walk(folder):
            seen += len(subdirs) + len(files)
            found += [Path(directory, n) for n in files + subdirs if pattern.match(n.lower())]
            subdirs[:] = [d for d in subdirs if not pattern.match(d.lower()) and d not in ("node_modules", ".git")]
            if seen > most:
                return found
    return found


def _include_path(path: str, root: Path | None) -> list[str]:
    if root is None:
        return []
    folder = (root / path).parent
    return ["-iquote", str(folder), "-I", str(root)] + (
        ["-I", str(root / "include")] if (root / "include").is_dir() else []
    )


def _last_line(output: str) -> str:
    lines = [line.strip() for line in output.strip().splitlines() if line.strip()]
    return lines[-1] if lines else "no output"


def _python(path: str, text: str, root: Path | None, timeout: float) -> CheckResult:
    """CPython's compiler, in-process: it parses and compiles to bytecode, runs nothing."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # SyntaxWarning (`"\d"`) is not an error
            compile(text, path, "exec", dont_inherit=True)
    except SyntaxError as error:  # TabError and IndentationError included
        return CheckResult(_PYTHON, [f"line {error.lineno or 1}: {error.msg}"])
    except (ValueError, MemoryError, RecursionError) as error:  # null bytes, absurd nesting
        return CheckResult(_PYTHON, [f"line 1: {error}"])
    return CheckResult(_PYTHON)


_PYTHON = "Python compile()"


def _node_skip(path: str) -> str:
    if PurePosixPath(path).suffix.lower() == ".jsx":
        return "node cannot read JSX"
    return ""


_GCC_ERROR = re.compile(r"^<stdin>:(?P<line>\d+):(?:\d+:)? (?:fatal )?error: (?P<message>.*)$", re.M)

_TOOLS: dict[str, _Tool] = {
    # node reads the module type from the suffix (.mjs/.cjs) and detects ES modules in .js.
    "javascript": _Tool(
        "node --check",
        ("node", "--check", "{file}"),
        re.compile(r"^.*:(?P<line>\d+)\n(?:.*\n)*?SyntaxError: (?P<message>.*)$", re.M),
        skip=_node_skip,
    ),
    "rust": _Tool(
        "rustfmt",
        ("rustfmt", "--edition", "2021", "--emit", "stdout"),
        re.compile(r"^error(?:\[\w+\])?: (?P<message>.*)\n\s*--> <stdin>:(?P<line>\d+):\d+", re.M),
    ),
    "go": _Tool(
        "gofmt -e", ("gofmt", "-e"), re.compile(r"^<standard input>:(?P<line>\d+):\d+: (?P<message>.*)$", re.M)
    ),
    "java": _Tool(
        "javac (parse only)",
        (
            "javac",
            "-proc:none",  # annotation processors are code: never run them
            "-XDshould-stop.ifError=PARSE",
            "-XDshould-stop.ifNoError=PARSE",
            "-d",
            "{dir}",
            "{file}",
        ),
        re.compile(r"^.*\.java:(?P<line>\d+): error: (?P<message>.*)$", re.M),
    ),
    "c": _Tool("gcc -fsyntax-only", ("gcc", "-fsyntax-only", "-x", "c", "-"), _GCC_ERROR, includes=True),
    "cpp": _Tool("g++ -fsyntax-only", ("g++", "-fsyntax-only", "-x", "c++", "-"), _GCC_ERROR, includes=True),
    "ruby": _Tool("ruby -c", ("ruby", "-c"), re.compile(r"^-:(?P<line>\d+): (?P<message>.*)$", re.M)),
    "php": _Tool(
        "php -l",
        ("php", "-n", "-l"),
        re.compile(r"^(?:PHP )?Parse error:\s*(?P<message>.*) in Standard input code on line (?P<line>\d+)$", re.M),
    ),
    "lua": _Tool(
        "luac -p", ("luac5.4|luac|luac5.3", "-p", "-"), re.compile(r"^\S+: stdin:(?P<line>\d+): (?P<message>.*)$", re.M)
    ),
    # bash names the line only when it reads a file.
    "bash": _Tool(
        "bash -n",
        ("bash", "-n", "{file}"),
        re.compile(r"^.*: line (?P<line>\d+): (?P<message>syntax error.*)$", re.M),
    ),
}

NO_CHECK = {
    "typescript": "Node 20 cannot strip TypeScript types, so only tree-sitter checked the syntax",
    "tsx": "Node 20 cannot strip TypeScript types or read JSX, so only tree-sitter checked the syntax",
    "csharp": "no C# compiler checks a lone file without its project",
}


def compile_errors(path: str, text: str, root: Path | None = None, timeout: float = DEFAULT_TIMEOUT) -> CheckResult:
    """The errors the language's own toolchain finds in `text` (the would-be content of
    `path`); `root` is the workspace, for C and C++ includes. Never raises for bad input."""
    language = language_for(path)
    if language == "python":
        return _python(path, text, root, timeout)
    if language in _TOOLS:
        return _TOOLS[language].run(path, text, root, timeout)
    if language in NO_CHECK:
        return CheckResult(None, reason=NO_CHECK[language])
    return CheckResult(None, reason=f"Outrigger has no grammar or compiler check for {PurePosixPath(path).name}")


def check_note(path: str) -> str | None:
    """What a preview should say about the checks `path` gets, or None when both tree-sitter
    and the language's compiler check it. Cheap: nothing runs."""
    language = language_for(path)
    if language is None:
        return f"No syntax check ran for {path}: Outrigger has no grammar for its language."
    if language == "python":
        return None
    if language in NO_CHECK:
        return f"{path}: {NO_CHECK[language]}."
    tool = _TOOLS.get(language)
    if tool is None:
        return f"{path}: only tree-sitter checked the syntax."
    if reason := tool.skip(path):
        return f"{path}: only tree-sitter checked the syntax ({reason})."
    if not any(shutil.which(name) for name in tool.command[0].split("|")):
        return f"{path}: only tree-sitter checked the syntax ({tool.command[0].split('|')[0]} is not installed)."
    return None
