"""Compiler-grade checks: each runs only where its toolchain is installed (the test skips
cleanly otherwise), catches what tree-sitter's tolerant parse lets through, and never
touches the file it checks."""

from pathlib import Path

import pytest

from outrigger.workspace.compilers import NO_CHECK, compile_errors, runs
from outrigger.workspace.syntax import syntax_errors

SAMPLES = Path(__file__).parent / "languages"


def needs(*programs: str) -> None:
    if not any(runs(program) for program in programs):
        pytest.skip(f"{programs[0]} is not installed, or cannot run")


@pytest.mark.parametrize(
    "code",
    [
        'print "x"\n',  # Python 2
        "def f(a, a):\n    return a\n",  # duplicate argument
        "for x in y:\n    pass\nbreak\n",  # `break` outside a loop
        "if x:\n\tpass\n        pass\n",  # TabError
        "def f():\n    x = 1\n    return x\nreturn 2\n",  # `return` outside a function
    ],
)
def test_python_compile_catches_what_tree_sitter_accepts(code):
    assert syntax_errors("a.py", code) == []  # tree-sitter is tolerant
    result = compile_errors("a.py", code)
    assert result.tool == "Python compile()"
    assert len(result.errors) == 1 and result.errors[0].startswith("line ")


def test_python_compile_accepts_unicode_and_runs_nothing(tmp_path):
    marker = tmp_path / "ran"
    code = f"thé_x = 1\nopen({str(marker)!r}, 'w').write('x')\n"
    assert compile_errors("a.py", code).errors == []
    assert not marker.exists()


def test_python_compile_reports_null_bytes_as_an_error():
    result = compile_errors("a.py", "x = 1\x00\n")
    assert result.tool and result.errors


# (path, code the toolchain rejects with its line, programs that may run it)
REJECTED = [
    ("a.js", "const ok = 1;\nfunction (\n", 2, ("node",)),
    ("a.js", "'use strict';\nwith (a) {}\n", 2, ("node",)),  # tree-sitter cannot know strict mode
    ("a.rs", "fn main() {\n    let x = 1\n    let y = 2;\n}\n", 2, ("rustfmt",)),
    ("a.go", "package a\n\nfunc f() {\n\tx := \n}\n", 5, ("gofmt",)),
    ("Ledger.java", "class Ledger {\n    int f() { return 1 }\n}\n", 2, ("javac",)),
    ("a.c", "int f(void) {\n    break;\n}\n", 2, ("gcc",)),
    ("a.cpp", "class A {\n    int f(int a, int a) { return a; }\n};\n", 2, ("g++",)),
    ("a.rb", "def a\n  if x\nend\n", 3, ("ruby",)),
    ("a.php", "<?php\nfunction a() {\n  return 1\n}\n", 4, ("php",)),
    ("a.lua", "local function a()\n  return 1\n", 3, ("luac5.4", "luac", "luac5.3")),
    ("a.sh", "echo ok\nif true; then\n  echo x\nfi\nfi\n", 5, ("bash",)),
]


@pytest.mark.parametrize(("path", "code", "line", "programs"), REJECTED, ids=[r[0] + str(r[2]) for r in REJECTED])
def test_toolchains_report_errors_with_their_line(path, code, line, programs):
    needs(*programs)
    result = compile_errors(path, code)
    assert result.tool is not None, result.reason
    assert result.errors and result.errors[0].startswith(f"line {line}: "), result.errors


@pytest.mark.parametrize("name", sorted(p.name for p in SAMPLES.iterdir()))
def test_the_clean_samples_pass_their_toolchain(name):
    result = compile_errors(name, (SAMPLES / name).read_text(encoding="utf-8"), root=SAMPLES)
    if result.tool is None:
        assert result.reason  # says why no check ran
        pytest.skip(result.reason)
    assert result.errors == []


def test_c_includes_resolve_against_the_workspace_without_writing_to_it(tmp_path):
    needs("gcc")
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "meter.h").write_text("typedef struct { int level; } meter;\n")
    code = '#include "meter.h"\nint level(meter *m) { return m->level; }\n'
    before = sorted(tmp_path.rglob("*"))
    assert compile_errors("src/meter.c", code, root=tmp_path).errors == []
    assert compile_errors("src/meter.c", code).errors[0].startswith("line 1: meter.h")  # no workspace given
    assert sorted(tmp_path.rglob("*")) == before


def test_annotation_processors_and_code_loading_options_are_off(monkeypatch, tmp_path):
    needs("node")
    marker = tmp_path / "ran.js"
    monkeypatch.setenv("NODE_OPTIONS", f"--require {marker}")
    marker.write_text("require('fs').writeFileSync(__filename + '.done', 'x');\n")
    assert compile_errors("a.js", "const a = 1;\n").errors == []
    assert not Path(str(marker) + ".done").exists()


def test_a_slow_check_is_bounded_in_time():
    needs("javac")
    result = compile_errors("Ledger.java", "class Ledger {}\n", timeout=0.001)
    assert result.tool == "javac (parse only)" and result.errors == []
    assert "timed out" in result.reason


@pytest.mark.parametrize("path", ["a.ts", "a.tsx", "a.cs", "a.jsx", "notes.txt"])
def test_languages_without_a_check_say_so(path):
    result = compile_errors(path, "anything at all (\n")
    assert result.tool is None and result.errors == []
    assert result.reason


def test_no_check_table_names_real_languages():
    assert set(NO_CHECK) == {"typescript", "tsx", "csharp"}
