"""Proposed code runs in a sandbox (issue 19, findings 2 and 4): no network, no home folder or
real workspace, an allowlisted environment, only the scratch copy writable, and every process
it starts (double-forked `setsid` daemons too) ended with the run. Without a sandbox it runs
only when the user allowed it, and then a subreaper still ends every process."""

from __future__ import annotations

import os
import shutil
import socket
import sys
import time
import uuid
from pathlib import Path

import pytest

from outrigger.guards import project_tests, sandbox
from outrigger.guards.runs import NoSandbox
from outrigger.workspace.files import Workspace

BACKENDS = ["bwrap", "unshare", "none"]


def available(kind: str) -> bool:
    sandbox.backend.cache_clear()
    return kind == "none" or (sandbox.backend() == "bwrap" if kind == "bwrap" else _unshare_works())


def _unshare_works() -> bool:
    import subprocess

    trial = ["unshare", "--user", "--map-root-user", "--mount", "--net", "--pid", "--fork", "--", "/bin/true"]
    try:
        return subprocess.run(trial, capture_output=True, timeout=20).returncode == 0
    except OSError:
        return False


@pytest.fixture(params=BACKENDS)
def kind(request, monkeypatch):
    if not available(request.param):
        pytest.skip(f"{request.param} cannot build a sandbox on this machine (install bubblewrap)")
    monkeypatch.setenv("OUTRIGGER_SANDBOX", request.param)
    sandbox.backend.cache_clear()
    yield request.param
    sandbox.backend.cache_clear()


@pytest.fixture
def root(tmp_path):
    root = tmp_path / "ws"
    root.mkdir()
    (root / "app.py").write_text("X = 1\n")
    return root


async def run(root: Path, code: str, kind: str = "bwrap", timeout: float = 60) -> project_tests.TestRun:
    runs = await project_tests.before_and_after(
        Workspace(root), {}, [sys.executable, "-c", code], timeout, allow_unsandboxed=kind == "none"
    )
    assert runs is not None
    return runs[0]


def alive(marker: str) -> list[int]:
    found = []
    for pid in os.listdir("/proc"):
        try:
            if marker.encode() in Path(f"/proc/{pid}/cmdline").read_bytes():
                found.append(int(pid))
        except (OSError, ValueError):
            continue
    return found


DAEMON = """
import os, sys, time
if os.fork() == 0:
    os.setsid()
    if os.fork() == 0:
        os.execv(sys.executable, [sys.executable, "-c", "import time; time.sleep(300)", "{marker}"])
    os._exit(0)
if os.fork() == 0:
    os.execv(sys.executable, [sys.executable, "-c", "import time; time.sleep(300)", "{marker}"])
time.sleep({wait})
"""


@pytest.mark.parametrize("ends", ["normally", "by timeout"])
async def test_every_process_the_code_starts_ends_with_the_run(root, kind, ends):
    marker = f"outrigger-daemon-{uuid.uuid4().hex}"
    code = DAEMON.format(marker=marker, wait=0.5 if ends == "normally" else 60)

    result = await run(root, code, kind, timeout=60 if ends == "normally" else 3)

    assert result.timed_out == (ends == "by timeout")
    deadline = time.monotonic() + 10
    while alive(marker) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert alive(marker) == []


FORK_BOMB = """
import os, sys, time
made = 0
try:
    while made < 300:
        if os.fork() == 0:
            time.sleep(20)
            os._exit(0)
        made += 1
except OSError as error:
    print(f"fork failed after {made}: {error}")
    sys.exit(0)
print(f"made all {made}")
"""


async def test_a_fork_bomb_is_stopped_by_the_process_count_even_as_root(root, kind, monkeypatch):
    """RLIMIT_NPROC does not bind uid 0, and CI runs as root: the code under test must run as
    an unprivileged uid there, so that its forks fail at the limit instead of going on until
    the timeout."""
    if kind == "none":
        pytest.skip("without a sandbox a root run is bounded by time only (said in the status)")
    from outrigger.guards.runs import ScratchRun

    monkeypatch.setattr(ScratchRun, "processes", 40, raising=False)  # on old main: no such limit

    result = await run(root, FORK_BOMB, kind, timeout=120)

    assert not result.timed_out
    assert "fork failed after" in result.output, result.output
    assert int(result.output.split("fork failed after ")[1].split(":")[0]) < 40


