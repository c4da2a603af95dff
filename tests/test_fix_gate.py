"""A fix on a project whose tests already fail (the bug being fixed, issue 20): the fix is
offered when they pass with it, retried once told the failure when they still fail, and
refused when they fail still — never offered as a fix that fixes nothing."""

from __future__ import annotations

from pathlib import Path

from agent_helpers import make_agent, write_files

SHED = {
    "shed/__init__.py": "",
    "shed/sizes.py": "def floor_area(width, depth):\n    return width + depth\n",
    "shed/tests/__init__.py": "",
    "shed/tests/test_sizes.py": (
        "from shed.sizes import floor_area\n\n\ndef test_floor_area():\n    assert floor_area(2, 3) == 6\n"
    ),
}
STILL_WRONG = "def floor_area(width, depth):\n    return width + depth + 0\n"
RIGHT = "def floor_area(width, depth):\n    return width * depth\n"


def workspace(tmp_path: Path) -> Path:
    return write_files(tmp_path, SHED)


async def test_a_fix_that_leaves_the_failing_tests_failing_is_refused_after_one_retry(tmp_path, fake_model):
    agent = make_agent(workspace(tmp_path), fake_model.base_url)
    fake_model.script(STILL_WRONG, STILL_WRONG)
    outcome = await agent.ask("floor_area(2, 3) should be the area of the floor, it adds the sides instead")
    assert outcome.kind == "refused", outcome.message
    assert "failed before this fix and still fail with it" in outcome.message
    assert len(fake_model.requests()) == 2  # told the failure once


async def test_a_fix_that_makes_the_failing_tests_pass_says_so(tmp_path, fake_model):
    agent = make_agent(workspace(tmp_path), fake_model.base_url)
    fake_model.script(STILL_WRONG, RIGHT)
    outcome = await agent.ask("floor_area(2, 3) should be the area of the floor, it adds the sides instead")
    assert outcome.kind == "edit", outcome.message
    assert "return width * depth" in outcome.edits[0].new_text
    assert any("failed before this fix and pass with it" in note for note in outcome.notes)
