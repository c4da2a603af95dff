from dataclasses import dataclass

import pytest
from pydantic import BaseModel

from outrigger.errors import Refused
from outrigger.guards.fences import strip_fences
from outrigger.guards.stats import RepairStats
from outrigger.guards.structured import extract_json, structured_reply

CODE = "function add(a, b) {\n  return a + b;\n}"


# --- fences -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "reply",
    [
        f"```javascript\n{CODE}\n```",
        f"```js\n{CODE}\n```",
        f"```\n{CODE}\n```",
        f"~~~js\n{CODE}\n~~~",
        f"````js\n{CODE}\n````",
        f"\n\n  ```javascript\n{CODE}\n```\n\n",
        f"```javascript\r\n{CODE.replace(chr(10), chr(13) + chr(10))}\r\n```\r\n",
        f"Here is the updated code:\n```javascript\n{CODE}\n```\nThis adds a docstring.",
        f"Here is the code with `add` fixed (see below):\n\n```js\n{CODE}\n```\n",
        f"```javascript\n{CODE}\n",  # truncated: the closing fence never came
        f"Sure! Here it is:\n```js\n{CODE}",
        f"```js\n{CODE}\n```\nUsage:\n```js\nadd(1, 2);\n```",  # the longest block wins
        f"Example:\n```js\nadd(1, 2);\n```\nThe function:\n```js\n{CODE}\n```",
    ],
)
def test_fenced_code_is_unwrapped(reply):
    stats = RepairStats()
    assert strip_fences(reply, stats).replace("\r\n", "\n") == CODE
    assert stats.fences_stripped == 1


def test_four_backtick_fence_keeps_inner_fences():
    inner = '"""Docs.\n\n```python\nf()\n```\n"""'
    assert strip_fences(f"````python\n{inner}\n````") == inner


@pytest.mark.parametrize(
    "code",
    [
        CODE,
        "  indented = True\n",
        "\n\ndef f():\n    pass\n",
        'def f():\n    """Example:\n\n```python\nf()\n```\n    """\n',
        'HELP = """\n```bash\nrun it\n```\n"""\nprint(HELP)\n',
        "const help = `\n```js\nx()\n```\n`;\n",
        "```\n```",  # nothing inside: nothing to unwrap
        "/*\n```js\nx()\n```\n*/\nrun();\n",
    ],
)
def test_unfenced_code_passes_through(code):
    stats = RepairStats()
    assert strip_fences(code, stats) == code
    assert stats.fences_stripped == 0


# --- JSON ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        '{"kind": "edit", "target": "add"}',
        '```json\n{"kind": "edit", "target": "add"}\n```',
        'Here is the plan:\n{"kind": "edit", "target": "add"}\nLet me know!',
        '{"kind": "edit", "target": "add",}',
        "{'kind': 'edit', 'target': 'add'}",
        '{"kind": "edit", "target": "add"',
        '{"kind": "edit", "target": "add"} {"kind": "question"}',
        '[{"kind": "edit", "target": "add"}]',
    ],
)
def test_extract_json_recovers_the_object(text):
    assert extract_json(text) == {"kind": "edit", "target": "add"}


def test_extract_json_keeps_nested_objects_whole():
    assert extract_json('{"a": {"b": 1}, "c": [1, 2,],}') == {"a": {"b": 1}, "c": [1, 2]}


@pytest.mark.parametrize("text", ["", "I cannot help with that.", "[1, 2, 3]", '"edit"'])
def test_extract_json_without_an_object_raises(text):
    with pytest.raises(ValueError):
        extract_json(text)


# --- structured replies -------------------------------------------------------------------


class Plan(BaseModel):
    kind: str
    target: str
    path: str | None = None


@dataclass
class Reply:
    text: str


class ScriptedModel:
    """Answers each chat call with the next scripted reply and records what it was sent."""

    def __init__(self, *replies: str):
        self.replies = list(replies)
        self.calls: list[tuple[list[dict], dict | None]] = []

    async def chat(self, messages, *, json_schema=None, max_tokens=None, variant=0):
        self.calls.append((messages, json_schema))
        return Reply(self.replies.pop(0))


