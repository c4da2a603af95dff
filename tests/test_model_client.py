"""ModelClient against the scripted fake server: request shapes, fallbacks, every fault."""

from __future__ import annotations

import asyncio
import socket
import time

import pytest

from fake_model import NO_REPLY
from outrigger.config import ModelSettings
from outrigger.errors import ModelError
from outrigger.model import ModelClient

SCHEMA = {"type": "object", "properties": {"kind": {"type": "string"}}, "required": ["kind"]}
HELLO = [{"role": "user", "content": "hello"}]


@pytest.fixture
async def make_client():
    clients: list[ModelClient] = []

    def make(base_url: str | None, **settings: object) -> ModelClient:
        client = ModelClient(ModelSettings(base_url=base_url, **settings))
        clients.append(client)
        return client

    yield make
    for client in clients:
        await client.aclose()


async def test_chat_returns_text_usage_and_stats(fake_model, make_client):
    fake_model.script({"content": "hi there", "prompt_tokens": 12, "completion_tokens": 3}, "again")
    client = make_client(fake_model.base_url, max_output_tokens=256, temperature=0.2)

    reply = await client.chat(HELLO)
    await client.chat(HELLO, max_tokens=7)

    assert (reply.text, reply.prompt_tokens, reply.completion_tokens) == ("hi there", 12, 3)
    assert reply.seconds > 0
    first, second = fake_model.requests()
    assert first["path"] == "/v1/chat/completions"
    assert first["body"] == {"model": "qwen2.5-coder-0.5b", "messages": HELLO, "temperature": 0.2, "max_tokens": 256}
    assert second["body"]["max_tokens"] == 7
    assert (client.stats.calls, client.stats.prompt_tokens, client.stats.completion_tokens) == (2, 22, 8)


async def test_base_without_path_gets_v1_and_api_key_is_sent(fake_model, make_client):
    fake_model.script("ok")
    client = make_client(fake_model.root_url + "/", api_key="sekrit")

    await client.chat(HELLO)

    request = fake_model.requests()[0]
    assert request["path"] == "/v1/chat/completions"
    assert request["headers"]["authorization"] == "Bearer sekrit"


async def test_json_schema_is_sent_as_response_format(fake_model, make_client):
    fake_model.script('{"kind": "answer"}')
    client = make_client(fake_model.base_url)

    reply = await client.chat(HELLO, json_schema=SCHEMA)

    assert reply.text == '{"kind": "answer"}'
    assert fake_model.bodies()[0]["response_format"] == {
        "type": "json_schema",
        "json_schema": {"name": "reply", "schema": SCHEMA},
    }
    assert client.constrained_decoding


async def test_rejected_response_format_retries_without_and_remembers(fake_model, make_client):
    fake_model.script("first", "second", reject_response_format=True)
    client = make_client(fake_model.base_url)

    assert (await client.chat(HELLO, json_schema=SCHEMA)).text == "first"
    assert (await client.chat(HELLO, json_schema=SCHEMA)).text == "second"

    bodies = fake_model.bodies()
    assert ["response_format" in body for body in bodies] == [True, False, False]
    assert not client.constrained_decoding


async def test_server_error_names_url_status_and_body(fake_model, make_client):
    fake_model.script({"status": 500, "body": '{"error": "out of memory"}'})
    client = make_client(fake_model.base_url)

    with pytest.raises(ModelError) as caught:
        await client.chat(HELLO)

    message = str(caught.value)
    assert f"{fake_model.base_url}/chat/completions" in message
    assert "HTTP 500" in message and "out of memory" in message


async def test_empty_script_fails_loudly(fake_model, make_client):
    with pytest.raises(ModelError, match=NO_REPLY):
        await make_client(fake_model.base_url).chat(HELLO)


@pytest.mark.parametrize(
    ("reply", "expected"),
    [
        ({"status": 200, "body": "<html>gateway</html>"}, "not JSON"),
        ({"status": 200, "body": '{"object": "chat.completion", "choices": []}'}, "no message"),
        ({"status": 200, "body": '{"choices": [{"message": {"content": null}}]}'}, "no message"),
        ({"close": True}, "closed the connection"),
    ],
)
async def test_bad_replies_raise_model_error_with_url(fake_model, make_client, reply, expected):
    fake_model.script(reply, reply)  # a connection dropped before any answer is tried once more
    with pytest.raises(ModelError, match=expected) as caught:
        await make_client(fake_model.base_url).chat(HELLO)
    assert fake_model.base_url in str(caught.value)


