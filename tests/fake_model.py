"""A scripted OpenAI-compatible (and Ollama-shaped) model server for tests.

Real HTTP on 127.0.0.1 in a background thread. Tests queue the exact replies the "model"
gives, then inspect the requests it received. The same state is reachable over HTTP, so a
fake started as a subprocess (or a server under test in another process) can be driven too:

    POST /_script    {"replies": [...], "reject_response_format": bool (optional)}
    GET  /_requests  -> [{"path", "headers", "body"}, ...]
    POST /_reset     forget queued replies, recorded requests and options

A reply is either a string (the message content) or a dict:
    {"content": str, "prompt_tokens": int, "completion_tokens": int, "timings": {...}}
    {"status": int, "body": str}      a raw HTTP answer (errors, garbage, missing choices)
    {"hang": seconds}                 answer nothing for that long, then close
    {"close": true}                   start a reply and drop the connection mid-body
A request with `"stream": true` gets its reply as server-sent events, a word per event
(`"pause": seconds` between them); a streamed `/v1/completions` fill in its own shape.
With `reject_response_format`, any request carrying `response_format` (or Ollama's `format`)
gets HTTP 400 without consuming a reply, like a backend with no constrained decoding.
Set `chars_per_token` to serve llama.cpp's `/tokenize` (a token per that many characters) and
`n_ctx` to serve its `/props`; without them both answer 404, like most servers.
An empty queue answers HTTP 500 "fake model: no scripted reply", so tests fail loudly.

Run standalone: `python tests/fake_model.py --port 0` prints its base URL (".../v1") and
serves until killed. Unknown arguments are ignored, so it can stand in for `llama-server`.
"""

from __future__ import annotations

import argparse
import json
import math
import re
import threading
from collections import deque
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

NO_REPLY = "fake model: no scripted reply"


class FakeModel:
    def __init__(self, host: str = "127.0.0.1", port: int = 0) -> None:
        self._lock = threading.Lock()
        self._replies: deque[Any] = deque()
        self._requests: list[dict] = []
        self._reject_response_format = False
        self.chars_per_token: float | None = None
        self.n_ctx: int | None = None
        self.streamed = 0  # events of the last streamed reply or fill actually sent
        self._stopping = threading.Event()
        self._server = ThreadingHTTPServer((host, port), _handler_for(self))
        self._server.daemon_threads = True  # a hanging reply must not block shutdown
        self._thread = threading.Thread(target=self.serve_forever, daemon=True)

    @property
    def root_url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    @property
    def base_url(self) -> str:
        return f"{self.root_url}/v1"

    def start(self) -> FakeModel:
        self._thread.start()
        return self

    def serve_forever(self) -> None:
        """Serve in the calling thread (the standalone process)."""
        self._server.serve_forever(poll_interval=0.05)  # quick shutdown between tests

    def stop(self) -> None:
        self._stopping.set()
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> FakeModel:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def script(self, *replies: Any, reject_response_format: bool | None = None) -> None:
        """Queue replies, in order; optionally switch response_format rejection."""
        with self._lock:
            self._replies.extend(replies)
            if reject_response_format is not None:
                self._reject_response_format = reject_response_format

    def requests(self) -> list[dict]:
        """Every request received so far: {"path", "headers", "body"}."""
        with self._lock:
            return list(self._requests)

    def bodies(self) -> list[dict]:
        return [request["body"] for request in self.requests()]

    def reset(self) -> None:
        with self._lock:
            self._replies.clear()
            self._requests.clear()
            self._reject_response_format = False

    def _next(self, path: str, headers: dict, body: Any) -> Any:
        """Record a model request and choose the reply to it."""
        with self._lock:
            self._requests.append({"path": path, "headers": headers, "body": body})
            constrained = isinstance(body, dict) and ("response_format" in body or "format" in body)
            if self._reject_response_format and constrained:
                return {
                    "status": 400,
                    "body": json.dumps({"error": {"message": "response_format is not supported", "code": 400}}),
                }
            if not self._replies:
                return {"status": 500, "body": json.dumps({"error": {"message": NO_REPLY}})}
            return self._replies.popleft()


