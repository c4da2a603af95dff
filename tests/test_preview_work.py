"""A preview does each piece of work on a text once (issue 20 item 4): on a real project's
2,000-line module the guards had parsed the same file 16 times per docstring, ~1.4 s of a
preview under load. Counted, not timed."""

from __future__ import annotations

from collections import Counter

from agent_helpers import make_agent
from outrigger.workspace import syntax


async def test_a_docstring_preview_parses_each_text_of_the_file_once(tmp_path, fake_model, monkeypatch):
    module = "".join(f"def step_{i}(value):\n    return value + {i}\n\n\n" for i in range(200))
    (tmp_path / "steps.py").write_text(module)
    agent = make_agent(tmp_path, fake_model.base_url)
    agent.settings.tests.run = "never"
    parses: Counter[bytes] = Counter()
    real = syntax._parser

    class Counting:
        def __init__(self, language: str) -> None:
            self.parser = real(language)

        def parse(self, data: bytes):
            parses[data] += 1
            return self.parser.parse(data)

    monkeypatch.setattr(syntax, "_parser", Counting)
    syntax._parsed.cache_clear()
    fake_model.script('def step_7(value):\n    """Seven more."""\n    return value + 7\n')
    outcome = await agent.ask("add a docstring to step_7")
    assert outcome.kind == "edit", outcome.message
    assert parses[module.encode()] == 1, f"the file's text was parsed {parses[module.encode()]} times"


async def test_the_token_counter_loads_while_indexing_not_in_the_first_preview(tmp_path):
    from outrigger.config import ModelSettings, Settings
    from outrigger.guards import budget
    from outrigger.session import Session

    (tmp_path / "a.py").write_text("def a():\n    return 1\n")
    budget._encoding.cache_clear()
    settings = Settings(model=ModelSettings(base_url="http://127.0.0.1:9/v1"))
    async with Session.open(tmp_path, settings, lambda *_: None, trusted=False):
        assert budget._encoding.cache_info().currsize == 1
