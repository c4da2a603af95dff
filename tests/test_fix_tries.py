"""A fix the model does not make is refused without spending seconds that cannot change the
answer (issue 24): a reply whose code is the old code once comments and layout are set aside is
"unchanged" before any test runs; a try that fails just as the one before it ends the tries;
a second try with the first one's code is not tested again. The scripted replies are the
shapes Qwen2.5-Coder-0.5B sent on the real-projects suite (a blank line dropped, a doc
comment's example rewritten, the same wrong code twice)."""

from __future__ import annotations

from pathlib import Path

import pytest

from agent_helpers import make_agent, write_files
from outrigger.guards import runs
from outrigger.guards.doc_only import same_code

SHED = {
    "shed/__init__.py": "",
    "shed/sizes.py": (
        'def floor_area(width, depth):\n    """The floor\'s area in square metres."""\n\n    return width + depth\n'
    ),
    "shed/tests/__init__.py": "",
    "shed/tests/test_sizes.py": (
        "from shed.sizes import floor_area\n\n\ndef test_floor_area():\n    assert floor_area(2, 3) == 6\n"
    ),
}
REQUEST = "floor_area(2, 3) should be the area of the floor, it adds the sides instead"
# The old code with the blank line after the docstring dropped and the docstring reworded.
SAME_CODE = (
    'def floor_area(width, depth):\n    """The area of the floor, in square metres."""\n    return width + depth\n'
)
STILL_WRONG = "def floor_area(width, depth):\n    return width + depth + 0\n"
RIGHT = "def floor_area(width, depth):\n    return width * depth\n"


def workspace(tmp_path: Path) -> Path:
    return write_files(tmp_path, SHED)


@pytest.fixture
def test_runs(monkeypatch: pytest.MonkeyPatch) -> list[list[str]]:
    """The commands run in scratch copies (the project's tests, a user's example)."""
    ran: list[list[str]] = []
    real = runs.ScratchRun.run

    async def counted(self: runs.ScratchRun, command: list[str], timeout: float, seal: str | None = None):
        ran.append(command)
        return await real(self, command, timeout, seal)

    monkeypatch.setattr(runs.ScratchRun, "run", counted)
    return ran


async def test_a_fix_that_changes_only_comments_and_layout_is_unchanged_without_a_test_run(
    tmp_path, fake_model, test_runs
):
    agent = make_agent(workspace(tmp_path), fake_model.base_url)
    fake_model.script(SAME_CODE, SAME_CODE)

    outcome = await agent.ask(REQUEST)

    assert outcome.kind == "refused" and "unchanged" in outcome.message, outcome.message
    assert len(fake_model.requests()) == 2  # asked once more, insisting, as for an identical reply
    assert len(test_runs) <= 1  # at most the run without the change, started beside the model


async def test_a_fix_that_changes_its_code_still_goes_to_the_tests(tmp_path, fake_model, test_runs):
    agent = make_agent(workspace(tmp_path), fake_model.base_url)
    fake_model.script(STILL_WRONG, RIGHT)

    outcome = await agent.ask(REQUEST)

    assert outcome.kind == "edit", outcome.message
    assert "return width * depth" in outcome.edits[0].new_text
    assert len(test_runs) == 3  # before, the first try, the second


async def test_a_second_try_with_the_first_ones_code_is_not_tested_again(tmp_path, fake_model, test_runs):
    agent = make_agent(workspace(tmp_path), fake_model.base_url)
    fake_model.script(STILL_WRONG, "def floor_area(width, depth):\n    return  width + depth + 0\n")

    outcome = await agent.ask(REQUEST)

    assert outcome.kind == "refused", outcome.message
    assert "failed before this fix and still fail with it" in outcome.message  # the first try's verdict
    assert len(test_runs) == 2  # before and the first try: the second would say the same


