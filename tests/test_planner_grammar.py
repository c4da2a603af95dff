"""The grammar's pattern language (planner/grammar.py) on the cases where a matcher could differ:
which way of matching wins, filler, numbered slots, and words that are marks or look like
regular expressions."""

from __future__ import annotations

import pytest

from outrigger.planner.grammar import each, first, match
from outrigger.planner.words import tag


def texts(found, slot):
    return [word.text for word in found.get(slot, [])]


def test_a_pattern_fits_the_whole_clause_unless_it_ends_with_any_words():
    assert match("fix NAME", tag("fix `total` now thx"))  # filler may end it
    assert match("fix NAME", tag("fix `total` today")) is None
    assert texts(match("fix NAME ...", tag("fix `total` today")), "NAME") == ["total"]


def test_filler_is_skipped_unless_the_pattern_names_it_and_only_an_old_name_may_be_filler():
    assert texts(match("fix NAME", tag("fix please `total`")), "NAME") == ["total"]
    assert match("fix NAME", tag("fix please")) is None
    assert texts(match("rename OLD to NEW", tag("please rename please to plead")), "OLD") == ["please"]
    assert match("fix NAME ( please | for me )", tag("fix `total` please"))


def test_optional_and_repeated_groups_take_as_many_words_as_fit_first():
    found = match("add DOC to NAME ( ,|and NAME )* ...", tag("add docs to `a`, `b` and `c` and then run"))
    assert texts(found, "NAME") == ["a", "b", "c"]
    found = match("move NAME ( in FILE )? ...", tag("move `a` in a.py to b.py"))
    assert texts(found, "FILE") == ["a.py"]
    assert texts(match("the? KIND? NAME", tag("the helper `h`")), "NAME") == ["h"]


def test_numbered_slots_are_kept_apart_and_pairs_keep_the_order_across_slots():
    found = match("move NAME ( from FILE )? to FILE2 ...", tag("move `a` from a.py to b.py now"))
    assert texts(found, "FILE") == ["a.py"] and texts(found, "FILE2") == ["b.py"]
    assert [(slot, word.text) for slot, word in found.pairs] == [("NAME", "a"), ("FILE", "a.py"), ("FILE2", "b.py")]


@pytest.mark.parametrize("arrow", ["->", "=>", "→"])
def test_marks_are_literal_words(arrow):
    found = first(f"NAME {arrow} NEW", tag(f"please `parse_amount` {arrow} split_amount"))
    assert texts(found, "NAME") == ["parse_amount"] and texts(found, "NEW") == ["split_amount"]
    assert first("NAME ->|=>|→ NEW", tag(f"`a` {arrow} b_c"))


def test_words_that_look_like_regular_expressions_match_only_themselves():
    assert match("where's NAME ?", tag("where's `$el` ?"))
    assert match("where's NAME", tag("wheres `$el`")) is None
    assert texts(match("explain WORD", tag("explain `x (y)|z`")), "WORD") == ["x (y)|z"]
    assert texts(first("OWNER OLD", tag("document Repo's save")), "OWNER") == ["Repo's"]
    assert match("fix a.b", tag("fix aXb")) is None


def test_each_finds_every_place_left_to_right_without_overlap():
    words = tag("`a` and `b`, then `c` and `d`")
    assert [(start, end, texts(found, "NAME")) for start, end, found in each("NAME and NAME", words)] == [
        (0, 3, ["a", "b"]),
        (5, 8, ["c", "d"]),
    ]
