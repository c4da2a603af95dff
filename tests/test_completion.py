"""Inline completion's core: context, requests per backend, and each guard on scripted bad
model output (the exact things small models write: run-on code, the suffix again, names that
do not exist, brackets left open)."""

from __future__ import annotations

from pathlib import Path

import pytest

from outrigger.completion.completer import Completer
from outrigger.completion.context import FimContext, gather
from outrigger.completion.fim import CODELLAMA, QWEN, template_for
from outrigger.completion.fitting import fitted
from outrigger.config import CompletionSettings, ModelSettings, Settings
from outrigger.guards.budget import Budget
from outrigger.model.client import ModelClient
from outrigger.spans import Position
from outrigger.workspace.files import Workspace
from outrigger.workspace.index import ProjectMap

STATS = "def average(values):\n    total = \n    return total / len(values)\n"
HELPERS = "def clamp(value, low, high):\n    return max(low, min(value, high))\n"


def make_completer(root: Path, base_url: str = "http://127.0.0.1:9", **completion: object) -> Completer:
    settings = Settings(model=ModelSettings(base_url=base_url))
    workspace = Workspace(root, settings.ignore)
    project_map = ProjectMap(workspace)
    project_map.build()
    model = ModelClient(settings.model)
    return Completer(workspace, project_map, model, CompletionSettings(**completion), embedded=False)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "stats.py").write_text(STATS)
    (tmp_path / "helpers.py").write_text(HELPERS)
    (tmp_path / "box.js").write_text("function area(w, h) {\n  \n}\n\nmodule.exports = { area };\n")
    return tmp_path


def at(completer: Completer, path: str, line: int, character: int) -> FimContext:
    context = completer.context(path, Position(line, character))
    assert context is not None
    return context


# -- context ----------------------------------------------------------------------------------


def test_context_splits_at_the_cursor_line_and_brings_signatures_from_other_files(project):
    (project / "stats.py").write_text("from helpers import clamp\n\n\ndef norm(x):\n    y = clamp(x, 0, 1)\n    \n")
    completer = make_completer(project)
    context = at(completer, "stats.py", 5, 4)
    assert context.prefix.endswith("y = clamp(x, 0, 1)\n")
    assert context.head == "    " and context.suffix == "\n"
    assert context.extras == [("helpers.py", "def clamp(value, low, high):")]


def test_a_secret_file_gets_no_completion(project):
    (project / ".env").write_text("TOKEN=abc\n")
    completer = make_completer(project)
    workspace = completer.workspace
    assert gather(workspace, {}, ".env", Position(0, 3)) is None
    assert completer.context(".env", Position(0, 3)) is None


def test_the_languages_setting_turns_completion_off_elsewhere(project):
    completer = make_completer(project, languages=["javascript"])
    assert completer.context("stats.py", Position(1, 12)) is None
    assert completer.context("box.js", Position(1, 2)) is not None
    assert make_completer(project, enabled=False).context("box.js", Position(1, 2)) is None


def test_multiline_only_where_the_block_is_empty(project):
    completer = make_completer(project)
    assert at(completer, "box.js", 1, 2).multiline
    assert not at(completer, "stats.py", 1, 12).multiline


def test_context_is_trimmed_to_the_window(project):
    long = "".join(f"value_{n} = {n}\n" for n in range(3000))
    (project / "big.py").write_text(long + "x = \n")
    completer = make_completer(project)
    context = at(completer, "big.py", 3000, 4)
    small = fitted(context, Budget(1024, 48))
    assert small is not None and small.head == "x = "
    assert len(small.prefix) < len(context.prefix) and small.prefix.endswith("value_2999 = 2999\n")


async def test_files_opened_and_edited_lately_come_into_the_prompt_never_a_secret(project, fake_model):
    (project / ".env").write_text("API_TOKEN=hunter2\n")
    (project / "units.py").write_text("".join(f"def unit_{n}(x):\n    return x * {n}\n\n" for n in range(100)))
    completer = make_completer(project, fake_model.base_url)
    completer.recent.touch("units.py", 150)  # edited near unit_50
    completer.recent.touch(".env", 0)
    completer.recent.touch("helpers.py")  # opened
    completer.recent.touch("stats.py", 1)  # the current file: not a chunk of its own
    fake_model.script("0")
    await completer.complete("stats.py", Position(1, 12))
    prompt = fake_model.requests()[0]["body"]["prompt"]

    assert "hunter2" not in prompt and ".env" not in prompt
    units = prompt.index("<|file_sep|>units.py\n")
    helpers = prompt.index("<|file_sep|>helpers.py\ndef clamp(value, low, high):")
    assert units < helpers < prompt.index("<|file_sep|>stats.py\n<|fim_prefix|>")  # the most recent nearest
    chunk = prompt[units:helpers]
    assert "def unit_50(x):" in chunk and "def unit_0(" not in chunk and chunk.count("\n") <= 34


