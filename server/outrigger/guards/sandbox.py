"""Where proposed code runs: the project's tests and a user's example run model-written code
before the user has seen it, so they run in a sandbox, never as the user.

bubblewrap (`bwrap`) builds it from namespaces: a new user, mount, network, PID, IPC and UTS
namespace; the system folders (`/usr`, the toolchains on the PATH) read-only; the scratch copy
mounted writable *at the workspace's own path* (absolute paths in the project still work, and
the real workspace is hidden under it); the dependency folders (`node_modules`, `.venv`, …)
read-only on top; a scratch home; no network; an empty `/tmp`. Where bwrap is missing,
`unshare` builds a weaker one (the same namespaces; the home and workspace hidden, the rest of
the file system as it is). Environment: an allowlist (`ENVIRONMENT`); no keys, tokens or cloud
credentials. Resource limits (`Limits`) hold in every case.

The whole process tree ends with the run: the command is the PID namespace's first process, so
when it exits (or is killed) the kernel kills everything it left behind, `setsid` daemons too.
Without a sandbox (only when the user opted in: `--allow-unsandboxed`,
`outrigger.tests.allowUnsandboxed`), a small reaper that is the children's subreaper
(`PR_SET_CHILD_SUBREAPER`) kills whatever outlives the command.
"""

from __future__ import annotations

import os
import resource
import shutil
import subprocess
import sys
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Literal

Backend = Literal["bwrap", "unshare", "none"]
_NAMESPACES = (
    "--unshare-user",
    "--unshare-pid",
    "--unshare-net",
    "--unshare-ipc",
    "--unshare-uts",
    "--unshare-cgroup-try",
)

# What the code under test sees of the environment: nothing else (no *_KEY, *_TOKEN, AWS_*, …).
ENVIRONMENT = ("PATH", "LANG", "LANGUAGE", "LC_ALL", "LC_CTYPE", "LC_MESSAGES", "TZ", "SOURCE_DATE_EPOCH")
# Read-only system folders; symbolic links (`/bin -> usr/bin`) are made links again.
_SYSTEM = ("/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32", "/opt", "/nix", "/snap")
# Of /etc, only what programs need to start: no `/etc/ssl/private`, no tool credentials.
_ETC = (
    "alternatives", "ld.so.cache", "ld.so.conf", "ld.so.conf.d", "ssl/certs", "ca-certificates",
    "ca-certificates.conf", "pki", "passwd", "group", "nsswitch.conf", "localtime", "timezone",
    "hosts", "host.conf", "mime.types", "os-release", "debian_version", "java-17-openjdk",
    "java-21-openjdk", "gai.conf", "protocols", "services",
)  # fmt: skip


@dataclass(frozen=True)
class Limits:
    """Per process, inherited by every child (RLIMIT_NPROC is per user, and does not bind root)."""

    memory_bytes: int = 4 * 1024**3  # writable memory (RLIMIT_DATA): a runaway allocation fails
    processes: int = 1024
    file_bytes: int = 1024**3  # no single file larger: a runaway writer fails (SIGXFSZ)
    cpu_seconds: int = 600
    tmp_bytes: int = 512 * 1024**2  # the sandbox's /tmp


@cache
def backend() -> Backend:
    """The best sandbox that works on this machine (tried once: user namespaces can be off)."""
    if os.environ.get("OUTRIGGER_SANDBOX") in ("bwrap", "unshare", "none"):  # tests force a kind
        return os.environ["OUTRIGGER_SANDBOX"]  # type: ignore[return-value]
    if sys.platform != "linux":
        return "none"
    if shutil.which("bwrap") and _works(["bwrap", *_NAMESPACES, *_bwrap_system(), "--", "/bin/true"]):
        return "bwrap"
    trial = ["unshare", "--user", "--map-root-user", "--mount", "--net", "--pid", "--fork", "--", "/bin/true"]
    if shutil.which("unshare") and _works(trial):
        return "unshare"
    return "none"


def describe(kind: Backend) -> str:
    """One sentence for the preview and `outrigger model status`."""
    if kind == "bwrap":
        return "in a bubblewrap sandbox (no network, no home folder, only the scratch copy writable)"
    if kind == "unshare":
        return "in an unshare sandbox (no network, home folder and workspace hidden)"
    return "unsandboxed, as you (no bubblewrap or unshare here)"


