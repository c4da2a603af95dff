"""`outrigger lsp` with a scripted embedded runtime: its first start reports a model download
in percentages, then hands over the fake model's URL ($OUTRIGGER_SCRIPTED_MODEL_URL). The
headless Neovim test runs it to see a first start's progress without fetching 491 MB; the rest
of the server is the real one."""

from __future__ import annotations

import asyncio
import os
import sys

from outrigger import session
from outrigger.cli import main
from outrigger.progress import Progress, quiet

STEPS = (0, 25, 50, 75, 100)


class ScriptedRuntime:
    def __init__(self, **_: object) -> None:
        self.base_url: str | None = None

    @property
    def running(self) -> bool:
        return self.base_url is not None

    async def start(self, progress: Progress | None = None) -> str:
        report = progress or quiet
        if self.base_url is None:
            for percent in STEPS:
                report("Downloading the model", percent)
                await asyncio.sleep(0.05)
            self.base_url = os.environ["OUTRIGGER_SCRIPTED_MODEL_URL"]
        return self.base_url

    async def stop(self) -> None:
        self.base_url = None

    def stop_now(self) -> None:
        self.base_url = None


session.EmbeddedServer = ScriptedRuntime  # type: ignore[misc,assignment]

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
