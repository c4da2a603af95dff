"""The test gate on a real layout (issue 20, items 8 and 9): a package's own `tests/` folder
of `test_*.py` files with no pytest config is an obvious pytest suite, and a change runs the
test files that cover it (those importing the changed module or its names), saying which."""

from __future__ import annotations

import json

from agent_helpers import make_agent, write_files
from outrigger import config
from outrigger.guards.covering_tests import covering_command
from outrigger.guards.project_tests import test_command as obvious_test_command
from outrigger.workspace import Workspace

GARDEN = {
    "garden/__init__.py": "from garden.beds import bed_area\n",
    "garden/beds.py": "def bed_area(width, length):\n    return width * length\n",
    "garden/paths.py": "def path_length(stones):\n    return stones * 0.5\n",
    "garden/tests/__init__.py": "",
    "garden/tests/test_beds.py": "from garden import bed_area\n\n\ndef test_area():\n    assert bed_area(2, 3) == 6\n",
    "garden/tests/test_paths.py": (
        "from garden.paths import path_length\n\n\ndef test_length():\n    assert path_length(4) == 99  # broken, not ours\n"
    ),
    "garden/tests/support.py": "from garden.paths import path_length\n\nSTONES = path_length(2)\n",
    "garden/tests/test_walks.py": "from garden.tests.support import STONES\n\n\ndef test_walk():\n    assert STONES\n",
    "README.md": "A garden planner.\n",
}


def test_a_packages_tests_folder_is_an_obvious_pytest_suite(tmp_path):
    command = obvious_test_command(write_files(tmp_path, GARDEN), config.TestSettings())
    assert command is not None and command[1:3] == ["-m", "pytest"]


def test_the_covering_test_files_are_those_importing_the_change(tmp_path):
    root = write_files(tmp_path, GARDEN)
    changed = {"garden/paths.py": "def path_length(stones):\n    return stones * 0.25\n"}
    assert covering_command(["pytest", "-q"], Workspace(root), changed) == [
        "pytest",
        "-q",
        "garden/tests/test_paths.py",
        "garden/tests/test_walks.py",  # through the tests' own helper module
    ]
    through_package = {"garden/beds.py": "def bed_area(width, length):\n    return length * width\n"}
    assert covering_command(["pytest"], Workspace(root), through_package) == ["pytest", "garden/tests/test_beds.py"]
    nobody = {"garden/unused.py": "X = 1\n"}
    assert covering_command(["pytest"], Workspace(root), nobody) == ["pytest"]  # the whole suite
    assert covering_command(["go", "test", "./..."], Workspace(root), {"shop/cart.go": ""}) == [
        "go",
        "test",
        "./shop",
    ]


def test_a_configured_command_is_narrowed_unless_it_names_its_own_tests(tmp_path):
    """The user chose how pytest runs (its Python, its plugins), not that every test runs for
    every change; a command that names test paths of its own runs as written."""
    root = Workspace(write_files(tmp_path, GARDEN))
    beds = {"garden/beds.py": "def bed_area(width, length):\n    return length * width\n"}
    own = ["/srv/venv/bin/python", "-m", "pytest", "-q", "-p", "no:cacheprovider", "-o", "pythonpath=src"]
    assert covering_command(own, root, beds, configured=True) == [*own, "garden/tests/test_beds.py"]
    assert covering_command(["pytest", "-k", "area", "--tb=short"], root, beds, configured=True) == [
        "pytest", "-k", "area", "--tb=short", "garden/tests/test_beds.py"
    ]  # fmt: skip
    for as_written in (
        ["pytest", "garden/tests/test_paths.py"],
        ["python", "-m", "pytest", "-q", "garden/tests"],
        ["pytest", "--unknown-option", "value"],
        ["make", "test"],
    ):
        assert covering_command(as_written, root, beds, configured=True) == as_written
    assert covering_command(["go", "test", "./..."], root, {"shop/cart.go": ""}, configured=True) == [
        "go", "test", "./shop"
    ]  # fmt: skip


async def test_type_hints_run_the_tests_that_cover_them_and_say_which(tmp_path, fake_model):
    root = write_files(tmp_path, GARDEN)
    agent = make_agent(root, fake_model.base_url)  # (a docstring alone runs no tests: tests/test_gate_timing.py)
    fake_model.script("def bed_area(width: float, length: float) -> float:\n    return width * length\n")
    outcome = await agent.ask("add type hints to bed_area in beds.py")
    assert outcome.kind == "edit", outcome.message
    [tested] = [note for note in outcome.notes if "tests" in note]
    assert "pass with this change" in tested and "garden/tests/test_beds.py" in tested
    assert "test_paths" not in tested  # its failure is not this change's business


PADS = {
    "lib/pad.js": "function pad(s) { return ' ' + s; }\nmodule.exports = { pad };\n",
    "lib/index.js": "module.exports = require('./pad');\n",
    "lib/trim.mjs": "export const trim = (s) => s.trim();\n",
    "test/pad.test.js": "const { pad } = require('../lib/pad');\n",
    "test/index.test.mjs": "import lib from '../lib/index.js';\n",
    "test/trim.test.mjs": "import { trim } from '../lib/trim.mjs';\n",
}


