"""Chat with a model server: OpenAI-compatible (`/v1/chat/completions`) or Ollama (`/api/chat`).

Every failure becomes a `ModelError` whose message names the URL and what to do, so a
front end can show it as is. Requests are bounded by `ModelSettings.timeout_seconds`.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from typing import Any, TypeVar
from urllib.parse import urlsplit

import httpx

from outrigger.config import ModelSettings
from outrigger.errors import ContextExceeded, ModelError

log = logging.getLogger(__name__)

_EXCERPT_CHARS = 200
# What a streamed reply reports as it grows: (the text so far, tokens so far). True: stop it
# there (the connection closes and llama.cpp stops writing); the reply is the text so far.
OnText = Callable[[str, int], bool | None]
T = TypeVar("T")
# A retry's sampling temperature: enough to leave the reply that failed, low enough to stay on task.
SAMPLED_TEMPERATURE = 0.7


@dataclass(frozen=True)
class ChatReply:
    text: str
    prompt_tokens: int | None
    completion_tokens: int | None
    seconds: float
    cut_off: bool = False  # the model stopped at the reply limit, not where it meant to
    # llama.cpp's own `timings`: reading the prompt and writing the reply (None: not reported).
    prompt_seconds: float | None = None
    generation_seconds: float | None = None


@dataclass
class ModelStats:
    """Totals over a client's life (the benchmark reads them)."""

    calls: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    seconds: float = 0.0
    prompt_seconds: float = 0.0  # of `seconds`, what the server says it spent on prompts…
    generation_seconds: float = 0.0  # …and on writing replies (llama.cpp's timings)

    def add(self, reply: ChatReply) -> None:
        self.calls += 1
        self.prompt_tokens += reply.prompt_tokens or 0
        self.completion_tokens += reply.completion_tokens or 0
        self.seconds += reply.seconds
        self.prompt_seconds += reply.prompt_seconds or 0.0
        self.generation_seconds += reply.generation_seconds or 0.0