MESSAGES = [{"role": "user", "content": "add a docstring to add"}]


async def test_valid_reply_needs_no_repair():
    model, stats = ScriptedModel('{"kind": "edit", "target": "add", "path": "a.js"}'), RepairStats()
    plan = await structured_reply(model, MESSAGES, Plan, stats)
    assert plan == Plan(kind="edit", target="add", path="a.js")
    assert model.calls[0][1] == Plan.model_json_schema()
    assert stats == RepairStats()


async def test_missing_optional_field_takes_its_default():
    model, stats = ScriptedModel('{"kind": "edit", "target": "add"}'), RepairStats()
    assert (await structured_reply(model, MESSAGES, Plan, stats)).path is None
    assert stats == RepairStats()


@pytest.mark.parametrize(
    "reply",
    [
        '```json\n{"kind": "edit", "target": "add"}\n```',
        'Sure, here is the plan: {"kind": "edit", "target": "add"} Hope this helps.',
        '{"kind": "edit", "target": "add",}',
        '{"kind": "edit", "target": "add"',
    ],
)
async def test_bad_json_is_repaired_without_a_second_call(reply):
    model, stats = ScriptedModel(reply), RepairStats()
    assert await structured_reply(model, MESSAGES, Plan, stats) == Plan(kind="edit", target="add")
    assert len(model.calls) == 1
    assert stats.as_dict() == {
        "fences_stripped": 0,
        "json_invalid": 1,
        "json_retried": 0,
        "json_repaired": 1,
        "json_failed": 0,
    }


async def test_retry_quotes_the_error_and_restates_the_schema():
    model, stats = ScriptedModel('{"kind": "edit"}', '{"kind": "edit", "target": "add"}'), RepairStats()
    assert await structured_reply(model, MESSAGES, Plan, stats) == Plan(kind="edit", target="add")

    retry_messages = model.calls[1][0]
    assert retry_messages[:1] == MESSAGES
    assert retry_messages[1] == {"role": "assistant", "content": '{"kind": "edit"}'}
    assert "target: Field required" in retry_messages[2]["content"]
    assert "Reply with only a JSON object matching this schema" in retry_messages[2]["content"]
    assert MESSAGES == [{"role": "user", "content": "add a docstring to add"}]
    assert (stats.json_invalid, stats.json_retried, stats.json_repaired, stats.json_failed) == (1, 1, 0, 0)


async def test_retried_reply_is_repaired_permissively():
    model = ScriptedModel("I think you want an edit.", 'Plan: {"kind": "edit", "target": "add",}')
    stats = RepairStats()
    assert await structured_reply(model, MESSAGES, Plan, stats) == Plan(kind="edit", target="add")
    assert (stats.json_invalid, stats.json_retried, stats.json_repaired, stats.json_failed) == (2, 1, 1, 0)


async def test_refuses_when_every_path_fails():
    model, stats = ScriptedModel("no idea", '{"kind": "edit"}'), RepairStats()
    with pytest.raises(Refused, match=r"^The model did not return a usable plan: target: Field required\.$"):
        await structured_reply(model, MESSAGES, Plan, stats, schema_name="plan")
    assert len(model.calls) == 2
    assert (stats.json_invalid, stats.json_retried, stats.json_repaired, stats.json_failed) == (2, 1, 0, 1)


def test_stats_merge_adds_counts():
    total = RepairStats(fences_stripped=1, json_failed=1)
    total.merge(RepairStats(fences_stripped=2, json_retried=1))
    assert total == RepairStats(fences_stripped=3, json_retried=1, json_failed=1)


def test_prose_that_mentions_code_is_still_dropped():
    reply = f"I changed a; b = 1 to {{a, b}}:\n```js\n{CODE}\n```\nNow x = add(1, 2); works."
    assert strip_fences(reply) == CODE
