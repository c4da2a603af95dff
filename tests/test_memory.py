import pytest

from outrigger.edits import apply_edits, file_edit
from outrigger.errors import Refused
from outrigger.memory import ActionRecord, Memory, undo_edits

BEFORE = "function validateUser(u) {\n  return !!u;\n}\n"
AFTER = "/** Checks a user. */\nfunction validateUser(u) {\n  return !!u;\n}\n"


def record(summary="Added JSDoc to `validateUser` in src/auth.js.", edits=None):
    edits = edits if edits is not None else [file_edit("src/auth.js", BEFORE, AFTER, 3)]
    return ActionRecord(summary=summary, request="add jsdoc to validateUser", plan=None, edits=edits)


def test_history_is_oldest_first_and_bounded():
    memory = Memory(limit=2)
    assert memory.last() is None and memory.pop() is None and memory.history() == []
    for n in range(3):
        memory.record(record(f"Action {n}."))
    assert memory.history() == ["Action 1.", "Action 2."]
    assert memory.last().summary == "Action 2."
    assert memory.pop().summary == "Action 2."
    assert memory.history() == ["Action 1."]


def test_undo_reverts_to_the_old_text_at_the_current_version():
    files = {"src/auth.js": AFTER}
    (revert,) = undo_edits(record(), files.__getitem__, lambda path: 9)
    assert (revert.path, revert.version, revert.old_text, revert.new_text) == ("src/auth.js", 9, AFTER, BEFORE)
    assert apply_edits(AFTER, revert.edits) == BEFORE


def test_undo_refuses_when_the_file_changed_since():
    files = {"src/auth.js": AFTER + "// user's later work\n"}
    with pytest.raises(Refused) as refusal:
        undo_edits(record(), files.__getitem__, lambda path: None)
    assert str(refusal.value) == (
        "Cannot undo “Added JSDoc to `validateUser` in src/auth.js.”: src/auth.js changed since it was edited."
    )


def test_undo_refuses_when_the_file_is_gone():
    def read(path):
        raise Refused(f"{path} does not exist.")

    with pytest.raises(Refused, match="src/auth.js changed since it was edited"):
        undo_edits(record(), read, lambda path: None)


def test_undo_checks_every_file_before_returning_any_edit():
    edits = [file_edit("a.js", "a\n", "A\n", None), file_edit("b.js", "b\n", "B\n", None)]
    with pytest.raises(Refused, match="b.js changed"):
        undo_edits(record("Renamed.", edits), {"a.js": "A\n", "b.js": "b\n"}.__getitem__, lambda path: None)


def test_undo_collapses_several_edits_to_one_file():
    edits = [file_edit("a.js", "1\n", "2\n", None), file_edit("a.js", "2\n", "3\n", None)]
    (revert,) = undo_edits(record("Edited twice.", edits), {"a.js": "3\n"}.__getitem__, lambda path: None)
    assert (revert.old_text, revert.new_text) == ("3\n", "1\n")


def test_a_stored_memory_is_shared_between_instances_and_survives_a_bad_file(tmp_path):
    from outrigger.plan import Intent, Plan

    store = tmp_path / "memory.json"
    plan = Plan(intent=Intent.DOCSTRING, symbol="validateUser", instruction="add jsdoc to validateUser")
    first = Memory(store=store)
    first.record(ActionRecord("Added JSDoc.", "add jsdoc to validateUser", plan, [file_edit("a.js", BEFORE, AFTER, 3)]))

    second = Memory(store=store)  # another process on the same workspace
    [edit] = second.last().edits
    assert (second.history(), second.last().plan, edit.old_text, edit.new_text) == (
        ["Added JSDoc."],
        plan,
        BEFORE,
        AFTER,
    )
    assert second.pop().summary == "Added JSDoc." and first.history() == []

    store.write_text("{not json")
    assert Memory(store=store).history() == []  # a broken file is ignored, not a crash


def test_only_the_last_actions_keep_what_undo_needs(tmp_path):
    from outrigger.memory import UNDOABLE
    from outrigger.plan import Intent, Plan

    store = tmp_path / "memory.json"
    memory = Memory(store=store)
    plan = Plan(intent=Intent.RENAME, symbol="a", new_name="b")
    for n in range(UNDOABLE + 2):
        memory.record(ActionRecord(f"Action {n}.", "r", plan, [file_edit("a.js", f"{n}\n", f"{n + 1}\n", None)]))
    reloaded = Memory(store=store)
    for _ in range(UNDOABLE):
        assert reloaded.pop().edits
    oldest_kept = reloaded.last()
    assert oldest_kept.edits == []
    with pytest.raises(Refused, match=f"last {UNDOABLE} actions only"):
        undo_edits(oldest_kept, lambda path: "", lambda path: None)
