"""The language server driven by a raw JSON-RPC client, for what an editor library would never
send: requests before `initialize`, command arguments of the wrong shape."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from lsp_editor import SERVER


class RawClient:
    def __init__(self, process: asyncio.subprocess.Process) -> None:
        self.process = process
        self.next_id = 0

    async def send(self, method: str, params: Any = None, *, notify: bool = False) -> int | None:
        message: dict[str, Any] = {"jsonrpc": "2.0", "method": method}
        if params is not None:
            message["params"] = params
        sent = None
        if not notify:
            self.next_id += 1
            message["id"] = sent = self.next_id
        data = json.dumps(message).encode()
        assert self.process.stdin is not None
        self.process.stdin.write(b"Content-Length: %d\r\n\r\n" % len(data) + data)
        await self.process.stdin.drain()
        return sent

    async def response(self, request_id: int | None, timeout: float = 90) -> dict:
        """The response to `request_id` (server requests and notifications are answered or skipped)."""
        while True:
            message = await asyncio.wait_for(self._read(), timeout)
            if "method" in message and "id" in message:  # a request from the server: answer null
                await self._write({"jsonrpc": "2.0", "id": message["id"], "result": None})
            elif message.get("id") == request_id and "method" not in message:
                return message

    async def request(self, method: str, params: Any = None) -> dict:
        return await self.response(await self.send(method, params))

    async def _read(self) -> dict:
        assert self.process.stdout is not None
        length = 0
        while (line := await self.process.stdout.readline()) not in (b"\r\n", b""):
            if line.lower().startswith(b"content-length:"):
                length = int(line.split(b":")[1])
        return json.loads(await self.process.stdout.readexactly(length))

    async def _write(self, message: dict) -> None:
        data = json.dumps(message).encode()
        assert self.process.stdin is not None
        self.process.stdin.write(b"Content-Length: %d\r\n\r\n" % len(data) + data)
        await self.process.stdin.drain()

    async def initialize(self, root: Path, options: dict | None = None) -> None:
        params = {"processId": None, "rootUri": root.as_uri(), "capabilities": {}}
        if options is not None:
            params["initializationOptions"] = options
        assert "result" in await self.request("initialize", params)
        await self.send("initialized", {}, notify=True)


@pytest.fixture
async def raw(tmp_path: Path) -> AsyncIterator[RawClient]:
    process = await asyncio.create_subprocess_exec(
        *SERVER, stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.DEVNULL
    )
    try:
        yield RawClient(process)
    finally:
        process.kill()
        await process.wait()


async def test_a_request_before_initialize_is_answered_server_not_initialized(raw, tmp_path):
    (tmp_path / "a.py").write_text("def f():\n    return 1\n")
    answer = await raw.request("workspace/symbol", {"query": "f"})
    assert answer["error"]["code"] == -32002, answer
    answer = await raw.request("workspace/executeCommand", {"command": "outrigger.status"})
    assert answer["error"]["code"] == -32002, answer
    await raw.initialize(tmp_path)  # and the server still starts normally afterwards
    answer = await raw.request("workspace/symbol", {"query": "f"})
    assert [symbol["name"] for symbol in answer["result"]] == ["f"]


@pytest.mark.parametrize("arguments", [None, [], [None], ["rename a to b"], [{"request": 5}], [1, 2]])
async def test_command_arguments_of_the_wrong_shape_get_a_clear_error(raw, tmp_path, arguments):
    await raw.initialize(tmp_path)
    params: dict[str, Any] = {"command": "outrigger.ask", "arguments": arguments}
    answer = await raw.request("workspace/executeCommand", params)
    message = answer["error"]["message"]
    assert answer["error"]["code"] == -32602, answer
    assert message.startswith("outrigger.ask: ") and '{"request": "what to do"' in message, message
    for internal in ("NoneType", "Traceback", "positional argument", "structuring", "iterable"):
        assert internal not in message, message


async def test_a_command_without_arguments_takes_null(raw, tmp_path):
    await raw.initialize(tmp_path)
    answer = await raw.request("workspace/executeCommand", {"command": "outrigger.history", "arguments": None})
    assert answer.get("result") == {"entries": []}, answer


BAD_POSITION = {"line": -5, "character": 2**40}


@pytest.mark.parametrize(
    "method, params",
    [
        (
            "textDocument/codeAction",
            {"textDocument": {"uri": "file:///x.py"}, "range": {"start": BAD_POSITION, "end": BAD_POSITION}},
        ),
        (
            "textDocument/inlineCompletion",
            {"textDocument": {"uri": "file:///x.py"}, "position": BAD_POSITION, "context": {"triggerKind": 1}},
        ),
        ("textDocument/documentSymbol", {"textDocument": []}),
    ],
)
async def test_a_request_with_invalid_params_is_answered_not_dropped(raw, tmp_path, method, params):
    """A request whose params do not fit the protocol's types gets -32602 naming the method
    and the field; before, pygls logged it and never answered, so the editor waited forever
    (round 6)."""
    await raw.initialize(tmp_path)

    answer = await raw.response(await raw.send(method, params), timeout=20)

    assert answer["error"]["code"] == -32602, answer
    assert method in answer["error"]["message"], answer
    answer = await raw.request("workspace/executeCommand", {"command": "outrigger.history"})
    assert answer.get("result") == {"entries": []}, answer  # and the server goes on
