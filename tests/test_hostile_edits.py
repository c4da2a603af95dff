"""Unsafe edits a hostile model (or editor, or workspace) got through: code smuggled beside a
docstring or a new function, code CPython rejects, files broken by a docstring, CRLF files
mixed, symlinks replaced, editor ranges trusted blindly, Unicode names refused. Each one is
refused with a clear message, or done right."""

from __future__ import annotations

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
