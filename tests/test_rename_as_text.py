"""A rename changes the name where code spells it as text, as an IDE's rename does (issue 20):
string keys of export maps, and the code in doc comments (Rust doctests and intra-doc links,
JSDoc examples and `{@link}`s). Prose, other symbols' members and other names stay."""

from __future__ import annotations

from pathlib import Path

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
    assert doc_mentions("src/a.py", '"""`tally`"""\n', "tally", None) == []
