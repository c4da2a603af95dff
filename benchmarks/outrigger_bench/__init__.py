"""`outrigger bench` (from a checkout): the "what breaks" table — raw vs guarded, per model.

`suite` loads the tasks (benchmarks/), `runner` runs them through the guarded pipeline,
the pipeline with one guard off, or the `naive` baseline; `checks` judges the files
afterwards; `summary` and `report` turn runs into the table, JSON and Markdown; `perf`
times the map on a generated 5,000-file workspace.
"""

from __future__ import annotations


def cli(rest_args: list[str]) -> int:
    from .command import main

    return main(rest_args)
