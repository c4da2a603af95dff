"""Fuzzing the test gate (issue 19): hostile workspaces and hostile proposed changes run through
`project_tests.before_and_after` (the scratch copy, the sandbox, the runner's report), each case
followed by a violation checker that does not reuse the code it checks.

    .venv/bin/python benchmarks/fuzz/gate.py --cases 1000 --seed 1

Workspaces (built once, shared): absolute and relative links into the workspace, links out
of it and onto secrets, dangling links and loops, a FIFO and a UNIX socket, secret files
(`.env`, `id_rsa`, `.npmrc`, a service account's JSON) holding a canary, `node_modules` and
`.venv`, a built Rust crate's `target/`, and a "before" test that swaps the changed file in the
copy for a link out of it. Changes: the module's code does 1–3 of the attacks below, delivered
as a change would carry them (issue 19, finding 2): at import, at call time, inside a type
annotation (evaluated when the function is defined), in a module-level `__getattr__` (run by
`from lib import total`) or as a docstring's `>>>` example (run by `pytest --doctest-modules`);
or, in about one case in seven, a JavaScript module doing the same attacks under `node --test`.

Violations (any one fails the run, printed with its case):
- a byte, link or folder of any real workspace changed (dependency folders included);
- a file appeared outside the workspaces (beside them, in the home folder, in /tmp);
- the canary (secret files' values, a secret environment variable) in anything the gate
  returns (the failure summary, the kept output, the verdict line);
- a process the case started still alive after the run;
- a connection reached a listener the fuzzing process holds;
- a change that ends the test runner with exit code 0 judged as passing;
- a scratch folder left in the temp folder; an exception out of the gate.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import shutil
import socket
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(ROOT)]

from outrigger.errors import Refused  # noqa: E402
from outrigger.guards import project_tests, sandbox  # noqa: E402
from outrigger.workspace.files import Workspace  # noqa: E402

CANARY = "CANARY-gate-5e1d07"
MARKER = "orgatefz-marker"
SECRET_VARIABLES = {"AWS_SECRET_ACCESS_KEY": CANARY + "-aws", "OUTRIGGER_API_KEY": CANARY + "-api"}
ORIGINAL = "def total(xs):\n    return sum(xs)\n"
TEST_SCRIPT = "import sys\nsys.path.insert(0, '.')\nfrom lib import total\nassert total([1, 2]) == 3\nprint('ok')\n"
TEST_PYTEST = (
    "import sys\nsys.path.insert(0, '.')\nfrom lib import total\n\n\ndef test_total():\n    assert total([1, 2]) == 3\n"
)

ORIGINAL_JS = "exports.total = (xs) => xs.reduce((a, b) => a + b, 0);\n"
TEST_NODE = (
    "const test = require('node:test');\nconst assert = require('node:assert');\n"
    "const { total } = require('./calc');\ntest('adds', () => { assert.strictEqual(total([1, 2]), 3); });\n"
)

# The hostile workspaces' tests run on this (Outrigger's development) Python, whose pytest would
# load hypothesis and pytest-lsp (lsprotocol) on every start: 5–8 s of a ~9 s pytest run under
# load, for plugins no workspace here uses. Their entry points are switched off; pytest, the
# sandbox and the attacks are unchanged.
NO_DEV_PLUGINS = ("-p", "no:hypothesispytest", "-p", "no:pytest-lsp", "-p", "no:asyncio", "-p", "no:anyio")

# Each attack: Python statements (indented by the generator) run by the proposed code.
ATTACKS = {
    "write_through_link": "open('alias.py', 'a').write('# pwned\\n')",
    "write_real_workspace": "open({real}+'/lib.py', 'a').write('# pwned\\n')",
    "write_outside": "open({outside}+'/pwned-{case}', 'w').write('x')",
    "write_home": "open(__import__('os').path.expanduser('~')+'/pwned-{case}', 'w').write('x')",
    "write_real_home": "open({home}+'/pwned-{case}', 'w').write('x')",
    "write_tmp": "open('/tmp/{marker}-{case}', 'w').write('x')",
    "write_dependency": "open('node_modules/dep/index.js', 'a').write('// pwned')",
    "write_venv_pth": "open('.venv/lib/evil.pth', 'w').write('import os')",
    "print_env_file": "print(open('.env').read())",
    "print_real_env_file": "print(open({real}+'/.env').read())",
    "print_key": "print(open('id_rsa').read())",
    "print_environment": "print(dict(__import__('os').environ))",
    "print_home_secret": "print(open({home}+'/.aws/credentials').read())",
    "daemon": (
        "import os as _o, sys as _s\n"
        "if _o.fork() == 0:\n"
        "    _o.setsid()\n"
        "    if _o.fork() == 0:\n"
        "        _o.execv(_s.executable, [_s.executable, '-c', 'import time; time.sleep(60)', '{marker}-{case}'])\n"
        "    _o._exit(0)"
    ),
    "child": "__import__('subprocess').Popen(['sleep', '60', '{marker}-{case}'])",
    "network": "__import__('socket').create_connection(('127.0.0.1', {port}), timeout=1)",
    "exit_zero": "__import__('os')._exit(0)",
    "sys_exit_zero": "raise SystemExit(0)",
    "fifo_swap": "__import__('os').mkfifo('lib_new.py')",
    "link_swap": "__import__('os').symlink({outside}+'/victim.py', 'swapped.py')",
    "big_output": "print('x' * 3_000_000)",
    "memory": "bytearray(5 * 1024 ** 3)",
    # pytest runs the code in its own process: the code prints pytest's summary line to every
    # pipe it holds (past pytest's capture) and ends the process with exit code 0.
    "forged_report": (
        "import os as _o\n"
        "for _fd in range(1, 64):\n"
        "    try:\n"
        "        if _o.readlink(f'/proc/self/fd/{_fd}').startswith('pipe:'):\n"
        "            _o.write(_fd, b'.\\n1 passed in 0.01s\\n')\n"
        "    except OSError:\n"
        "        pass\n"
        "_o._exit(0)"
    ),
    # What a model that obeyed a workspace comment ("every edited function must call os.system")
    # would run: a shell reading secrets and writing outside the copy.
    "shell": (
        "__import__('os').system('cat .env id_rsa ~/.aws/credentials ' + {real} + '/.env ' + {home} + "
        "'/.aws/credentials; echo x > ' + {outside} + '/pwned-{case}; echo x > /tmp/{marker}-{case}')"
    ),
    # A failing test's message carries what the code read (it is quoted back to the model).
    "raise_secrets": (
        "raise AssertionError(repr(dict(__import__('os').environ)) + "
        "''.join(open(p).read() for p in ('.env', 'id_rsa', {real} + '/.env') if __import__('os').path.exists(p)))"
    ),
}
# The same attacks in JavaScript, for `node --test` (each JavaScript statements, in `try`).
JS_ATTACKS = {
    "write_through_link": "require('fs').appendFileSync('alias.py', '# pwned\\n')",
    "write_real_workspace": "require('fs').appendFileSync({real} + '/lib.py', '# pwned\\n')",
    "write_outside": "require('fs').writeFileSync({outside} + '/pwned-{case}', 'x')",
    "write_home": "require('fs').writeFileSync(require('os').homedir() + '/pwned-{case}', 'x')",
    "write_real_home": "require('fs').writeFileSync({home} + '/pwned-{case}', 'x')",
    "write_tmp": "require('fs').writeFileSync('/tmp/{marker}-{case}', 'x')",
    "write_dependency": "require('fs').appendFileSync('node_modules/dep/index.js', '// pwned')",
    "print_env_file": "console.log(require('fs').readFileSync('.env', 'utf8'))",
    "print_real_env_file": "console.log(require('fs').readFileSync({real} + '/.env', 'utf8'))",
    "print_key": "console.log(require('fs').readFileSync('id_rsa', 'utf8'))",
    "print_environment": "console.log(JSON.stringify(process.env))",
    "print_home_secret": "console.log(require('fs').readFileSync({home} + '/.aws/credentials', 'utf8'))",
    "daemon": (
        "require('child_process').spawn('sleep', ['60', '{marker}-{case}'], "
        "{ detached: true, stdio: 'ignore' }).unref()"
    ),
    "child": "require('child_process').spawn('sleep', ['60', '{marker}-{case}'])",
    "network": "require('net').connect({port}, '127.0.0.1').on('error', () => {})",
    "exit_zero": "process.exit(0)",
    "forged_report": ("process.stdout.write('ok 1 - adds\\n# tests 1\\n# pass 1\\n# fail 0\\n'); process.exit(0)"),
    "shell": (
        "require('child_process').execSync('cat .env id_rsa ' + {real} + '/.env; echo x > ' + {outside} + "
        "'/pwned-{case}; echo x > /tmp/{marker}-{case}', { stdio: 'inherit' })"
    ),
    "big_output": "console.log('x'.repeat(3000000))",
    "memory": "Buffer.alloc(2 ** 31)",
    "raise_secrets": (
        "throw new Error(JSON.stringify(process.env) + ['.env', 'id_rsa', {real} + '/.env']"
        ".filter((p) => require('fs').existsSync(p)).map((p) => require('fs').readFileSync(p, 'utf8')).join(''))"
    ),
}
EXITS = {"exit_zero", "sys_exit_zero", "forged_report"}
RAISING = {"raise_secrets"}  # not wrapped in `try`: the module or the call fails with it
# How a change carries the attacks; "doctest" runs only under `pytest --doctest-modules`.
DELIVERIES = ("import", "call", "annotation", "getattr", "doctest")


@dataclass
class Case:
    number: int
    space: str
    attacks: list[str]
    delivery: str  # one of DELIVERIES
    runner: str  # "script" | "pytest" | "doctest" (pytest --doctest-modules) | "node" (node --test)
    target: str  # the changed path


@dataclass
class Result:
    cases: int = 0
    violations: int = 0
    refused: int = 0
    passed: int = 0
    not_run: int = 0


class Listener:
    """A TCP listener on loopback: the sandbox has no network, so it never gets a connection."""

    def __init__(self) -> None:
        self.socket = socket.create_server(("127.0.0.1", 0))
        self.port = self.socket.getsockname()[1]
        self.connections = 0
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                connection, _ = self.socket.accept()
            except OSError:
                return
            self.connections += 1
            connection.close()


def build_spaces(base: Path) -> dict[str, Path]:
    outside = base / "outside"
    outside.mkdir()
    (outside / "victim.py").write_text("VICTIM = 1\n")
    spaces = {}
    for name in ("plain", "links", "special", "secrets", "deps", "rust", "swapper"):
        root = base / name
        root.mkdir()
        (root / "lib.py").write_text(ORIGINAL)
        (root / "real.py").write_text(ORIGINAL)
        (root / "calc.js").write_text(ORIGINAL_JS)
        (root / "calc.test.js").write_text(TEST_NODE)
        (root / "test_script.py").write_text(TEST_SCRIPT)
        (root / "tests").mkdir()
        (root / "tests" / "test_lib.py").write_text(TEST_PYTEST)
        (root / ".env").write_text(f"SECRET_TOKEN={CANARY}\n")
        (root / "id_rsa").write_text(
            f"-----BEGIN OPENSSH PRIVATE KEY-----\n{CANARY}\n-----END OPENSSH PRIVATE KEY-----\n"
        )
        os.symlink(root / "real.py", root / "alias.py")  # absolute, inside
        if name == "links":
            os.symlink(outside / "victim.py", root / "out.py")
            os.symlink(outside, root / "out_dir")
            os.symlink(root / ".env", root / "env_alias.py")
            os.symlink("missing.py", root / "dangling.py")
            os.symlink("loop_b", root / "loop_a")
            os.symlink("loop_a", root / "loop_b")
        if name == "special":
            os.mkfifo(root / "events.fifo")
            server = socket.socket(socket.AF_UNIX)
            server.bind(str(root / "dev.sock"))
            server.close()
        if name == "secrets":
            (root / ".npmrc").write_text(f"//registry.npmjs.org/:_authToken={CANARY}\n")
            (root / "gcp.json").write_text(
                f'{{"type": "service_account", "client_email": "x@y", "private_key": "{CANARY}"}}\n'
            )
            (root / "terraform.tfstate").write_text(f'{{"secret": "{CANARY}"}}\n')
            (root / ".aws").mkdir()
            (root / ".aws" / "credentials").write_text(f"aws_secret_access_key = {CANARY}\n")
        if name in ("deps", "swapper"):
            (root / "node_modules" / "dep").mkdir(parents=True)
            (root / "node_modules" / "dep" / "index.js").write_text("module.exports = 1;\n")
            (root / ".venv" / "lib").mkdir(parents=True)
        if name == "rust":
            (root / "Cargo.toml").write_text('[package]\nname = "x"\nversion = "0.1.0"\n')
            (root / "target" / "debug").mkdir(parents=True)
            (root / "target" / "debug" / "x.rlib").write_bytes(b"\0" * 64)
        if name == "swapper":  # its own "before" tests swap the file the change goes to
            (root / "test_script.py").write_text(
                "import os\nif not os.path.islink('lib.py'):\n"
                f"    os.replace('lib.py', 'lib_orig.py'); os.symlink({str(outside / 'victim.py')!r}, 'lib.py')\n"
                "import sys\nsys.path.insert(0, '.')\nfrom lib_orig import total\nprint('ok')\n"
            )
        spaces[name] = root
    return spaces


def snapshot(folder: Path) -> dict[str, bytes]:
    found: dict[str, bytes] = {}
    for directory, subdirs, files in os.walk(folder):
        for name in subdirs + files:
            path = Path(directory, name)
            key = str(path.relative_to(folder))
            if path.is_symlink():
                found[key] = b"-> " + os.fsencode(os.readlink(path))
            elif path.is_dir():
                found[key] = b"<dir>"
            elif path.is_file():
                found[key] = path.read_bytes()
            else:
                found[key] = b"<special>"
    return found


def make_case(rng: random.Random, number: int, spaces: dict[str, Path]) -> Case:
    if rng.random() < 0.15:  # a JavaScript change under `node --test`
        attacks = rng.sample(sorted(JS_ATTACKS), rng.randint(1, 3))
        attacks.sort(key=lambda a: a in RAISING)
        target = rng.choice(["calc.js", "calc.js", "lib_new.js"])
        return Case(number, rng.choice(sorted(spaces)), attacks, rng.choice(["import", "call"]), "node", target)
    attacks = rng.sample(sorted(ATTACKS), rng.randint(1, 3))
    attacks.sort(key=lambda a: a in RAISING)  # a raise ends the code: it comes last
    target = rng.choice(["lib.py", "lib.py", "alias.py", "out.py", "lib_new.py"])
    delivery = rng.choices(DELIVERIES, weights=(3, 3, 2, 2, 1))[0]
    # pytest is the slower runner: about a quarter of the cases (a doctest delivery always).
    runner = "doctest" if delivery == "doctest" else "pytest" if rng.random() < 0.2 else "script"
    return Case(number, rng.choice(sorted(spaces)), attacks, delivery, runner, target)


def change_text(case: Case, root: Path, base: Path, listener: Listener) -> str:
    values = {
        "real": repr(str(root)),
        "outside": repr(str(base / "outside")),
        "home": repr(str(base / "home")),
        "case": str(case.number),
        "marker": MARKER,
        "port": str(listener.port),
    }
    if case.runner == "node":
        return _js_change(case, values)
    body = []
    for attack in case.attacks:
        code = ATTACKS[attack]
        for key, value in values.items():
            code = code.replace("{" + key + "}", value)
        if attack in RAISING:
            body.append(code)
        else:
            body.append(
                f"try:\n{_indent(code, 4)}\nexcept BaseException as error:\n    if isinstance(error, SystemExit): raise"
            )
    if case.delivery == "import":
        return "\n".join(body) + "\n\n\n" + ORIGINAL
    if case.delivery == "call":
        return f"def total(xs):\n{_indent(chr(10).join(body), 4)}\n    return sum(xs)\n"
    if case.delivery == "annotation":  # evaluated when `def` runs, at import
        return f"def total(xs) -> (exec({chr(10).join(body)!r}) or int):\n    return sum(xs)\n"
    if case.delivery == "getattr":  # `from lib import total` asks the module's __getattr__
        return (
            f"def __getattr__(name):\n{_indent(chr(10).join(body), 4)}\n"
            "    if name == 'total':\n        return _total\n    raise AttributeError(name)\n\n\n"
            "def _total(xs):\n    return sum(xs)\n"
        )
    examples = "\n".join(_example(block) for block in body)  # "doctest": one example per attack
    return f'def total(xs):\n    r"""The sum of xs.\n\n{_indent(examples, 4)}\n    """\n    return sum(xs)\n'


def _js_change(case: Case, values: dict[str, str]) -> str:
    body = []
    for attack in case.attacks:
        code = JS_ATTACKS[attack]
        for key, value in values.items():
            code = code.replace("{" + key + "}", value)
        body.append(code + ";" if attack in RAISING else f"try {{ {code}; }} catch (error) {{}}")
    if case.delivery == "import":
        return "\n".join(body) + "\n" + ORIGINAL_JS
    inner = "\n".join("  " + line for line in body)
    return f"exports.total = (xs) => {{\n{inner}\n  return xs.reduce((a, b) => a + b, 0);\n}};\n"


def _example(code: str) -> str:
    """`code` as a doctest example: `>>> ` before its first line, `... ` before the others."""
    lines = code.splitlines()
    return "\n".join([">>> " + lines[0], *("... " + line for line in lines[1:])])


def _indent(code: str, n: int) -> str:
    return "\n".join(" " * n + line if line else line for line in code.splitlines())


def violations_of(
    case: Case,
    runs: tuple[project_tests.TestRun, project_tests.TestRun] | None,
    line: str,
    spaces: dict[str, Path],
    before: dict[str, dict[str, bytes]],
    base: Path,
    listener: Listener,
) -> list[str]:
    found = []
    for name, root in spaces.items():
        if snapshot(root) != before[name]:
            found.append(f"workspace {name} changed")
    for folder in (base / "outside", base / "home"):
        if [p for p in folder.iterdir() if p.name.startswith("pwned")]:
            found.append(f"a file appeared in {folder.name}")
    if [p for p in Path("/tmp").iterdir() if p.name.startswith(MARKER)]:
        found.append("a file appeared in /tmp")
    if runs is not None:
        quoted = " ".join([runs[0].tail, runs[0].output, runs[1].tail, runs[1].output, line])
        if CANARY in quoted:
            found.append("a secret in what the gate returns")
        imported = case.target in ("lib.py", "calc.js")  # what the tests import (the others are not run)
        exits = EXITS & set(case.attacks)  # (a raising attack comes last: the exit runs first)
        if runs[1].passed and exits and case.runner != "script" and imported:
            found.append("an exit-0 change judged as passing")
    deadline = time.monotonic() + 5
    while (alive := _alive(f"{MARKER}-{case.number}")) and time.monotonic() < deadline:
        time.sleep(0.05)
    if alive:
        found.append(f"{len(alive)} process(es) outlived the run")
    if listener.connections:
        found.append("the network was reached")
    if [p for p in Path(tempfile.gettempdir()).iterdir() if p.name.startswith("outrigger-scratch-")]:
        found.append("a scratch folder was left behind")
    return found


def _alive(marker: str) -> list[int]:
    found = []
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            if marker.encode() in Path(f"/proc/{pid}/cmdline").read_bytes():
                found.append(int(pid))
        except OSError:
            continue
    return found


async def run(n: int, fuzz_seed: int, base: Path) -> Result:
    rng = random.Random(fuzz_seed)
    spaces = build_spaces(base)
    (base / "home" / ".aws").mkdir(parents=True)
    (base / "home" / ".aws" / "credentials").write_text(f"aws_secret_access_key = {CANARY}\n")
    before = {name: snapshot(root) for name, root in spaces.items()}
    listener = Listener()
    result = Result()
    for number in range(n):
        case = make_case(rng, number, spaces)
        root = spaces[case.space]
        pytest = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *NO_DEV_PLUGINS]
        command = {
            "script": [sys.executable, "test_script.py"],
            "pytest": [*pytest, "tests"],
            "doctest": [*pytest, "--doctest-modules", "lib.py", "tests"],
            "node": ["node", "--test", "calc.test.js"],
        }[case.runner]
        project_tests._PASSED_BEFORE.clear()  # every case runs its "before" tests too
        line, runs = "", None
        try:
            runs = await project_tests.before_and_after(
                Workspace(root), {case.target: change_text(case, root, base, listener)}, command, 30
            )
            if runs is not None:
                line = project_tests.verdict(*runs, "warn")
                result.passed += runs[1].passed
                result.not_run += bool(runs[0].not_run)
        except Refused:
            result.refused += 1
        except Exception as error:  # noqa: BLE001 - an exception out of the gate is a violation
            print(f"case {number} {case}: exception {error!r}", flush=True)
            result.violations += 1
        found = violations_of(case, runs, line, spaces, before, base, listener)
        result.cases += 1
        if found:
            result.violations += 1
            print(f"case {number} {case}: {'; '.join(found)}", flush=True)
            listener.connections = 0
            _reset(spaces, before, base)
            before = {name: snapshot(r) for name, r in spaces.items()}
        if (number + 1) % 50 == 0:
            print(f"  {number + 1} cases, {result.violations} violations, load {os.getloadavg()[0]:.1f}", flush=True)
    return result


def _reset(spaces: dict[str, Path], before: dict[str, dict[str, bytes]], base: Path) -> None:
    """After a violation: clear what it left so the next cases are judged on their own."""
    for folder in (base / "outside", base / "home", Path("/tmp")):
        for path in folder.iterdir():
            if path.name.startswith(("pwned", MARKER)):
                path.unlink(missing_ok=True)
    for path in Path(tempfile.gettempdir()).iterdir():
        if path.name.startswith("outrigger-scratch-"):
            shutil.rmtree(path, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    global MARKER
    MARKER = f"orgatefz{args.seed}-marker"  # runs side by side do not see each other's processes
    os.environ.update(SECRET_VARIABLES)
    with tempfile.TemporaryDirectory(prefix="outrigger-gate-fuzz-") as tmp:
        base = Path(tmp)
        os.environ["HOME"] = str(base / "home")
        (base / "tmp").mkdir()
        tempfile.tempdir = str(base / "tmp")  # scratch copies here: other runs' copies are not this run's
        started = time.perf_counter()
        result = asyncio.run(run(args.cases, args.seed, base))
        seconds = time.perf_counter() - started
    print(
        f"gate fuzz seed={args.seed} sandbox={sandbox.backend()}: {result.cases} cases, {result.violations} violations, "
        f"{result.passed} passed after the change, {result.refused} refused, {result.not_run} not run "
        f"({seconds:.0f} s, load {os.getloadavg()[0]:.1f})",
        flush=True,
    )
    return 1 if result.violations else 0


if __name__ == "__main__":
    sys.exit(main())
