"""Members of classes are edited like any symbol (a lone method reply is read in its class), and
a model that returns the symbol unchanged is asked once more with the task stated. The scripted
replies are the shapes Qwen2.5-Coder-0.5B sends."""

from __future__ import annotations

from pathlib import Path

import pytest

from agent_helpers import make_agent

QUEUE_TS = """\
export class Queue<T> {
  private items: T[] = [];

  push(item: T): number {
    return this.items.push(item);
  }

  pop(): T | undefined {
    return this.items.shift();
  }
}

export class Stack<T> {
  private items: T[] = [];

  push(item: T): number {
    return this.items.push(item);
  }
}
"""

PUSH_WITH_DOC = """```typescript
/**
 * Adds an item to the back of the queue.
 * @returns the new length
 */
push(item: T): number {
  return this.items.push(item);
}
```"""

SCALE_PY = """\
def scale(x):
    return x * 2


def shift(x):
    return x + 1
"""


@pytest.fixture
def ts(tmp_path: Path) -> Path:
    (tmp_path / "queue.ts").write_text(QUEUE_TS)
    return tmp_path


async def test_a_typescript_method_is_documented_from_a_lone_method_reply(ts, fake_model):
    fake_model.script(PUSH_WITH_DOC)
    agent = make_agent(ts, fake_model.base_url)

    outcome = await agent.ask("document the push method of Queue")

    assert outcome.kind == "edit", outcome.message
    new_text = outcome.edits[0].new_text
    assert (
        "  /**\n   * Adds an item to the back of the queue.\n   * @returns the new length\n   */\n  push(item: T)"
        in new_text
    )
    assert new_text.count("/**") == 1  # Stack.push untouched
    assert outcome.plan.symbol == "Queue.push"


async def test_a_javascript_method_fix_from_a_lone_method_reply(tmp_path, fake_model):
    (tmp_path / "cart.js").write_text(
        "class Cart {\n  total() {\n    return this.items.length;\n  }\n}\n\nmodule.exports = { Cart };\n"
    )
    fake_model.script("total() {\n  return this.items.reduce((sum, item) => sum + item.price, 0);\n}\n")
    agent = make_agent(tmp_path, fake_model.base_url)

    outcome = await agent.ask("fix Cart.total in cart.js so it adds up the prices")

    assert outcome.kind == "edit", outcome.message
    assert "    return this.items.reduce((sum, item) => sum + item.price, 0);\n" in outcome.edits[0].new_text


async def test_an_unchanged_reply_is_asked_afresh_sampled_with_the_expected_behaviour(tmp_path, fake_model):
    (tmp_path / "math_utils.py").write_text(SCALE_PY)
    fake_model.script("def scale(x):\n    return x * 2\n", "def scale(x):\n    return x * 3\n")
    agent = make_agent(tmp_path, fake_model.base_url)

    outcome = await agent.ask("fix scale in math_utils.py: scale(3) should return 9")

    assert outcome.kind == "edit", outcome.message
    assert "return x * 3" in outcome.edits[0].new_text
    first, second = fake_model.bodies()
    assert "scale(3) should return 9" in first["messages"][-1]["content"]  # the user's words, verbatim
    assert first["temperature"] == 0 and "seed" not in first
    # Not shown its unchanged reply again (it would copy it), and not at temperature 0 (same reply).
    assert "does not do this yet" in second["messages"][-1]["content"]
    assert "scale(3) should return 9" in second["messages"][-1]["content"]
    assert not any(m["role"] == "assistant" for m in second["messages"])
    assert second["temperature"] > 0 and second["seed"] == 1


async def test_twice_unchanged_is_a_clear_refusal(tmp_path, fake_model):
    (tmp_path / "math_utils.py").write_text(SCALE_PY)
    fake_model.script("def scale(x):\n    return x * 2\n", "def scale(x):\n    return x * 2\n")
    agent = make_agent(tmp_path, fake_model.base_url)

    outcome = await agent.ask("fix scale in math_utils.py: it should triple, not double")

    assert outcome.kind == "refused" and "unchanged" in outcome.message
    assert len(fake_model.requests()) == 2


# -- renaming a method without touching other classes' methods of that name ------------------

STORES_PY = """\
class Repo:
    def save(self, item):
        self.items.append(item)

    def flush(self):
        self.save(None)


class Queue:
    def save(self, item):
        self.pending.append(item)
"""

