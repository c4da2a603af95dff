"""One switch per guard. All on in normal use; the benchmark turns them off one at a time to
show what each one prevents."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class Guards:
    fence_stripping: bool = True
    json_repair: bool = True
    map_validation: bool = True
    question_routing: bool = True
    plan_sense: bool = True  # a model's task list is checked as a whole (planner/plan_check.py)
    symbol_confinement: bool = True
    syntax_check: bool = True
    name_check: bool = True
    project_tests: bool = True
