"""A rename changes the name where code spells it as text, as an IDE's rename does (issue 20):
string keys of export maps, and the code in doc comments (Rust doctests and intra-doc links,
JSDoc examples and `{@link}`s, Python docstrings' doctests and code spans, Go doc links and
code blocks). Prose, other symbols' members and other names stay."""

from __future__ import annotations

from pathlib import Path

import pytest

from agent_helpers import make_agent
from outrigger.actions.doc_mentions import doc_mentions

TIDES = {
    "Cargo.toml": '[package]\nname = "tides"\nversion = "0.1.0"\nedition = "2021"\n',
    "src/lib.rs": (
        "//! Tide tables. Start with [`high_water`].\n\n"
        "/// The next high water, in minutes.\n///\n/// ```\n/// use tides::high_water;\n"
        "/// assert_eq!(high_water(0), 745);\n/// ```\n"
        "/// Like [high_water](crate::high_water); the high water mark is prose.\n"
        "pub fn high_water(now: u32) -> u32 {\n    now + 745\n}\n\n"
        "pub struct Gauge;\n\nimpl Gauge {\n"
        "    /// Reads the gauge; see [`Gauge::level`] and `level()` on a `Buoy`.\n"
        "    pub fn level(&self) -> u32 {\n        high_water(1)\n    }\n}\n"
    ),
}

SLUGS = {
    "lib/slug.js": (
        "/**\n * Makes a slug; {@link slugify} in short.\n * @example\n * ```js\n * slugify('A B') // 'a-b'\n"
        " * ```\n */\nfunction slugify(s) {\n  return s.toLowerCase();\n}\n\n"
        "function other() {\n  return 'slugify';\n}\n\n"
        "module.exports = { slugify, other, 'slugify': slugify };\nexports['slugify'] = slugify;\n"
    ),
    "lib/use.js": "const { slugify } = require('./slug');\nconst lib = require('./slug');\nlib.slugify(slugify('A'));\n",
    "src/tags.ts": (
        "/** Cleans a tag: `cleanTag(' A ')` is `'a'`. */\nexport function cleanTag(t: string): string {\n"
        '  return t.trim().toLowerCase();\n}\n\nexport const api = { "cleanTag": cleanTag };\nexport { cleanTag as clean };\n'
    ),
    "shop/prices.py": (
        "def net(amount):\n    return amount / 1.2\n\n\nHANDLERS = {'net': net, 'gross': lambda a: a * 1.2}\n"
        "LABELS = {'net': 'Net price'}\n"
    ),
}

METERS = {
    "meter/gauge.py": (
        '"""Gauges.\n\n>>> from meter.gauge import tally\n>>> tally([1, 2])\n3\n"""\n\n\n'
        "def tally(readings):\n"
        '    """Adds the readings up; see ``tally`` and :func:`tally`, or `Dial.tally` for a dial.\n\n'
        "    A tally of nothing is 0:\n\n    >>> tally([])\n    0\n    >>> total = tally(\n"
        '    ...     [2, 2])\n    """\n    return sum(readings)\n\n\n'
        "class Dial:\n"
        '    """A dial; `dial.tally()` is a tally of its own, not the function."""\n\n'
        "    def turns(self):\n        return tally([1])\n"
    ),
    "gauge/gauge.go": (
        "// Package gauge reads meters. Start with [Tally], or [gauge.Tally] from outside.\n"
        "package gauge\n\n"
        "// Tally adds the readings up; see also [Dial.Tally].\n"
        "//\n"
        "//\tgauge.Tally([]int{1, 2}) // 3\n"
        "//\td.Tally()\n"
        "func Tally(readings []int) int {\n"
        "\t// a tally of [Tally] in an ordinary comment\n"
        "\ttotal := 0\n\tfor _, r := range readings {\n\t\ttotal += r\n\t}\n\treturn total\n}\n\n"
        "// Dial is a dial; its [Dial.Tally] counts turns, and the Tally of prose stays.\n"
        "type Dial struct{ turns int }\n\n"
        "// Tally counts the dial's turns, unlike [Tally].\n"
        "func (d Dial) Tally() int {\n\treturn d.turns + Tally(nil)\n}\n"
    ),
    "gauge/go.mod": "module example.com/gauge\n\ngo 1.21\n",
}


