"""A task whose change turns the project's tests red gets one more try: the step the failure
points at is done again, told which test failed and how (and the code at the places the failure
names), then the tests run again. Still red: refused as before, nothing changed."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from agent_helpers import apply, make_agent

SHELF_PY = """\
from dataclasses import dataclass


@dataclass
class Plant:
    name: str
    water_every_days: int


def needs_water(plant, days_dry):
    return days_dry >= plant.water_every_days
"""

TEST_SHELF_PY = """\
from shelf import Plant, needs_water


def test_a_cactus_can_wait():
    assert not needs_water(Plant("cactus", 14), 3)
"""


@pytest.fixture
def garden(tmp_path: Path) -> Path:
    root = tmp_path / "garden"
    (root / "tests").mkdir(parents=True)
    (root / "shelf.py").write_text(SHELF_PY)
    (root / "tests/test_shelf.py").write_text(TEST_SHELF_PY)
    (root / "pytest.ini").write_text("[pytest]\npythonpath = .\n")
    return root


async def test_a_created_test_file_that_fails_is_written_again_with_the_failure(garden, fake_model):
    wrong = (
        "from shelf import needs_water\n\n\ndef test_thirsty():\n"
        '    assert needs_water({"name": "fern", "water_every_days": 2}, 5)\n'
    )
    right = (
        'from shelf import Plant, needs_water\n\n\ndef test_thirsty():\n    assert needs_water(Plant("fern", 2), 5)\n'
    )
    fake_model.script(wrong, right)
    agent = make_agent(garden, fake_model.base_url)

    outcome = await agent.ask("write tests/test_watering.py with a pytest test for needs_water")

    assert outcome.kind == "edit", outcome.message
    [edit] = outcome.edits
    assert edit.kind == "create" and edit.new_text == right
    assert any("pass with this change" in note for note in outcome.notes)
    retry = fake_model.bodies()[1]["messages"]
    assert retry[-2] == {"role": "assistant", "content": wrong}
    told = retry[-1]["content"]
    assert "FAILED tests/test_watering.py::test_thirsty" in told and "AttributeError" in told
    assert "shelf.py:11 is `return days_dry >= plant.water_every_days`" in told
    apply(agent, outcome)


KENNEL_JS = """\
function feed(dog) {
  dog.fed = true;
  return dog;
}

module.exports = { feed };
"""

WALKS_JS = """\
const { feed } = require("./kennel");

function morning(dog) {
  feed(dog);
  dog.walked = true;
  return dog;
}

module.exports = { morning };
"""

WALKS_TEST = """\
const test = require("node:test");
const assert = require("node:assert");
const { morning } = require("../src/walks");

test("a morning feeds and walks the dog", () => {
  const dog = morning({ name: "Rex" });
  assert.strictEqual(dog.walked, true);
  assert.strictEqual(
    dog.fed,
    true,
  );
});
"""


@pytest.fixture
def kennel(tmp_path: Path) -> Path:
    root = tmp_path / "kennel"
    (root / "src").mkdir(parents=True)
    (root / "test").mkdir()
    (root / "src/kennel.js").write_text(KENNEL_JS)
    (root / "src/walks.js").write_text(WALKS_JS)
    (root / "test/walks.test.js").write_text(WALKS_TEST)
    (root / "package.json").write_text(json.dumps({"name": "kennel", "scripts": {"test": "node --test"}}))
    return root


async def test_a_failing_assertion_in_an_existing_test_redoes_the_first_step(kennel, fake_model):
    fake_model.script(
        "function brush(dog) {\n  dog.fed = false;\n  return dog;\n}\n",
        "function morning(dog) {\n  feed(dog);\n  brush(dog);\n  dog.walked = true;\n  return dog;\n}\n",
        "function brush(dog) {\n  dog.brushed = true;\n  return dog;\n}\n",
    )
    agent = make_agent(kennel, fake_model.base_url)

    outcome = await agent.ask("add brush(dog) to src/kennel.js and call it from morning in src/walks.js")

    assert outcome.kind == "edit", outcome.message
    texts = {edit.path: edit.new_text for edit in outcome.edits}
    assert "dog.brushed = true" in texts["src/kennel.js"] and "dog.fed = false" not in texts["src/kennel.js"]
    told = fake_model.bodies()[2]["messages"][-1]["content"]
    assert "failed: a morning feeds and walks the dog (test/walks.test.js:5:1)" in told
    assert "test/walks.test.js:8 is `assert.strictEqual( dog.fed, true, );`" in told  # the whole statement
    assert "Fix `brush`" in told


async def test_a_task_still_failing_after_its_retry_is_refused(kennel, fake_model):
    fake_model.script(
        "function brush(dog) {\n  dog.fed = false;\n  return dog;\n}\n",
        "function morning(dog) {\n  feed(dog);\n  brush(dog);\n  dog.walked = true;\n  return dog;\n}\n",
        "function brush(dog) {\n  dog.fed = 0;\n  return dog;\n}\n",
    )
    agent = make_agent(kennel, fake_model.base_url)

    outcome = await agent.ask("add brush(dog) to src/kennel.js and call it from morning in src/walks.js")

    assert outcome.kind == "refused", outcome.message
    assert "failed: a morning feeds and walks the dog" in outcome.message and "0 !== true" in outcome.message
    assert len(fake_model.requests()) == 3
    assert (kennel / "src/kennel.js").read_text() == KENNEL_JS


CARE_PY = """\
from shelf import needs_water


