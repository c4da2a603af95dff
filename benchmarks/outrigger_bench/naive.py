"""The baseline: what a naive agent does with the same model. No planner, no map, no checks.

For every request, in order:
1. Pick one file. The first workspace source file (sorted by path) whose path appears in
   the request; else the first whose file name appears as a word; else it asks the model
   ("Which file should be edited…? Reply with the file path only.") and takes the first
   listed path, then file name, found in the reply; else the first file.
2. Send the request and that whole file in one call (NAIVE_SYSTEM / NAIVE_USER).
3. Write the reply over the file, exactly as it came back: fences, prose and all.
Every request is treated as an edit — a question's answer is the reply, and the file is
still overwritten with it. There is no memory, so "undo" and "do the same to X" go to the
model as they are. Paths in the request are never resolved: only workspace files are
candidates, so the baseline cannot write outside the workspace either.
"""

from __future__ import annotations

import re
from pathlib import Path

from outrigger.model.client import ModelClient
from outrigger.workspace.files import Workspace

from .checks import StepRecord

NAIVE_SYSTEM = (
    "You are a coding assistant. Apply the user's request to the file and reply with the complete updated file."
)
NAIVE_USER = "File {path}:\n{text}\n\nRequest: {request}"
PICK_USER = (
    "Which file should be edited for this request?\nRequest: {request}\nFiles:\n{files}\nReply with the file path only."
)


class NaiveAgent:
    def __init__(self, root: Path, model: ModelClient) -> None:
        self.root = Path(root)
        self.model = model
        self.files = sorted(Workspace(self.root).source_files())

    async def ask(self, request: str) -> StepRecord:
        path = named_file(request, self.files) or await self._ask_for_file(request)
        target = self.root / path
        text = target.read_text(encoding="utf-8")
        reply = await self.model.chat(
            [
                {"role": "system", "content": NAIVE_SYSTEM},
                {"role": "user", "content": NAIVE_USER.format(path=path, text=text, request=request)},
            ]
        )
        target.write_text(reply.text, encoding="utf-8")
        return StepRecord(request, "edit", reply.text)

    async def _ask_for_file(self, request: str) -> str:
        reply = await self.model.chat(
            [{"role": "user", "content": PICK_USER.format(request=request, files="\n".join(self.files))}],
            max_tokens=60,
        )
        return named_file(reply.text, self.files) or self.files[0]


def named_file(text: str, files: list[str]) -> str | None:
    """The first file whose path, then whose file name (as a word), appears in `text`."""
    for path in files:
        if path in text:
            return path
    for path in files:
        if re.search(rf"(?<![\w./-]){re.escape(Path(path).name)}(?![\w-])", text):
            return path
    return None