def test_a_recent_files_chunk_stays_the_same_for_edits_near_each_other(project):
    (project / "units.py").write_text("".join(f"def unit_{n}(x):\n    return x * {n}\n\n" for n in range(100)))
    completer = make_completer(project)
    seen = set()
    for line in range(150, 156):
        completer.recent.touch("units.py", line)
        seen.add(tuple(completer.recent.chunks(completer.workspace, "stats.py")))
    assert len(seen) == 1


def test_recent_chunks_are_trimmed_before_anything_else(project):
    (project / "units.py").write_text("".join(f"def unit_{n}(x):\n    return x * {n}\n\n" for n in range(100)))
    (project / "stats.py").write_text("from helpers import clamp\n\n\ndef norm(x):\n    y = clamp(x, 0, 1)\n    \n")
    completer = make_completer(project)
    completer.recent.touch("units.py", 150)
    context = at(completer, "stats.py", 5, 4)
    assert context.recent and context.extras
    small = fitted(context, Budget(220, 48))
    assert small is not None and not small.recent and small.extras


def test_fim_templates_by_model_family():
    assert template_for("qwen2.5-coder-0.5b") is QWEN
    assert template_for("codellama:7b-code") is CODELLAMA
    prompt = QWEN.prompt("def f():\n", "\n", "    return ", [("a.py", "def g():")], "b.py")
    assert prompt == (
        "<|file_sep|>a.py\ndef g():\n<|file_sep|>b.py\n<|fim_prefix|>def f():\n<|fim_suffix|>\n<|fim_middle|>    return "
    )


# -- requests per backend ---------------------------------------------------------------------


async def test_infill_request_carries_prefix_suffix_cursor_line_and_prompt_cache(project, fake_model):
    completer = make_completer(project, fake_model.base_url, endpoint="infill")
    fake_model.script("0")
    completion = await completer.complete("stats.py", Position(1, 12))
    assert completion is not None and completion.text == "0"
    (request,) = fake_model.requests()
    body = request["body"]
    assert request["path"] == "/infill"
    assert body["input_prefix"] == "def average(values):\n"
    assert body["prompt"] == "    total = "
    assert body["input_suffix"] == "\n    return total / len(values)\n"
    assert body["cache_prompt"] is True and body["stop"] == ["\n"]


async def test_completions_request_uses_the_models_fim_tokens(project, fake_model):
    completer = make_completer(project, fake_model.base_url)
    fake_model.script("0")
    await completer.complete("stats.py", Position(1, 12))
    (request,) = fake_model.requests()
    assert request["path"] == "/v1/completions"
    assert request["body"]["prompt"] == (
        "<|fim_prefix|>def average(values):\n<|fim_suffix|>\n    return total / len(values)\n<|fim_middle|>    total ="
    )
    assert "<|endoftext|>" in request["body"]["stop"]


async def test_the_embedded_llama_cpp_server_is_asked_through_v1_completions_a_line_at_most(project, fake_model):
    """/infill evaluated the suffix again on each keystroke (single-line p50 5.5 s against
    534 ms this way); a single line stops at its line break and is capped."""
    completer = make_completer(project, fake_model.base_url)
    completer.embedded = True
    assert completer.endpoint == "completions"
    fake_model.script("0")
    await completer.complete("stats.py", Position(1, 12))
    (request,) = fake_model.requests()
    assert request["path"] == "/v1/completions"
    assert "\n" in request["body"]["stop"] and request["body"]["max_tokens"] <= 32
    assert make_completer(project, endpoint="infill").endpoint == "infill"


