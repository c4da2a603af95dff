"""A server stopped by SIGTERM while proposed code runs removes its scratch copies (and ends
what runs in them): the copy holds the proposed code and what it printed (issue 19, finding 4).
Run in a real subprocess, as a service manager or an editor stops the server."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

SERVER = """
import asyncio, sys
from pathlib import Path
from outrigger.guards import runs
from outrigger.workspace.files import Workspace

async def main():
    async with runs.scratch_run(Workspace(Path(sys.argv[1])), allow_unsandboxed=True) as run:
        print(run.copy.path, flush=True)
        await run.run([sys.executable, "-c", "import time; time.sleep(120)", "outrigger-cleanup-marker"], 300)

runs.remove_scratch_on_exit()
asyncio.run(main())
"""


def test_a_sigtermed_server_removes_its_scratch_copy(tmp_path):
    root = tmp_path / "ws"
    root.mkdir()
    (root / "app.py").write_text("X = 1\n")
    server = subprocess.Popen([sys.executable, "-c", SERVER, str(root)], stdout=subprocess.PIPE, text=True)
    try:
        assert server.stdout is not None
        copy = Path(server.stdout.readline().strip())
        assert (copy / "app.py").is_file()
        time.sleep(1)  # the command is running in it

        server.send_signal(signal.SIGTERM)
        assert server.wait(timeout=30) == -signal.SIGTERM
    finally:
        server.kill()

    assert not copy.exists() and not copy.parent.exists()
    left = [p for p in os.listdir("/proc") if p.isdigit() and _marked(p)]
    assert left == []


def _marked(pid: str) -> bool:
    try:
        return b"outrigger-cleanup-marker" in Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return False
