"""Doc comments in each language's own convention, from the shape of reply a small model sends
(the whole function, fenced, with the comment above it): only the comment is taken, the code
stays as it was, and a comment in the wrong convention is asked for again."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from agent_helpers import make_agent

CASES = [
    (
        "tide.rs",
        "pub fn high_tide(level: f64) -> bool {\n    level > 4.2\n}\n",
        "```rust\n/// Whether the water is above the high-tide mark.\npub fn high_tide(level: f64) -> bool {\n    level > 4.2\n}\n```",
        "/// Whether the water is above the high-tide mark.\npub fn high_tide(level: f64) -> bool {",
        "high_tide",
    ),
    (
        "orchard.go",
        "package orchard\n\nfunc Ripe(days int) bool {\n\treturn days > 30\n}\n",
        "```go\n// Ripe reports whether fruit picked days ago is ripe.\nfunc Ripe(days int) bool {\n\treturn days > 30\n}\n```",
        "// Ripe reports whether fruit picked days ago is ripe.\nfunc Ripe(days int) bool {",
        "Ripe",
    ),
    (
        "kennel.rb",
        "def bark(times)\n  'woof ' * times\nend\n",
        "```ruby\n# Barks the given number of times.\ndef bark(times)\n  'woof ' * times\nend\n```",
        "# Barks the given number of times.\ndef bark(times)",
        "bark",
    ),
    (
        "lamp.lua",
        "local function dim(level)\n  return level / 2\nend\n\nreturn { dim = dim }\n",
        "```lua\n--- Halves the lamp's level.\nlocal function dim(level)\n  return level / 2\nend\n```",
        "--- Halves the lamp's level.\nlocal function dim(level)",
        "dim",
    ),
    (
        "Loan.java",
        "public class Loan {\n    public int days(int weeks) {\n        return weeks * 7;\n    }\n}\n",
        "```java\n/**\n * The loan's length in days.\n */\npublic int days(int weeks) {\n    return weeks * 7;\n}\n```",
        "    /**\n     * The loan's length in days.\n     */\n    public int days(int weeks) {",
        "days",
    ),
]


@pytest.mark.parametrize(("path", "source", "reply", "expected", "name"), CASES, ids=[c[0] for c in CASES])
async def test_each_language_gets_its_own_doc_comment(tmp_path: Path, fake_model, path, source, reply, expected, name):
    (tmp_path / path).write_text(source)
    fake_model.script(reply)
    agent = make_agent(tmp_path, fake_model.base_url)
    agent.guards.project_tests = False  # these files have no tests to run

    outcome = await agent.ask(f"add a doc comment to {name} in {path}")

    assert outcome.kind == "edit", outcome.message
    new_text = outcome.edits[0].new_text
    assert expected in new_text
    assert new_text.replace(expected, "").count(name) == source.count(name) - 1  # nothing else added
    prompt = fake_model.bodies()[0]["messages"][-1]["content"]
    assert "comment directly above" in prompt  # the convention is stated
    definition = next(line for line in source.splitlines() if name in line)
    assert definition.strip() in prompt and "Reply with the" in prompt


async def test_documentation_in_another_convention_or_as_plain_text_is_written_in_the_right_one(tmp_path, fake_model):
    (tmp_path / "tide.rs").write_text(
        "pub fn low_tide(level: f64) -> bool {\n    level < 0.5\n}\n\npub fn calm(wind: f64) -> bool {\n    wind < 3.0\n}\n"
    )
    fake_model.script("/* Whether the water is low. */", "Whether the wind is calm enough to sail.\nBelow three knots.")
    agent = make_agent(tmp_path, fake_model.base_url)

    low = await agent.ask("document low_tide in tide.rs")
    calm = await agent.ask("document calm in tide.rs")

    assert low.edits[0].new_text.startswith("/// Whether the water is low.\npub fn low_tide")
    assert "/// Whether the wind is calm enough to sail.\n/// Below three knots.\npub fn calm" in calm.edits[0].new_text


async def test_text_that_would_close_the_comment_stays_text(tmp_path, fake_model):
    (tmp_path / "shapes.py").write_text("def area(w, h):\n    return w * h\n")
    fake_model.script('The area. """\nimport os; os.system("x")')
    agent = make_agent(tmp_path, fake_model.base_url)

    outcome = await agent.ask("add a docstring to area in shapes.py")

    assert outcome.kind == "edit", outcome.message
    new_text = outcome.edits[0].new_text
    [function] = ast.parse(new_text).body  # one function, its docstring, its old body: nothing else
    assert ast.get_docstring(function).startswith("The area.") and "os.system" not in new_text
    assert ast.unparse(function.body[1]) == "return w * h"


