import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from outrigger.edits import TextEdit, apply_edits, combined_preview, file_edit, unified_diff
from outrigger.spans import Range

# Small alphabets make repeated lines and shared prefixes likely, which is where diffs go wrong.
texts = st.text(alphabet="ab\n\r é😀", max_size=40)
line_texts = st.lists(st.sampled_from(["a", "b", "", "  x", "é😀", "}", "a\r"]), max_size=12).map("\n".join)


def same_lines(a: str, b: str) -> bool:
    """The same lines saying the same things, whatever their line endings."""
    return re.sub("\r+\n", "\n", a) == re.sub("\r+\n", "\n", b)


@given(texts, texts)
def test_apply_file_edit_gives_new_text(old, new):
    edit = file_edit("f.py", old, new, None)
    assert apply_edits(old, edit.edits) == edit.new_text
    assert same_lines(edit.new_text, new)


@given(line_texts, line_texts, st.booleans(), st.booleans())
def test_apply_file_edit_with_line_structure(old, new, old_newline, new_newline):
    old, new = old + "\n" * old_newline, new + "\n" * new_newline
    edit = file_edit("f.py", old, new, None)
    assert apply_edits(old, edit.edits) == edit.new_text
    assert same_lines(edit.new_text, new)


@given(line_texts, line_texts)
def test_a_crlf_file_keeps_crlf_whatever_endings_the_new_text_has(old, new):
    old = old.replace("\n", "\r\n") + "\r\n"
    edit = file_edit("f.py", old, new + "\n", None)
    assert apply_edits(old, edit.edits) == edit.new_text
    assert same_lines(edit.new_text, new + "\n")
    lines = edit.new_text.split("\n")[:-1]
    assert all(line.endswith("\r") for line in lines), "a line took LF in a CRLF file"


def test_a_crlf_preview_shows_only_the_lines_that_changed():
    old = "def f(x):\r\n    return x\r\n\r\n\r\ndef g():\r\n    pass\r\n"
    new = 'def f(x):\n    """Return x."""\n    return x\n\n\ndef g():\n    pass\n'
    edit = file_edit("f.py", old, new, None)
    assert edit.new_text == old.replace("def f(x):\r\n", 'def f(x):\r\n    """Return x."""\r\n')
    diff = unified_diff(edit)
    changed = [line for line in diff.split("\n") if line[:1] in ("+", "-") and line[:3] not in ("---", "+++")]
    assert changed == ['+    """Return x."""\r']


@given(st.lists(st.integers(0, 10_000), unique=True, min_size=1, max_size=30), st.data())
def test_untouched_lines_produce_no_edits(numbers, data):
    old_lines = [f"line {n}" for n in numbers]
    changed = data.draw(st.sets(st.sampled_from(range(len(old_lines)))))
    new_lines = [f"new {i}" if i in changed else line for i, line in enumerate(old_lines)]
    old, new = "\n".join(old_lines) + "\n", "\n".join(new_lines) + "\n"

    edit = file_edit("f.py", old, new, 3)

    touched = set()
    for text_edit in edit.edits:
        touched.update(range(text_edit.range.start.line, text_edit.range.end.line))
    assert touched == changed
    assert apply_edits(old, edit.edits) == new


def test_identical_texts_have_no_edits():
    assert file_edit("f.py", "a\nb\n", "a\nb\n", 1).edits == ()


def test_one_changed_line_is_one_block_edit():
    edit = file_edit("src/a.js", "a\nb\nc\n", "a\nB\nc\n", 7)
    assert edit.version == 7
    assert edit.edits == (TextEdit(Range.of(1, 0, 2, 0), "B\n"),)


def test_last_line_without_newline_ends_at_its_last_character():
    edit = file_edit("f.py", "a\nbé", "a\nc", None)
    assert edit.edits == (TextEdit(Range.of(1, 0, 1, 2), "c"),)


def test_crlf_is_preserved():
    old, new = "a\r\nb\r\n", "a\r\nc\r\nb\r\n"
    edit = file_edit("f.py", old, new, None)
    assert edit.edits == (TextEdit(Range.of(1, 0, 1, 0), "c\r\n"),)
    assert apply_edits(old, edit.edits) == new


def test_overlapping_edits_are_rejected():
    edits = [TextEdit(Range.of(0, 0, 1, 0), "x"), TextEdit(Range.of(0, 2, 0, 3), "y")]
    with pytest.raises(ValueError):
        apply_edits("abcd\nef\n", edits)


def test_insertions_at_one_position_keep_their_order():
    edits = [TextEdit(Range.of(0, 1, 0, 1), "1"), TextEdit(Range.of(0, 1, 0, 1), "2")]
    assert apply_edits("ab", edits) == "a12b"


def test_unified_diff_has_git_headers_and_marks_missing_newline():
    diff = unified_diff(file_edit("src/a.js", "a\nb", "a\nc", None))
    assert diff.splitlines() == [
        "--- a/src/a.js",
        "+++ b/src/a.js",
        "@@ -1,2 +1,2 @@",
        " a",
        "-b",
        "\\ No newline at end of file",
        "+c",
        "\\ No newline at end of file",
    ]


def test_combined_preview_joins_file_diffs():
    first = file_edit("a.py", "x\n", "y\n", None)
    second = file_edit("b.py", "", "z\n", None)
    unchanged = file_edit("c.py", "same\n", "same\n", None)
    preview = combined_preview([first, second, unchanged])
    assert preview == unified_diff(first) + unified_diff(second)
    assert "+++ b/b.py" in preview and "c.py" not in preview