def workspace(tmp_path: Path, files: dict[str, str]) -> Path:
    for path, text in files.items():
        (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / path).write_text(text)
    return tmp_path


async def renamed(root: Path, base_url: str, request: str) -> dict[str, str]:
    agent = make_agent(root, base_url)
    agent.settings.tests.run = "never"
    outcome = await agent.ask(request)
    assert outcome.kind == "edit", outcome.message
    return {edit.path: edit.new_text for edit in outcome.edits}


async def test_a_rust_rename_changes_doctests_and_intra_doc_links(tmp_path, fake_model):
    text = (await renamed(workspace(tmp_path, TIDES), fake_model.base_url, "rename high_water to next_high_tide"))[
        "src/lib.rs"
    ]
    assert "//! Tide tables. Start with [`next_high_tide`]." in text
    assert "/// ```\n/// use tides::next_high_tide;\n/// assert_eq!(next_high_tide(0), 745);" in text  # still a doctest
    assert "/// Like [next_high_tide](crate::next_high_tide); the high water mark is prose." in text
    assert "high_water" not in text


async def test_a_method_rename_changes_the_links_that_name_its_owner(tmp_path, fake_model):
    text = (await renamed(workspace(tmp_path, TIDES), fake_model.base_url, "rename Gauge.level to reading"))[
        "src/lib.rs"
    ]
    assert "see [`Gauge::reading`] and `level()` on a `Buoy`" in text  # a bare `level()` may be Buoy's


async def test_a_javascript_rename_changes_string_keys_and_jsdoc(tmp_path, fake_model):
    texts = await renamed(workspace(tmp_path, SLUGS), fake_model.base_url, "rename slugify to toSlug")
    slug = texts["lib/slug.js"]
    assert "{@link toSlug} in short" in slug and " * toSlug('A B') // 'a-b'" in slug
    assert "module.exports = { toSlug, other, 'toSlug': toSlug };\nexports['toSlug'] = toSlug;" in slug
    assert "return 'slugify';" in slug  # a string that is not a key of the name
    assert "lib.toSlug(toSlug('A'))" in texts["lib/use.js"]


async def test_a_typescript_export_map_key_and_doc_code_span_follow_the_name(tmp_path, fake_model):
    text = (await renamed(workspace(tmp_path, SLUGS), fake_model.base_url, "rename cleanTag to normalizeTag"))[
        "src/tags.ts"
    ]
    assert "`normalizeTag(' A ')`" in text and 'export const api = { "normalizeTag": normalizeTag };' in text
    assert "export { normalizeTag as clean };" in text


async def test_a_python_dict_key_spelled_as_the_function_follows_it(tmp_path, fake_model):
    text = (await renamed(workspace(tmp_path, SLUGS), fake_model.base_url, "rename net to net_price"))["shop/prices.py"]
    assert "HANDLERS = {'net_price': net_price, 'gross'" in text
    assert "LABELS = {'net': 'Net price'}" in text  # a key whose value is not the function


def test_doc_mentions_leave_prose_other_members_and_plain_comments():
    text = (
        "// ran `tally` here\n/// Counts; `tally` of a `Tray`, not `x.tally()` or `Tray::tally`.\n"
        "fn tally() {}\n/* `tally` */\n"
    )
    found = [(r.start.line, r.start.character) for r in doc_mentions("src/a.rs", text, "tally", None)]
    assert found == [(1, 13)]
    assert doc_mentions("src/a.py", '# `tally`\nx = "`tally`" + f"""\n>>> tally()\n"""\n', "tally", None) == []


