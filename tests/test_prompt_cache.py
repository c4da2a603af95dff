"""The embedded server's prompt cache kept warm (issue 24): once the server has started, the
planner's prompt for the folder (its instructions and file list; the request comes last) is
sent once, after the request that started it, so a later request the model plans reads only
its own words."""

from __future__ import annotations

import asyncio

from outrigger.config import Settings
from outrigger.model.embedded import EmbeddedServer
from outrigger.planner.model_plan import PLAN
from outrigger.progress import quiet
from outrigger.session import Session


async def test_the_planners_prompt_is_cached_after_the_first_request(tmp_path, fake_model, monkeypatch):
    async def started(self, progress=None):
        return fake_model.base_url

    monkeypatch.setattr(EmbeddedServer, "start", started)
    (tmp_path / "shelf.py").write_text("def count(books):\n    return len(books)\n")
    fake_model.script("It counts the books.", "ok")
    async with Session.open(tmp_path, Settings(), quiet, trusted=True) as session:
        outcome = await session.agent.ask("what does count do?")
        assert outcome.kind == "answer", outcome.message
        for _ in range(100):
            if len(fake_model.bodies()) >= 2:
                break
            await asyncio.sleep(0.05)
    first, warm = fake_model.bodies()
    assert "count" in first["messages"][-1]["content"]  # the user's request went first
    assert warm["messages"][0]["content"].startswith(PLAN.told)
    assert "shelf.py" in warm["messages"][0]["content"] and warm["max_tokens"] == 1
    assert warm["cache_prompt"] is True


async def test_no_warming_while_inline_completion_is_in_use(tmp_path, fake_model, monkeypatch):
    """A keystroke's completion must not wait behind the planner's prompt (one slot)."""

    async def started(self, progress=None):
        return fake_model.base_url

    monkeypatch.setattr(EmbeddedServer, "start", started)
    (tmp_path / "shelf.py").write_text("def count(books):\n    return len(books)\n")
    fake_model.script("It counts the books.", "ok")
    async with Session.open(tmp_path, Settings(), quiet, trusted=True) as session:
        assert session.completer is not None  # the editor asked for a completion
        assert (await session.agent.ask("what does count do?")).kind == "answer"
        await asyncio.sleep(1.5)
    assert len(fake_model.bodies()) == 1