async def test_blanks_the_user_typed_stay_out_of_the_prompt_and_off_the_reply(project, fake_model):
    """A prompt ending in a space made the real model start inside a token ("total = " then
    "0 if …"); it writes the space itself, and the editor already has it."""
    completer = make_completer(project, fake_model.base_url)
    fake_model.script(" sum(values)", "len(values)")
    first = await completer.complete("stats.py", Position(1, 12))
    second = await completer.complete("stats.py", Position(1, 12))
    prompts = [r["body"]["prompt"] for r in fake_model.requests()]
    assert all(p.endswith("<|fim_middle|>    total =") for p in prompts)
    assert first is not None and first.text == "sum(values)"
    assert second is not None and second.text == "len(values)"


async def test_a_multiline_fill_is_bounded_in_time_on_llama_cpp(project, fake_model):
    completer = make_completer(project, fake_model.base_url)
    fake_model.script("return w * h;")
    await completer.complete("box.js", Position(1, 2))
    (request,) = fake_model.requests()
    assert request["body"]["prompt"].endswith("<|fim_middle|>")  # the indentation is the model's
    assert request["body"]["t_max_predict_ms"] > 0 and "\n" not in request["body"]["stop"]


def test_the_prefix_window_keeps_its_start_as_the_user_adds_lines(tmp_path):
    """A window that slid a line per Enter changed the prompt's first tokens each time, so the
    server evaluated the whole prompt again."""
    body = "".join(f"    value_{n} = compute(value_{n - 1}, {n})\n" for n in range(1, 400))
    starts = set()
    for added in range(12):
        text = "def run(value_0):\n" + body + "".join(f"    extra_{n} = {n}\n" for n in range(added)) + "    \n"
        (tmp_path / "long.py").write_text(text)
        completer = make_completer(tmp_path)
        context = at(completer, "long.py", text.count("\n") - 1, 4)
        assert 0 < len(context.prefix) <= 6_000 and context.prefix.endswith("\n")
        starts.add(context.prefix.split("\n", 1)[0])
    assert len(starts) <= 2


async def test_ollama_request_sends_the_suffix(project, fake_model):
    settings = Settings(model=ModelSettings(base_url=fake_model.root_url, api="ollama", name="qwen2.5-coder:0.5b"))
    workspace = Workspace(project, settings.ignore)
    project_map = ProjectMap(workspace)
    project_map.build()
    completer = Completer(workspace, project_map, ModelClient(settings.model), CompletionSettings(), embedded=False)
    fake_model.script("0")
    completion = await completer.complete("stats.py", Position(1, 12))
    assert completion is not None and completion.text == "0"
    (request,) = fake_model.requests()
    assert request["path"] == "/api/generate"
    assert request["body"]["suffix"] == "\n    return total / len(values)\n"
    assert request["body"]["prompt"].endswith("    total =")


# -- guards, on scripted bad replies ----------------------------------------------------------


def test_cut_stops_at_the_end_of_the_statement(project):
    completer = make_completer(project)
    context = at(completer, "stats.py", 1, 12)
    checked = completer.check(context, "0; count = 0")
    assert checked.text == "0" and checked.shortened_by == ("cut",)
    assert completer.check(context, "0\n    for v in values:\n").text == "0"


def test_cut_stops_at_the_end_of_the_block(project):
    (project / "stats.py").write_text("def average(values):\n    \n\nx = 1\n")
    completer = make_completer(project)
    context = at(completer, "stats.py", 1, 4)
    assert context.multiline
    checked = completer.check(context, "return sum(values) / len(values)\n\n\nprint(average([1, 2]))")
    assert checked.text == "return sum(values) / len(values)"
    assert "cut" in checked.shortened_by


def test_cut_and_repeats_keep_a_javascript_body_inside_its_braces(project):
    completer = make_completer(project)
    context = at(completer, "box.js", 1, 2)
    checked = completer.check(context, "return w * h;\n}\n\nfunction perimeter(w, h) {\n  return 2 * (w + h);\n}")
    assert checked.text == "return w * h;"


def test_a_completion_that_repeats_the_next_line_is_dropped(project):
    (project / "stats.py").write_text("def average(values):\n    total = sum(values)\n    \n    return total\n")
    completer = make_completer(project)
    context = at(completer, "stats.py", 2, 4)
    checked = completer.check(context, "return total")
    assert checked.dropped_by == "repeats" and checked.text == ""


