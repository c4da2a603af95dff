"""Inline completion requests in flight, one per document: a newer request for the same
document (the user typed again) supersedes the older one, which stops where it is — in its
debounce wait or in the middle of its model call — and answers nothing."""

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

    async def run(
        self, uri: str, work: Callable[[], Awaitable[Result]], debounce: float = DEBOUNCE_SECONDS
    ) -> Result | None:
        """`work()` after the debounce, unless a newer request for `uri` arrives first; None
        when superseded. A cancel from the client (`$/cancelRequest`) propagates."""
        task = asyncio.current_task()
        assert task is not None, "requests run as tasks"
        if (older := self._latest.get(uri)) is not None and not older.done():
            self._superseded.add(older)
            older.cancel()
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
