"""Code actions on a symbol: cheap lookups in the map, never a model call (editors ask for
them on every cursor move)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from outrigger.plan import Intent
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
    name, where = symbol.name, f"`{symbol.name}` in {symbol.path}"
    language = language_for(path)
    style = doc_style(language)
    doc = style.noun if style else "doc comment"
    full = symbol.qualified_name
    offers = [
        Offer(f"Explain `{name}`", f"Explain {where}", name, path, "refactor", intent=Intent.QUESTION, qualified=full)
    ]
    if language is not None:  # without a grammar nothing tells a doc comment from code: always refused
        offers.append(
            Offer(
                f"Add {doc} to `{name}`",
                f"Add a {doc} to {where}",
                name,
                path,
                "refactor.rewrite",
                intent=Intent.DOCSTRING,
                qualified=full,
            )
        )
    if language in ("python", "typescript", "tsx"):
        offers.append(
            Offer(
                f"Add type hints to `{name}`",
                f"Add type hints to {where}",
                name,
                path,
                "refactor.rewrite",
                intent=Intent.TYPE_HINTS,
                qualified=full,
            )
        )
    for message, at in diagnostics:
        if symbol.range.contains_position(at):
            short = message.strip().splitlines()[0][:80] if message.strip() else "the problem"
            offers.append(
                Offer(
                    f"Fix “{short}” in `{name}`",
                    f"Fix {where}: {short}",
                    name,
                    path,
                    "quickfix",
                    intent=Intent.FIX,
                    qualified=full,
                )
            )
    offers.append(Offer(f"Ask Outrigger about `{name}`…", "", name, path, "refactor", needs_prompt=True))
    return offers
