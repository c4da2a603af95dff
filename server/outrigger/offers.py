"""Code actions on a symbol: cheap lookups in the map, never a model call (editors ask for
them on every cursor move)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from outrigger.plan import Intent
from outrigger.planner.intents import INTENTS
from outrigger.spans import Position
from outrigger.workspace.index import ProjectMap
from outrigger.workspace.languages import doc_style, language_for


@dataclass(frozen=True)
class Offer:
    title: str
    request: str  # what it asks, in words: the plan's instruction and the editor's progress line
    symbol: str
    path: str
    kind: str  # an LSP code action kind: "refactor", "refactor.rewrite", "quickfix"
    needs_prompt: bool = False
    intent: Intent | None = None  # known already: the editor sends the plan, never words to re-read
    qualified: str = ""  # `Repo.save`, where `symbol` is `save`


def offers_at(
    project_map: ProjectMap, path: str, position: Position, diagnostics: Sequence[tuple[str, Position]] = ()
) -> list[Offer]:
    """What Outrigger can do for the symbol at `position`, diagnostics inside it included."""
    symbol = project_map.symbol_at(path, position)
    if symbol is None:
        return []
    name, where, full = symbol.name, f"`{symbol.name}` in {symbol.path}", symbol.qualified_name
    language = language_for(path)
    style = doc_style(language)
    problems = [
        message.strip().splitlines()[0][:80] if message.strip() else "the problem"
        for message, at in diagnostics
        if symbol.range.contains_position(at)
    ]
    offers = []
    for intent, row in INTENTS.items():  # each intent's row says whether, and how, it is offered
        spec = row.offer
        if spec is None or (spec.needs_grammar and language is None):
            continue
        if spec.languages is not None and language not in spec.languages:
            continue
        for problem in problems if spec.per_diagnostic else [""]:
            words = {"name": name, "where": where, "doc": style.noun if style else "doc comment", "problem": problem}
            title, request = spec.title.format(**words), spec.request.format(**words)
            offers.append(Offer(title, request, name, path, spec.kind, intent=intent, qualified=full))
    offers.append(Offer(f"Ask Outrigger about `{name}`…", "", name, path, "refactor", needs_prompt=True))
    return offers
