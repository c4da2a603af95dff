"""The token budget with the model's own counts: a server that tokenizes (llama.cpp's /tokenize)
and says its context size (/props) is believed over the cl100k estimate, and a server that
still answers "too long" gets one smaller prompt instead of a raw HTTP error."""

from __future__ import annotations

import json
import math
from pathlib import Path

from agent_helpers import make_agent

DOC_REPLY = "def target(x):\n    return x + 2\n"


def big_module(root: Path, functions: int = 1500) -> Path:
    """A file of several thousand lines with the function to document near its end."""
    body = "".join(f"def helper_{n}(value):\n    return value * {n} + len(str(value))\n\n\n" for n in range(functions))
    (root / "big.py").write_text(body + "def target(x):\n    return x + 1\n")
    return root


def measured(fake, body: dict) -> int:
    text = "\n".join(m["content"] for m in body["messages"])
    return math.ceil(len(text) / fake.chars_per_token) + 4 * len(body["messages"])


async def test_a_tokenizer_that_counts_more_than_the_estimate_is_believed(tmp_path, fake_model):
    """cl100k undercounts code for local models' tokenizers; the prompt built from the
    estimate alone would not fit the server's window."""
    fake_model.chars_per_token = 1.5  # about twice cl100k's count on this code
    fake_model.n_ctx = 4096  # smaller than the configured 8192
    fake_model.script(DOC_REPLY)
    agent = make_agent(big_module(tmp_path), fake_model.base_url, context_window=8192, max_output_tokens=512)
    agent.guards.project_tests = False

    outcome = await agent.ask("fix target in big.py so it adds two")

    assert outcome.kind == "edit", outcome.message
    [body] = fake_model.bodies()
    assert measured(fake_model, body) <= 4096 - 512
    assert agent.budget.context_window == 4096


async def test_too_long_from_the_server_is_retried_once_smaller(tmp_path, fake_model):
    too_long = {"error": {"code": 400, "message": "the request exceeds the available context size, try increasing it"}}
    fake_model.script({"status": 400, "body": json.dumps(too_long)}, DOC_REPLY)
    agent = make_agent(big_module(tmp_path, 600), fake_model.base_url, context_window=8192)
    agent.guards.project_tests = False
    agent.prompt_context = "file"  # the file trimmed around the target is what shrinks

    outcome = await agent.ask("fix target in big.py so it adds two")

    assert outcome.kind == "edit", outcome.message
    first, second = (len(json.dumps(body["messages"])) for body in fake_model.bodies())
    assert second < first * 0.8


async def test_too_long_twice_is_a_sentence_not_an_http_error(tmp_path, fake_model):
    too_long = {"error": {"code": 400, "message": "the request exceeds the available context size"}}
    fake_model.script({"status": 400, "body": json.dumps(too_long)}, {"status": 400, "body": json.dumps(too_long)})
    agent = make_agent(big_module(tmp_path, 600), fake_model.base_url)
    agent.guards.project_tests = False

    outcome = await agent.ask("fix target in big.py so it adds two")

    assert outcome.kind == "refused"
    assert "HTTP" not in outcome.message and "too long for its context window" in outcome.message


async def test_the_real_tokenizer_keeps_a_large_file_within_the_real_window(tmp_path, embedded_model):
    """The field failure: a docstring near the end of a file of thousands of lines sent 8,669
    tokens to an 8,192-token server. With the server's own tokenizer the prompt fits, checked
    here by the same tokenizer."""
    import httpx

    from outrigger.model.client import ModelClient

    sent: list[list[dict]] = []

    class Recording(ModelClient):
        async def chat(self, messages, **kwargs):
            sent.append(messages)
            return await super().chat(messages, **kwargs)

    agent = make_agent(big_module(tmp_path, 1800), embedded_model, context_window=8192, max_output_tokens=1024)
    agent.model = Recording(agent.settings.model)

    outcome = await agent.ask("fix target in big.py so it adds two")

    assert "HTTP" not in outcome.message, outcome.message
    root = embedded_model.removesuffix("/v1")
    async with httpx.AsyncClient() as http:
        n_ctx = (await http.get(f"{root}/props")).json()["default_generation_settings"]["n_ctx"]
        for messages in sent:
            text = "\n".join(m["content"] for m in messages)
            tokens = (await http.post(f"{root}/tokenize", json={"content": text})).json()["tokens"]
            assert len(tokens) + 8 * len(messages) <= n_ctx - 1024, len(tokens)
