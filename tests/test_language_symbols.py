"""Every first-class language through the one extractor: definitions with containers and
similar-named decoys, doc comments inside the range, identifier occurrences that skip
strings and comments, and syntax errors. The samples are `tests/languages/gauge.*`."""

from pathlib import Path

import pytest

from outrigger.workspace import ProjectMap, Workspace
from outrigger.workspace.symbols import extract_symbols, identifier_spans
from outrigger.workspace.syntax import syntax_errors

SAMPLES = Path(__file__).parent / "languages"

# file: (symbols as (kind, qualified name), the documented symbol and the line its doc
# comment starts on, the renamed name and its identifier count in code alone)
EXPECTED = {
    "gauge.rs": (
        [
            ("struct", "Reading"),
            ("method", "Reading.to_psi"),
            ("method", "Reading.to_psi_rounded"),
            ("method", "Reading.fmt"),  # `impl Display for Reading` names the container
            ("trait", "Sensor"),
            ("method", "Sensor.sample"),
            ("enum", "Unit"),
            ("module", "calibrate"),
            ("function", "calibrate.offset"),
            ("constant", "MAX_BARS"),
            ("function", "to_psi_all"),  # its nested `helper` is local
        ],
        ("Reading", 3),
        ("to_psi", 4),  # the call inside `write!` counts, the "(to_psi)" in its string does not
    ),
    "gauge.go": (
        [
            ("struct", "Reading"),
            ("interface", "Sensor"),
            ("method", "Reading.ToPsi"),  # the receiver `*Reading` is the container
            ("method", "Reading.ToPsiRounded"),
            ("function", "ToPsiAll"),
            ("constant", "MaxBars"),
            ("variable", "DefaultUnit"),
        ],
        ("ToPsi", 14),
        ("ToPsi", 3),
    ),
    "Reading.java": (
        [
            ("class", "Reading"),
            ("method", "Reading.Reading"),
            ("method", "Reading.toPsi"),
            ("method", "Reading.toPsiRounded"),
            ("method", "Reading.toPsiAll"),
            ("interface", "Reading.Sensor"),
            ("method", "Sensor.sample"),
            ("enum", "Reading.Unit"),
        ],
        ("toPsi", 12),  # the Javadoc above the annotation
        ("toPsi", 3),  # `Reading::toPsi` counts
    ),
    "gauge.c": (
        [
            ("constant", "MAX_BARS"),
            ("struct", "reading"),
            ("type", "reading_t"),
            ("enum", "unit"),
            ("variable", "scale"),
            ("function", "to_psi"),
            ("function", "to_psi_rounded"),
            ("function", "to_psi_all"),
        ],
        ("to_psi", 14),
        ("to_psi", 3),
    ),
    "gauge.cpp": (
        [
            ("namespace", "gauge"),
            ("class", "gauge.Reading"),
            ("method", "Reading.Reading"),
            ("method", "Reading.toPsiRounded"),
            ("method", "Reading.toPsi"),  # `Reading::toPsi`, defined outside the class
            ("function", "gauge.toPsiAll"),
        ],
        ("Reading", 4),
        ("toPsi", 4),
    ),
    "Gauge.cs": (
        [
            ("namespace", "Gauges"),
            ("class", "Gauges.Reading"),
            ("method", "Reading.Reading"),
            ("method", "Reading.ToPsi"),
            ("method", "Reading.ToPsiRounded"),
            ("method", "Reading.ToPsiAll"),  # its local function `Local` is not listed
            ("interface", "Gauges.ISensor"),
            ("method", "ISensor.Sample"),
            ("enum", "Gauges.Unit"),
            ("struct", "Gauges.Calibration"),
        ],
        ("ToPsi", 11),
        ("ToPsi", 3),
    ),
    "gauge.rb": (
        [
            ("module", "Gauges"),
            ("constant", "Gauges.UNIT"),
            ("class", "Gauges.Reading"),
            ("method", "Reading.initialize"),
            ("method", "Reading.to_psi"),
            ("method", "Reading.to_psi_rounded"),
            ("method", "Reading.to_psi_all"),
            ("function", "describe"),
        ],
        ("to_psi", 12),
        ("to_psi", 4),  # the call inside "#{…}" counts, "(to_psi)" does not
    ),
    "gauge.php": (
        [
            ("class", "Reading"),
            ("constant", "Reading.UNIT"),
            ("method", "Reading.__construct"),
            ("method", "Reading.toPsi"),
            ("method", "Reading.toPsiRounded"),
            ("interface", "Sensor"),
            ("method", "Sensor.sample"),
            ("function", "toPsiAll"),
        ],
        ("toPsi", 10),
        ("toPsi", 3),  # the variable `$toPsi` is another token
    ),
    "gauge.lua": (
        [
            ("variable", "Reading"),
            ("function", "Reading.to_psi"),
            ("method", "Reading.to_psi_rounded"),  # `function Reading:to_psi_rounded()`
            ("function", "to_psi_all"),  # its `local out` is local
            ("variable", "MAX_BARS"),
        ],
        ("to_psi", 4),
        ("to_psi", 3),
    ),
    "gauge.sh": (
        [
            ("variable", "UNIT"),
            ("function", "to_psi"),  # its `local bars` is local
            ("function", "to_psi_all"),
            ("function", "describe"),
        ],
        ("to_psi", 6),
        ("to_psi", 3),  # `$(to_psi 2)` inside a string is a call; "to_psi done" is text
    ),
}

