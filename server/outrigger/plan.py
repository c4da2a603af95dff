"""What a request asks for, as the planner decided it: the intent, the target and the words.

Executors and summaries switch on `Plan.intent`; none of them reads the user's sentence again.
`file` and `symbol` are claims the map must confirm before anything runs.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, Field


class Intent(StrEnum):
    """Every kind of request Outrigger knows: the one place these names are declared."""

    QUESTION = "question"
    RENAME = "rename"
    DOCSTRING = "docstring"
    TYPE_HINTS = "type_hints"
    FIX = "fix"
    REWRITE = "rewrite"
    ADD = "add"
    UNDO = "undo"
    REPEAT = "repeat"

    @property
    def edits_symbols(self) -> bool:
        """Intents carried out by rewriting named symbols, one model call each."""
        return self in _SYMBOL_EDITS

    @property
    def label(self) -> str:
        """How the intent reads in a sentence: "type hints", "add"."""
        return self.value.replace("_", " ")


_SYMBOL_EDITS = frozenset({Intent.DOCSTRING, Intent.TYPE_HINTS, Intent.FIX, Intent.REWRITE})


class Question(StrEnum):
    """What a question asks, which decides where its answer comes from."""

    LINES = "lines"  # how long a file or symbol is: the map
    COUNT = "count"  # how many functions/classes: the map
    WHERE = "where"  # where something is defined: the map
    LIST = "list"  # what a file defines: the map
    USAGES = "usages"  # what calls / uses something: the map's occurrences
    CATALOGUE = "catalogue"  # is there / which function does …: one call over the map's names
    EXPLAIN = "explain"  # what code does: one call over the code


class Target(BaseModel):
    symbol: str
    file: str | None = None
    line: int | None = None  # 1-based, when the request says `file:line`


class Plan(BaseModel):
    intent: Intent
    symbol: str | None = Field(default=None, description="the symbol the request is about")
    file: str | None = Field(default=None, description="workspace-relative file the request names")
    line: int | None = Field(default=None, description="1-based line, when the request says `file:line`")
    new_name: str | None = Field(default=None, description="for rename: the new identifier")
    instruction: str = Field(default="", description="what to do, in the user's words")
    also: list[Target] = Field(default_factory=list, description="further symbols to edit the same way")
    question: Question | None = Field(default=None, description="for questions: what kind")
    decided_by: Literal["rules", "model"] = "rules"

    @property
    def is_read_only(self) -> bool:
        return self.intent is Intent.QUESTION

    @property
    def targets(self) -> list[Target]:
        """Every symbol the plan names, the first one first."""
        return [Target(symbol=self.symbol or "", file=self.file, line=self.line), *self.also]

    def describe(self) -> str:
        """One line for a preview: "rename `a` → `b` in src/x.js (decided by rules)"."""
        parts = [self.intent.label]
        if self.symbol:
            parts.append(f"`{self.symbol}`")
        parts.extend(f"`{target.symbol}`" for target in self.also)
        if self.new_name:
            parts.append(f"→ `{self.new_name}`")
        if self.file:
            parts.append(f"in {self.file}")
        return f"{' '.join(parts)} (decided by {self.decided_by})"
