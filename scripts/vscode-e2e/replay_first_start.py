"""`python -m outrigger lsp` for the end-to-end run, except that the first start of the
embedded model replays a download's progress (0 → 100 %) before starting the real runtime.

`scripts/test` has already fetched the model (`outrigger model setup`), so a real first start
takes seconds and reports no download; the replay lets the run check that VS Code shows
percentages (notification bar and status bar) for the download a user's first start does.
Everything else is the real server and the real embedded model.

While developing, `OUTRIGGER_E2E_BASE_URL` stands a running model server in for the embedded
runtime (after the same replay): the committed run (`scripts/test`) does not set it.
"""

from __future__ import annotations

import asyncio
import os
import sys

from outrigger import session
from outrigger.cli import main
from outrigger.model.embedded import EmbeddedServer
from outrigger.progress import Progress

STEPS = range(0, 101, 10)
STEP_SECONDS = 0.5


class ReplayedDownload(EmbeddedServer):
    stand_in = os.environ.get("OUTRIGGER_E2E_BASE_URL")

    @property
    def running(self) -> bool:
        return self.base_url is not None if self.stand_in else super().running

    async def start(self, progress: Progress | None = None) -> str:
        if not self.running and progress is not None:
            for percent in STEPS:
                progress("Downloading the model (replayed)", percent)
                await asyncio.sleep(STEP_SECONDS)
        if self.stand_in:
            self.base_url = self.stand_in
            return self.stand_in
        return await super().start(progress)


session.EmbeddedServer = ReplayedDownload  # type: ignore[misc]

if __name__ == "__main__":
    sys.exit(main(["lsp", *sys.argv[1:]]))