class ModelClient:
    def __init__(
        self,
        settings: ModelSettings,
        *,
        base_url_provider: Callable[[], Awaitable[str]] | None = None,
    ) -> None:
        self.settings = settings
        self.stats = ModelStats()
        self._provider = base_url_provider
        self._base_url = _normalise_base(settings.base_url, settings.api) if settings.base_url else None
        self._base_lock = asyncio.Lock()
        # Cleared for good once the backend rejects constrained decoding.
        self._constrained = True
        # Learned from the server (llama.cpp's /tokenize and /props); False: it has none.
        self._tokenizer: bool | None = None
        self._context: int | None = None
        self._context_asked = False
        # llama.cpp keeps the last prompts' work and reuses a shared start when asked
        # (`cache_prompt`); other OpenAI-compatible servers may reject the unknown field, so it
        # is sent only to the embedded server and to one that answered llama.cpp's /props.
        self._llama_cpp = base_url_provider is not None and not settings.base_url
        seconds = settings.timeout_seconds
        self._http = httpx.AsyncClient(timeout=httpx.Timeout(seconds, connect=min(seconds, 10.0)))

    @property
    def constrained_decoding(self) -> bool:
        """False once this backend has rejected a JSON schema."""
        return self._constrained

    async def base_url(self) -> str:
        """The server's base URL; asks the provider (the embedded server) once."""
        if self._base_url is None:
            async with self._base_lock:  # concurrent first calls must not start two servers
                if self._base_url is None:
                    if self._provider is None:
                        raise ModelError(
                            "No model server is configured: set outrigger.model.baseUrl or use the embedded model."
                        )
                    self._base_url = _normalise_base(await self._provider(), self.settings.api)
        return self._base_url

    async def chat(
        self,
        messages: list[dict],
        *,
        json_schema: dict | None = None,
        max_tokens: int | None = None,
        variant: int = 0,
        on_text: OnText | None = None,
    ) -> ChatReply:
        """One reply. `variant` 0 decodes with the configured temperature; variant n > 0 samples
        (at least `SAMPLED_TEMPERATURE`, seed n), for a retry that must not get the same reply
        again: at temperature 0 a small model answers the same prompt the same way.

        With `on_text`, an OpenAI-compatible server streams the reply and `on_text(text so far,
        tokens so far)` sees it grow, so a user watches an answer come instead of a spinner;
        the reply returned is the same either way, unless `on_text` ends it early (returns True)."""
        base = await self.base_url()
        if self.settings.api != "openai" or json_schema is not None:
            on_text = None  # structured replies are read whole; Ollama's stream is not read here
        if self.settings.api == "ollama":
            url, parse = f"{base}/api/chat", _parse_ollama
        else:
            url, parse = f"{base}/chat/completions", _parse_openai
        max_tokens = max_tokens or self.settings.max_output_tokens
        schema = json_schema if self._constrained else None
        started = time.perf_counter()
        try:
            async with asyncio.timeout(self.settings.timeout_seconds):
                body = self._body(messages, schema, max_tokens, variant, stream=on_text is not None)
                response = await self._post(url, body, on_text)
                if schema is not None and _rejects_schema(response):
                    log.info("%s rejected a JSON schema (HTTP %s); continuing without one", url, response.status_code)
                    self._constrained = False
                    response = await self._post(url, self._body(messages, None, max_tokens, variant))
        except TimeoutError:
            raise ModelError(
                f"The model at {url} did not answer within {self.settings.timeout_seconds:g} "
                "seconds; try a smaller request or raise outrigger.model.timeoutSeconds."
            ) from None
        _raise_for_error(response, url)
        try:
            data = response.json()
        except ValueError:
            raise ModelError(
                f"The model at {url} sent a reply that is not JSON ({_excerpt(response.text)}); "
                "check outrigger.model.baseUrl and outrigger.model.api."
            ) from None
        text, prompt_tokens, completion_tokens, cut_off = parse(data, url)
        reply = ChatReply(
            text, prompt_tokens, completion_tokens, time.perf_counter() - started, cut_off, *_timings(data)
        )
        self.stats.add(reply)
        return reply

    async def post_json(self, path: str, body: dict, *, timeout: float | None = None) -> dict:
        """One JSON request to another endpoint of the same server: llama.cpp's `/infill`
        (`path` starting with "/" is beside `/v1`), `completions` under the base URL, Ollama's
        `api/generate`. Failures are `ModelError`s like a chat's."""
        base = await self.base_url()
        url = f"{_server_root(base)}{path}" if path.startswith("/") else f"{base}/{path}"
        seconds = timeout or self.settings.timeout_seconds
        try:
            async with asyncio.timeout(seconds):
                response = await self._post(url, body)
        except TimeoutError:
            raise ModelError(f"The model at {url} did not answer within {seconds:g} seconds.") from None
        _raise_for_error(response, url)
        return _json_object(response, url)

    async def stream_json(
        self, path: str, body: dict, on_event: Callable[[dict], bool], *, timeout: float | None = None
    ) -> None:
        """`body` sent with `stream: true` to `path` (as `post_json`); `on_event` sees each
        server-sent event — or the whole answer, from a server that does not stream — and
        returns True to stop reading: the connection closes, and llama.cpp stops writing."""
        base = await self.base_url()
        url = f"{_server_root(base)}{path}" if path.startswith("/") else f"{base}/{path}"
        seconds = timeout or self.settings.timeout_seconds
        seen = False

        def seeing(event: dict) -> bool:
            nonlocal seen
            seen = True
            return on_event(event)

        try:
            async with asyncio.timeout(seconds):
                await _once_more_if_dropped(lambda: self._stream_once(url, body, seeing), lambda: seen)
        except TimeoutError:
            raise ModelError(f"The model at {url} did not answer within {seconds:g} seconds.") from None
        except httpx.ConnectError as error:
            if self._provider is not None:
                self._base_url = None
            reason = "connection refused" if _refused(error) else str(error) or "connection failed"
            raise ModelError(
                f"Cannot reach the model at {url}: {reason}. Start your model server or check outrigger.model.baseUrl."
            ) from None
        except httpx.HTTPError as error:
            if self._provider is not None:
                self._base_url = None  # the embedded server may have died: the next call restarts it
            raise ModelError(f"The request to the model at {url} failed: {error}.") from None

    async def _stream_once(self, url: str, body: dict, on_event: Callable[[dict], bool]) -> None:
        async with self._http.stream("POST", url, json={**body, "stream": True}, headers=self._headers()) as response:
            if response.is_error or "text/event-stream" not in response.headers.get("content-type", ""):
                await response.aread()
                _raise_for_error(response, url)
                on_event(_json_object(response, url))
                return
            async for event in _events(response):
                if on_event(event):
                    return

    async def count_tokens(self, text: str) -> int | None:
        """The model's own token count of `text` (llama.cpp's `/tokenize`), or None when the
        server has no tokenizer endpoint (then callers estimate)."""
        if self._tokenizer is False or self.settings.api != "openai":
            return None
        try:
            response = await self._http.post(
                f"{_server_root(await self.base_url())}/tokenize", json={"content": text, "add_special": False}
            )
            tokens = response.json()["tokens"] if response.status_code == 200 else None
        except (httpx.HTTPError, ValueError, KeyError, TypeError):
            tokens = None
        if not isinstance(tokens, list):
            self._tokenizer = False
            return None
        self._tokenizer = True
        return len(tokens)

    async def context_size(self) -> int | None:
        """The context window the server really runs with (llama.cpp's `/props`), asked once;
        None when it does not say."""
        if not self._context_asked:
            self._context_asked = True
            if self.settings.api == "openai":
                try:
                    response = await self._http.get(f"{_server_root(await self.base_url())}/props")
                    data = response.json() if response.status_code == 200 else {}
                    n_ctx = (data.get("default_generation_settings") or {}).get("n_ctx") or data.get("n_ctx")
                    if isinstance(n_ctx, int) and n_ctx > 0:
                        self._context = n_ctx
                        self._llama_cpp = True
                except (httpx.HTTPError, ValueError, AttributeError):
                    pass
        return self._context

    async def aclose(self) -> None:
        await self._http.aclose()

    def _body(
        self, messages: list[dict], schema: dict | None, max_tokens: int, variant: int = 0, *, stream: bool = False
    ) -> dict:
        s = self.settings
        sampling: dict[str, Any] = {"temperature": s.temperature}
        if variant:
            sampling = {"temperature": max(s.temperature, SAMPLED_TEMPERATURE), "seed": variant}
        if s.api == "ollama":
            body: dict[str, Any] = {
                "model": s.name,
                "messages": messages,
                "stream": False,
                "options": {**sampling, "num_predict": max_tokens, "num_ctx": s.context_window},
            }
            if schema is not None:
                body["format"] = schema
            return body
        body = {"model": s.name, "messages": messages, **sampling, "max_tokens": max_tokens}
        if self._llama_cpp:
            body["cache_prompt"] = True
        if stream:  # the last event carries the usage (and llama.cpp's timings)
            body |= {"stream": True, "stream_options": {"include_usage": True}}
        if schema is not None:
            body["response_format"] = {
                "type": "json_schema",
                "json_schema": {"name": "reply", "schema": schema},
            }
        return body

    async def _post(self, url: str, body: dict, on_text: OnText | None = None) -> httpx.Response:
        """The server's answer; a streamed one is read to its end and given back as the
        non-streamed answer it adds up to."""
        shown = False

        def showing(text: str, tokens: int) -> bool | None:
            nonlocal shown
            shown = True
            assert on_text is not None
            return on_text(text, tokens)

        try:
            return await _once_more_if_dropped(
                lambda: self._post_once(url, body, showing if on_text else None), lambda: shown
            )
        except httpx.ConnectError as error:
            if self._provider is not None:
                self._base_url = None  # ask again next time: the embedded server restarts itself
            reason = "connection refused" if _refused(error) else str(error) or "connection failed"
            raise ModelError(
                f"Cannot reach the model at {url}: {reason}. Start your model server or check outrigger.model.baseUrl."
            ) from None
        except httpx.TimeoutException:
            raise TimeoutError from None  # reported once, by chat(), with the configured bound
        except (httpx.RemoteProtocolError, httpx.ReadError, httpx.WriteError):
            if self._provider is not None:
                self._base_url = None  # the embedded server may have died: the next call restarts it
            raise ModelError(
                f"The model at {url} closed the connection before finishing its reply; check the model server's log."
            ) from None
        except httpx.HTTPError as error:
            raise ModelError(f"The request to the model at {url} failed: {error}.") from None

    def _headers(self) -> dict[str, str]:
        key = self.settings.api_key
        return {"Authorization": f"Bearer {key}"} if key else {}

    async def _post_once(self, url: str, body: dict, on_text: OnText | None) -> httpx.Response:
        headers = self._headers()
        if on_text is None:
            return await self._http.post(url, json=body, headers=headers)
        async with self._http.stream("POST", url, json=body, headers=headers) as response:
            if response.is_error or "text/event-stream" not in response.headers.get("content-type", ""):
                await response.aread()  # an error, or a server that answered whole anyway
                return response
            # ASCII JSON: a streamed reply may carry lone surrogates, which UTF-8 cannot
            # encode; escaped, they reach the reply guard as a whole reply's would.
            whole = json.dumps(await _read_stream(response, on_text)).encode("ascii")
            return httpx.Response(200, content=whole, headers={"Content-Type": "application/json"})