USE_PY = """\
from stores import Queue, Repo


def keep(item):
    repo = Repo()
    repo.save(item)
    Queue().save(item)
"""


@pytest.fixture
def stores(tmp_path: Path) -> Path:
    (tmp_path / "stores.py").write_text(STORES_PY)
    (tmp_path / "use.py").write_text(USE_PY)
    return tmp_path


async def test_a_python_method_rename_follows_each_call_to_its_class(stores, fake_model):
    agent = make_agent(stores, fake_model.base_url)

    outcome = await agent.ask("rename the save method of Repo to store")

    assert outcome.kind == "edit", outcome.message
    texts = {edit.path: edit.new_text for edit in outcome.edits}
    assert "    def store(self, item):\n        self.items.append(item)" in texts["stores.py"]
    assert "        self.store(None)" in texts["stores.py"]
    assert "    def save(self, item):\n        self.pending.append(item)" in texts["stores.py"]  # Queue's
    assert "    repo.store(item)\n    Queue().save(item)" in texts["use.py"]
    assert fake_model.requests() == []


async def test_a_call_nobody_can_attribute_refuses_the_rename_and_lists_it(stores, fake_model):
    (stores / "later.py").write_text("def later(thing):\n    thing.save(1)\n")
    agent = make_agent(stores, fake_model.base_url)

    outcome = await agent.ask("rename Repo.save to store")

    assert outcome.kind == "refused"
    assert "later.py:2 `thing.save(1)`" in outcome.message and "editor's rename" in outcome.message


async def test_a_call_jedi_follows_to_two_classes_refuses_the_rename(stores, fake_model):
    # jedi reads `thing`'s type from the calls: both Repo and Queue. Renaming Repo.save there
    # would break `later(Queue())`.
    (stores / "later.py").write_text(
        "from stores import Queue, Repo\n\n\ndef later(thing):\n    thing.save(1)\n\n\nlater(Repo())\nlater(Queue())\n"
    )
    agent = make_agent(stores, fake_model.base_url)

    outcome = await agent.ask("rename Repo.save to store")

    assert outcome.kind == "refused"
    assert "later.py:5 `thing.save(1)`" in outcome.message


async def test_an_array_fields_own_push_is_not_the_class_method(ts, fake_model):
    # `items: T[]`: `this.items.push(…)` is Array's push, certainly not Queue's or Stack's.
    agent = make_agent(ts, fake_model.base_url)

    outcome = await agent.ask("rename Queue#push to enqueue")

    assert outcome.kind == "edit", outcome.message
    [edit] = outcome.edits
    assert "  enqueue(item: T): number {\n    return this.items.push(item);" in edit.new_text
    assert edit.new_text.count("push(") == 3  # Stack.push and both arrays' pushes


async def test_a_javascript_method_shared_with_an_unknown_receiver_is_refused_with_the_call_sites(tmp_path, fake_model):
    (tmp_path / "queue.js").write_text(PLAYER_JS)
    (tmp_path / "other.js").write_text("function feed(sink, x) {\n  sink.push(x);\n}\nmodule.exports = { feed };\n")
    agent = make_agent(tmp_path, fake_model.base_url)

    outcome = await agent.ask("rename PlayQueue.push to enqueue")

    assert outcome.kind == "refused"
    assert "other.js:2 `sink.push(x);`" in outcome.message


async def test_the_ambiguity_message_names_each_way_to_pick_one_and_each_works(stores, fake_model):
    fake_model.script(
        'def save(self, item):\n    """Keep the item."""\n    self.items.append(item)\n',
        'def save(self, item):\n    """Queue the item."""\n    self.pending.append(item)\n',
    )
    agent = make_agent(stores, fake_model.base_url)

    ambiguous = await agent.ask("add a docstring to save in stores.py")
    by_line = await agent.ask("add a docstring to save in stores.py:2")
    from outrigger.spans import Position

    by_cursor = await agent.ask("add a docstring to save", path="stores.py", position=Position(9, 8))

    assert ambiguous.kind == "refused"
    assert "`Repo.save` (line 2), `Queue.save` (line 10)" in ambiguous.message
    assert "with its class (`Repo.save`) or its line (stores.py:2), or put the cursor on it" in ambiguous.message
    assert by_line.kind == "edit" and '"""Keep the item."""' in by_line.edits[0].new_text
    assert by_cursor.kind == "edit" and by_cursor.plan.symbol == "Queue.save"