def test_a_brace_closing_the_completions_own_block_is_not_the_files_next_line(project):
    """Seen on js_auth with the real model: `if (…) {\n return false;\n }` lost its `}` (taken
    for the function's closing brace below), and the syntax guard then dropped it all."""
    completer = make_completer(project)
    context = at(completer, "box.js", 1, 2)
    checked = completer.check(context, "if (w < 0) {\n    return 0;\n  }\n}\n")
    assert checked.text == "if (w < 0) {\n    return 0;\n  }" and checked.dropped_by is None


def test_the_rest_of_the_line_is_not_written_twice(project):
    (project / "stats.py").write_text("def size(values):\n    return len()\n")
    completer = make_completer(project)
    context = at(completer, "stats.py", 1, 15)
    checked = completer.check(context, "values)")
    assert checked.text == "values" and checked.shortened_by == ("repeats",)


def test_an_invented_name_is_dropped(project):
    completer = make_completer(project)
    context = at(completer, "stats.py", 1, 12)
    checked = completer.check(context, "compute_total(values)")
    assert checked.dropped_by == "names" and checked.invented == ("compute_total",)


def test_names_from_the_file_the_map_builtins_and_the_completion_itself_pass(project):
    completer = make_completer(project)
    context = at(completer, "stats.py", 1, 12)
    assert completer.check(context, "sum(clamp(v, 0, 1) for v in values)").dropped_by is None
    assert completer.check(context, "values.anything_at_all()").dropped_by is None  # members: not checked
    (project / "stats.py").write_text("def average(values):\n    \n")
    context = at(make_completer(project), "stats.py", 1, 4)
    checked = completer.check(context, "count = len(values)\n    return sum(values) / count")
    assert checked.dropped_by is None and checked.text.endswith("/ count")


SHAPES = """from helpers import clamp


def scaled(value, factor=2, *, limit=None):
    return value * factor


def logged(message, **fields):
    return message


class Shape:
    def __init__(self, sides, name="shape"):
        self.sides = sides
        self.name = name


class Square(Shape):
    def perimeter(self):
        return\x20


class Failure(Exception):
    def describe(self):
        return\x20
"""


@pytest.mark.parametrize(
    ("line", "completion", "invented"),
    [
        (19, "self.sides * 4", []),
        (19, "self.side_length * 4", ["side_length"]),  # Square, Shape and their file never say it
        (19, "Shape.sides_count", ["sides_count"]),
        (19, "scaled(self.sides, factor=4, limit=9)", []),
        (19, "scaled(self.sides, factr=4)", ["factr"]),  # not a parameter of the workspace's scaled
        (19, "clamp(self.sides, low=0, high=9)", []),
        (19, "clamp(self.sides, lo=0, hi=9)", ["lo", "hi"]),
        (19, "logged('x', anything=1)", []),  # **fields takes any keyword
        (19, "self.__class__.__name__", []),
        (24, "self.message_text", []),  # Exception's members are not the map's to know
        (24, "print(self, sep=' ', flush=True)", []),  # not the workspace's function
    ],
)
def test_members_and_keyword_arguments_the_map_knows_are_checked(project, line, completion, invented):
    (project / "shapes.py").write_text(SHAPES)
    completer = make_completer(project)
    context = at(completer, "shapes.py", line, 15)
    checked = completer.check(context, completion)
    assert list(checked.invented) == invented
    assert not any(name in checked.text for name in invented)
    assert (checked.dropped_by is None) == (not invented)


def test_a_member_the_completion_assigns_is_its_own(project):
    (project / "shapes.py").write_text(
        SHAPES.replace("        return \n\n\nclass Failure", "        \n\n\nclass Failure")
    )
    completer = make_completer(project)
    context = at(completer, "shapes.py", 19, 8)
    checked = completer.check(context, "self.total = self.sides * 4\n        return self.total")
    assert checked.invented == () and checked.text.endswith("return self.total")


def test_a_go_package_imported_by_path_is_a_known_name(project):
    """Found on go_orchard with the real model: `fmt` (imported as "fmt", a string) was taken
    for an invented name when the hidden body was its only use."""
    (project / "report.go").write_text(
        'package harvest\n\nimport (\n\t"fmt"\n\t"net/http"\n\t"gopkg.in/yaml.v3"\n)\n\nfunc Report() {\n\t\n}\n'
    )
    completer = make_completer(project)
    context = at(completer, "report.go", 9, 1)
    for used in ('fmt.Println("x")', "_ = http.StatusOK", "_ = yaml.Marshal"):
        assert completer.check(context, used).invented == (), used
    assert completer.check(context, "_ = json.Marshal").invented == ("json",)


