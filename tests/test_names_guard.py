"""The name guard: an edit that starts using a name its file does not define or import either
gets the import (when the source is unambiguous, said in the summary) or is refused with the
names. The scripted model reproduces the exact replies small models give."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from agent_helpers import apply, make_agent
from outrigger.guards.names import undefined_names

WORDS = '''\
"""Counting words."""

import re


def word_counts(text):
    counts = {}
    for word in re.findall(r"\\w+", text.lower()):
        counts[word] = counts.get(word, 0) + 1
    return counts


def top_words(text, n):
    return sorted(word_counts(text).items(), key=lambda kv: -kv[1])[:n]
'''

SLUGS = """\
def slugify(title):
    return "-".join(title.lower().split())
"""

TEST_WORDS = """\
from words import top_words, word_counts


def test_counts():
    assert word_counts("a b a") == {"a": 2, "b": 1}
    assert top_words("a b a", 1) == [("a", 2)]
"""

HINTED = """```python
def word_counts(text: str) -> Dict[str, int]:
    counts: Dict[str, int] = {}
    for word in re.findall(r"\\w+", text.lower()):
        counts[word] = counts.get(word, 0) + 1
    return counts
```"""


@pytest.fixture
def words(tmp_path: Path) -> Path:
    root = tmp_path / "words_pkg"
    root.mkdir()
    (root / "words.py").write_text(WORDS)
    (root / "slugs.py").write_text(SLUGS)
    (root / "test_words.py").write_text(TEST_WORDS)
    return root


def run_tests(root: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"], cwd=root, capture_output=True, text=True
    )


async def test_type_hints_that_need_typing_get_the_import_and_the_tests_still_pass(words, fake_model):
    """The unsafe outcome seen in the field: `-> Dict[str, Any]` without the import broke the package."""
    fake_model.script(HINTED)
    agent = make_agent(words, fake_model.base_url)

    outcome = await agent.ask("add type hints to word_counts in words.py")

    assert outcome.kind == "edit", outcome.message
    assert "from typing import Dict" in outcome.edits[0].new_text
    assert "imported `Dict` from typing" in outcome.message
    apply(agent, outcome)
    assert run_tests(words).returncode == 0


async def test_a_name_defined_in_one_other_module_is_imported_from_it(words, fake_model):
    fake_model.script(
        "def top_words(text, n):\n"
        "    ranked = sorted(word_counts(text).items(), key=lambda kv: -kv[1])[:n]\n"
        "    return [(slugify(word), count) for word, count in ranked]\n"
    )
    agent = make_agent(words, fake_model.base_url)

    outcome = await agent.ask("fix top_words in words.py so the words come back slugified")

    assert outcome.kind == "edit", outcome.message
    new_text = outcome.edits[0].new_text
    assert "import re\nfrom slugs import slugify\n" in new_text
    assert "imported `slugify` from slugs" in outcome.message
    assert undefined_names(new_text) == set()


async def test_a_standard_library_module_used_by_the_edit_is_imported(words, fake_model):
    fake_model.script(
        "def word_counts(text):\n    return dict(collections.Counter(re.findall(r'\\w+', text.lower())))\n"
    )
    agent = make_agent(words, fake_model.base_url)

    outcome = await agent.ask("rewrite word_counts in words.py to use a Counter")

    assert outcome.kind == "edit", outcome.message
    assert "import re\nimport collections\n" in outcome.edits[0].new_text


async def test_a_name_the_project_always_imports_from_one_module_is_imported_from_there(words, fake_model):
    (words / "money.py").write_text(
        "from decimal import Decimal\n\n\ndef cents(text):\n    return Decimal(text) * 100\n"
    )
    fake_model.script(
        "def top_words(text, n):\n    ranked = sorted(word_counts(text).items(), key=lambda kv: -kv[1])[:n]\n"
        "    return [(word, Decimal(count)) for word, count in ranked]\n"
    )
    agent = make_agent(words, fake_model.base_url)

    outcome = await agent.ask("fix top_words in words.py so the counts are Decimals")

    assert outcome.kind == "edit", outcome.message
    assert "import re\nfrom decimal import Decimal\n" in outcome.edits[0].new_text
    assert "imported `Decimal` from decimal" in outcome.message


async def test_a_name_from_nowhere_is_refused_and_named(words, fake_model):
    fake_model.script(
        "def word_counts(text):\n    return tally(tokenize(text))\n",
        "def word_counts(text):\n    return tally(tokenize(text))\n",
    )
    agent = make_agent(words, fake_model.base_url)

    outcome = await agent.ask("simplify word_counts in words.py")

    assert outcome.kind == "refused"
    assert "`tally`, `tokenize`" in outcome.message and "does not define or import" in outcome.message
    assert outcome.edits == []


async def test_an_existing_typing_import_is_extended_not_repeated(tmp_path, fake_model):
    (tmp_path / "shapes.py").write_text(
        "from typing import List\n\n\ndef area(w, h):\n    return w * h\n\n\ndef sides(n) -> List[int]:\n    return [1] * n\n"
    )
    fake_model.script("def area(w: float, h: float) -> Optional[float]:\n    return w * h\n")
    agent = make_agent(tmp_path, fake_model.base_url)

    outcome = await agent.ask("add type hints to area in shapes.py")

    assert outcome.kind == "edit", outcome.message
    new_text = outcome.edits[0].new_text
    assert new_text.startswith("from typing import List, Optional\n\n\ndef area(")
    assert new_text.count("from typing") == 1


async def test_javascript_gets_the_require_for_a_helper_another_file_exports(tmp_path, fake_model):
    (tmp_path / "format.js").write_text(
        "function pad(n) {\n  return String(n).padStart(2, '0');\n}\n\nmodule.exports = { pad };\n"
    )
    (tmp_path / "clock.js").write_text(
        "const os = require('os');\n\nfunction clock(h, m) {\n  return h + ':' + m;\n}\n\nmodule.exports = { clock };\n"
    )
    fake_model.script("function clock(h, m) {\n  return pad(h) + ':' + pad(m);\n}\n")
    agent = make_agent(tmp_path, fake_model.base_url)

    outcome = await agent.ask("fix clock in clock.js so hours and minutes have two digits")

    assert outcome.kind == "edit", outcome.message
    new_text = outcome.edits[0].new_text
    assert new_text.startswith("const os = require('os');\nconst { pad } = require(\"./format\");\n")
    script = (
        f"const {{ clock }} = require({str(tmp_path / 'clock.js')!r});\nif (clock(7, 5) !== '07:05') process.exit(1);"
    )
    apply(agent, outcome)
    assert subprocess.run(["node", "-e", script]).returncode == 0


async def test_an_es_module_gets_an_import_written_like_its_others(tmp_path, fake_model):
    (tmp_path / "package.json").write_text('{"type": "module"}\n')
    (tmp_path / "format.js").write_text("export function pad(n) {\n  return String(n).padStart(2, '0');\n}\n")
    (tmp_path / "units.js").write_text("export const SEP = ':';\n")
    (tmp_path / "clock.js").write_text(
        'import { SEP } from "./units.js";\n\nexport function clock(h, m) {\n  return h + SEP + m;\n}\n'
    )
    fake_model.script("export function clock(h, m) {\n  return pad(h) + SEP + pad(m);\n}\n")
    agent = make_agent(tmp_path, fake_model.base_url)

    outcome = await agent.ask("fix clock in clock.js so hours and minutes have two digits")

    assert outcome.kind == "edit", outcome.message
    assert outcome.edits[0].new_text.startswith(
        'import { SEP } from "./units.js";\nimport { pad } from "./format.js";\n'
    )
    apply(agent, outcome)
    check = 'import { clock } from "./clock.js";\nif (clock(7, 5) !== "07:05") process.exit(1);\n'
    (tmp_path / "check.js").write_text(check)
    assert subprocess.run(["node", "check.js"], cwd=tmp_path).returncode == 0


@pytest.mark.parametrize(
    "declaration",
    [
        "export interface Parcel {\n  id: string;\n  weightKg: number;\n}\n",
        "export type Parcel = { id: string; weightKg: number };\n",
    ],
)
async def test_typescript_types_get_the_import_of_the_interface_another_file_exports(tmp_path, fake_model, declaration):
    """Qwen2.5-Coder-1.5B typed `labelFor(parcel: Parcel)` in a file that did not import
    `Parcel`; an exported interface or type alias was not recognised as exported."""
    (tmp_path / "parcel.ts").write_text(declaration)
    (tmp_path / "labels.ts").write_text("export function labelFor(parcel) {\n  return `${parcel.id}`;\n}\n")
    fake_model.script("export function labelFor(parcel: Parcel): string {\n  return `${parcel.id}`;\n}\n")
    agent = make_agent(tmp_path, fake_model.base_url)

    outcome = await agent.ask("add types to labelFor in labels.ts")

    assert outcome.kind == "edit", outcome.message
    assert outcome.edits[0].new_text.startswith('import { Parcel } from "./parcel";\n')


async def test_a_name_in_a_comment_or_string_is_not_a_use_and_gets_no_import(tmp_path, fake_model):
    """Found by the fuzzer: a JSDoc reading "Fuzzed doc for notes." added `require("./notes")`."""
    (tmp_path / "notes.js").write_text("function notes(t) {\n  return t;\n}\n\nmodule.exports = { notes };\n")
    (tmp_path / "clock.js").write_text("function clock(h) {\n  return h;\n}\n\nmodule.exports = { clock };\n")
    fake_model.script(
        "/** Like notes, but for clocks. */\n",
        'function clock(h) {\n  // notes would be wrong here\n  return "notes: " + h;\n}\n',
    )
    agent = make_agent(tmp_path, fake_model.base_url)

    documented = await agent.ask("add a JSDoc to clock in clock.js")
    rewritten = await agent.ask("rewrite clock in clock.js to label the hour")

    for outcome in (documented, rewritten):
        assert outcome.kind == "edit", outcome.message
        assert "require" not in outcome.edits[0].new_text


async def test_with_the_guard_off_the_broken_edit_gets_through(words, fake_model):
    from outrigger.guards.switches import Guards

    fake_model.script(HINTED, HINTED)
    agent = make_agent(words, fake_model.base_url)
    agent.guards = Guards(name_check=False, project_tests=False)

    outcome = await agent.ask("add type hints to word_counts in words.py")

    assert outcome.kind == "edit" and "from typing" not in outcome.edits[0].new_text
    apply(agent, outcome)
    assert run_tests(words).returncode != 0  # NameError at import: what the guard prevents

    # The project's tests, run for type hints too, are the second line: they catch it alone.
    (words / "words.py").write_text(WORDS)
    tested = make_agent(words, fake_model.base_url)
    tested.guards = Guards(name_check=False)
    refused = await tested.ask("add type hints to word_counts in words.py")
    assert refused.kind == "refused" and "tests fail" in refused.message, refused.message


async def test_hints_naming_their_own_class_get_annotations_postponed(tmp_path, fake_model):
    """Qwen2.5-Coder-1.5B typed `Pantry.add` as returning `Pantry`: inside the class body that
    name is not bound yet (a NameError when the module loads). PEP 563 makes it valid."""
    (tmp_path / "pantry.py").write_text(
        '"""What is in the cupboard."""\n\nimport json\n\n\nclass Pantry:\n    def __init__(self):\n'
        "        self.items = {}\n\n    def add(self, name, grams):\n        self.items[name] = grams\n        return self\n"
    )
    fake_model.script(
        "    def add(self, name: str, grams: int) -> Pantry:\n        self.items[name] = grams\n        return self\n"
    )
    agent = make_agent(tmp_path, fake_model.base_url)

    outcome = await agent.ask("add type hints to Pantry.add")

    assert outcome.kind == "edit", outcome.message
    text = outcome.edits[0].new_text
    assert text.startswith('"""What is in the cupboard."""\nfrom __future__ import annotations\n\nimport json\n')
    assert "from __future__ import annotations" in outcome.message
    apply(agent, outcome)
    loaded = subprocess.run(
        [sys.executable, "-c", "import pantry; print(pantry.Pantry().add('rice', 5).items)"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
    )
    assert loaded.stdout.strip() == "{'rice': 5}", loaded.stderr