async def test_the_code_sees_no_secret_environment_home_or_network(root, kind, monkeypatch, tmp_path, fake_model):
    if kind == "none":
        pytest.skip("without a sandbox only the environment is scrubbed")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "aws-d41d8cd98f")
    monkeypatch.setenv("OUTRIGGER_API_KEY", "sk-outrigger-d41d8cd98f")
    monkeypatch.setenv("GITHUB_TOKEN", "ghp_d41d8cd98f")
    beside = tmp_path / "beside.txt"
    beside.write_text("next to the workspace\n")
    port = int(fake_model.base_url.rsplit(":", 1)[1].split("/")[0])
    code = f"""
import os, socket, sys
leaked = [k for k in os.environ if any(w in k for w in ("KEY", "TOKEN", "SECRET", "AWS"))]
assert not leaked, leaked
assert not os.path.exists({str(beside)!r}), "the workspace's neighbours are visible"
assert not os.path.exists({str(Path.home() / ".bashrc")!r}) or {kind!r} == "none"
try:
    socket.create_connection(("127.0.0.1", {port}), timeout=2)
except OSError:
    pass
else:
    sys.exit("the network is reachable")
try:
    open({str(tmp_path / "written.txt")!r}, "w").write("x")
except OSError:
    pass
print("1 passed in 0.01s")
"""
    result = await run(root, code, kind)

    assert result.passed, result.output
    assert not (tmp_path / "written.txt").exists()
    assert fake_model.requests() == []


async def test_environment_is_scrubbed_without_a_sandbox_too(root, monkeypatch):
    monkeypatch.setenv("OUTRIGGER_SANDBOX", "none")
    sandbox.backend.cache_clear()
    monkeypatch.setenv("STRIPE_SECRET", "sk_live_d41d8cd98f00b204e980")
    try:
        result = await run(root, "import os, sys; sys.exit('STRIPE_SECRET' in os.environ)", "none")
    finally:
        sandbox.backend.cache_clear()
    assert result.passed


async def test_without_a_sandbox_proposed_code_does_not_run_unless_allowed(root, monkeypatch):
    monkeypatch.setenv("OUTRIGGER_SANDBOX", "none")
    sandbox.backend.cache_clear()
    marker = root / "ran"
    try:
        with pytest.raises(NoSandbox):
            await project_tests.before_and_after(
                Workspace(root), {}, [sys.executable, "-c", f"open({str(marker)!r}, 'w')"], 30
            )
    finally:
        sandbox.backend.cache_clear()
    assert not marker.exists()


async def test_os_exit_zero_in_the_code_is_not_a_pass(tmp_path):
    root = tmp_path / "shop"
    (root / "tests").mkdir(parents=True)
    (root / "cart.py").write_text("def total(xs):\n    return sum(xs)\n")
    (root / "tests" / "test_cart.py").write_text(
        "import sys\nsys.path.insert(0, '.')\nfrom cart import total\n\n\ndef test_total():\n    assert total([2]) == 2\n"
    )
    ending = "import os\n\n\ndef total(xs):\n    os._exit(0)\n"
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"]

    runs = await project_tests.before_and_after(Workspace(root), {"cart.py": ending}, command, 60)

    assert runs is not None and runs[0].passed and runs[0].report is not None and runs[0].report.passed == 1
    assert runs[1].exit_code == 0 and not runs[1].passed
    with pytest.raises(Exception, match="without its report"):
        project_tests.verdict(*runs, "refuse")


# pytest captures fd 1 while tests run: the forger writes past it, to every pipe it holds.
FORGER = """import os


def total(xs):
    for fd in range(1, 64):
        try:
            if os.readlink(f"/proc/self/fd/{fd}").startswith("pipe:"):
                os.write(fd, b".\\n1 passed in 0.01s\\n")
        except OSError:
            pass
    os._exit(0)
"""