async def _once_more_if_dropped(send: Callable[[], Awaitable[T]], answered: Callable[[], bool]) -> T:
    """`send()`, and once more afresh when the connection was dropped before any answer: most
    often a kept-alive connection the server had already closed (after a streamed reply was
    left early). A reply already seen in part is never asked for again."""
    try:
        return await send()
    except httpx.RemoteProtocolError:
        if answered():
            raise
        return await send()


def _json_object(response: httpx.Response, url: str) -> dict:
    """The reply's JSON object, or a ModelError that quotes what came instead."""
    try:
        data = response.json()
    except ValueError:
        data = None
    if not isinstance(data, dict):
        raise ModelError(f"The model at {url} sent a reply that is not a JSON object ({_excerpt(response.text)}).")
    return data


def _raise_for_error(response: httpx.Response, url: str) -> None:
    """An HTTP error from the model server as the error a caller can act on."""
    if response.is_error and _context_exceeded(response):
        raise ContextExceeded(
            f"The model at {url} said the prompt is longer than its context window ({_excerpt(response.text)})."
        )
    if response.is_error:
        raise ModelError(f"The model at {url} answered HTTP {response.status_code}: {_excerpt(response.text)}")


async def _events(response: httpx.Response) -> AsyncIterator[dict]:
    """The JSON objects of server-sent events (`data: {…}`), up to `data: [DONE]`; lines that
    are not one (comments, keep-alives, broken JSON) are passed over."""
    async for line in response.aiter_lines():
        payload = line.removeprefix("data:").strip() if line.startswith("data:") else ""
        if not payload or payload == "[DONE]":
            continue
        try:
            event = json.loads(payload)
        except ValueError:
            continue
        if isinstance(event, dict):
            yield event