async def test_a_python_rename_changes_the_doctests_and_code_spans_of_docstrings(tmp_path, fake_model):
    text = (await renamed(workspace(tmp_path, METERS), fake_model.base_url, "rename the tally function to sum_up"))[
        "meter/gauge.py"
    ]
    assert '>>> from meter.gauge import sum_up\n>>> sum_up([1, 2])\n3\n"""' in text  # the module's doctest
    assert "see ``sum_up`` and :func:`sum_up`, or `Dial.tally` for a dial" in text
    assert ">>> sum_up([])\n    0\n    >>> total = sum_up(\n    ...     [2, 2])" in text
    assert "`dial.tally()` is a tally of its own" in text and "def turns(self):\n        return sum_up([1])" in text
    assert "Adds the readings up" in text and "A tally of nothing" in text  # prose stays


async def test_a_go_rename_changes_doc_links_and_code_blocks_of_doc_comments(tmp_path, fake_model):
    (tmp_path / "gauge").mkdir()
    root = workspace(
        tmp_path / "gauge", {k.removeprefix("gauge/"): v for k, v in METERS.items() if k.startswith("gauge/")}
    )
    text = (await renamed(root, fake_model.base_url, "rename Tally to Sum"))["gauge.go"]
    assert "Start with [Sum], or [gauge.Sum] from outside." in text
    assert (
        "// Sum adds the readings up; see also [Dial.Tally].\n//\n//\tgauge.Sum([]int{1, 2}) // 3\n//\td.Tally()"
        in text
    )
    assert "// a tally of [Tally] in an ordinary comment" in text  # not a doc comment
    assert "its [Dial.Tally] counts turns, and the Tally of prose stays" in text
    assert (
        "// Tally counts the dial's turns, unlike [Sum].\nfunc (d Dial) Tally() int {\n\treturn d.turns + Sum(nil)"
        in text
    )


def test_doc_mentions_of_a_method_need_its_owner_in_python_and_go():
    python = '"""Use :meth:`Dial.tally`, not `tally` or ``x.tally()``.\n\n>>> Dial().tally()\n"""\n'
    found = [(r.start.line, r.start.character) for r in doc_mentions("a.py", python, "tally", "Dial")]
    assert found == [(0, 19)]
    go = "package g\n\n// Read uses [Dial.Read] and [Read].\nfunc (d Dial) Read() {}\n"
    found = [(r.start.line, r.start.character) for r in doc_mentions("g.go", go, "Read", "Dial")]
    assert found == [(2, 3), (2, 19)]  # the doc comment's first word is the method it is above
    java = "/** Sums; see {@link Dial#tally}, not {@link Tray#tally}. */\nclass Dial {}\n"
    assert [(r.start.line, r.start.character) for r in doc_mentions("Dial.java", java, "tally", "Dial")] == [(0, 26)]


@pytest.mark.parametrize(
    ("path", "text", "expected"),
    [
        (
            "index.d.ts",
            "/**\n@example\n```\nconst line = new Line();\nline.take(1);\nother.take(2);\n```\n*/\nexport class Line {}\n",
            [(4, 5)],
        ),
        (
            "src/lib.rs",
            "/// ```\n/// let mut l = Line::new();\n/// l.take(1);\n/// v.take(2);\n/// ```\npub struct Line;\n",
            [(2, 6)],
        ),
        (
            "line.go",
            "package line\n\n// Example:\n//\n//\tl := NewLine()\n//\tl.Take(1)\ntype Line struct{}\n",
            [(5, 5)],
        ),
        (
            "line.py",
            'class Line:\n    """\n    >>> q = Line()\n    >>> q.take(1)\n    >>> p.take(2)\n    """\n',
            [(3, 10)],
        ),
    ],
)
def test_a_method_on_a_receiver_the_example_builds_is_the_method(path, text, expected):
    """`const line = new Line(); line.take(1)` in a doc example calls Line's method: a rename
    changes it (Rust compiles such examples as doctests); a receiver the example did not build
    stays."""
    name = "Take" if path.endswith(".go") else "take"
    found = [(r.start.line, r.start.character) for r in doc_mentions(path, text, name, "Line")]
    assert found == expected
