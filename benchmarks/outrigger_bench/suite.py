"""The task suite as data: `benchmarks/tasks/*.json`, one file per workspace.

A file names its `workspace`, the workspace's `tests` command (and, as `test_command`, the
command a user would configure for the test gate, when the obvious one does not fit) and its `suite`: the group
its tasks are reported in ("core" when absent; "languages", "generalization", …), each
with its own figures and targets. A task is one or more requests run in order against a
fresh copy of its workspace, then one check of the files (see `checks.py`). Fields of a task:

    id, category            rename | question | docstring | type_hints | fix | add_code |
                            additive | undo | task | refusal
    steps                   [{"request", "expect": "edit"|"answer"|"refused", "answer": regex,
                              "not_answer": regex}] — the answer (or refusal) must match `answer`
                              and must not match `not_answer` (a wrong pick, or a list of
                              every candidate instead of an answer)
    changed                 the exact set of files that must differ afterwards (default: none);
                            `created` and `deleted` files count as changed without being listed
    may_change              files a correct run may change or leave alone (an importer a move
                            may update, or leave importing through a re-export)
    touches                 files any step may write (default: `changed` + `may_change`);
                            others = wrong file
    created                 files that must exist afterwards and did not before
    deleted                 files that must be gone afterwards (any other file gone = broken)
    identifiers             {name: count | "was:name"}: identifier tokens across the workspace
    keep                    names whose identifier count must not move (else: wrong symbol)
    documented / annotated  [[path, symbol]]: has a docstring/doc comment, has type annotations
    defines                 [[path, symbol]]: the file defines it afterwards
    gone                    [[path, symbol]]: the file no longer defines it (moved elsewhere)
    called                  [[path, name]]: the file's code calls `name` (a call, not a mention)
    matches                 {path: [regex]}: the file's text afterwards matches each one
    confined                {path: [symbols]}: nothing outside those symbols (and `defines`) changed
    probe                   {"python"|"node": code} run in the workspace; must exit 0
    seed                    {path: [old, new]}: a bug seeded into the task's copy before it runs
                            (`old` must occur once); the checks compare against the seeded copy
    no_model_call           the task must be settled without any model call (a refusal the
                            map decides)
    ci                      part of the fast subset the test suite runs on the real 0.5B model
    tags                    the kinds of request it stands for ("polite", "member", …),
                            reported one row each within its suite

Symbols in `documented`, `annotated`, `defines`, `gone` and `confined` are `name` or `Class.name`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from pathlib import Path

from . import projects

DEFAULT_SUITE = "core"
CATEGORIES = (
    "rename",
    "question",
    "docstring",
    "type_hints",
    "fix",
    "add_code",
    "additive",
    "undo",
    "task",
    "refusal",
)
EXPECTS = ("edit", "answer", "refused")


@dataclass(frozen=True)
class Step:
    request: str
    expect: str
    answer: str | None = None
    not_answer: str | None = None


@dataclass(frozen=True)
class Task:
    id: str
    category: str
    workspace: str
    steps: tuple[Step, ...]
    changed: tuple[str, ...] = ()
    may_change: tuple[str, ...] = ()
    touches: tuple[str, ...] = ()
    created: tuple[str, ...] = ()
    deleted: tuple[str, ...] = ()
    identifiers: dict[str, int | str] = field(default_factory=dict)
    keep: tuple[str, ...] = ()
    documented: tuple[tuple[str, str], ...] = ()
    annotated: tuple[tuple[str, str], ...] = ()
    defines: tuple[tuple[str, str], ...] = ()
    gone: tuple[tuple[str, str], ...] = ()
    called: tuple[tuple[str, str], ...] = ()
    matches: dict[str, tuple[str, ...]] = field(default_factory=dict)
    confined: dict[str, tuple[str, ...]] = field(default_factory=dict)
    probe: dict[str, str] = field(default_factory=dict)
    tests: tuple[str, ...] = ()
    seed: dict[str, tuple[str, str]] = field(default_factory=dict)
    test_command: tuple[str, ...] = ()  # the project's `outrigger.tests.command`, when it needs one
    no_model_call: bool = False
    ci: bool = False
    suite: str = DEFAULT_SUITE
    tags: tuple[str, ...] = ()

    @property
    def must_change(self) -> frozenset[str]:
        """Files that must differ afterwards: `changed`, plus the files created or deleted."""
        return frozenset((*self.changed, *self.created, *self.deleted))

    @property
    def allowed(self) -> frozenset[str]:
        """Files a correct run may write at some point."""
        return frozenset(self.touches) or self.must_change | frozenset(self.may_change)

    @property
    def is_question(self) -> bool:
        return any(step.expect == "answer" for step in self.steps)


@dataclass(frozen=True)
class Suite:
    root: Path  # the benchmarks/ directory
    tasks: tuple[Task, ...]

    def workspace(self, name: str) -> Path:
        """A fixture under `workspaces/`, or a real project (fetched into the cache first)."""
        if (project := projects.catalogue(self.root).get(name)) is not None:
            return projects.ensure(project)
        return self.root / "workspaces" / name

    def packages(self, name: str) -> Path:
        """Where the npm manifest of the workspace's test packages is: its own folder, or
        `projects/<name>/` for a real project whose published package leaves it out."""
        project = projects.catalogue(self.root).get(name)
        if project is not None and project.test_packages:
            return projects.manifest_dir(self.root) / project.test_packages
        return self.workspace(name)

    @property
    def names(self) -> list[str]:
        """The suites the tasks belong to: the core suite first, then by name."""
        return sorted({t.suite for t in self.tasks}, key=lambda name: (name != DEFAULT_SUITE, name))

    def select(self, ids: list[str] | None = None, *, ci: bool = False, suites: list[str] | None = None) -> Suite:
        tasks = [
            t
            for t in self.tasks
            if (not ci or t.ci)
            and (not ids or any(t.id.startswith(i) for i in ids))
            and (not suites or t.suite in suites)
        ]
        return Suite(self.root, tuple(tasks))

    def interleaved(self) -> Suite:
        """Round-robin over categories, so the first tasks of a run cover every kind."""
        by_category: dict[str, list[Task]] = {}
        for task in self.tasks:
            by_category.setdefault(task.category, []).append(task)
        queues = list(by_category.values())
        ordered = [queue[i] for i in range(max(map(len, queues), default=0)) for queue in queues if i < len(queue)]
        return Suite(self.root, tuple(ordered))


def default_root() -> Path:
    """The `benchmarks/` folder this package lives in (the repository checkout)."""
    return Path(__file__).resolve().parents[1]


def load(root: Path | None = None) -> Suite:
    root = root or default_root()
    tasks: list[Task] = []
    for path in sorted((root / "tasks").glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        for raw in data["tasks"]:
            task = _task(raw, data["workspace"], tuple(data.get("tests", ())), data.get("suite", DEFAULT_SUITE))
            tasks.append(replace(task, test_command=tuple(data.get("test_command", ()))))
    ids = [t.id for t in tasks]
    if len(ids) != len(set(ids)):
        raise ValueError(f"duplicate task ids in {root / 'tasks'}")
    return Suite(root, tuple(tasks))


def _task(raw: dict, workspace: str, tests: tuple[str, ...], suite: str) -> Task:
    steps = tuple(Step(s["request"], s["expect"], s.get("answer"), s.get("not_answer")) for s in raw["steps"])
    task = Task(
        id=raw["id"],
        category=raw["category"],
        workspace=workspace,
        steps=steps,
        changed=tuple(raw.get("changed", ())),
        may_change=tuple(raw.get("may_change", ())),
        touches=tuple(raw.get("touches", ())),
        created=tuple(raw.get("created", ())),
        deleted=tuple(raw.get("deleted", ())),
        identifiers=dict(raw.get("identifiers", {})),
        keep=tuple(raw.get("keep", ())),
        documented=tuple(tuple(p) for p in raw.get("documented", ())),
        annotated=tuple(tuple(p) for p in raw.get("annotated", ())),
        defines=tuple(tuple(p) for p in raw.get("defines", ())),
        gone=tuple(tuple(p) for p in raw.get("gone", ())),
        called=tuple(tuple(p) for p in raw.get("called", ())),
        matches={path: tuple(patterns) for path, patterns in raw.get("matches", {}).items()},
        confined={path: tuple(names) for path, names in raw.get("confined", {}).items()},
        probe=dict(raw.get("probe", {})),
        tests=tests,
        seed={path: (pair[0], pair[1]) for path, pair in raw.get("seed", {}).items()},
        no_model_call=bool(raw.get("no_model_call", False)),
        ci=bool(raw.get("ci", False)),
        suite=suite,
        tags=tuple(raw.get("tags", ())),
    )
    if task.category not in CATEGORIES or any(s.expect not in EXPECTS for s in steps):
        raise ValueError(f"task {task.id}: unknown category or expectation")
    return task
