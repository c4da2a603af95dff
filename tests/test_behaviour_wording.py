"""A request that states behaviour in words about types ("the types of the arguments should be
part of the key") asks for a fix, not type hints (issue 20: found on a real project)."""

from __future__ import annotations

from outrigger.plan import Intent
from outrigger.planner.rules import edit_intent


def test_the_types_of_something_is_behaviour_not_type_hints():
    assert edit_intent(
        "make_slug('A', 'A') and make_slug('A', 1) collide, the types of the inputs should count"
    ) is not (Intent.TYPE_HINTS)
    assert edit_intent("add types to make_slug") is Intent.TYPE_HINTS
    assert edit_intent("make_slug needs type hints") is Intent.TYPE_HINTS


def test_a_backup_file_named_as_an_example_is_not_the_file_to_edit():
    from outrigger.planner.rules import named_file

    assert named_file("is_source says True for editor backups like notes.py~; they are not source") is None
    assert named_file("fix is_source in notes.py") == "notes.py"