async def _read_stream(response: httpx.Response, on_text: OnText) -> dict:
    """Server-sent events (`data: {chunk}` … `data: [DONE]`) added up into the shape of a
    non-streamed chat completion: the content, the finish reason, the usage and timings."""
    text, tokens, finish, usage, timings = "", 0, None, None, None
    async for event in _events(response):
        usage = event.get("usage") or usage
        timings = event.get("timings") or timings
        choices = event.get("choices") or [{}]
        choice = choices[0] if isinstance(choices[0], dict) else {}
        finish = choice.get("finish_reason") or finish
        piece = (choice.get("delta") or {}).get("content") if isinstance(choice.get("delta"), dict) else None
        if isinstance(piece, str) and piece:
            text += piece
            tokens += 1
            if on_text(text, tokens):
                # Left early: the server's closing event (usage, timings) will not come.
                finish, usage = "stop", {"completion_tokens": tokens}
                break
    data: dict[str, Any] = {"choices": [{"message": {"content": text}, "finish_reason": finish}], "usage": usage}
    return data | ({"timings": timings} if timings else {})


def _normalise_base(base: str, api: str) -> str:
    """Strip the trailing slash; a bare host:port gets `/v1` for OpenAI-compatible servers."""
    base = base.rstrip("/")
    if api == "openai" and not urlsplit(base).path:
        base += "/v1"
    return base


