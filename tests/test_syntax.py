import pytest

from outrigger.errors import Refused
from outrigger.workspace.symbols import extract_symbols, identifier_spans
from outrigger.workspace.syntax import has_grammar, language_for, parse, syntax_errors


@pytest.mark.parametrize(
    ("path", "language"),
    [
        ("a.py", "python"),
        ("src/a.js", "javascript"),
        ("a.mjs", "javascript"),
        ("a.cjs", "javascript"),
        ("a.jsx", "javascript"),
        ("a.ts", "typescript"),
        ("a.mts", "typescript"),
        ("a.cts", "typescript"),
        ("a.tsx", "tsx"),
        ("A.PY", "python"),
        ("src/lib.rs", "rust"),
        ("main.go", "go"),
        ("Ledger.JAVA", "java"),
        ("README.md", None),
        ("Makefile", None),
    ],
)
def test_language_for(path, language):
    assert language_for(path) == language


def test_parse_returns_a_tree():
    tree = parse("a.py", "def f():\n    return 1\n")
    assert tree.root_node.type == "module"
    assert not tree.root_node.has_error


def test_parse_refuses_files_without_a_grammar():
    with pytest.raises(Refused, match="no grammar"):
        parse("notes.txt", "hello")


def test_files_without_a_grammar_have_no_syntax_check_and_no_symbols():
    assert not has_grammar("notes.txt") and has_grammar("lib.rs")
    assert syntax_errors("notes.txt", "def broken(:\n") == []  # nothing checked: has_grammar says so
    assert extract_symbols("notes.txt", "def f(): pass\n") == []
    assert identifier_spans("config.yaml", "key: value\n") == {}


@pytest.mark.parametrize(
    ("path", "text"),
    [
        ("a.py", "def f(x):\n    return x\n"),
        ("a.js", "const f = (x) => x;\nexport default f;\n"),
        ("a.jsx", "const A = () => <div className='a'>{x}</div>;\n"),
        ("a.ts", "interface I { x: number }\nexport function f(i: I): number { return i.x; }\n"),
        ("a.tsx", "export const A = (p: { n: string }) => <b>{p.n}</b>;\n"),
        ("a.rs", "pub fn f(x: u8) -> u8 {\n    x\n}\n"),
        ("a.go", "package a\n\nfunc F() int { return 1 }\n"),
        ("a.sh", 'f() { echo "$1"; }\n'),
    ],
)
def test_clean_code_has_no_errors(path, text):
    assert syntax_errors(path, text) == []


def test_missing_token_is_reported_with_one_based_line():
    assert syntax_errors("a.py", "x = 1\ndef broken(:\n    pass\n") == ["line 2: missing `)`"]


def test_unexpected_text_is_reported():
    errors = syntax_errors("a.js", "function ok() {}\nlet q = (\n")
    assert errors == ["line 2: unexpected `let q = (`"]


def test_every_error_region_is_reported_in_order():
    text = "function a() {\n  return 1;\n}\n}\nfunction b() {\n  return (1;\n}\n"
    errors = syntax_errors("a.js", text)
    assert len(errors) >= 2
    assert errors[0].startswith("line 4: ")
    assert all(e.startswith("line ") for e in errors)


def test_long_error_text_is_shortened():
    errors = syntax_errors("a.js", "let q = (" + "a + " * 40 + "\n")
    assert errors and errors[0].endswith("…`")


def test_typescript_syntax_in_plain_javascript_is_an_error():
    assert syntax_errors("a.js", "function f(x: number) { return x; }\n")
    assert syntax_errors("a.ts", "function f(x: number) { return x; }\n") == []
