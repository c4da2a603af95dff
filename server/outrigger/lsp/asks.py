"""The asks in flight, one object each: found by request id (`$/cancelRequest`) or by progress
token (`window/workDoneProgress/cancel`), so either kind of cancel stops the right one and
concurrent asks never share a progress reporter."""

from __future__ import annotations

import asyncio
from collections import deque
from dataclasses import dataclass, field
from typing import Any

from lsprotocol import types


@dataclass
class RunningAsk:
    request_id: Any  # the executeCommand request's id (None when called in-process)
    task: asyncio.Task
    token: types.ProgressToken | None = None
    cancelled: bool = field(default=False, init=False)


class Asks:
    def __init__(self) -> None:
        self._by_id: dict[Any, RunningAsk] = {}
        self._by_token: dict[types.ProgressToken, RunningAsk] = {}
        # Requests cancelled before their handler started running (a short memory suffices:
        # a handler starts within one turn of the event loop).
        self._cancelled_early: deque[Any] = deque(maxlen=64)

    def start(self, request_id: Any) -> RunningAsk | None:
        """Register the current task as an ask; None when it was cancelled before it began."""
        if request_id is not None and request_id in self._cancelled_early:
            self._cancelled_early.remove(request_id)
            return None
        task = asyncio.current_task()
        assert task is not None, "asks run as tasks"
        ask = RunningAsk(request_id, task)
        if request_id is not None:
            self._by_id[request_id] = ask
        return ask

    def track_token(self, ask: RunningAsk, token: types.ProgressToken) -> None:
        ask.token = token
        self._by_token[token] = ask

    def finish(self, ask: RunningAsk) -> None:
        """Past this point the ask's edit may reach the client: it can no longer be cancelled."""
        self._by_id.pop(ask.request_id, None)
        if ask.token is not None:
            self._by_token.pop(ask.token, None)

    def cancel_request(self, request_id: Any) -> None:
        if (ask := self._by_id.get(request_id)) is not None:
            _cancel(ask)
        else:
            self._cancelled_early.append(request_id)

    def cancel_token(self, token: types.ProgressToken) -> None:
        if (ask := self._by_token.get(token)) is not None:
            _cancel(ask)

    def __len__(self) -> int:
        return len(self._by_id)


def _cancel(ask: RunningAsk) -> None:
    ask.cancelled = True
    ask.task.cancel()