async def test_the_retry_after_the_tests_ends_on_a_failure_an_earlier_try_had(tmp_path, fake_model):
    agent = make_agent(workspace(tmp_path), fake_model.base_url)
    # go-humanize's shape: unchanged, then wrong code the tests refuse, then unchanged again.
    fake_model.script(SAME_CODE, STILL_WRONG, SAME_CODE, RIGHT)

    outcome = await agent.ask(REQUEST)

    assert outcome.kind == "refused", outcome.message
    assert "failed before this fix and still fail with it" in outcome.message
    assert len(fake_model.requests()) == 3  # not asked a fourth time, insisting as the first retry did


SCALE_PY = "def scale(x):\n    return x * 2\n"


async def test_a_try_that_fails_the_example_as_the_one_before_ends_the_tries(tmp_path, fake_model):
    (tmp_path / "scale.py").write_text(SCALE_PY)
    agent = make_agent(tmp_path, fake_model.base_url)
    # Sampled, the model wrote other code with the same wrong result: a third try is not asked for.
    fake_model.script("def scale(x):\n    return x * 4\n", "def scale(x):\n    return 4 * x\n")

    outcome = await agent.ask("fix scale in scale.py: scale(3) should return 9")

    assert outcome.kind == "refused", outcome.message
    assert "`scale(3)` gives 12" in outcome.message
    assert len(fake_model.requests()) == 2


async def test_a_try_that_fails_otherwise_is_followed_by_another(tmp_path, fake_model):
    (tmp_path / "scale.py").write_text(SCALE_PY)
    agent = make_agent(tmp_path, fake_model.base_url)
    fake_model.script(
        "def scale(x):\n    return x * 4\n", "def scale(x):\n    return x * 5\n", "def scale(x):\n    return x * 3\n"
    )

    outcome = await agent.ask("fix scale in scale.py: scale(3) should return 9")

    assert outcome.kind == "edit", outcome.message
    assert "return x * 3" in outcome.edits[0].new_text


GO_ORDINAL = """package humanize

// Ordinal gives you the input number in a rank/ordinal format.
//
// Ordinal(3) -> 3rd
func Ordinal(x int) string {
\tif x%100 != 1 {
\t\treturn "st"
\t}
\treturn "th"
}
"""


@pytest.mark.parametrize(
    ("path", "old", "new", "same"),
    [
        # go-humanize: the model rewrote the doc comment's example, not the code.
        ("ordinals.go", GO_ORDINAL, GO_ORDINAL.replace("Ordinal(3) -> 3rd", "Ordinal(1) -> 1st"), True),
        ("ordinals.go", GO_ORDINAL, GO_ORDINAL.replace("!= 1 {", "!= 11 {"), False),
        # cachetools: the blank line after the docstring dropped.
        ("keys.py", SHED["shed/sizes.py"], SAME_CODE, True),
        ("keys.py", SHED["shed/sizes.py"], STILL_WRONG, False),
        # A doctest is code a test run executes: changed, it is not the same code.
        (
            "keys.py",
            'def f():\n    """>>> f()\n    1\n    """\n    return 1\n',
            'def f():\n    """>>> f()\n    2\n    """\n    return 1\n',
            False,
        ),
    ],
)
def test_same_code_sets_aside_comments_and_layout_only(tmp_path, path, old, new, same):
    assert same_code(tmp_path, path, old, new) is same


# -- a reply that goes on after the definition -------------------------------------------------

# Qwen2.5-Coder-0.5B's shape (golang-lru, `Cache.Len`): the method, then a test of it, at length.
AFTER_THE_DEFINITION = "def scale(x):\n    return x * 3\n\n\ndef test_scale():\n" + "    assert scale(3) == 9\n" * 40


async def test_a_streamed_edit_stops_once_the_definition_is_complete(tmp_path, fake_model):
    (tmp_path / "scale.py").write_text(SCALE_PY)
    agent = make_agent(tmp_path, fake_model.base_url)
    fake_model.script({"content": AFTER_THE_DEFINITION, "pause": 0.005})

    outcome = await agent.ask("fix scale in scale.py: scale(3) should return 9")

    assert outcome.kind == "edit", outcome.message
    assert outcome.edits[0].new_text == "def scale(x):\n    return x * 3\n"
    words = len(AFTER_THE_DEFINITION.split())
    assert 0 < fake_model.streamed < words // 4  # left soon after `def test_scale():`, not written out


