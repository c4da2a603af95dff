"""The gate judges each runner by its own report, not by exit code 0 (issue 19): code that ends
a `go test` binary in an `init` function, a Rust test binary before libtest's summary, or a
`node --test` file before its tests ran, with exit code 0, does not pass. (pytest's seal:
`test_sandbox.py::test_a_forged_pytest_report_before_os_exit_zero_is_not_a_pass`.)"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from outrigger.guards import project_tests
from outrigger.workspace.files import Workspace


def needs(program: str) -> None:
    if shutil.which(program) is None:
        pytest.skip(f"`{program}` is not installed here")


async def gate(root: Path, changes: dict[str, str], command: list[str]) -> tuple[object, object]:
    runs = await project_tests.before_and_after(Workspace(root), changes, command, 240, allow_unsandboxed=True)
    assert runs is not None
    return runs


GO_TEST = 'package m\n\nimport "testing"\n\nfunc TestTotal(t *testing.T) {\n\tif Total([]int{1, 2}) != 3 {\n\t\tt.Fatal("bad")\n\t}\n}\n'


async def test_a_go_package_ended_by_its_init_with_exit_zero_is_not_a_pass(tmp_path):
    """`go test` prints `ok` for a test binary that exits 0, whatever ran: os.Exit(0) in an
    `init` function (before the testing package starts) passed a change that breaks Total."""
    needs("go")
    root = tmp_path / "m"
    root.mkdir()
    (root / "go.mod").write_text("module example.com/m\n\ngo 1.19\n")
    (root / "calc.go").write_text(
        "package m\n\nfunc Total(xs []int) int {\n\ts := 0\n\tfor _, x := range xs {\n\t\ts += x\n\t}\n\treturn s\n}\n"
    )
    (root / "calc_test.go").write_text(GO_TEST)
    ending = 'package m\n\nimport "os"\n\nfunc init() {\n\tos.Exit(0)\n}\n\nfunc Total(xs []int) int {\n\treturn 0\n}\n'

    before, after = await gate(root, {"calc.go": ending}, ["go", "test", "./..."])

    assert before.passed and not after.passed
    assert "before the end of its session" in after.not_run
    with pytest.raises(Exception, match="before the end of its session"):
        project_tests.verdict(before, after, "refuse")


async def test_a_rust_fix_that_ends_its_test_binary_with_exit_zero_is_not_a_pass(tmp_path):
    """cargo runs the library's tests, then the integration tests: a "fix" whose code ends the
    library's test binary with exit code 0 leaves only the other binary's report, which reads
    as passing where the tests failed before."""
    needs("cargo")
    root = tmp_path / "m"
    (root / "src").mkdir(parents=True)
    (root / "tests").mkdir()
    (root / "Cargo.toml").write_text('[package]\nname = "m"\nversion = "0.1.0"\nedition = "2021"\n')
    unit = "\n#[cfg(test)]\nmod tests {\n    #[test]\n    fn adds() {\n        assert_eq!(super::total(&[1, 2]), 3);\n    }\n}\n"
    double = "pub fn double(x: i32) -> i32 {\n    x * 2\n}\n"
    (root / "src" / "lib.rs").write_text("pub fn total(_xs: &[i32]) -> i32 {\n    0\n}\n\n" + double + unit)
    (root / "tests" / "it.rs").write_text("#[test]\nfn doubles() {\n    assert_eq!(m::double(2), 4);\n}\n")
    ending = "pub fn total(_xs: &[i32]) -> i32 {\n    std::process::exit(0)\n}\n\n" + double + unit

    before, after = await gate(root, {"src/lib.rs": ending}, ["cargo", "test", "--quiet"])

    assert not before.passed and not after.passed, after.output
    with pytest.raises(Exception, match="before the end of its session"):
        project_tests.verdict(before, after, "refuse", fixing=True)


NODE_TEST = (
    "const test = require('node:test');\nconst assert = require('node:assert');\n"
    "const { total } = require('./calc');\ntest('adds', () => { assert.strictEqual(total([1, 2]), 3); });\n"
)


@pytest.mark.parametrize("command", [["node", "--test"], ["npm", "test", "--silent"]])
async def test_a_node_test_file_ended_before_its_tests_ran_is_not_a_pass(tmp_path, command):
    """node's runner reports a test file whose process exits 0 before registering a test as one
    passing test named after the file: the same count as before, but `adds` never ran."""
    needs(command[0])
    root = tmp_path / "shop"
    root.mkdir()
    (root / "package.json").write_text('{"name": "shop", "scripts": {"test": "node --test"}}\n')
    (root / "calc.js").write_text("exports.total = (xs) => xs.reduce((a, b) => a + b, 0);\n")
    (root / "calc.test.js").write_text(NODE_TEST)
    ending = "process.exit(0);\nexports.total = (xs) => 0;\n"

    before, after = await gate(root, {"calc.js": ending}, command)

    assert before.passed and not after.passed
    with pytest.raises(Exception, match="`adds`"):
        project_tests.verdict(before, after, "refuse")


async def test_a_rust_test_without_libtests_harness_still_passes(tmp_path):
    """A `harness = false` test target prints no libtest summary: its binary is judged by its
    exit code as before (the seal would take it for one ended early)."""
    needs("cargo")
    root = tmp_path / "m"
    (root / "src").mkdir(parents=True)
    (root / "tests").mkdir()
    (root / "Cargo.toml").write_text(
        '[package]\nname = "m"\nversion = "0.1.0"\nedition = "2021"\n\n[[test]]\nname = "plain"\nharness = false\n'
    )
    unit = "\n#[cfg(test)]\nmod tests {\n    #[test]\n    fn adds() {\n        assert_eq!(super::total(&[1, 2]), 3);\n    }\n}\n"
    (root / "src" / "lib.rs").write_text("pub fn total(xs: &[i32]) -> i32 {\n    xs.iter().sum()\n}\n" + unit)
    (root / "tests" / "plain.rs").write_text("fn main() {\n    assert_eq!(m::total(&[1, 2]), 3);\n}\n")
    change = "pub fn total(xs: &[i32]) -> i32 {\n    xs.iter().copied().sum()\n}\n" + unit

    before, after = await gate(root, {"src/lib.rs": change}, ["cargo", "test", "--quiet"])

    assert before.passed and after.passed, after.output


async def test_a_node_change_that_only_prints_a_lot_still_passes(tmp_path):
    """Only the end of a run's output is kept: tests named early in it (another file's) may be
    cut from the report of a change that prints a lot; that is not a test that did not run."""
    needs("node")
    root = node_shop(tmp_path)
    chatty = "exports.total = (xs) => { for (let i = 0; i < 300; i++) console.log('x'.repeat(100)); return xs.reduce((a, b) => a + b, 0); };\n"

    before, after = await gate(root, {"calc.js": chatty}, ["node", "--test"])

    assert before.passed and after.passed, after.tail


async def test_a_node_test_file_ended_after_printing_past_the_kept_output_is_not_a_pass(tmp_path):
    """The same change, ending its file's process after printing: the file is reported as a
    test of its own, at the end of the output, whatever was cut before it."""
    needs("node")
    root = node_shop(tmp_path)
    ending = (
        "for (let i = 0; i < 300; i++) console.log('x'.repeat(100));\nprocess.exit(0);\nexports.total = (xs) => 0;\n"
    )

    before, after = await gate(root, {"calc.js": ending}, ["node", "--test"])

    assert before.passed and not after.passed
    assert "calc.test.js" in after.tail


def node_shop(tmp_path: Path) -> Path:
    """Two test files: `a.test.js` reports first, `calc.test.js` uses calc.js."""
    root = tmp_path / "shop"
    root.mkdir()
    (root / "calc.js").write_text("exports.total = (xs) => xs.reduce((a, b) => a + b, 0);\n")
    (root / "a.test.js").write_text(
        "const test = require('node:test');\n" + "".join(f"test('first {i}', () => {{}});\n" for i in range(3))
    )
    (root / "calc.test.js").write_text(NODE_TEST)
    return root