def test_npm_runners_run_the_tests_related_to_the_change(tmp_path):
    npm = ["npm", "test", "--silent"]
    change = {"lib/pad.js": "function pad(s) { return '  ' + s; }\nmodule.exports = { pad };\n"}
    for script, expected in [
        ("jest --coverage", [*npm, "--", "--findRelatedTests", "lib/pad.js"]),
        ("NODE_ENV=test vitest run", ["npx", "--no-install", "vitest", "related", "--run", "lib/pad.js"]),
        # test/index.test.mjs imports lib/index.js, which requires ./pad: it covers pad too
        ("node --test", ["node", "--test", "test/index.test.mjs", "test/pad.test.js"]),
        ("node --test test/", ["node", "--test", "test/index.test.mjs", "test/pad.test.js"]),
        ("tape test/*.js", ["npx", "--no-install", "tape", "test/pad.test.js"]),  # the .mjs ones are not its
        ("mocha", npm),  # a runner Outrigger cannot narrow: the suite
        ("jest && eslint .", npm),
    ]:
        package = json.dumps({"scripts": {"test": script}})
        workspace = Workspace(write_files(tmp_path, {**PADS, "package.json": package}))
        assert covering_command(npm, workspace, change) == expected, script
    index = {"lib/index.js": "module.exports = require('./pad.js');\n"}
    assert covering_command(npm, workspace, index) == npm  # jest && eslint: more than a runner
    workspace = Workspace(write_files(tmp_path, {"package.json": json.dumps({"scripts": {"test": "node --test"}})}))
    assert covering_command(npm, workspace, index) == ["node", "--test", "test/index.test.mjs"]
    assert covering_command(npm, workspace, {"lib/new.js": "x"}) == npm  # no tests before it exists


UNITS = {
    "package.json": json.dumps({"name": "units", "main": "src/main.js", "scripts": {"test": "tape 'spec/**/*.js'"}}),
    "src/main.js": "exports.toFeet = require('./length').toFeet;\nexports.toKelvin = require('./heat.js').toKelvin;\n",
    "src/length.js": "exports.toFeet = (m) => m * 3.28;\n",
    "src/heat.js": "exports.toKelvin = (c) => c + 273.15;\n",
    "src/clock.js": "exports.now = () => 0;\n",
    "spec/units.js": "var test = require('tape');\nvar units = require('../');\n",
    "spec/heat/kelvin.js": "var heat = require('../../src/heat');\n",
    "spec/clock.js": "var clock = require('../src/clock.js');\n",
    "spec/fixtures.js": "module.exports = [1, 2];\n",
}


def test_tape_runs_the_test_files_that_reach_the_change_through_the_packages_main(tmp_path):
    workspace = Workspace(write_files(tmp_path, UNITS))
    npm = ["npm", "test", "--silent"]
    length = {"src/length.js": "exports.toFeet = (m) => m * 3.2808;\n"}
    heat = {"src/heat.js": "exports.toKelvin = (c) => c + 273;\n"}
    assert covering_command(npm, workspace, length) == ["npx", "--no-install", "tape", "spec/units.js"]
    assert covering_command(npm, workspace, heat) == [
        "npx",
        "--no-install",
        "tape",
        "spec/heat/kelvin.js",
        "spec/units.js",
    ]
    # a command of the user's own: narrowed when it is a runner given its test files, else as written
    own = ["node_modules/.bin/tape", "spec/**/*.js"]
    assert covering_command(own, workspace, heat, configured=True) == [own[0], "spec/heat/kelvin.js", "spec/units.js"]
    assert covering_command(["node", "--test", "spec/"], workspace, length, configured=True) == [
        "node", "--test", "spec/units.js"
    ]  # fmt: skip
    assert covering_command(["npm", "test"], workspace, heat, configured=True)[:3] == ["npx", "--no-install", "tape"]
    for as_written in (["tape", "-r", "x", "spec/*.js"], ["tape", "spec/{a,b}.js"], ["mocha", "spec/"]):
        assert covering_command(as_written, workspace, heat, configured=True) == as_written
    assert covering_command(["pytest", "-q"], workspace, {"a.py": ""}, configured=True) == ["pytest", "-q"]  # no tests
    nobody = {"src/unused.js": "x", **heat}  # a file no test can reach before it exists
    assert covering_command(own, workspace, nobody, configured=True) == own


CRATE = {
    "Cargo.toml": '[package]\nname = "shop"\nversion = "0.1.0"\n',
    "src/lib.rs": "pub mod cart;\npub mod tax;\npub mod money;\n",
    "src/cart.rs": "pub fn total() -> u32 { 1 }\n\n#[cfg(test)]\nmod tests {\n    #[test]\n    fn t() {}\n}\n",
    "src/tax/mod.rs": "/// ```\n/// assert_eq!(shop::tax::rate(), 20);\n/// ```\npub fn rate() -> u32 { 20 }\n",
    "src/money.rs": "pub fn cents() -> u32 { 100 }\n",
    "tests/money.rs": "#[test]\nfn m() { assert_eq!(shop::money::cents(), 100); }\n",
}


def test_cargo_runs_the_changed_modules_own_tests(tmp_path):
    workspace = Workspace(write_files(tmp_path, CRATE))
    cargo = ["cargo", "test", "--quiet"]
    assert covering_command(cargo, workspace, {"src/cart.rs": CRATE["src/cart.rs"]}) == [*cargo, "--", "cart::"]
    assert covering_command(cargo, workspace, {"src/tax/mod.rs": CRATE["src/tax/mod.rs"]}) == [*cargo, "--", "tax::"]
    assert covering_command(cargo, workspace, {"tests/money.rs": "#[test]\nfn m() {}\n"}) == [*cargo, "--test", "money"]
    # a module with no tests of its own, an integration test using it, the crate root: the suite
    assert (
        covering_command(cargo, workspace, {"src/money.rs": "pub fn cents() -> u32 { 100 }\n#[test]\nfn x() {}\n"})
        == cargo
    )
    assert covering_command(cargo, workspace, {"src/lib.rs": CRATE["src/lib.rs"]}) == cargo