async def test_a_unicode_named_function_gets_a_docstring_not_new_code(tmp_path: Path, fake_model):
    """Issue 9 item 15: "add a docstring to 変数" used to be routed to add_code."""
    (tmp_path / "uni.py").write_text("def 変数(x):\n    return x\n")
    fake_model.script('def 変数(x):\n    """Return x."""\n    return x\n')
    agent = make_agent(tmp_path, fake_model.base_url)

    outcome = await agent.ask("add a docstring to 変数 in uni.py")

    assert outcome.kind == "edit" and outcome.plan.intent == "docstring", outcome.message
    assert outcome.edits[0].new_text == 'def 変数(x):\n    """Return x."""\n    return x\n'


CUT_IN_EXAMPLE = {
    "content": "/// Whether the water is high.\n///\n/// # Examples\n///\n/// ```\n/// let level = vec![",
    "finish_reason": "length",
}
HIGH_TIDE_RS = "pub fn high_tide(level: f64) -> bool {\n    level > 4.2\n}\n"


async def test_code_cut_off_at_its_length_limit_is_never_used(tmp_path: Path, fake_model):
    """Seen with Qwen2.5-Coder-0.5B: a Rust doc comment stopped inside its ``` example. It
    parses (it is all comment), but `cargo test` runs it as a doctest, and fails."""
    (tmp_path / "tide.rs").write_text(HIGH_TIDE_RS)
    fake_model.script(CUT_IN_EXAMPLE, CUT_IN_EXAMPLE)
    agent = make_agent(tmp_path, fake_model.base_url)

    outcome = await agent.ask("add a function low_tide to tide.rs")

    assert outcome.kind == "refused" and "cut off at its length limit" in outcome.message, outcome.message
    assert (tmp_path / "tide.rs").read_text() == HIGH_TIDE_RS


async def test_a_doc_comment_cut_off_in_its_examples_keeps_what_comes_before_them(tmp_path: Path, fake_model):
    (tmp_path / "tide.rs").write_text(HIGH_TIDE_RS)
    fake_model.script(CUT_IN_EXAMPLE)
    agent = make_agent(tmp_path, fake_model.base_url)

    outcome = await agent.ask("add a doc comment to high_tide in tide.rs")

    assert outcome.kind == "edit", outcome.message
    assert outcome.edits[0].new_text == "/// Whether the water is high.\n" + HIGH_TIDE_RS
    assert len(fake_model.requests()) == 1


@pytest.mark.parametrize(
    ("path", "name", "source", "reply", "documented"),
    [
        (  # a JSDoc block cut in its @example: the block is closed after the description
            "tide.js",
            "highTide",
            "function highTide(level) {\n  return level > 4.2;\n}\n",
            "```js\n/**\n * Whether the water is high.\n * @param {number} level\n * @example\n * highTide(",
            "/**\n * Whether the water is high.\n * @param {number} level\n */\nfunction highTide(level) {",
        ),
        (  # a Go comment cut in its Example section
            "tide.go",
            "HighTide",
            "package tide\n\nfunc HighTide(level float64) bool {\n\treturn level > 4.2\n}\n",
            "// HighTide reports whether the water is high.\n//\n// Example:\n//   HighTide(",
            "// HighTide reports whether the water is high.\nfunc HighTide(level float64) bool {",
        ),
    ],
)
async def test_cut_off_doc_comments_in_other_languages(
    tmp_path: Path, fake_model, path, name, source, reply, documented
):
    (tmp_path / path).write_text(source)
    fake_model.script({"content": reply, "finish_reason": "length"})
    agent = make_agent(tmp_path, fake_model.base_url)

    outcome = await agent.ask(f"document {name} in {path}")

    assert outcome.kind == "edit", outcome.message
    assert documented in outcome.edits[0].new_text