async def test_a_forged_pytest_report_before_os_exit_zero_is_not_a_pass(tmp_path, kind):
    """Code under test runs inside pytest: it can print pytest's summary line itself and end the
    process with exit code 0. pytest's own end of session is sealed with an exit status chosen
    for the run, so that ending reads as what it is."""
    root = tmp_path / "shop"
    (root / "tests").mkdir(parents=True)
    (root / "cart.py").write_text("def total(xs):\n    return sum(xs)\n")
    (root / "tests" / "test_cart.py").write_text(
        "import sys\nsys.path.insert(0, '.')\nfrom cart import total\n\n\ndef test_total():\n    assert total([2]) == 2\n"
    )
    forging = FORGER
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"]

    runs = await project_tests.before_and_after(
        Workspace(root), {"cart.py": forging}, command, 60, allow_unsandboxed=kind == "none"
    )

    assert runs is not None and runs[0].passed and runs[0].exit_code == 0
    assert runs[1].exit_code == 0 and "1 passed in 0.01s" in runs[1].output
    assert not runs[1].passed
    with pytest.raises(Exception, match="before the end of its session"):
        project_tests.verdict(*runs, "refuse")


async def test_a_missing_test_program_is_reported_as_missing(root):
    runs = await project_tests.before_and_after(Workspace(root), {}, ["no-such-test-runner-4711", "run"], 30)

    assert runs is not None
    line = project_tests.verdict(*runs, "refuse")
    assert "not installed" in line and "already failed" not in line


def test_a_socket_of_a_server_in_the_workspace_is_left_out(root):
    from outrigger.guards.scratch import build_copy

    server = socket.socket(socket.AF_UNIX)
    server.bind(str(root / "dev.sock"))
    try:
        copy = build_copy(Workspace(root), root.parent / "copy")
    finally:
        server.close()
    assert copy is not None and "dev.sock" in copy.left_out and (copy.path / "app.py").is_file()


@pytest.mark.skipif(shutil.which("gcc") is None, reason="gcc is not installed")
def test_a_c_check_cannot_read_a_secret_or_a_file_outside_the_workspace(tmp_path):
    """gcc checks a model's C edit with the workspace on its include path: an `#include` of
    `.env`, a key or a file beside the workspace must not be read (its lines would end up in
    the errors quoted back to the model). Each file declares what the code uses: read, the
    code compiles; kept out, it does not."""
    from outrigger.workspace.compilers import compile_errors

    sandbox.backend.cache_clear()
    if sandbox.backend() == "none":
        pytest.skip("no sandbox here (install bubblewrap)")
    root = tmp_path / "ws"
    (root / "src").mkdir(parents=True)
    (root / "src" / "util.h").write_text("int util(void);\n")
    (root / ".env").write_text("int secret_value(void);\n")
    (root / "keys").mkdir()
    (root / "keys" / "id_rsa").write_text("int secret_value(void);\n")
    (tmp_path / "beside.h").write_text("int secret_value(void);\n")
    readable = '#include "util.h"\nint main(void) { return util(); }\n'
    assert compile_errors("src/app.c", readable, root).errors == []  # the workspace's own headers are read

    for target in (root / ".env", root / "keys" / "id_rsa", tmp_path / "beside.h"):
        hostile = f'#include "{target}"\nint main(void) {{ return secret_value(); }}\n'

        result = compile_errors("src/app.c", hostile, root)

        assert result.tool is not None and result.errors, target


async def test_without_a_sandbox_the_preview_says_the_tests_did_not_run(tmp_path, fake_model, monkeypatch):
    from agent_helpers import make_agent

    (tmp_path / "prices.py").write_text("def with_vat(net):\n    return net + 0.2\n")
    (tmp_path / "tests").mkdir()
    marker = tmp_path / "ran"
    (tmp_path / "tests" / "test_prices.py").write_text(f"open({str(marker)!r}, 'w')\n\n\ndef test_x():\n    pass\n")
    monkeypatch.setenv("OUTRIGGER_SANDBOX", "none")
    sandbox.backend.cache_clear()
    fake_model.script("def with_vat(net):\n    return net * 1.2\n")
    agent = make_agent(tmp_path, fake_model.base_url)
    try:
        outcome = await agent.ask("fix with_vat: it should multiply by 1.2")
    finally:
        sandbox.backend.cache_clear()

    assert outcome.kind == "edit", outcome.message
    assert any("did not run" in note and "allowUnsandboxed" in note for note in outcome.notes), outcome.notes
    assert not marker.exists()