async def test_connection_refused_says_what_to_do(make_client):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    url = f"http://127.0.0.1:{port}/v1"

    with pytest.raises(ModelError) as caught:
        await make_client(url).chat(HELLO)

    assert str(caught.value) == (
        f"Cannot reach the model at {url}/chat/completions: connection refused. "
        "Start your model server or check outrigger.model.baseUrl."
    )


async def test_timeout_is_bounded_and_named(fake_model, make_client):
    fake_model.script({"hang": 10})
    client = make_client(fake_model.base_url, timeout_seconds=0.5)

    started = time.monotonic()
    with pytest.raises(ModelError, match=r"did not answer within 0\.5 seconds"):
        await client.chat(HELLO)
    assert time.monotonic() - started < 3


async def test_cancellation_propagates_and_client_stays_usable(fake_model, make_client):
    fake_model.script({"hang": 10}, "after")
    client = make_client(fake_model.base_url)

    task = asyncio.create_task(client.chat(HELLO))
    await asyncio.sleep(0.3)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task

    assert (await client.chat(HELLO)).text == "after"


async def test_base_url_provider_is_awaited_once(fake_model):
    calls = 0

    async def provider() -> str:
        nonlocal calls
        calls += 1
        await asyncio.sleep(0.05)
        return fake_model.base_url

    fake_model.script("a", "b")
    client = ModelClient(ModelSettings(), base_url_provider=provider)
    try:
        replies = await asyncio.gather(client.chat(HELLO), client.chat(HELLO))
    finally:
        await client.aclose()

    assert sorted(reply.text for reply in replies) == ["a", "b"]
    assert calls == 1


async def test_unreachable_provided_url_is_asked_for_again(fake_model):
    urls = ["http://127.0.0.1:9/v1", fake_model.base_url]  # port 9: nothing listens

    async def provider() -> str:
        return urls.pop(0)

    fake_model.script("back")
    client = ModelClient(ModelSettings(), base_url_provider=provider)
    try:
        with pytest.raises(ModelError, match="Cannot reach"):
            await client.chat(HELLO)
        assert (await client.chat(HELLO)).text == "back"
    finally:
        await client.aclose()


async def test_no_url_and_no_provider_is_a_clear_error(make_client):
    with pytest.raises(ModelError, match="outrigger.model.baseUrl"):
        await make_client(None).chat(HELLO)


async def test_ollama_request_and_usage(fake_model, make_client):
    fake_model.script({"content": '{"kind": "edit"}', "prompt_tokens": 30, "completion_tokens": 4})
    client = make_client(
        fake_model.root_url, api="ollama", name="qwen2.5-coder:0.5b", context_window=4096, max_output_tokens=100
    )

    reply = await client.chat(HELLO, json_schema=SCHEMA)

    assert (reply.text, reply.prompt_tokens, reply.completion_tokens) == ('{"kind": "edit"}', 30, 4)
    request = fake_model.requests()[0]
    assert request["path"] == "/api/chat"
    assert request["body"] == {
        "model": "qwen2.5-coder:0.5b",
        "messages": HELLO,
        "stream": False,
        "format": SCHEMA,
        "options": {"temperature": 0.0, "num_predict": 100, "num_ctx": 4096},
    }


async def test_llama_cpp_is_asked_to_reuse_its_prompt_cache(fake_model, make_client):
    """`cache_prompt` lets llama.cpp skip re-reading the start a prompt shares with the last
    ones (instructions, a file's imports): sent to the embedded server and to a server that
    answers llama.cpp's /props, never to others, which may reject an unknown field."""

    async def provider() -> str:
        return fake_model.base_url

    fake_model.script("a", "b", "c")
    embedded = ModelClient(ModelSettings(), base_url_provider=provider)
    try:
        await embedded.chat(HELLO)
    finally:
        await embedded.aclose()
    other = make_client(fake_model.base_url)
    await other.chat(HELLO)
    fake_model.n_ctx = 4096
    llama = make_client(fake_model.base_url)
    await llama.context_size()
    await llama.chat(HELLO)

    assert [body.get("cache_prompt") for body in fake_model.bodies()] == [True, None, True]