# A syntax error on line 2 in each language; tree-sitter reports it with its line.
BROKEN = {
    "gauge.rs": "fn main() {\n    let x = (;\n}\n",
    "gauge.go": "package gauge\nfunc f( {\n}\n",
    "Reading.java": "class Reading {\n    void f() { int x = ; }\n}\n",
    "gauge.c": "int f(void) {\n    return (1;\n}\n",
    "gauge.cpp": "class A {\n    int f() { return (1; }\n};\n",
    "Gauge.cs": "class A {\n    void F() { var x = ; }\n}\n",
    "gauge.rb": "x = 1\ndef a(\n  1\nend\n",
    "gauge.php": "<?php\nfunction a( {\n}\n",
    "gauge.lua": "local function a()\n  return (1\nend\n",
    "gauge.sh": "echo ok\necho $((1 + ))\n",
}


def source(name: str) -> str:
    return (SAMPLES / name).read_text(encoding="utf-8")


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_definitions_with_their_containers(name):
    expected, _, _ = EXPECTED[name]
    symbols = extract_symbols(name, source(name))
    assert [(s.kind, s.qualified_name) for s in symbols] == expected


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_the_doc_comment_is_inside_the_range_and_selection_is_the_name(name):
    _, (documented, doc_line), _ = EXPECTED[name]
    text = source(name)
    symbol = next(s for s in extract_symbols(name, text) if s.name == documented)
    assert symbol.range.start.line == doc_line
    assert symbol.code_range is not None and symbol.code_range.start.line > doc_line
    line = text.splitlines()[symbol.selection.start.line]
    assert line[symbol.selection.start.character : symbol.selection.end.character] == documented


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_occurrences_skip_strings_comments_and_decoys(name):
    _, _, (renamed, count) = EXPECTED[name]
    text = source(name)
    spans = identifier_spans(name, text)
    assert len(spans[renamed]) == count
    lines = text.splitlines()
    for line, start, end in spans[renamed]:
        assert lines[line][start:end] == renamed
        after = lines[line][end : end + 1]
        assert not (after.isalnum() or after == "_"), "a decoy such as `to_psi_rounded` was counted"
    decoys = [other for other in spans if other != renamed and other.startswith(renamed)]
    assert decoys  # the sample has similar names, counted apart
    mentioned = sum(line.count(renamed) for line in lines)
    assert mentioned > count + len(decoys)  # and mentions in strings and comments


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_clean_samples_have_no_syntax_errors(name):
    assert syntax_errors(name, source(name)) == []


@pytest.mark.parametrize("name", sorted(BROKEN))
def test_syntax_errors_name_the_line(name):
    errors = syntax_errors(name, BROKEN[name])
    assert errors and errors[0].startswith("line 2: "), errors


def test_a_mixed_workspace_is_indexed_and_renamed_by_identifier(tmp_path):
    for name in EXPECTED:
        (tmp_path / name).write_text(source(name), encoding="utf-8")
    (tmp_path / "notes.txt").write_text("to_psi everywhere\n")
    project_map = ProjectMap(Workspace(tmp_path))
    project_map.build()
    assert project_map.files() == sorted(EXPECTED)
    found = project_map.occurrences("to_psi")
    assert {path: len(ranges) for path, ranges in found.items()} == {
        "gauge.rs": 4,
        "gauge.c": 3,
        "gauge.rb": 4,
        "gauge.lua": 3,
        "gauge.sh": 3,
    }
    assert project_map.require_symbol("Reading.ToPsi", "gauge.go").kind == "method"
    assert [s.path for s in project_map.find("Reading.toPsi")] == ["Reading.java", "gauge.cpp", "gauge.php"]
