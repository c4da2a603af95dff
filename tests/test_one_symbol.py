"""One symbol is one symbol (issue 20): a stub and its implementation, a re-export built from
a definition, and a test's own helper of the same name do not make a name ambiguous; files
are found by the names people give them. Small fixture workspaces written for these tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from agent_helpers import make_agent
from outrigger.errors import Refused
from outrigger.workspace import ProjectMap, Workspace

WEATHER = {
    "weather/__init__.py": (
        "from weather.units import to_kelvin, celsius\n\n__all__ = ['to_kelvin', 'celsius']\n"
        '__all__ += ["celsius"]  # listed twice: both go\n'
    ),
    "weather/units.py": (
        '__all__ = ("to_kelvin", "celsius")\n\n\n'
        "def to_kelvin(degrees):\n    return degrees + 273.15\n\n\n"
        "def celsius(fahrenheit):\n    return (fahrenheit - 32) * 5 / 9\n"
    ),
    "weather/units.pyi": "def to_kelvin(degrees: float) -> float: ...\ndef celsius(fahrenheit: float) -> float: ...\n",
    "weather/cached.py": (
        "from functools import lru_cache\n\nfrom weather import units\n\nto_kelvin = lru_cache(units.to_kelvin)\n"
    ),
    "weather/report.py": "from weather.units import to_kelvin\n\n\ndef line(d):\n    return f'{to_kelvin(d)} K'\n",
    "tests/test_units.py": (
        "from weather.units import to_kelvin\n\n\n"
        "def celsius(value):\n    return round(value, 1)\n\n\n"
        "def test_freezing():\n    assert celsius(to_kelvin(0)) == 273.1\n"
    ),
    "tests/units.py": "SAMPLE = [1, 2, 3]\n",
    "stations/alpine/station.py": "def read(sensor):\n    return sensor.value\n",
    "stations/coastal/station.py": "def read(sensor):\n    return sensor.value * 2\n",
    "stations/coastal/tides.py": "def high():\n    return 2\n",
}


def workspace(tmp_path: Path, files: dict[str, str]) -> Path:
    for path, text in files.items():
        (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / path).write_text(text)
    return tmp_path


def project_map(root: Path) -> ProjectMap:
    built = ProjectMap(Workspace(root))
    built.build()
    return built


# -- file names as people say them ---------------------------------------------------------


def test_a_base_name_one_non_test_file_has_is_that_file(tmp_path):
    pm = project_map(workspace(tmp_path, WEATHER))
    assert pm.require_file("units.py") == "weather/units.py"  # tests/units.py is the tests'
    assert pm.require_file("coastal/station.py") == "stations/coastal/station.py"


def test_a_module_path_is_its_file(tmp_path):
    pm = project_map(workspace(tmp_path, WEATHER))
    assert pm.require_file("weather.report") == "weather/report.py"
    assert pm.require_file("weather.units") == "weather/units.py"  # not its stub


def test_a_path_from_the_open_files_folder(tmp_path):
    pm = project_map(workspace(tmp_path, WEATHER))
    assert pm.require_file("station.py", near="stations/coastal/tides.py") == "stations/coastal/station.py"


def test_two_files_that_fit_are_refused_with_both(tmp_path):
    pm = project_map(workspace(tmp_path, WEATHER))
    with pytest.raises(Refused) as refused:
        pm.require_file("station.py")
    assert "stations/alpine/station.py" in str(refused.value) and "stations/coastal/station.py" in str(refused.value)


async def test_a_request_naming_a_module_edits_that_file(tmp_path, fake_model):
    root = workspace(tmp_path, WEATHER)
    fake_model.script('def line(d):\n    """One reading as text, in kelvin."""\n    return f\'{to_kelvin(d)} K\'\n')
    agent = make_agent(root, fake_model.base_url, context_window=8192)
    agent.settings.tests.run = "never"
    for request in ("could you document line in weather.report", "document line in report.py"):
        fake_model.script('def line(d):\n    """One reading as text, in kelvin."""\n    return f\'{to_kelvin(d)} K\'\n')
        outcome = await agent.ask(request)
        assert outcome.kind == "edit", outcome.message
        assert [e.path for e in outcome.edits] == ["weather/report.py"]


# -- a stub, a re-export, a test's helper: one symbol ----------------------------------------


async def test_renaming_a_stubbed_function_changes_stub_implementation_and_re_export(tmp_path, fake_model):
    root = workspace(tmp_path, WEATHER)
    agent = make_agent(root, fake_model.base_url)
    agent.settings.tests.run = "never"
    outcome = await agent.ask("to_kelvin should be called kelvin_from_celsius everywhere")
    assert outcome.kind == "edit", outcome.message
    texts = {e.path: e.new_text for e in outcome.edits}
    assert set(texts) >= {"weather/units.py", "weather/units.pyi", "weather/cached.py", "weather/report.py"}
    assert "def kelvin_from_celsius(degrees: float)" in texts["weather/units.pyi"]
    assert "kelvin_from_celsius = lru_cache(units.kelvin_from_celsius)" in texts["weather/cached.py"]
    assert all("to_kelvin" not in text for text in texts.values())
    assert fake_model.requests() == []


async def test_a_tests_own_helper_does_not_make_the_library_function_ambiguous(tmp_path, fake_model):
    root = workspace(tmp_path, WEATHER)
    agent = make_agent(root, fake_model.base_url)
    agent.settings.tests.run = "never"
    fake_model.script(
        'def celsius(fahrenheit):\n    """Fahrenheit to Celsius."""\n    return (fahrenheit - 32) * 5 / 9\n'
    )
    outcome = await agent.ask("celsius could use a docstring")
    assert outcome.kind == "edit", outcome.message
    assert [e.path for e in outcome.edits] == ["weather/units.py"]  # the implementation, not the stub
    line = outcome.plan.describe()
    assert "weather/units.py" in line and "tests/test_units.py" in line and "left alone" in line


async def test_renaming_past_a_tests_helper_leaves_the_helper(tmp_path, fake_model):
    root = workspace(tmp_path, WEATHER)
    agent = make_agent(root, fake_model.base_url)
    agent.settings.tests.run = "never"
    outcome = await agent.ask("rename celsius to from_fahrenheit")
    assert outcome.kind == "edit", outcome.message
    paths = {e.path for e in outcome.edits}
    assert "tests/test_units.py" not in paths and {"weather/units.py", "weather/units.pyi"} <= paths


async def test_a_rename_changes_the_names_listed_in_dunder_all(tmp_path, fake_model):
    root = workspace(tmp_path, WEATHER)
    agent = make_agent(root, fake_model.base_url)
    agent.settings.tests.run = "never"
    outcome = await agent.ask("please rename celsius to from_fahrenheit")
    assert outcome.kind == "edit", outcome.message
    texts = {e.path: e.new_text for e in outcome.edits}
    assert texts["weather/units.py"].startswith('__all__ = ("to_kelvin", "from_fahrenheit")\n')
    package = texts["weather/__init__.py"]
    assert "__all__ = ['to_kelvin', 'from_fahrenheit']" in package
    assert '__all__ += ["from_fahrenheit"]  # listed twice: both go' in package
    assert "'celsius'" not in package and '"celsius"' not in package


async def test_a_request_about_the_tests_means_the_tests_helper(tmp_path, fake_model):
    pm = project_map(workspace(tmp_path, WEATHER))
    assert pm.require_symbol("celsius", None).path == "weather/units.py"
    assert pm.require_symbol("celsius", None, tests=True).path == "tests/test_units.py"


async def test_two_real_implementations_are_still_ambiguous(tmp_path, fake_model):
    root = workspace(tmp_path, WEATHER)
    agent = make_agent(root, fake_model.base_url)
    outcome = await agent.ask("rename read to read_sensor")
    assert outcome.kind == "refused" and "defined 2 times" in outcome.message


async def test_typescript_declarations_and_c_headers_rename_with_their_code(tmp_path, fake_model):
    root = workspace(
        tmp_path,
        {
            "lib/index.js": "export function slugify(s) { return s.toLowerCase(); }\n",
            "lib/index.d.ts": "export declare function slugify(s: string): string;\n",
            "lib/use.js": "import { slugify } from './index.js';\nexport const title = slugify('A B');\n",
            "geo/geo.h": "double disc_area(double r);\n",
            "geo/geo.c": '#include "geo.h"\ndouble disc_area(double r) { return 3.14159 * r * r; }\n',
            "geo/main.c": '#include "geo.h"\nint main(void) { return disc_area(1.0) > 3 ? 0 : 1; }\n',
        },
    )
    agent = make_agent(root, fake_model.base_url)
    agent.settings.tests.run = "never"
    slug = await agent.ask("rename slugify to to_slug")
    assert slug.kind == "edit", slug.message
    assert {e.path for e in slug.edits} == {"lib/index.js", "lib/index.d.ts", "lib/use.js"}
    area = await agent.ask("rename disc_area to circle_area")
    assert area.kind == "edit", area.message
    assert {e.path for e in area.edits} == {"geo/geo.h", "geo/geo.c", "geo/main.c"}


def test_a_plan_with_a_symbol_in_the_file_slot_names_that_symbol(tmp_path):
    from outrigger.plan import Intent, Plan
    from outrigger.planner import _files_named

    pm = project_map(workspace(tmp_path, WEATHER))
    odd = _files_named(Plan(intent=Intent.FIX, symbol="read", file="stations.coastal.station"), pm, None)
    assert odd.file == "stations/coastal/station.py"  # a module path, not a symbol
    slot = _files_named(Plan(intent=Intent.FIX, symbol="to_kelvin", file="to_kelvin"), pm, None)
    assert (slot.symbol, slot.file) == ("to_kelvin", None)


# -- a test's helper of the same name, in other languages ----------------------------------

TWINS = {
    "javascript": (
        {
            "lib/pad.js": "function pad(s, n) {\n  return s.padStart(n);\n}\nmodule.exports = { pad };\n",
            "test/label.test.js": (
                "const lib = require('../lib/pad');\nfunction pad(s) { return ' ' + s; }\n"
                "test('l', () => { expect(lib.pad('a', 2)).toBe(pad('a')); });\n"
            ),
        },
        "rename pad to padLeft",
        {"test/label.test.js": "expect(lib.padLeft('a', 2)).toBe(pad('a'))"},
    ),
    "typescript": (
        {
            "src/pad.ts": "export function pad(s: string, n: number): string {\n  return s.padStart(n);\n}\n",
            "test/pad.spec.ts": (
                "import { pad as libPad } from '../src/pad';\nfunction pad(s: string): string { return ' ' + s; }\n"
                "it('p', () => { expect(libPad('a', 2)).toBe(pad('a')); });\n"
            ),
        },
        "rename pad to padLeft",
        {"test/pad.spec.ts": "import { padLeft as libPad } from '../src/pad';\nfunction pad(s: string)"},
    ),
    "go": (
        {
            "go.mod": "module example.com/pad\n\ngo 1.21\n",
            "pad.go": "package pad\n\nfunc Clamp(n, lo, hi int) int {\n\treturn max(lo, min(n, hi))\n}\n",
            "pad_test.go": (
                'package pad_test\n\nimport (\n\t"testing"\n\n\t"example.com/pad"\n)\n\n'
                "func Clamp(n int) int { return n }\n\nfunc TestClamp(t *testing.T) {\n"
                "\tif pad.Clamp(100, 0, 80) != Clamp(80) {\n\t\tt.Fail()\n\t}\n}\n"
            ),
        },
        "rename Clamp to Bound",
        {
            "pad_test.go": "func Clamp(n int) int { return n }\n\nfunc TestClamp(t *testing.T) {\n\tif pad.Bound(100, 0, 80) != Clamp(80)"
        },
    ),
    "rust": (
        {
            "Cargo.toml": '[package]\nname = "padr"\nversion = "0.1.0"\nedition = "2021"\n',
            "src/lib.rs": 'pub fn pad(s: &str, n: usize) -> String {\n    format!("{:>1$}", s, n)\n}\n',
            "tests/it.rs": (
                'fn pad(s: &str) -> String {\n    format!(" {}", s)\n}\n\n#[test]\nfn pads() {\n'
                '    assert_eq!(padr::pad("a", 2), pad("a"));\n}\n'
            ),
        },
        "rename pad to pad_left",
        {
            "tests/it.rs": 'fn pad(s: &str) -> String {\n    format!(" {}", s)\n}\n\n#[test]\nfn pads() {\n    assert_eq!(padr::pad_left("a", 2), pad("a"));'
        },
    ),
}


@pytest.mark.parametrize("language", sorted(TWINS))
async def test_a_tests_own_helper_keeps_its_name_and_its_calls_in_other_languages(tmp_path, fake_model, language):
    files, request, expected = TWINS[language]
    agent = make_agent(workspace(tmp_path, files), fake_model.base_url)
    agent.settings.tests.run = "never"
    outcome = await agent.ask(request)
    assert outcome.kind == "edit", outcome.message
    texts = {e.path: e.new_text for e in outcome.edits}
    for path, start in expected.items():
        assert start in texts[path]
