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
    TASK = "task"  # several steps, one file each: `Plan.steps`

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


class StepAction(StrEnum):
    """What one step of a task does to its one file."""

    EDIT = "edit"  # change one existing symbol (a model call)
    ADD = "add"  # add new code to an existing file (a model call)
    CREATE = "create"  # write a new file (a model call)
    DELETE = "delete"  # delete a file nothing else needs
    REMOVE = "remove"  # remove one function or class nothing else uses from its file
    RENAME = "rename"  # rename a symbol everywhere, from its occurrences
    MOVE = "move"  # move a symbol to another file and point its imports there
    EDIT_CALLERS = "edit_callers"  # edit every function that calls `symbol` (one step each, once expanded)


class Step(BaseModel):
    """One step of a task: one file, one thing to do there, the steps it needs done first."""

    id: int
    action: StepAction
    file: str
    symbol: str | None = None
    new_name: str | None = None  # rename: the new identifier
    to_file: str | None = None  # move: where the symbol goes
    what: str = ""  # the step's task in words (what the model is told)
    after: list[int] = Field(default_factory=list)
    intent: Intent | None = None  # edit steps: what kind of edit (docstring, fix, …)
    # A caller's edit, when the request says the value every caller passes ("pass [] from
    # every caller"): the function called and that value, for writing the calls without the model.
    argument: str | None = None
    argument_local: str | None = None  # the caller's variable the argument needs ("ticket")
    callee: str | None = None
    # The calls of `callee` in this file outside any function (a test's callback, module-level
    # code): edited without the model, or refused before any model call.
    outside_functions: bool = False

    def describe(self) -> str:
        """ "step 2: edit `handleLogout` in src/routes.js — call logout" """
        parts = [self.action.value.replace("_", " ")]
        if self.symbol:
            parts.append(f"`{self.symbol}`")
        if self.new_name:
            parts.append(f"→ `{self.new_name}`")
        parts.append(f"{'from' if self.action is StepAction.MOVE else 'in'} {self.file}")
        if self.to_file:
            parts.append(f"to {self.to_file}")
        return " ".join(parts) + (f" — {self.what}" if self.what else "")


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
    steps: list[Step] = Field(default_factory=list, description="for tasks: the steps, one file each")
    decided_by: Literal["rules", "model"] = "rules"
    # Which of several same-named definitions was taken, and why the others are not rivals.
    taken: str | None = None
    # A question asked with the change ("explain X and fix it"): answered first, in the same result.
    asked: Plan | None = None

    @property
    def is_read_only(self) -> bool:
        return self.intent is Intent.QUESTION

    @property
    def targets(self) -> list[Target]:
        """Every symbol the plan names, the first one first."""
        return [Target(symbol=self.symbol or "", file=self.file, line=self.line), *self.also]

    def describe(self) -> str:
        """One line for a preview: "rename `a` → `b` in src/x.js (decided by rules)"; a task
        lists its steps on the lines after."""
        if self.intent is Intent.TASK:
            steps = "".join(f"\n  {step.id}. {step.describe()}" for step in self.steps)
            return (
                f"task of {len(self.steps)} step{'s' * (len(self.steps) != 1)} (decided by {self.decided_by}):{steps}"
            )
        parts = [self.intent.label]
        if self.symbol:
            parts.append(f"`{self.symbol}`")
        parts.extend(f"`{target.symbol}`" for target in self.also)
        if self.new_name:
            parts.append(f"→ `{self.new_name}`")
        if self.file:
            parts.append(f"in {self.file}")
        taken = f"; {self.taken}" if self.taken else ""
        return f"{' '.join(parts)} (decided by {self.decided_by}{taken})"