async def test_a_typescript_method_rename_follows_typed_receivers(tmp_path, fake_model):
    (tmp_path / "depot.ts").write_text(
        "export class Warehouse {\n  unload(id: string): number {\n    return 1;\n  }\n}\n\n"
        "export class Truck {\n  unload(): number {\n    return 2;\n  }\n}\n"
    )
    (tmp_path / "run.ts").write_text(
        'import { Truck, Warehouse } from "./depot";\n\nexport function empty(warehouse: Warehouse, truck: Truck): number {\n'
        '  return warehouse.unload("a") + truck.unload();\n}\n\nexport function fresh(): number {\n'
        '  const store = new Warehouse();\n  return store.unload("b");\n}\n'
    )
    agent = make_agent(tmp_path, fake_model.base_url)

    outcome = await agent.ask("rename Warehouse.unload to release")

    assert outcome.kind == "edit", outcome.message
    texts = {edit.path: edit.new_text for edit in outcome.edits}
    assert "  release(id: string): number {" in texts["depot.ts"] and "  unload(): number {" in texts["depot.ts"]
    assert 'warehouse.release("a") + truck.unload()' in texts["run.ts"]
    assert 'store.release("b")' in texts["run.ts"]


# -- calls read by their receiver's name: offered only when the project's tests pass ----------

PLAYER_JS = """\
class PlayQueue {
  constructor() {
    this.items = [];
  }

  push(track) {
    this.items.push(track);
    return this.items.length;
  }
}

class History {
  constructor() {
    this.played = [];
  }

  push(track) {
    this.played = this.played.concat([track]);
  }
}

function play(queue, history) {
  const track = queue.items.shift();
  history.push(track);
  return track;
}

module.exports = { PlayQueue, History, play };
"""

PLAYER_TEST = """\
const assert = require("assert");
const { PlayQueue, History, play } = require("./queue");
const queue = new PlayQueue();
queue.push("a");
const history = new History();
assert.strictEqual(play(queue, history), "a");
assert.deepStrictEqual(history.played, ["a"]);
"""


@pytest.fixture
def player(tmp_path: Path) -> Path:
    (tmp_path / "queue.js").write_text(PLAYER_JS)
    (tmp_path / "test.js").write_text(PLAYER_TEST)
    (tmp_path / "package.json").write_text('{"name": "player", "scripts": {"test": "node test.js"}}\n')
    return tmp_path


async def test_a_call_read_by_its_receivers_name_is_left_to_its_class_when_the_tests_pass(player, fake_model):
    agent = make_agent(player, fake_model.base_url)

    outcome = await agent.ask("PlayQueue.push should be called enqueue")

    assert outcome.kind == "edit", outcome.message
    texts = {edit.path: edit.new_text for edit in outcome.edits}
    assert "  enqueue(track) {\n    this.items.push(track);" in texts["queue.js"]
    assert "  history.push(track);" in texts["queue.js"]  # History's, by its name
    assert 'queue.enqueue("a");' in texts["test.js"]
    assert any("queue.js:24 `history.push(track);` as `History.push`" in note for note in outcome.notes)
    assert any("tests (node test.js) pass" in note or "pass with this change" in note for note in outcome.notes)
    assert fake_model.requests() == []


async def test_a_reading_by_name_is_refused_when_no_tests_can_confirm_it(player, fake_model):
    (player / "package.json").unlink()
    (player / "test.js").unlink()
    agent = make_agent(player, fake_model.base_url)

    outcome = await agent.ask("rename PlayQueue.push to enqueue")

    assert outcome.kind == "refused"
    assert "receiver's name alone" in outcome.message and "`history.push(track);`" in outcome.message
    assert "no test command is configured or obvious" in outcome.message


async def test_a_reading_by_name_the_tests_contradict_is_refused(player, fake_model):
    # The receiver is named `history` but is a PlayQueue: the tests catch the misreading.
    (player / "test.js").write_text(
        PLAYER_TEST
        + "const history2 = new PlayQueue();\nplay(queue, history2);\nassert.strictEqual(history2.items.length, 1);\n"
    )
    (player / "queue.js").write_text(
        PLAYER_JS.replace("  const track = queue.items.shift();", "  const track = queue.items[0];")
    )
    agent = make_agent(player, fake_model.base_url)

    outcome = await agent.ask("rename PlayQueue.push to enqueue")

    assert outcome.kind == "refused"
    assert "receiver's name alone" in outcome.message and "do not pass with it" in outcome.message