async def test_the_servers_own_timings_split_prompt_from_generation(fake_model, make_client):
    """llama.cpp says how long it read the prompt and wrote the reply: the benchmark's latency
    table shows where a request's time goes."""
    fake_model.script(
        {"content": "a", "timings": {"prompt_n": 300, "prompt_ms": 5400.0, "predicted_n": 40, "predicted_ms": 3600.0}},
        "b",
    )
    client = make_client(fake_model.base_url)

    first = await client.chat(HELLO)
    second = await client.chat(HELLO)

    assert (first.prompt_seconds, first.generation_seconds) == (5.4, 3.6)
    assert (second.prompt_seconds, second.generation_seconds) == (None, None)
    assert (client.stats.prompt_seconds, client.stats.generation_seconds) == (5.4, 3.6)


async def test_a_streamed_reply_is_seen_growing_and_ends_as_the_whole_reply(fake_model, make_client):
    fake_model.script(
        {"content": "It adds two numbers.", "prompt_tokens": 40, "completion_tokens": 5, "timings": {"prompt_ms": 800}}
    )
    client = make_client(fake_model.base_url)
    seen: list[tuple[str, int]] = []

    reply = await client.chat(HELLO, on_text=lambda text, tokens: seen.append((text, tokens)))

    assert reply.text == "It adds two numbers." and not reply.cut_off
    assert (reply.prompt_tokens, reply.completion_tokens, reply.prompt_seconds) == (40, 5, 0.8)
    assert seen[0] == ("It ", 1) and seen[-1] == ("It adds two numbers.", 4)
    [body] = fake_model.bodies()
    assert body["stream"] is True


async def test_a_streamed_reply_its_reader_ends_stops_there(fake_model, make_client):
    words = "one two three " + "more " * 60
    fake_model.script({"content": words, "pause": 0.01})
    client = make_client(fake_model.base_url)

    reply = await client.chat(HELLO, on_text=lambda text, tokens: "three" in text)

    assert reply.text == "one two three " and reply.completion_tokens == 3 and not reply.cut_off
    assert fake_model.streamed < 20  # the rest was never written


async def test_structured_replies_are_never_streamed(fake_model, make_client):
    fake_model.script('{"kind": "x"}')
    client = make_client(fake_model.base_url)
    seen: list[str] = []

    reply = await client.chat(HELLO, json_schema=SCHEMA, on_text=lambda text, tokens: seen.append(text))

    assert reply.text == '{"kind": "x"}' and not seen and "stream" not in fake_model.bodies()[0]


async def test_a_connection_the_server_dropped_before_answering_is_tried_again_once(make_client):
    """A kept-alive connection the model server had already closed (after a streamed reply was
    left early, as inline completion does) fails before any answer: one fresh try, not a failed
    request."""
    answer = b'{"choices": [{"message": {"content": "hi"}, "finish_reason": "stop"}], "usage": {}}'
    dropped: list[int] = []

    async def serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        head = await reader.readuntil(b"\r\n\r\n")
        length = next(
            int(line.split(b":")[1]) for line in head.split(b"\r\n") if line.lower().startswith(b"content-length")
        )
        await reader.readexactly(length)
        if not dropped:
            dropped.append(1)
            writer.close()  # gone without a word, as a stale keep-alive connection is
            return
        writer.write(
            b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s" % (len(answer), answer)
        )
        await writer.drain()
        writer.close()

    server = await asyncio.start_server(serve, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    async with server:
        client = make_client(f"http://127.0.0.1:{port}/v1")
        reply = await client.chat(HELLO)
        data = await client.post_json("completions", {"prompt": "x"})
        dropped.clear()
        streamed: list[dict] = []
        await client.stream_json("completions", {"prompt": "x"}, lambda event: streamed.append(event) or False)

    assert reply.text == "hi" and dropped == [1]
    assert data["choices"][0]["message"]["content"] == "hi"
    assert streamed == [data]  # inline completion's path too (this server answers whole)