def test_a_block_is_shortened_to_before_the_line_with_an_invented_name(project):
    (project / "stats.py").write_text("def average(values):\n    \n")
    completer = make_completer(project)
    context = at(completer, "stats.py", 1, 4)
    checked = completer.check(context, "total = sum(values)\n    return mean_of(total)")
    assert checked.text == "total = sum(values)"
    assert checked.shortened_by == ("names",) and checked.invented == ("mean_of",)


def test_a_completion_that_breaks_the_syntax_is_dropped(project):
    completer = make_completer(project)
    context = at(completer, "stats.py", 1, 12)
    checked = completer.check(context, "(values]")
    assert checked.dropped_by == "syntax"


def test_a_block_that_leaves_a_bracket_open_is_shortened(project):
    completer = make_completer(project)
    context = at(completer, "box.js", 1, 2)
    checked = completer.check(context, "const a = w * h;\n  return Math.max(a,")
    assert checked.text == "const a = w * h;" and "syntax" in checked.shortened_by


async def test_stats_count_what_each_guard_dropped(project, fake_model):
    completer = make_completer(project, fake_model.base_url)
    fake_model.script("compute_total(values)", "", "0")
    for _ in range(3):
        await completer.complete("stats.py", Position(1, 12))
    assert completer.stats.as_dict() == {
        "requests": 3,
        "shown": 1,
        "dropped": {"names": 1, "empty": 1},
        "shortened": {},
    }


async def test_the_reply_is_left_as_soon_as_the_block_it_fills_has_ended(project, fake_model):
    """Qwen ran on past the block into the next function for 10-14 s on two cores; the
    stream is left once the cut guard has ended it."""
    completer = make_completer(project, fake_model.base_url)
    tail = "".join(f"function f{n}(w) {{\n  return w * {n};\n}}\n\n" for n in range(20))
    fake_model.script({"content": "return w * h;\n}\n\n" + tail, "pause": 0.01})
    completion = await completer.complete("box.js", Position(1, 2))
    assert completion is not None and completion.text == "return w * h;"
    assert "f3" not in completion.raw and fake_model.streamed < 10
    assert fake_model.requests()[0]["body"]["stream"] is True


async def test_a_python_block_is_left_as_soon_as_the_next_line_starts_left_of_it(project, fake_model):
    (project / "stats.py").write_text("def average(values):\n    \n\n\ndef spread(values):\n    return 0\n")
    completer = make_completer(project, fake_model.base_url)
    # One word per event: the stop must come at "def", before the rest of that line arrives.
    fake_model.script(
        {"content": "return sum(values)\n\n\ndef median(values):\n    return " + "x " * 40, "pause": 0.01}
    )
    completion = await completer.complete("stats.py", Position(1, 4))
    assert completion is not None and completion.text == "return sum(values)"
    assert "median" not in completion.raw


async def test_a_single_line_is_left_at_the_end_of_its_statement(project, fake_model):
    completer = make_completer(project, fake_model.base_url)
    fake_model.script({"content": " 0; count = 0; " + "other = 1; " * 20, "pause": 0.01})
    completion = await completer.complete("stats.py", Position(1, 12))
    assert completion is not None and completion.text == "0"
    assert "other" not in completion.raw


async def test_a_call_still_open_across_lines_is_not_left_early(project, fake_model):
    completer = make_completer(project, fake_model.base_url)
    fake_model.script({"content": "return Math.max(\n    w,\n    h\n  );\n}\n", "pause": 0.01})
    completion = await completer.complete("box.js", Position(1, 2))
    assert completion is not None and completion.text == "return Math.max(\n    w,\n    h\n  );"


async def test_a_reply_cut_off_at_the_limit_loses_its_unfinished_line(project, fake_model):
    completer = make_completer(project, fake_model.base_url)
    fake_model.script({"content": "const a = w * h;\n  return a * fact", "finish_reason": "length"})
    completion = await completer.complete("box.js", Position(1, 2))
    assert completion is not None and completion.text == "const a = w * h;"
