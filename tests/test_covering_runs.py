"""The narrowed test commands run on the real runners (issue 20, item 9): `node --test` given
the test files that reach a changed module, and `cargo test -- module::`, each run in the
sandbox on a scratch copy as the gate runs them. The runner's own report says how many tests
ran: only the covering ones, and a change that breaks them is still caught. (The selection
itself is unit-tested in test_covering_tests.py; tape on qs runs in `outrigger bench`.)"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from outrigger.guards.covering_tests import covering_command
from outrigger.guards.project_tests import before_and_after
from outrigger.workspace import Workspace


def files_at(root: Path, files: dict[str, str]) -> Workspace:
    for path, text in files.items():
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        (root / path).write_text(text)
    return Workspace(root)


def node_test(name: str, module: str, check: str) -> str:
    return f"const test = require('node:test');\nconst assert = require('node:assert');\nconst m = require('{module}');\n\ntest('{name}', () => {{\n  {check};\n}});\n"


METRES = {
    "package.json": json.dumps({"name": "metres", "main": "src/index.js", "scripts": {"test": "node --test"}}),
    "src/index.js": "module.exports = { ...require('./feet'), ...require('./kelvin.js') };\n",
    "src/feet.js": "exports.feet = (m) => Math.round(m * 3.28084);\n",
    "src/kelvin.js": "exports.kelvin = (c) => c + 273;\n",
    "src/clock.js": "exports.hours = (s) => s / 3600;\n",
    "test/metres.test.js": node_test("feet", "../", "assert.strictEqual(m.feet(10), 33)"),
    "test/kelvin.test.js": node_test("kelvin", "../src/kelvin", "assert.strictEqual(m.kelvin(0), 273)"),
    "test/clock.test.js": node_test("hours", "../src/clock.js", "assert.strictEqual(m.hours(7200), 2)"),
}


@pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed")
async def test_node_test_runs_only_the_test_files_reaching_the_change(tmp_path):
    workspace = files_at(tmp_path, METRES)
    npm = ["npm", "test", "--silent"]
    right = {"src/feet.js": "exports.feet = (metres) => Math.round(metres * 3.28084);\n"}
    command = covering_command(npm, workspace, right)
    assert command == ["node", "--test", "test/metres.test.js"]  # through the package's main
    before, after = await before_and_after(workspace, right, command, 120)
    assert before.passed and after.passed and after.report is not None
    assert (after.report.passed, after.report.failed) == (1, 0)  # one of the three test files
    wrong = {"src/feet.js": "exports.feet = (m) => Math.round(m * 3);\n"}
    _, broken = await before_and_after(workspace, wrong, covering_command(npm, workspace, wrong), 120)
    assert not broken.passed and broken.report is not None and broken.report.failed == 1


CRATE = {
    "Cargo.toml": '[package]\nname = "till"\nversion = "0.1.0"\nedition = "2021"\n',
    "src/lib.rs": "pub mod basket;\npub mod vat;\n",
    "src/basket.rs": (
        "pub fn total(prices: &[u32]) -> u32 {\n    prices.iter().sum()\n}\n\n#[cfg(test)]\nmod tests {\n"
        "    #[test]\n    fn sums() {\n        assert_eq!(super::total(&[1, 2]), 3);\n    }\n\n"
        "    #[test]\n    fn empty() {\n        assert_eq!(super::total(&[]), 0);\n    }\n}\n"
    ),
    "src/vat.rs": (
        "pub fn vat(net: u32) -> u32 {\n    net / 5\n}\n\n#[cfg(test)]\nmod tests {\n"
        "    #[test]\n    fn fifth() {\n        assert_eq!(super::vat(10), 2);\n    }\n}\n"
    ),
}


@pytest.mark.skipif(shutil.which("cargo") is None, reason="cargo is not installed")
async def test_cargo_runs_only_the_changed_modules_tests(tmp_path):
    workspace = files_at(tmp_path, CRATE)
    cargo = ["cargo", "test", "--quiet", "--offline"]
    right = {"src/basket.rs": CRATE["src/basket.rs"].replace("prices.iter().sum()", "prices.iter().copied().sum()")}
    command = covering_command(cargo, workspace, right)
    assert command == [*cargo, "--", "basket::"]
    before, after = await before_and_after(workspace, right, command, 300)
    assert before.passed and after.passed and after.report is not None, after.tail
    assert (after.report.passed, after.report.failed) == (2, 0)  # basket's two, not vat's
    wrong = {"src/basket.rs": CRATE["src/basket.rs"].replace("prices.iter().sum()", "prices.iter().sum::<u32>() + 1")}
    _, broken = await before_and_after(workspace, wrong, covering_command(cargo, workspace, wrong), 300)
    assert not broken.passed and broken.report is not None and broken.report.failed == 2