def _works(argv: list[str]) -> bool:
    try:
        return subprocess.run(argv, capture_output=True, timeout=20).returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        return False


@dataclass(frozen=True)
class Place:
    """Where a run happens: the copy, where it is mounted, the read-only dependency folders."""

    copy: Path  # the scratch copy on disk
    mount_at: Path  # the path the code sees it at (the workspace's own, in a sandbox)
    dependencies: tuple[Path, ...]  # real dependency folders, shown read-only at the same place under mount_at
    root: Path  # the real workspace
    home: Path  # a writable scratch home


def mount_point(root: Path, kind: Backend) -> Path | None:
    """The workspace's own path, unless a sandbox cannot mount there (it is `/` or a system folder)."""
    if kind == "none" or root == Path("/") or any(root.is_relative_to(s) for s in (*_SYSTEM, "/etc", "/proc", "/dev")):
        return None
    return root


def environment(home: Path) -> dict[str, str]:
    """The allowlist, a scratch home, and toolchains told to stay offline and write in the home."""
    env = {name: os.environ[name] for name in ENVIRONMENT if name in os.environ}
    env.setdefault("PATH", os.defpath)
    env |= {
        "HOME": str(home),
        "TMPDIR": "/tmp",
        "USER": "outrigger",
        "LOGNAME": "outrigger",
        "PYTHONDONTWRITEBYTECODE": "1",
        "NO_COLOR": "1",
        "CARGO_HOME": str(home / ".cargo"),
        "CARGO_NET_OFFLINE": "true",
        "GOCACHE": str(home / ".cache" / "go-build"),
        "GOPATH": str(home / "go"),
        "GOPROXY": "off",
        "GOFLAGS": "-mod=mod",
        "npm_config_cache": str(home / ".npm"),
        "npm_config_offline": "true",
        "npm_config_update_notifier": "false",
    }
    for name, folder in _toolchain_homes().items():
        env[name] = str(folder)
    return env


def _toolchain_homes() -> dict[str, Path]:
    """Toolchains that live in the user's home (rustup's) and hold no credentials."""
    found = {}
    rustup = Path(os.environ.get("RUSTUP_HOME") or Path.home() / ".rustup")
    if rustup.is_dir():
        found["RUSTUP_HOME"] = rustup
    return found


def _readable_tools(env: dict[str, str]) -> list[Path]:
    """Folders the command may need to read: the PATH's, this Python's, rustup's; never the
    home folder itself."""
    home = Path.home().resolve()
    candidates = [Path(p) for p in env["PATH"].split(os.pathsep) if p]
    candidates += [Path(sys.prefix), Path(sys.base_prefix), Path(sys.executable).resolve().parent.parent]
    candidates += list(_toolchain_homes().values())
    found: list[Path] = []
    for folder in candidates:
        try:
            real = folder.resolve()
        except OSError:
            continue
        if not real.is_dir() or real == home or real == Path("/") or real in found:
            continue
        if any(real.is_relative_to(s) for s in _SYSTEM):
            continue
        found.append(real)
    return found


def _bwrap_system() -> list[str]:
    argv: list[str] = []
    for folder in _SYSTEM:
        path = Path(folder)
        if path.is_symlink():
            argv += ["--symlink", os.readlink(path), folder]
        elif path.is_dir():
            argv += ["--ro-bind", folder, folder]
    for name in _ETC:
        if (Path("/etc") / name).exists():
            argv += ["--ro-bind", f"/etc/{name}", f"/etc/{name}"]
    return argv