def _handler_for(fake: FakeModel) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: Any) -> None:
            """Keep test output quiet."""

        def do_GET(self) -> None:
            if self.path == "/_requests":
                self._send(200, json.dumps(fake.requests()))
            elif self.path == "/health":
                self._send(200, '{"status": "ok"}')
            elif self.path == "/props" and fake.n_ctx:
                self._send(200, json.dumps({"default_generation_settings": {"n_ctx": fake.n_ctx}}))
            elif self.path == "/v1/models":
                self._send(200, '{"object": "list", "data": [{"id": "fake", "object": "model"}]}')
            else:
                self._send(404, '{"error": "not found"}')

        def do_POST(self) -> None:
            raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            try:
                body = json.loads(raw or b"null")
            except ValueError:
                body = raw.decode("utf-8", "replace")
            if self.path == "/_script":
                fake.script(*body.get("replies", []), reject_response_format=body.get("reject_response_format"))
                self._send(200, '{"ok": true}')
            elif self.path == "/_reset":
                fake.reset()
                self._send(200, '{"ok": true}')
            elif self.path == "/tokenize" and fake.chars_per_token:
                count = math.ceil(len(body.get("content", "")) / fake.chars_per_token)
                self._send(200, json.dumps({"tokens": list(range(count))}))
            elif self.path in ("/v1/chat/completions", "/chat/completions", "/api/chat", *_FILL_PATHS):
                headers = {k.lower(): v for k, v in self.headers.items()}
                streamed = isinstance(body, dict) and bool(body.get("stream"))
                self._answer(fake._next(self.path, headers, body), path=self.path, streamed=streamed)
            else:
                self._send(404, '{"error": "not found"}')

        def _answer(self, reply: Any, *, path: str, streamed: bool = False) -> None:
            if isinstance(reply, str):
                reply = {"content": reply}
            if "hang" in reply:
                fake._stopping.wait(reply["hang"])
                self.close_connection = True
            elif reply.get("close"):
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", "1000")
                self.end_headers()
                self.wfile.write(b'{"choices": [{"message": {"content": "hal')
                self.wfile.flush()
                self.close_connection = True
            elif "status" in reply:
                self._send(reply["status"], reply.get("body", ""))
            elif streamed and path not in _FILL_PATHS:
                self._stream(reply)
            elif streamed and path == "/v1/completions":
                self._stream_fill(reply)
            else:
                shape = _fill if path in _FILL_PATHS else _completion
                self._send(200, json.dumps(shape(reply, ollama=path.startswith("/api/"))))

        def _stream(self, reply: dict) -> None:
            """Server-sent events as llama.cpp sends them: a chunk per word (`pause` seconds
            apart), then the finish reason, then usage and timings, then [DONE]. A client that
            stops reading closes the connection; `fake.streamed` counts the events sent."""
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream")
            self.send_header("Connection", "close")
            self.end_headers()
            whole = _completion(reply, ollama=False)
            pieces = re.findall(r"\S+\s*|\s+", reply["content"])
            events = [{"choices": [{"index": 0, "delta": {"content": piece}}]} for piece in pieces]
            events.append(
                {"choices": [{"index": 0, "delta": {}, "finish_reason": whole["choices"][0]["finish_reason"]}]}
            )
            events.append(
                {
                    "choices": [],
                    "usage": whole["usage"],
                    **({"timings": whole["timings"]} if "timings" in whole else {}),
                }
            )
            self._send_events(events, reply.get("pause", 0))

        def _stream_fill(self, reply: dict) -> None:
            """A `/v1/completions` fill as llama.cpp streams it: `choices[0].text` a word at a
            time, then the finish reason and usage. A client that stops reading closes the
            connection; the rest is not sent (`fake.streamed` counts the words that were)."""
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream")
            self.send_header("Connection", "close")
            self.end_headers()
            whole = _fill(reply, ollama=False)
            pieces = re.findall(r"\S+\s*|\s+", reply["content"])
            events = [{"choices": [{"index": 0, "text": piece, "finish_reason": None}]} for piece in pieces]
            events.append(
                {"choices": [{"index": 0, "text": "", "finish_reason": whole["choices"][0]["finish_reason"]}]}
            )
            events.append({"choices": [], "usage": whole["usage"]})
            self._send_events(events, reply.get("pause", 0))

        def _send_events(self, events: list[dict], pause: float) -> None:
            """Server-sent events, then `[DONE]`; `fake.streamed` counts those sent before a
            client that stops reading closes the connection."""
            self.close_connection = True
            try:
                for index, event in enumerate(events):
                    self.wfile.write(f"data: {json.dumps(event)}\n\n".encode())
                    self.wfile.flush()
                    fake.streamed = index + 1
                    fake._stopping.wait(pause)
                self.wfile.write(b"data: [DONE]\n\n")
                self.wfile.flush()
            except OSError:
                pass  # the client stopped reading

        def _send(self, status: int, text: str) -> None:
            data = text.encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

    return Handler


# Fill-in-the-middle endpoints (inline completion): llama.cpp, OpenAI-style text, Ollama.
_FILL_PATHS = ("/infill", "/v1/completions", "/api/generate")


def _fill(reply: dict, *, ollama: bool) -> dict:
    """A fill reply in the shape of the endpoint asked: `finish_reason: "length"` marks a
    reply cut off at the length limit."""
    prompt, completion = reply.get("prompt_tokens", 10), reply.get("completion_tokens", 5)
    limit = reply.get("finish_reason") == "length"
    if ollama:
        done = "length" if limit else "stop"
        return {"response": reply["content"], "done": True, "done_reason": done, "prompt_eval_count": prompt}
    return {
        # llama.cpp /infill's fields and /v1/completions' side by side: each reader takes its own.
        "content": reply["content"],
        "tokens_evaluated": prompt,
        "stop_type": "limit" if limit else "eos",
        "timings": {"prompt_n": reply.get("new_tokens", prompt)},
        "choices": [{"index": 0, "text": reply["content"], "finish_reason": "length" if limit else "stop"}],
        "usage": {"prompt_tokens": prompt, "completion_tokens": completion},
    }


def _completion(reply: dict, *, ollama: bool) -> dict:
    prompt, completion = reply.get("prompt_tokens", 10), reply.get("completion_tokens", 5)
    message = {"role": "assistant", "content": reply["content"]}
    if ollama:
        return {
            "model": "fake",
            "message": message,
            "done": True,
            "done_reason": "length" if reply.get("finish_reason") == "length" else "stop",
            "prompt_eval_count": prompt,
            "eval_count": completion,
        }
    return {
        "id": "chatcmpl-fake",
        "object": "chat.completion",
        "model": "fake",
        "choices": [{"index": 0, "message": message, "finish_reason": reply.get("finish_reason", "stop")}],
        "usage": {"prompt_tokens": prompt, "completion_tokens": completion, "total_tokens": prompt + completion},
        **({"timings": reply["timings"]} if "timings" in reply else {}),  # llama.cpp's own measurements
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0)
    args, _ = parser.parse_known_args()
    fake = FakeModel(args.host, args.port)
    print(fake.base_url, flush=True)
    fake.serve_forever()


if __name__ == "__main__":
    main()