def test_a_receiver_is_read_as_the_class_it_is_named_after():
    from outrigger.workspace.references import _class_named_like

    classes = {"Recipe", "ShoppingList", "List"}
    assert _class_named_like("recipe", classes) == "Recipe"
    assert _class_named_like("next_recipe", classes) == "Recipe"
    assert _class_named_like("weeklyShoppingList", classes) == "ShoppingList"  # the longest that fits
    assert _class_named_like("recipes", classes) is None  # a collection of them
    assert _class_named_like("basket", classes) is None
    assert _class_named_like("self", classes) is None


async def test_a_receiver_built_in_place_is_its_class(tmp_path, fake_model):
    (tmp_path / "oven.js").write_text(
        "class Oven {\n  bake(x) {\n    return x + 1;\n  }\n}\n\nclass Toaster {\n  bake(x) {\n    return x;\n  }\n}\n\n"
        "const a = new Oven().bake(1);\nconst b = new Toaster().bake(new Oven().bake(2));\n"
        "module.exports = { Oven, Toaster, a, b };\n"
    )
    agent = make_agent(tmp_path, fake_model.base_url)

    outcome = await agent.ask("rename Oven.bake to roast")

    assert outcome.kind == "edit", outcome.message
    [edit] = outcome.edits
    assert "const a = new Oven().roast(1);\nconst b = new Toaster().bake(new Oven().roast(2));" in edit.new_text
    assert not outcome.notes or "receiver's name" not in " ".join(outcome.notes)  # certain, not read by name


def test_the_class_of_an_object_built_in_place():
    from outrigger.workspace.references import _constructed_here

    assert _constructed_here("assert.equal(new Toaster().") == "Toaster"
    assert _constructed_here('x = new Loaf("y", f(300)).') == "Loaf"
    assert _constructed_here("new Box<string>(a, (b)).") == "Box"
    assert _constructed_here("make(new Toaster()).") is None  # the result of make(), not the Toaster
    assert _constructed_here("toaster.") is None


async def test_a_module_named_like_a_class_is_not_read_as_that_class(player, fake_model):
    # `history` here is a module the file requires: its `push` is the module's own function.
    (player / "history.js").write_text("function push(x) {\n  return x;\n}\nmodule.exports = { push };\n")
    (player / "log.js").write_text('const history = require("./history");\nhistory.push(1);\n')
    agent = make_agent(player, fake_model.base_url)

    outcome = await agent.ask("rename History.push to record")

    assert outcome.kind == "refused"
    assert "log.js:2 `history.push(1);`" in outcome.message


TILL = {
    "till/prices.py": "def price(item):\n    return item['cents']\n",
    "till/basket.py": (
        "from till.prices import price\n\n\ndef subtotal(items):\n    return sum(price(i) for i in items) - 1\n\n\n"
        "def receipt(items):\n    return f'subtotal {subtotal(items)}'\n"
    ),
}
SUBTOTAL_FIX = "fix subtotal in till/basket.py: it takes one cent off every sum"
FIXED_SUBTOTAL = "def subtotal(items):\n    return sum(price(i) for i in items)\n"


async def test_a_reply_that_repeats_the_prompt_is_asked_again_without_the_context(tmp_path, fake_model):
    """The 0.5B model once sent its whole prompt back for a Go method, twice: shown its echo
    ("does not parse"), it echoed again. Asked afresh without the context, it has less to echo."""
    for path, text in TILL.items():
        (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / path).write_text(text)
    fake_model.script(FIXED_SUBTOTAL)
    agent = make_agent(tmp_path, fake_model.base_url)
    agent.settings.tests.run = "never"
    assert (await agent.ask(SUBTOTAL_FIX)).kind == "edit"
    prompt = "\n".join(m["content"] for m in fake_model.bodies()[-1]["messages"] if m["role"] == "user")
    assert "What uses `subtotal`" in prompt  # the context a model may send back

    fake_model.script(prompt, FIXED_SUBTOTAL)  # the prompt echoed, then the code
    agent = make_agent(tmp_path, fake_model.base_url)
    agent.settings.tests.run = "never"
    outcome = await agent.ask(SUBTOTAL_FIX)
    assert outcome.kind == "edit", outcome.message
    assert "return sum(price(i) for i in items)\n" in outcome.edits[0].new_text
    again = fake_model.bodies()[-1]["messages"]
    assert [m["role"] for m in again] == ["system", "user"]  # not shown its echo
    assert "What uses `subtotal`" not in again[-1]["content"]