def wrap(command: list[str], place: Place, kind: Backend, limits: Limits) -> tuple[list[str], dict[str, str]]:
    """The argv and environment that run `command` in `place` with the sandbox `kind`."""
    env = environment(place.home)
    cwd = str(place.mount_at)
    if kind == "bwrap":
        argv = ["bwrap", *_NAMESPACES, "--die-with-parent", "--new-session", "--disable-userns", *_bwrap_system()]
        argv += ["--proc", "/proc", "--dev", "/dev", "--size", str(limits.tmp_bytes), "--tmpfs", "/tmp"]
        for tool in _readable_tools(env):
            if not tool.is_relative_to(place.root):
                argv += ["--ro-bind", str(tool), str(tool)]
        argv += ["--bind", str(place.home), str(place.home), "--bind", str(place.copy), cwd]
        for folder in place.dependencies:
            argv += ["--ro-bind", str(folder), str(place.mount_at / folder.relative_to(place.root))]
        argv += ["--chdir", cwd, "--", *command]
        return argv, env
    if kind == "unshare":
        script = _unshare_script(place, env)
        base = ["unshare", "--user", "--map-root-user", "--mount", "--net", "--pid", "--fork", "--kill-child"]
        return [*base, "--mount-proc", "--", "/bin/sh", "-ec", script, "outrigger-sandbox", *command], env
    return [sys.executable, "-I", "-c", _REAPER, *command], env


def _unshare_script(place: Place, env: dict[str, str]) -> str:
    """Mounts made inside unshare's namespaces before the command runs: the dependency folders
    read-only in the copy, the real home hidden (its toolchains shown again read-only), the copy
    over the workspace's path."""
    home = Path.home().resolve()
    stage = place.home.parent / "real-home"
    lines = []
    for folder in place.dependencies:
        inside = place.copy / folder.relative_to(place.root)
        lines += [f"mkdir -p {_q(inside)}", f"mount --bind {_q(folder)} {_q(inside)}"]
        lines += [f"mount -o remount,bind,ro {_q(inside)}"]
    tools = [t for t in _readable_tools(env) if t.is_relative_to(home) and not t.is_relative_to(place.root)]
    lines += [f"mkdir -p {_q(stage)}", f"mount --rbind {_q(home)} {_q(stage)}", f"mount -t tmpfs tmpfs {_q(home)}"]
    for tool in tools:
        shown = home / tool.relative_to(home)
        source = stage / tool.relative_to(home)
        lines += [f"mkdir -p {_q(shown)}", f"mount --rbind {_q(source)} {_q(shown)}"]
        lines += [f"mount -o remount,bind,ro {_q(shown)}"]
    lines += [f"umount -l {_q(stage)}", f"mkdir -p {_q(place.mount_at)}"]
    lines += [f"mount --rbind {_q(place.copy)} {_q(place.mount_at)}", f"cd {_q(place.mount_at)}", 'exec "$@"']
    return "\n".join(lines)


def _q(path: Path) -> str:
    return "'" + str(path).replace("'", "'\\''") + "'"


def apply_limits(limits: Limits) -> None:
    """In the child, before exec: the limits every process of the run inherits."""
    for name, value in (
        (resource.RLIMIT_DATA, limits.memory_bytes),
        (resource.RLIMIT_NPROC, limits.processes),
        (resource.RLIMIT_FSIZE, limits.file_bytes),
        (resource.RLIMIT_CPU, limits.cpu_seconds),
        (resource.RLIMIT_CORE, 0),
    ):
        soft, hard = resource.getrlimit(name)
        cap = value if hard == resource.RLIM_INFINITY else min(value, hard)
        resource.setrlimit(name, (cap, cap))


# Without a sandbox: become the subreaper of everything the command starts, wait for the
# command, then kill and reap what is left (double-forked and `setsid` daemons included).
_REAPER = """
import ctypes, os, signal, subprocess, sys, time
ctypes.CDLL(None, use_errno=True).prctl(36, 1, 0, 0, 0)  # PR_SET_CHILD_SUBREAPER
child = subprocess.Popen(sys.argv[1:])
signal.signal(signal.SIGTERM, lambda *_: child.kill())
code = child.wait()
me = str(os.getpid())
while True:
    left = []
    for pid in os.listdir("/proc"):
        try:
            with open(f"/proc/{pid}/stat") as stat:
                if stat.read().rpartition(")")[2].split()[1] == me:
                    left.append(int(pid))
        except (OSError, IndexError, ValueError):
            continue
    if not left:
        break
    for pid in left:
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    time.sleep(0.01)
    try:
        while os.waitpid(-1, os.WNOHANG)[0]:
            pass
    except ChildProcessError:
        pass
sys.exit(code if code >= 0 else 128 - code)
"""