def care_list(plants, days_dry):
    lines = []
    for plant in plants:
        if needs_water(plant, days_dry):
            lines.append(f"water {plant.name}")
    return lines
"""

CARE_WITH_REPOTTING = """\
def care_list(plants, days_dry):
    lines = []
    for plant in plants:
        if needs_water(plant, days_dry):
            lines.append(f"water {plant.name}")
        if is_big(plant, 40):
            lines.append(f"repot {plant.name}")
    return lines
"""


async def test_a_new_function_called_as_a_method_is_sent_back_before_the_tests(garden, fake_model):
    (garden / "care.py").write_text(CARE_PY)
    fake_model.script(
        "def is_big(plant, height):\n    return len(plant.name) > height\n",
        CARE_WITH_REPOTTING.replace("is_big(plant, 40)", "plant.is_big(40)"),
        CARE_WITH_REPOTTING,
    )
    agent = make_agent(garden, fake_model.base_url)

    outcome = await agent.ask("add an is_big(plant, height) function to shelf.py and use it in care_list in care.py")

    assert outcome.kind == "edit", outcome.message
    texts = {edit.path: edit.new_text for edit in outcome.edits}
    assert "if is_big(plant, 40):" in texts["care.py"] and "from shelf import is_big" in texts["care.py"]
    second, third = (body["messages"][-1]["content"] for body in fake_model.bodies()[1:])
    assert "call it as `is_big(plant, height)`" in second  # the fact says how a call looks
    assert "`plant.is_big(40)` calls `is_big` as a method of `plant`" in third
    assert "write `is_big(plant, 40)` instead" in third


async def test_a_call_with_the_wrong_number_of_arguments_is_refused_after_its_retry(garden, fake_model):
    (garden / "care.py").write_text(CARE_PY)
    wrong = CARE_WITH_REPOTTING.replace("is_big(plant, 40)", "is_big(plant)")
    fake_model.script("def is_big(plant, height):\n    return len(plant.name) > height\n", wrong, wrong)
    agent = make_agent(garden, fake_model.base_url)

    outcome = await agent.ask("add an is_big(plant, height) function to shelf.py and use it in care_list in care.py")

    assert outcome.kind == "refused"
    assert "`is_big(plant)` passes 1 argument but `def is_big(plant, height)` takes 2" in outcome.message
    assert len(fake_model.requests()) == 3


async def test_a_created_test_file_cut_off_at_the_limit_is_asked_for_once_more_shorter(garden, fake_model):
    endless = "from shelf import Plant, needs_water\n\n\n" + "".join(
        f"def test_dry_{n}():\n    assert needs_water(Plant('fern', 1), {n})\n\n\n" for n in range(1, 30)
    )
    short = "from shelf import Plant, needs_water\n\n\ndef test_dry():\n    assert needs_water(Plant('fern', 1), 2)\n"
    fake_model.script({"content": endless, "finish_reason": "length"}, short)
    agent = make_agent(garden, fake_model.base_url)
    agent.guards.project_tests = False

    outcome = await agent.ask("write tests/test_dry.py with a few pytest tests for needs_water")

    assert outcome.kind == "edit", outcome.message
    assert [edit.new_text for edit in outcome.edits] == [short]
    retry = fake_model.bodies()[1]["messages"][-1]["content"]
    assert "cut off at the length limit" in retry and "at most 5 short tests" in retry


async def test_a_new_file_importing_a_module_the_workspace_lacks_is_asked_for_once_more(kennel, fake_model):
    invented = (
        'const test = require("node:test");\nconst assert = require("node:assert");\n'
        'const { feed } = require("../src/kennel");\nconst { DOGS } = require("../src/dogs");\n\n'
        'test("feeds", () => {\n  assert.strictEqual(feed({}).fed, true);\n});\n'
    )
    fixed = invented.replace('const { DOGS } = require("../src/dogs");\n', "")
    fake_model.script(invented, fixed)
    agent = make_agent(kennel, fake_model.base_url)
    agent.guards.project_tests = False

    outcome = await agent.ask("create test/feed.test.js with node:test tests for feed")

    assert outcome.kind == "edit", outcome.message
    assert [edit.new_text for edit in outcome.edits] == [fixed]
    told = fake_model.bodies()[1]["messages"][-1]["content"]
    assert "test/feed.test.js imports `../src/dogs`, which the workspace does not have" in told


async def test_a_pytest_fixture_used_as_a_value_is_sent_back_before_the_tests(garden, fake_model):
    fixture = "import pytest\n\nfrom shelf import Plant, needs_water\n\n\n@pytest.fixture\ndef fern():\n    return Plant('fern', 2)\n\n\n"
    wrong = fixture + "def test_dry():\n    assert needs_water(fern, 5)\n"
    right = fixture + "def test_dry(fern):\n    assert needs_water(fern, 5)\n"
    fake_model.script(wrong, right)
    agent = make_agent(garden, fake_model.base_url)
    agent.guards.project_tests = False

    outcome = await agent.ask("write tests/test_fern.py with a pytest test for needs_water")

    assert outcome.kind == "edit", outcome.message
    assert [edit.new_text for edit in outcome.edits] == [right]
    told = fake_model.bodies()[1]["messages"][-1]["content"]
    assert "`test_dry` uses the fixture `fern` without taking it as a parameter" in told
    assert "`def test_dry(fern):`" in told
