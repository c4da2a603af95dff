"""Code actions come from the intents table (planner/intents.py): a row's `offer` is the
action's title, request and kind, so adding an intent is one module plus one row."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from outrigger.offers import offers_at
from outrigger.plan import Intent
from outrigger.planner import intents
from outrigger.spans import Position
from outrigger.workspace.files import Workspace
from outrigger.workspace.index import ProjectMap

SOURCE = "def shout(text):\n    return text.upper()\n"


def project(tmp_path: Path) -> ProjectMap:
    (tmp_path / "loud.py").write_text(SOURCE)
    project_map = ProjectMap(Workspace(tmp_path))
    project_map.build()
    return project_map


def test_every_row_with_an_offer_is_offered_in_its_order(tmp_path):
    offers = offers_at(project(tmp_path), "loud.py", Position(1, 8), [("NameError: upper", Position(1, 10))])
    assert [(o.title, o.request, o.intent) for o in offers[:-1]] == [
        ("Explain `shout`", "Explain `shout` in loud.py", Intent.QUESTION),
        ("Add docstring to `shout`", "Add a docstring to `shout` in loud.py", Intent.DOCSTRING),
        ("Add type hints to `shout`", "Add type hints to `shout` in loud.py", Intent.TYPE_HINTS),
        ("Fix “NameError: upper” in `shout`", "Fix `shout` in loud.py: NameError: upper", Intent.FIX),
    ]
    assert offers[-1].needs_prompt


def test_an_intent_is_offered_by_giving_its_row_an_offer(tmp_path, monkeypatch):
    row = intents.INTENTS[Intent.REWRITE]
    offer = intents.Offer("Simplify `{name}`", "Simplify {where}", languages=frozenset({"python"}))
    monkeypatch.setitem(intents.INTENTS, Intent.REWRITE, replace(row, offer=offer))
    titles = {o.title: (o.request, o.intent) for o in offers_at(project(tmp_path), "loud.py", Position(1, 8))}
    assert titles["Simplify `shout`"] == ("Simplify `shout` in loud.py", Intent.REWRITE)
