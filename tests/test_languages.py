"""The language table: every row loads, its query compiles against its grammar, and the
per-language data (names, doc comments) says what each language allows."""

import pytest

from outrigger.workspace.languages import LANGUAGES, doc_style, has_grammar, language_for, name_problem, title
from outrigger.workspace.symbols import definition_query
from outrigger.workspace.syntax import grammar

FIRST_CLASS = {"python", "javascript", "typescript", "tsx", "rust", "go", "java", "c", "cpp", "csharp"}
FIRST_CLASS |= {"ruby", "php", "lua", "bash"}


def test_every_first_class_language_has_a_row():
    assert set(LANGUAGES) == FIRST_CLASS


@pytest.mark.parametrize("language", sorted(LANGUAGES))
def test_grammar_loads_and_query_compiles(language):
    assert grammar(language) is not None
    query = definition_query(language)
    captures = {query.capture_name(i) for i in range(query.capture_count)}
    assert "name" in captures and any(c.startswith("definition.") for c in captures)


@pytest.mark.parametrize("language", sorted(LANGUAGES))
def test_identifier_types_are_node_types_of_the_grammar(language):
    row = LANGUAGES[language]
    known = grammar(language)
    parents = set().union(*row.identifiers_under.values())
    for node_type in (
        row.identifiers | set(row.identifiers_under) | parents | row.comments | row.wrappers | row.attributes
    ):
        assert known.id_for_node_kind(node_type, True) is not None, (language, node_type)


def test_extensions_belong_to_one_language():
    extensions = [extension for row in LANGUAGES.values() for extension in row.extensions]
    assert len(extensions) == len(set(extensions))


@pytest.mark.parametrize(
    ("path", "language"),
    [
        ("src/lib.rs", "rust"),
        ("cmd/main.go", "go"),
        ("src/main/java/a/Ledger.java", "java"),
        ("meter.c", "c"),
        ("meter.h", "cpp"),  # the C++ grammar reads C headers too
        ("meter.hpp", "cpp"),
        ("Meter.cs", "csharp"),
        ("lib/meter.rb", "ruby"),
        ("src/Meter.php", "php"),
        ("meter.lua", "lua"),
        ("scripts/build.sh", "bash"),
        ("stubs.pyi", "python"),
        ("notes.txt", None),
        ("Makefile", None),
        ("config.yaml", None),
    ],
)
def test_language_for(path, language):
    assert language_for(path) == language
    assert has_grammar(path) is (language is not None)


@pytest.mark.parametrize(
    ("language", "name"),
    [
        ("python", "thé_x"),  # Python 3 identifiers are Unicode
        ("python", "match"),  # a soft keyword is a valid name
        ("javascript", "$el"),
        ("typescript", "_private"),
        ("rust", "type_kind"),
        ("go", "ToPsi"),
        ("java", "$proxy"),
        ("c", "to_psi"),
        ("cpp", "toPsi"),
        ("csharp", "ToPsi"),
        ("ruby", "full?"),
        ("ruby", "save!"),
        ("php", "toPsi"),
        ("lua", "to_psi"),
        ("bash", "to_psi"),
        (None, "anything_goes"),
    ],
)
def test_valid_names(language, name):
    assert name_problem(language, name) is None


@pytest.mark.parametrize(
    ("language", "name", "sentence"),
    [
        ("python", "class", "`class` is a reserved word in Python; choose another name."),
        ("python", "2fast", "`2fast` is not a valid Python name: use letters, digits, `_`, not starting with a digit."),
        ("python", "a-b", "not a valid Python name"),
        ("javascript", "delete", "reserved word in JavaScript"),
        ("tsx", "interface", "reserved word in TypeScript"),
        ("rust", "fn", "reserved word in Rust"),
        ("rust", "_", "reserved word in Rust"),
        ("go", "func", "reserved word in Go"),
        ("java", "goto", "reserved word in Java"),
        ("c", "thé", "use ASCII letters"),
        ("c", "restrict", "reserved word in C"),
        ("cpp", "template", "reserved word in C++"),
        ("csharp", "namespace", "reserved word in C#"),
        ("ruby", "elsif", "reserved word in Ruby"),
        ("php", "Function", "reserved word in PHP"),  # PHP keywords ignore case
        ("lua", "local", "reserved word in Lua"),
        ("bash", "fi", "reserved word in Bash"),
        ("bash", "build-all", "not a valid Bash name"),
        ("java", "", "The new name is empty."),
    ],
)
def test_invalid_names_get_a_sentence(language, name, sentence):
    problem = name_problem(language, name)
    assert problem is not None and sentence in problem
    assert problem.endswith(".")


def test_ruby_classes_and_modules_need_a_capital():
    assert "upper-case" in (name_problem("ruby", "meter", "class") or "")
    assert name_problem("ruby", "Meter", "class") is None
    assert name_problem("ruby", "meter", "method") is None


@pytest.mark.parametrize(
    ("language", "noun", "documented", "plain"),
    [
        ("javascript", "JSDoc", "/**\n * Reads.\n */\nfunction read() {}\n", "// reads\nfunction read() {}\n"),
        ("java", "Javadoc", "/** Reads. */\nvoid read() {}\n", "/* reads */\nvoid read() {}\n"),
        ("php", "PHPDoc", "/** Reads. */\nfunction read() {}\n", "# reads\nfunction read() {}\n"),
        ("c", "doc comment", "/**\n * Reads.\n */\nint read(void);\n", "// reads\nint read(void);\n"),
        ("rust", "doc comment", "/// Reads.\n#[inline]\nfn read() {}\n", "// reads\nfn read() {}\n"),
        ("csharp", "doc comment", "/// <summary>Reads.</summary>\nvoid Read() {}\n", "//// rule\nvoid Read() {}\n"),
        ("go", "doc comment", "// Read reads.\nfunc Read() {}\n", "// reads the thing\nfunc Read() {}\n"),
        ("ruby", "doc comment", "# Reads.\ndef read; end\n", "def read; end\n"),
        ("lua", "doc comment", "--- Reads.\nlocal function read() end\n", "-- reads\nlocal function read() end\n"),
        ("bash", "comment", "# Reads.\nread() { :; }\n", "read() { :; }\n"),
    ],
)
def test_doc_comment_conventions(language, noun, documented, plain):
    style = doc_style(language)
    assert style is not None and style.noun == noun
    name = "Read" if language in ("go", "csharp") else "read"
    assert style.leading(documented.splitlines(keepends=True), name)
    assert style.leading(plain.splitlines(keepends=True), name) == []


def test_python_documents_inside_the_body():
    style = doc_style("python")
    assert style is not None and style.noun == "docstring" and style.inside
    assert "first statement" in style.describe("get_item")
    assert doc_style(None) is None


def test_doc_comment_descriptions_name_the_markers():
    assert "///" in LANGUAGES["rust"].doc.describe("to_psi")
    assert "/** … */" in LANGUAGES["java"].doc.describe("toPsi")
    assert 'starting with "ToPsi"' in LANGUAGES["go"].doc.describe("ToPsi")
    assert "---" in LANGUAGES["lua"].doc.describe("to_psi")


def test_titles_are_for_people():
    assert [title(name) for name in ("cpp", "csharp", "tsx", "python")] == ["C++", "C#", "TypeScript", "Python"]
    assert title(None) == "code"
