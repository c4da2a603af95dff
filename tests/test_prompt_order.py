"""Every prompt puts what stays the same across requests first (issue 24): llama.cpp's prompt
cache (`cache_prompt`) reuses the longest prefix a request shares with the one before, so two
requests of one kind on different symbols must share the instructions — nothing about the
symbol (its name, its kind, its file) may come before them."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from agent_helpers import make_agent

PRICES = """import math

TAX = 0.2


def net_price(gross):
    return gross / (1 + TAX)


class Till:
    def rounded(self, value):
        return math.floor(value * 100) / 100
"""

FIXED = {
    "net_price": "def net_price(gross):\n    return gross * (1 + TAX)\n",
    "Till.rounded": "def rounded(self, value):\n    return round(value, 2)\n",
}

# (intent, request about a symbol, the reply the fake model gives); one request per symbol.
KINDS = [
    ("question", "what does {name} do?", lambda name: f"It works out {name}."),
    ("docstring", "add a docstring to {name} in prices.py", lambda name: "Works out the value."),
    ("fix", "fix {name} in prices.py: it should add the tax, not remove it", lambda name: FIXED[name]),
]


def prompts(fake) -> list[list[dict]]:
    """The model calls of the requests (a plan the model writes is not one of them)."""
    return [b["messages"] for b in fake.bodies() if "response_format" not in b]


def shared_prefix(a: str, b: str) -> int:
    return len(os.path.commonprefix([a, b]))


@pytest.mark.parametrize(("intent", "request_text", "reply"), KINDS, ids=[k[0] for k in KINDS])
async def test_two_requests_on_different_symbols_share_the_instructions(
    tmp_path: Path, fake_model, intent, request_text, reply
):
    (tmp_path / "prices.py").write_text(PRICES)
    names = ["net_price", "Till.rounded"]
    fake_model.script(*(reply(name) for name in names))
    agent = make_agent(tmp_path, fake_model.base_url)

    for name in names:
        outcome = await agent.ask(request_text.format(name=name))
        assert outcome.plan is not None and outcome.plan.intent.value == intent, outcome.message

    first, second = prompts(fake_model)
    assert first[0]["role"] == second[0]["role"] == "system"
    assert first[0]["content"] == second[0]["content"]  # the instructions: the same tokens
    for messages in (first, second):
        system = messages[0]["content"]
        assert "net_price" not in system and "rounded" not in system and "prices.py" not in system
    # The symbol's name comes after what the two requests share.
    flat = ["\n".join(m["content"] for m in messages) for messages in (first, second)]
    assert shared_prefix(*flat) >= len(first[0]["content"])


async def test_two_new_files_share_the_instructions(tmp_path: Path, fake_model):
    """The instructions for writing a new file do not name the file."""
    (tmp_path / "prices.py").write_text(PRICES)
    fake_model.script("def hello(name):\n    return 'hi ' + name\n", "def bye(name):\n    return 'bye ' + name\n")
    agent = make_agent(tmp_path, fake_model.base_url)

    for request in ("create greetings.py with a hello(name) function", "create farewells.py with a bye(name) function"):
        outcome = await agent.ask(request)
        assert outcome.kind == "edit", outcome.message

    first, second = prompts(fake_model)
    assert first[0]["content"] == second[0]["content"]
    assert "greetings.py" in first[-1]["content"] and "farewells.py" in second[-1]["content"]
