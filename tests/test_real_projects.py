"""The `real` benchmark suite's data (issue 20): every task names a pinned project, and where
the project is already in the cache (it is fetched by `outrigger bench`, never here: the
test suite runs offline), the files its checks name exist and each seeded bug applies once."""

from __future__ import annotations

import shutil

import pytest

from outrigger_bench import projects, suite
from outrigger_bench.runner import seed

WHOLE = suite.load()
REAL = WHOLE.select(suites=["real"])
CATALOGUE = projects.catalogue(WHOLE.root)


def test_every_real_task_names_a_pinned_project_and_six_projects_have_eight_tasks():
    assert {t.workspace for t in REAL.tasks} <= set(CATALOGUE)
    per_project = {name: sum(t.workspace == name for t in REAL.tasks) for name in CATALOGUE}
    assert sum(count >= 8 for count in per_project.values()) >= 6
    assert len({CATALOGUE[name].language for name, count in per_project.items() if count >= 8}) >= 3
    for project in CATALOGUE.values():
        assert len(project.sha256) == 64 and project.version and project.source in ("pypi", "npm", "debian")


@pytest.mark.parametrize("task", REAL.tasks, ids=[t.id for t in REAL.tasks])
def test_a_cached_projects_tasks_name_its_files(task, tmp_path):
    project = CATALOGUE[task.workspace]
    if not (project.home / ".outrigger-sha256").is_file():
        pytest.skip(f"{project.name} is not in the cache (outrigger bench --suite-name real fetches it)")
    root = project.home
    named = {*task.changed, *task.may_change, *task.matches, *task.confined, *task.seed}
    named |= {path for path, _ in (*task.documented, *task.annotated, *task.gone)}
    assert all((root / path).is_file() for path in named), task.id
    if task.seed:
        copy = shutil.copytree(root, tmp_path / "copy")
        seed(copy, task)  # raises unless each seeded text occurs once


# --- a smoke run on the real model (the whole suite is `outrigger bench --suite-name real`) ----

SMOKE = ["real-inflection-where", "real-inflection-usages", "real-inflection-rename", "real-inflection-explain"]


async def test_a_few_real_project_tasks_on_the_real_model(embedded_model):
    """inflection, as fetched from PyPI: a question the map answers, a rename its own tests
    confirm, a question the model answers. None unsafe, each solved."""
    from outrigger.config import ModelSettings, Settings
    from outrigger_bench.runner import MeteredModel, run_suite

    if not (CATALOGUE["inflection"].home / ".outrigger-sha256").is_file():
        pytest.skip("inflection is not in the cache (outrigger bench --suite-name real fetches it)")
    settings = Settings(model=ModelSettings(base_url=embedded_model, timeout_seconds=120))
    model = MeteredModel(settings.model)
    runs = (await run_suite(REAL.select(SMOKE), model, settings, ["guarded"]))["guarded"]
    await model.aclose()
    assert sorted(r.task for r in runs) == sorted(SMOKE)
    assert [r.task for r in runs if r.unsafe] == []
    assert [(r.task, r.failures) for r in runs if not r.success] == []