def _server_root(base: str) -> str:
    """llama.cpp serves /tokenize and /props beside /v1, not under it."""
    return base.removesuffix("/v1")


def _context_exceeded(response: httpx.Response) -> bool:
    """llama.cpp: "exceeds the available context size"; OpenAI-style: "maximum context length"."""
    if response.status_code not in (400, 413, 422, 500):
        return False
    text = response.text.lower()
    return "context" in text and any(word in text for word in ("exceed", "maximum", "too long", "length"))


def _refused(error: BaseException | None) -> bool:
    """httpx hides the OS error ("All connection attempts failed"); look down the chain."""
    while error is not None:
        if isinstance(error, ConnectionRefusedError) or "refused" in str(error).lower():
            return True
        error = error.__cause__ or error.__context__
    return False


def _rejects_schema(response: httpx.Response) -> bool:
    """Does this answer mean the server cannot do constrained decoding?"""
    status = response.status_code
    if 400 <= status < 500 or status == 501:
        return True
    text = response.text.lower()
    return status >= 500 and ("response_format" in text or "json_schema" in text)


def _parse_openai(data: Any, url: str) -> tuple[str, int | None, int | None, bool]:
    try:
        choice = data["choices"][0]
        content = choice["message"]["content"]
    except (KeyError, IndexError, TypeError):
        choice, content = {}, None
    if not isinstance(content, str):
        raise _no_content(url, data)
    usage = data.get("usage") or {}
    cut_off = isinstance(choice, dict) and choice.get("finish_reason") == "length"
    return content, usage.get("prompt_tokens"), usage.get("completion_tokens"), cut_off


def _timings(data: Any) -> tuple[float | None, float | None]:
    """(prompt, generation) seconds as the server measured them: llama.cpp's `timings`
    (milliseconds), Ollama's `prompt_eval_duration`/`eval_duration` (nanoseconds)."""
    if not isinstance(data, dict):
        return None, None
    timings = data.get("timings")
    if isinstance(timings, dict):
        prompt, predicted = timings.get("prompt_ms"), timings.get("predicted_ms")
        return (
            prompt / 1000 if isinstance(prompt, int | float) else None,
            predicted / 1000 if isinstance(predicted, int | float) else None,
        )
    prompt, predicted = data.get("prompt_eval_duration"), data.get("eval_duration")
    return (
        prompt / 1e9 if isinstance(prompt, int | float) else None,
        predicted / 1e9 if isinstance(predicted, int | float) else None,
    )


def _parse_ollama(data: Any, url: str) -> tuple[str, int | None, int | None, bool]:
    try:
        content = data["message"]["content"]
    except (KeyError, TypeError):
        content = None
    if not isinstance(content, str):
        raise _no_content(url, data)
    return content, data.get("prompt_eval_count"), data.get("eval_count"), data.get("done_reason") == "length"


def _no_content(url: str, data: Any) -> ModelError:
    return ModelError(
        f"The model at {url} sent no message content ({_excerpt(str(data))}); "
        "check that outrigger.model.api matches the server."
    )


def _excerpt(text: str) -> str:
    text = " ".join(text.split())
    if not text:
        return "empty body"
    return text if len(text) <= _EXCERPT_CHARS else text[:_EXCERPT_CHARS] + "…"
