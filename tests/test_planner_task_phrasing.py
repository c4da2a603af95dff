"""Task wording as people shorten it, planned without the model: "a test"/"a unit test" for a
function in a file that does not exist yet is that file created (as "write tests for X in …"
is), and "update callers" without "the" names the callers (as "update the callers" does)."""

from __future__ import annotations

from pathlib import Path

import pytest

from outrigger.plan import Intent, StepAction
from outrigger.workspace.index import ProjectMap
from planning_helpers import map_of, plan_without_model

SHIPPING = """\
export function parcelWeight(items) {
  return items.reduce((sum, item) => sum + item.grams, 0);
}

export function label(order) {
  return `${order.id}: ${parcelWeight(order.items)} g`;
}
"""


@pytest.fixture
def project(tmp_path: Path) -> ProjectMap:
    return map_of(tmp_path, {"src/shipping.js": SHIPPING})


async def plan(project: ProjectMap, request: str):
    return await plan_without_model(project, request)


@pytest.mark.parametrize(
    "request_text",
    [
        "add a test for parcelWeight in test/parcel.test.js",
        "write a unit test for parcelWeight to test/parcel.test.js",
        "create a couple of tests for parcelWeight in test/parcel.test.js",
    ],
)
async def test_a_test_for_a_function_in_a_new_file_creates_the_file(project, request_text):
    decided = await plan(project, request_text)
    assert decided.intent is Intent.TASK
    assert [(s.action, s.file) for s in decided.steps] == [(StepAction.CREATE, "test/parcel.test.js")]


@pytest.mark.parametrize(
    "request_text",
    [
        "make parcelWeight take a `unit` argument and update callers",
        "give parcelWeight a `unit` parameter, then fix call sites",
    ],
)
async def test_callers_without_the_are_the_callers_of_the_changed_function(project, request_text):
    decided = await plan(project, request_text)
    assert decided.intent is Intent.TASK
    assert [(s.action, s.symbol) for s in decided.steps] == [
        (StepAction.EDIT, "parcelWeight"),
        (StepAction.EDIT_CALLERS, "parcelWeight"),
    ]


@pytest.mark.parametrize(
    "request_text",
    [
        "rename parcelWeight to totalGrams and update callers",
        "rename parcelWeight to totalGrams, then fix the call sites",
    ],
)
async def test_a_rename_that_also_asks_for_its_callers_is_the_rename(project, request_text):
    """A rename changes every call already; its callers are no step of their own."""
    decided = await plan(project, request_text)
    steps = decided.steps if decided.intent is Intent.TASK else []
    assert [(s.action, s.symbol, s.new_name) for s in steps] == [(StepAction.RENAME, "parcelWeight", "totalGrams")]
