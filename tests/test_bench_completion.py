"""The completion suite of `outrigger bench`: cases hidden in real code, and how a reply is
judged raw and guarded (scripted model; the real run is `outrigger bench completion`)."""

from __future__ import annotations

import shutil
from pathlib import Path

from agent_helpers import FIXTURES
from outrigger.completion.guarded import CompletionStats
from outrigger.config import ModelSettings
from outrigger.model.client import ModelClient
from outrigger_bench import completion
from outrigger_bench.completion_cases import cases_in


def test_cases_hide_a_line_after_where_typing_pauses_and_a_whole_short_body(tmp_path: Path):
    root = tmp_path / "py_items"
    shutil.copytree(FIXTURES / "py_items", root)
    cases = {case.id: case for case in cases_in(root, limit=10)}

    line = cases["py_items/items.py:get_item:line"]
    assert line.text.split("\n")[line.position.line] == "    return "
    assert line.expected == "ITEMS.get(item_id)"
    assert line.completed(line.expected) == line.original
    block = cases["py_items/items.py:get_items:block"]
    assert block.text.split("\n")[block.position.line] == "    "
    assert block.completed(block.expected) == block.original
    assert not any("tests/" in case.path for case in cases.values())


async def test_a_raw_reply_with_an_invented_name_is_judged_raw_and_dropped_guarded(tmp_path: Path, fake_model):
    root = tmp_path / "py_items"
    shutil.copytree(FIXTURES / "py_items", root)
    case = next(c for c in cases_in(root, limit=10) if c.id == "py_items/items.py:get_item:line")
    model = ModelClient(ModelSettings(base_url=fake_model.base_url))
    # The warm-up, the real one (as the editor asks), then the raw model to its own end.
    fake_model.script("lookup_item(item_id)", "lookup_item(item_id)", "lookup_item(item_id)")
    stats = CompletionStats()
    try:
        row = await completion.run_case(case, model, embedded=False, tests=True, stats=stats)
    finally:
        await model.aclose()

    assert row["raw"]["shown"] and row["raw"]["invented"] == ["lookup_item"] and row["raw"]["parses"]
    assert row["raw"]["tests"] is False  # the project's tests fail with it
    assert not row["guarded"]["shown"] and row["dropped_by"] == "names"
    assert (root / "items.py").read_text() == case.original  # only the scratch copy saw it
    summary = completion.summarize([row])
    assert summary["line"]["raw"]["invented"] == 1 and summary["line"]["guarded"]["invented"] == 0
    assert summary["line"]["raw"]["acceptance_worthy"] == 0
    text = completion.render(
        {"model": "fake", "endpoint": "completions", "summary": summary, "guards": stats.as_dict()}
    )
    assert "| 1 lines | raw FIM | 1 | 0 | 0 | 1/1 | 0/1 | 1/1 | 0/1 |" in text
    assert summary["single_line"]["cases"] == 1 and "Single-line fills (1 cases" in text


async def test_an_equivalent_completion_counts_without_running_the_tests(tmp_path: Path):
    root = tmp_path / "py_items"
    shutil.copytree(FIXTURES / "py_items", root)
    case = next(c for c in cases_in(root, limit=10) if c.id == "py_items/items.py:get_item:line")
    verdict = await completion.judge(case, "ITEMS.get( item_id )", [], tests=True)
    assert verdict["equivalent"] and not verdict["exact"] and verdict["tests"] is True