@pytest.mark.parametrize(
    ("reply", "end"),
    [
        # the method whole, then a test: the reply ends where the test starts
        (
            "```go\nfunc (c *Cache) Len() int {\n\treturn c.lru.Len()\n}\n\n// TestLen tests it.\nfunc TestLen(t *T) {\n",
            "func TestLen",
        ),
        # not whole yet
        ("```go\nfunc (c *Cache) Len() int {\n\treturn c.lru.Len()\n", None),
        # only comments after it: they may belong to it
        ("func (c *Cache) Len() int {\n\treturn c.lru.Len()\n}\n// more\n", None),
        # after a closed fence another block may be the one taken
        ("```go\nfunc (c *Cache) Len() int {\n\treturn 1\n}\n```\nfunc main() {}\n", None),
    ],
)
def test_where_a_reply_with_the_definition_ends(reply, end):
    from outrigger.actions.reply_end import definition_end
    from outrigger.workspace.symbols import extract_symbols

    go = "package lru\n\ntype Cache struct{}\n\nfunc (c *Cache) Len() int {\n\treturn 0\n}\n"
    [symbol] = [s for s in extract_symbols("lru.go", go) if s.name.endswith("Len")]
    assert definition_end(reply, symbol) == (None if end is None else reply.index(end))


async def test_a_fix_asked_of_the_documentation_may_change_only_the_documentation(tmp_path, fake_model, test_runs):
    """ "fix X's docstring": the documentation is what is to change, so a reply that changes
    only it is the fix asked for, not an unchanged reply."""
    root = workspace(tmp_path)
    sizes = root / "shed/sizes.py"
    sizes.write_text(sizes.read_text().replace("width + depth", "width * depth"))  # its tests pass
    fixed_doc = (
        'def floor_area(width, depth):\n    """The floor\'s area in square feet."""\n\n    return width * depth\n'
    )
    agent = make_agent(root, fake_model.base_url)
    fake_model.script(fixed_doc)

    outcome = await agent.ask("fix floor_area's docstring: the area is in square feet, not metres")

    assert outcome.kind == "edit", outcome.message
    assert "square feet" in outcome.edits[0].new_text


THERMO = {
    "package.json": '{"type": "module", "scripts": {"test": "node --test"}}',
    "src/units.js": "export function toFahrenheit(celsius) {\n  return celsius * 9 / 5;\n}\n",
    "test/units.test.js": (
        'import test from "node:test";\nimport assert from "node:assert";\n'
        'import { toFahrenheit } from "../src/units.js";\n'
        'test("boils", () => { assert.strictEqual(toFahrenheit(100), 212); });\n'
    ),
}


@pytest.mark.parametrize(
    ("request_text", "exported"),
    [
        ("toFahrenheit(100) gives 180, should be 212. fix it", True),
        ("toFahrenheit should not be exported any more; fix that", False),
    ],
)
async def test_a_definition_sent_back_without_its_export_keeps_it_unless_asked(
    tmp_path, fake_model, request_text, exported
):
    """Qwen2.5-Coder-0.5B's fix of `export function toFahrenheit` came back as `function
    toFahrenheit`: spliced as written, the module stopped exporting it and every import broke."""
    agent = make_agent(write_files(tmp_path, THERMO), fake_model.base_url)
    fake_model.script(
        "/** Celsius to Fahrenheit. */\nfunction toFahrenheit(celsius) {\n  return celsius * 9 / 5 + 32;\n}\n"
    )

    outcome = await agent.ask(request_text)

    if exported:
        assert outcome.kind == "edit", outcome.message
        assert "export function toFahrenheit" in outcome.edits[0].new_text
    else:  # asked to stop exporting it: the reply's definition is taken as written
        assert outcome.kind != "edit" or "export function" not in outcome.edits[0].new_text
