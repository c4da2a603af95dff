"""Inline completion requests in flight, one per document: a newer request for the same
document (the user typed again) supersedes the older one, which stops where it is — in its
debounce wait or in the middle of its model call — and answers nothing. An edit to the
document stops it too (its answer would be for text that is gone), even when the editor does
not ask again; a streamed model reply is left, so the model stops writing it."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import TypeVar

DEBOUNCE_SECONDS = 0.15  # a typing burst costs one model call, after its last keystroke

Result = TypeVar("Result")


class InlineRequests:
    def __init__(self) -> None:
        self._latest: dict[str, asyncio.Task] = {}
        self._superseded: set[asyncio.Task] = set()

    def cancel(self, uri: str) -> None:
        """Stop the request in flight for `uri`, if any; it answers None."""
        if (older := self._latest.get(uri)) is not None and not older.done():
            self._superseded.add(older)
            older.cancel()

    async def run(
        self, uri: str, work: Callable[[], Awaitable[Result]], debounce: float = DEBOUNCE_SECONDS
    ) -> Result | None:
        """`work()` after the debounce, unless a newer request for `uri` arrives first; None
        when superseded. A cancel from the client (`$/cancelRequest`) propagates."""
        task = asyncio.current_task()
        assert task is not None, "requests run as tasks"
        self.cancel(uri)
        self._latest[uri] = task
        try:
            await asyncio.sleep(debounce)
            return await work()
        except asyncio.CancelledError:
            if task not in self._superseded:
                raise
            task.uncancel()
            return None
        finally:
            self._superseded.discard(task)
            if self._latest.get(uri) is task:
                del self._latest[uri]