@pytest.mark.parametrize(
    ("path", "source", "reply"),
    [
        ("tide.rs", HIGH_TIDE_RS, "/// Whether the water is high, which happens when the level is above"),  # no example
        (  # a Python docstring cut off: which lines are docstring and which code cannot be told
            "tide.py",
            "def high_tide(level):\n    return level > 4.2\n",
            'def high_tide(level):\n    """Whether the water is high.\n\n    Examples:\n    >>> high_tide(',
        ),
    ],
)
async def test_a_cut_off_doc_comment_with_nothing_complete_is_refused(tmp_path: Path, fake_model, path, source, reply):
    (tmp_path / path).write_text(source)
    cut = {"content": reply, "finish_reason": "length"}
    fake_model.script(cut, cut)
    agent = make_agent(tmp_path, fake_model.base_url)

    outcome = await agent.ask(f"add a doc comment to high_tide in {path}")

    assert outcome.kind == "refused" and "cut off at its length limit" in outcome.message, outcome.message
    assert (tmp_path / path).read_text() == source


async def test_a_doc_comment_above_another_form_of_the_method_is_still_taken(tmp_path: Path, fake_model):
    """Qwen2.5-Coder-0.5B documented the class method `push` above `History.prototype.push =
    function …`: the comment is what was asked for; the code stays as it was."""
    source = (
        "class History {\n  push(track) {\n    this.played.unshift(track);\n  }\n}\n\nmodule.exports = { History };\n"
    )
    (tmp_path / "queue.js").write_text(source)
    fake_model.script(
        "/**\n * Adds a track to the front of the history.\n * @param {Track} track - the track played.\n */\n"
        "History.prototype.push = function(track) {\n  this.played.push(track);\n};"
    )
    agent = make_agent(tmp_path, fake_model.base_url)
    agent.guards.project_tests = False

    outcome = await agent.ask("document the push method of History")

    assert outcome.kind == "edit", outcome.message
    [edit] = outcome.edits
    assert "  /**\n   * Adds a track to the front of the history.\n" in edit.new_text
    assert "this.played.unshift(track);" in edit.new_text and "prototype" not in edit.new_text


async def test_documentation_sent_as_a_quoted_string_loses_its_quotes(tmp_path, fake_model):
    # Qwen2.5-Coder-0.5B's reply for a docstring: the words as a string literal, which had
    # opened the docstring with four quotes.
    (tmp_path / "money.py").write_text("def pounds(pence):\n    return f'£{pence / 100:.2f}'\n")
    fake_model.script('"Convert pence to pounds, for example pounds(100) gives "£1.00"."')
    agent = make_agent(tmp_path, fake_model.base_url)

    outcome = await agent.ask("add a docstring to pounds")

    assert outcome.kind == "edit", outcome.message
    assert '    """Convert pence to pounds, for example pounds(100) gives "£1.00"."""\n' in outcome.edits[0].new_text
    ast.parse(outcome.edits[0].new_text)


@pytest.mark.parametrize(
    ("path", "source", "reply", "kept", "dropped"),
    [
        (
            "bread.js",
            'function sourdough() {\n  return "loaf";\n}\n',
            "/**\n * Makes a loaf.\n * @param {string} type - The type of dough,\n *   for example rye.\n"
            " * @param {number} volume - Cups.\n * @returns {string} The loaf.\n */",
            ["Makes a loaf.", "@returns {string} The loaf."],
            ["@param", "for example rye"],
        ),
        (
            "oven.ts",
            "export class Oven {\n  bake(loaf: string, minutes = 10): string {\n    return loaf;\n  }\n}\n",
            "/**\n * Bakes.\n * @param loaf - The loaf.\n * @param [minutes=10] - How long.\n * @param temp - Heat.\n */",
            ["@param loaf - The loaf.", "@param [minutes=10] - How long."],
            ["@param temp"],
        ),
        (
            "pick.js",
            "function pick({ a, b }) {\n  return a + b;\n}\n",
            "/**\n * Adds.\n * @param {object} options - What to add.\n */",
            ["@param {object} options - What to add."],  # destructured: any name may be right
            [],
        ),
    ],
)
async def test_params_the_function_does_not_have_are_dropped(tmp_path, fake_model, path, source, reply, kept, dropped):
    (tmp_path / path).write_text(source)
    fake_model.script(reply)
    agent = make_agent(tmp_path, fake_model.base_url)
    name = "Oven.bake" if path == "oven.ts" else source.split("(")[0].split()[-1]

    outcome = await agent.ask(f"add a doc comment to {name}")

    assert outcome.kind == "edit", outcome.message
    text = outcome.edits[0].new_text
    assert all(line in text for line in kept), text
    assert not any(word in text for word in dropped), text
