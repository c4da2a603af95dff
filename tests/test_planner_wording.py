"""Requests as people type them, planned without the model: polite imperatives are actions,
renames need not say "rename", members are named with their class, and questions stay
questions. A model that fails when called proves the rules and the map decided."""

from __future__ import annotations

from pathlib import Path

import pytest

from outrigger.errors import Refused
from outrigger.plan import Intent, Question
from outrigger.planner.wording import normalize
from outrigger.workspace.files import Workspace
from outrigger.workspace.index import ProjectMap
from planning_helpers import map_of, plan_without_model

LEDGER = """\
class Ledger:
    def post(self, entry):
        self.entries.append(entry)

    def total(self):
        return sum(e.amount for e in self.entries)


class Journal:
    def post(self, line):
        self.lines.append(line)


def parse_amount(text):
    return float(text.replace(",", ""))


def format_amount(value):
    return f"{value:,.2f}"
"""

QUEUE = """\
export class Queue {
  push(item) {
    this.items.push(item);
  }
}

export function drainQueue(queue) {
  return queue.items.splice(0);
}
"""


@pytest.fixture
def project(tmp_path: Path) -> ProjectMap:
    return map_of(tmp_path, {"ledger.py": LEDGER, "queue.js": QUEUE})


async def plan(project: ProjectMap, request: str):
    return await plan_without_model(project, request)


@pytest.mark.parametrize(
    ("request_text", "intent", "symbol"),
    [
        ("could you add a docstring to parse_amount for me?", Intent.DOCSTRING, "parse_amount"),
        ("Can you add type hints to format_amount?", Intent.TYPE_HINTS, "format_amount"),
        ("would you mind documenting parse_amount?", Intent.DOCSTRING, "parse_amount"),
        ("I'd like you to fix parse_amount so it accepts spaces too", Intent.FIX, "parse_amount"),
        ("hey, would you fix format_amount please", Intent.FIX, "format_amount"),
        ("parse_amount could use a docstring", Intent.DOCSTRING, "parse_amount"),
        ("format_amount needs type annotations", Intent.TYPE_HINTS, "format_amount"),
    ],
)
async def test_polite_requests_and_statements_of_need_are_actions(project, request_text, intent, symbol):
    decided = await plan(project, request_text)
    assert (decided.intent, decided.symbol, decided.decided_by) == (intent, symbol, "rules")
    assert decided.instruction == request_text  # the user's own words go to the model


@pytest.mark.parametrize(
    ("request_text", "intent"),
    [
        ("could someone document format_amount", Intent.DOCSTRING),
        ("can anybody add type hints to format_amount?", Intent.TYPE_HINTS),
        ("can we get a docstring on format_amount", Intent.DOCSTRING),
        ("could i have type annotations for format_amount pls", Intent.TYPE_HINTS),
        ("can format_amount get a docstring", Intent.DOCSTRING),  # asked of the code itself
        ("should format_amount have type hints?", Intent.TYPE_HINTS),
    ],
)
async def test_asked_of_anyone_or_asked_for_is_still_the_edit(project, request_text, intent):
    decided = await plan(project, request_text)
    assert (decided.intent, decided.symbol, decided.decided_by) == (intent, "format_amount", "rules")


async def test_the_askers_own_verb_is_not_a_symbol_of_that_name(tmp_path):
    """A workspace defining `get` and `use`: in "can I get …" and "do we use …" they are the
    asker's verbs, and the question is about the name that follows."""
    (tmp_path / "store.py").write_text(
        "def get(key):\n    return key\n\n\ndef use(x):\n    return x\n\n\ndef load(p):\n    return p\n"
    )
    project = ProjectMap(Workspace(tmp_path))
    project.build()
    callers = await plan(project, "can i get the callers of load")
    assert (callers.intent, callers.symbol) == (Intent.QUESTION, "load")
    asked = await plan(project, "where do we use load?")
    assert (asked.intent, asked.symbol) == (Intent.QUESTION, "load")
    named = await plan(project, "what does get do?")  # asked of, not by, the asker: still the name
    assert named.symbol == "get"


@pytest.mark.parametrize(
    ("request_text", "intent"),
    [
        ("give me type hints for format_amount", Intent.TYPE_HINTS),
        ("could u write me a docstring for format_amount", Intent.DOCSTRING),
        ("make us some type annotations on format_amount pls", Intent.TYPE_HINTS),
    ],
)
async def test_a_thing_made_for_the_asker_is_an_edit_not_a_question(project, request_text, intent):
    """ "give me X for Y" asks for X to be made; "give me an overview of Y" stays a question."""
    decided = await plan(project, request_text)
    assert (decided.intent, decided.symbol) == (intent, "format_amount")
    overview = await plan(project, "give me an overview of format_amount")
    assert (overview.intent, overview.symbol) == (Intent.QUESTION, "format_amount")


@pytest.mark.parametrize(
    "request_text",
    [
        "document parse_amount, then do the same for format_amount",
        "add type hints to parse_amount and then the same to format_amount",
        "add docstrings to parse_amount and also to format_amount",
        "write a docstring for parse_amount, then format_amount",
    ],
)
async def test_a_second_target_after_a_join_word_is_the_same_edit_on_it(project, request_text):
    """ "then" and "also" join a second target; they are never targets themselves, and the one
    after them is not silently dropped."""
    decided = await plan(project, request_text)
    assert (decided.symbol, [t.symbol for t in decided.also]) == ("parse_amount", ["format_amount"])


@pytest.mark.parametrize(
    ("request_text", "old", "new"),
    [
        ("rename the Journal class to Logbook", "Journal", "Logbook"),
        ("rename Journal class to Logbook everywhere", "Journal", "Logbook"),
        ("pls rename the parse_amount helper to read_amount across the codebase", "parse_amount", "read_amount"),
        ("rename drainQueue to flushQueue throughout the whole repo", "drainQueue", "flushQueue"),
    ],
)
async def test_a_rename_may_name_the_kind_after_the_name_and_its_scope(project, request_text, old, new):
    """ "the X class", "everywhere", "across the codebase": words every rename means anyway."""
    decided = await plan(project, request_text)
    assert (decided.intent, decided.symbol, decided.new_name, decided.decided_by) == (Intent.RENAME, old, new, "rules")


@pytest.mark.parametrize(
    ("request_text", "old", "new"),
    [
        ("give parse_amount the name read_amount", "parse_amount", "read_amount"),
        ("parse_amount reads badly, make it amount_from_text throughout", "parse_amount", "amount_from_text"),
        ("format_amount → render_amount please", "format_amount", "render_amount"),
        ("from now on format_amount is called `show_amount`", "format_amount", "show_amount"),
        ("could you call drainQueue emptyQueue?", "drainQueue", "emptyQueue"),
        ("drainQueue -> flushQueue", "drainQueue", "flushQueue"),
        ("could Journal's post method be called record?", "Journal.post", "record"),
        ("shouldn't parse_amount be named read_amount instead?", "parse_amount", "read_amount"),
        ("can we call the total method of Ledger balance instead?", "Ledger.total", "balance"),
        ("name format_amount pretty_amount", "format_amount", "pretty_amount"),
        ("name drainQueue flush", "drainQueue", "flush"),  # a plain word, last
        ("drainQueue should be called flush.", "drainQueue", "flush"),  # a full stop ends the name
        ("Ledger.post → put", "Ledger.post", "put"),  # an arrow names any word, even one of a request's
    ],
)
async def test_renames_without_the_word_rename(project, request_text, old, new):
    decided = await plan(project, request_text)
    assert (decided.intent, decided.symbol, decided.new_name) == (Intent.RENAME, old, new)


@pytest.mark.parametrize(
    ("request_text", "symbol"),
    [
        ("add a docstring to the `post` method of `Journal`", "Journal.post"),
        ("document the post method of the Ledger class", "Ledger.post"),
        ("Ledger's total method needs a docstring", "Ledger.total"),
        ("add JSDoc to Queue#push", "Queue.push"),
        ("add type hints to Ledger::post", "Ledger.post"),
        ("add a docstring to `Ledger.total`", "Ledger.total"),
    ],
)
async def test_members_are_named_with_their_class(project, request_text, symbol):
    decided = await plan(project, request_text)
    assert decided.symbol == symbol
    assert project.require_symbol(decided.symbol, decided.file).qualified_name == symbol


@pytest.mark.parametrize(
    "request_text",
    [
        "can you explain parse_amount?",
        "could parse_amount return None?",
        "what calls parse_amount?",
        "where is format_amount used?",
        "is there a function that formats amounts?",
        "which function parses amounts?",
        "why is parse_amount called that?",
        "could you tell me why Ledger is named Ledger?",
    ],
)
async def test_questions_stay_questions(project, request_text):
    decided = await plan(project, request_text)
    assert decided.intent is Intent.QUESTION


def test_english_that_reads_like_member_phrasing_is_left_alone():
    known = {"Ledger.post"}.__contains__
    assert normalize("explain the main function of this file", known) == "explain the main function of this file"
    assert normalize("fix the user's name handling in parse_amount", known) == (
        "fix the user's name handling in parse_amount"
    )


async def test_adding_new_code_next_to_a_symbol_is_not_an_edit_of_that_symbol(project):
    """ "add a helper … next to format_amount" names an existing symbol but asks for new code:
    the rules leave it to the model rather than rewrite format_amount."""
    with pytest.raises(AssertionError, match="the model was asked"):
        await plan(project, "add a helper that rounds amounts next to format_amount")


# -- questions about the whole workspace ----------------------------------------------------


def agent_over(project: ProjectMap, base_url: str):
    from outrigger.agent import Agent
    from outrigger.config import ModelSettings, Settings
    from outrigger.model.client import ModelClient

    settings = Settings(model=ModelSettings(base_url=base_url))
    return Agent(project.workspace, project, ModelClient(settings.model), settings)


async def test_usage_questions_are_answered_from_the_map(project, fake_model):
    (project.workspace.root / "report.py").write_text(
        "from ledger import parse_amount\n\n\ndef load(rows):\n    # parse_amount in a comment\n"
        "    return [parse_amount(r) for r in rows]\n"
    )
    project.build()
    agent = agent_over(project, fake_model.base_url)

    for wording in ("what calls parse_amount?", "where is parse_amount used?", "find usages of `parse_amount`"):
        outcome = await agent.ask(wording)
        assert outcome.kind == "answer", outcome.message
        assert "report.py:1" in outcome.message and "report.py:6" in outcome.message
        assert "report.py:5" not in outcome.message  # the comment is not a use
    assert fake_model.requests() == []


async def test_is_there_a_function_searches_the_catalogue_in_one_call(project, fake_model):
    fake_model.script("format_amount in ledger.py formats an amount with two decimals.")
    agent = agent_over(project, fake_model.base_url)

    outcome = await agent.ask("is there a function that formats money?")

    assert outcome.kind == "answer" and "format_amount" in outcome.message
    [body] = fake_model.bodies()
    listing = body["messages"][-1]["content"]
    entries = listing.split("Functions and classes:\n")[1].split("\n\n")[0].splitlines()
    assert entries[0] == "ledger.py: def format_amount(value):"  # the likeliest first
    assert "return" not in listing  # names and signatures, not bodies


async def test_the_catalogue_ranks_by_what_bodies_and_files_say_and_leaves_nothing_out(tmp_path, fake_model):
    """A question in other words than the code's: the body's names and the file's first line
    rank an entry, and entries sharing no word with the question are still shown."""
    (tmp_path / "stock.py").write_text(
        '"""What is on the shelves, and what to reorder."""\n\n\n'
        "def shortfall(shelf, wanted):\n    return {k: n for k, n in wanted.items() if shelf.get(k, 0) < n}\n"
    )
    (tmp_path / "clock.py").write_text(
        "def as_seconds(minutes):\n    return minutes * 60\n\n\n"
        "def from_label(text):\n    hours, minutes = text.split(':')\n    return int(hours) * 60 + int(minutes)\n"
    )
    fake_model.script("shortfall", "from_label")
    project = ProjectMap(Workspace(tmp_path))
    project.build()
    agent = agent_over(project, fake_model.base_url)

    await agent.ask("which function tells me what I need to reorder?")
    await agent.ask("which function turns a label like 3:25 into seconds?")

    reorder, seconds = (body["messages"][-1]["content"] for body in fake_model.bodies())
    assert reorder.index("def shortfall(shelf, wanted)") < reorder.index("def as_seconds")
    assert "def from_label(text):" in seconds  # no word in common, still a candidate


async def test_a_catalogue_answer_naming_nothing_gets_the_likeliest_from_the_map(project, fake_model):
    fake_model.script("None of the functions matches.")
    agent = agent_over(project, fake_model.base_url)

    outcome = await agent.ask("which function parses an amount?")

    assert outcome.kind == "answer"
    assert "Closest by their names and descriptions:\n- ledger.py: def parse_amount(text):" in outcome.message


async def test_a_catalogue_read_back_instead_of_an_answer_is_replaced_by_the_likeliest(project, fake_model):
    # Qwen2.5-Coder-0.5B's way of not choosing: the list, read back, with files mixed up.
    fake_model.script(
        "queue.js: export function drainQueue(queue) {\nledger.py: def parse_amount(text):\n"
        "queue.js: def format_amount(value):\nledger.py: class Journal:"
    )
    agent = agent_over(project, fake_model.base_url)

    outcome = await agent.ask("how are amounts shown?")

    assert outcome.kind == "answer"
    assert outcome.message.startswith("Closest by their names and descriptions:\n")
    assert "- ledger.py: def format_amount(value):" in outcome.message
    assert "queue.js: def format_amount" not in outcome.message  # the read-back's wrong file is gone


@pytest.mark.parametrize(
    "request_text",
    [
        "is there something that parses amounts?",
        "have we got anything that drains a queue?",
        "how do totals work?",
        "what in this project formats money?",
    ],
)
async def test_a_question_naming_nothing_searches_the_workspace(project, fake_model, request_text):
    fake_model.script("parse_amount in ledger.py")
    agent = agent_over(project, fake_model.base_url)

    outcome = await agent.ask(request_text)

    assert outcome.kind == "answer", outcome.message
    assert "Functions and classes:" in fake_model.bodies()[0]["messages"][-1]["content"]


async def test_a_question_about_something_unnamed_asks_which(project, fake_model):
    agent = agent_over(project, fake_model.base_url)
    outcome = await agent.ask("what does it return?")
    assert outcome.kind == "refused" and "Name a symbol or a file" in outcome.message
    assert fake_model.requests() == []


def test_question_words_match_code_words_by_their_stems():
    from outrigger.actions.question import _overlap, _stems

    assert _overlap(_stems("how are prices shown?"), "src/a.js: function formatPrice(cents) {") == 1
    assert _overlap(_stems("which one parses durations?"), "function parse_duration(text)") == 2


async def test_what_a_class_defines_is_listed_from_the_map(project, fake_model):
    agent = agent_over(project, fake_model.base_url)
    outcome = await agent.ask("what methods does Ledger define?")
    assert outcome.kind == "answer"
    assert "`Ledger.post`" in outcome.message and "`Ledger.total`" in outcome.message
    assert "Journal" not in outcome.message and fake_model.requests() == []


@pytest.mark.parametrize(
    ("request_text", "intent", "symbol", "new_name"),
    [
        ("Journal.post should be called record", Intent.RENAME, "Journal.post", "record"),
        ("the total method of Ledger should be named balance", Intent.RENAME, "Ledger.total", "balance"),
        ('parse_amount("1,5") should return 1.5', Intent.FIX, "parse_amount", None),
        ("format_amount gives 3.0 for 3 but should give 3.00", Intent.FIX, "format_amount", None),
        ("Ledger#total should return 0 for an empty ledger", Intent.FIX, "Ledger.total", None),
        ("can you type parse_amount?", Intent.TYPE_HINTS, "parse_amount", None),
        ("format_amount should be faster", Intent.FIX, "format_amount", None),  # "should be": no new name
        # What a function must do, in modal words other than "should return"
        (
            "parse_amount needs to understand euros: parse_amount('3 EUR') must give 3.0",
            Intent.FIX,
            "parse_amount",
            None,
        ),
        ("Ledger.total has to skip refunds", Intent.FIX, "Ledger.total", None),
        ("format_amount must not round", Intent.FIX, "format_amount", None),
    ],
)
async def test_statements_of_names_and_of_expected_behaviour(project, request_text, intent, symbol, new_name):
    decided = await plan(project, request_text)
    assert (decided.intent, decided.symbol, decided.new_name) == (intent, symbol, new_name)


@pytest.mark.parametrize(
    "request_text",
    ["give me the parameters of parse_amount", "give it a `strict` parameter", "Give us an argument list for enqueue?"],
)
async def test_signature_wording_needs_a_function_name(project, request_text):
    """ "give me …" is a question and "give it …" points at the cursor: neither names a
    function the map must hold."""
    try:
        await plan(project, request_text)
    except AssertionError:
        pass  # reached the model: not refused by the map
    except Refused as refusal:
        assert "is not defined" not in str(refusal), refusal


@pytest.mark.parametrize("request_text", ["call parse_amount twice in format_amount", "call drainQueue from push"])
async def test_call_followed_by_a_plain_word_is_not_a_rename(project, request_text):
    # "call X twice": a plain word after "call X" is a new name only when it says so
    # (`backticks`, snake_case, camelCase, "… instead").
    try:
        decided = await plan(project, request_text)
    except AssertionError:
        return  # left to the model
    assert decided.intent is not Intent.RENAME


async def test_the_x_module_names_its_file(tmp_path, fake_model):
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "shop.js").write_text("export function priceTag(loaf) {\n  return loaf.kind;\n}\n")
    (tmp_path / "src" / "oven.js").write_text("export class Oven {}\n")
    project = ProjectMap(Workspace(tmp_path))
    project.build()

    decided = await plan(project, "what does the shop module do?")

    assert (decided.intent, decided.file, decided.question) == (Intent.QUESTION, "src/shop.js", Question.EXPLAIN)


async def test_the_workspace_search_leaves_tests_out_unless_asked_about(tmp_path, fake_model):
    (tmp_path / "money.py").write_text("def pounds(pence):\n    return pence / 100\n")
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests" / "test_money.py").write_text("def test_money():\n    assert True\n")
    fake_model.script("pounds", "test_money")
    project = ProjectMap(Workspace(tmp_path))
    project.build()
    agent = agent_over(project, fake_model.base_url)

    await agent.ask("what formats money?")
    await agent.ask("which test checks money?")

    code, tests = (body["messages"][-1]["content"] for body in fake_model.bodies())
    assert "def pounds" in code and "test_money" not in code
    assert "def test_money" in tests


@pytest.mark.parametrize(
    ("request_text", "intent"),
    [
        ("document every function in ledger.py", Intent.DOCSTRING),
        ("add docstrings to all the functions of ledger.py", Intent.DOCSTRING),
        ("add type hints to every method in ledger.py", Intent.TYPE_HINTS),
    ],
)
async def test_every_function_in_a_file_is_one_target_each(project, request_text, intent):
    decided = await plan(project, request_text)

    assert decided.intent is intent and decided.file == "ledger.py"
    names = [target.symbol for target in decided.targets]
    functions = ["Ledger.post", "Ledger.total", "Journal.post", "parse_amount", "format_amount"]
    assert names == (["Ledger", *functions[:2], "Journal", *functions[2:]] if intent is Intent.DOCSTRING else functions)


async def test_every_function_for_type_hints_skips_the_ones_already_annotated(tmp_path):
    (tmp_path / "rates.ts").write_text(
        "export function cost(kg: number): number {\n  return kg;\n}\n\n"
        "export function zone(code) {\n  return 1;\n}\n\n"
        "export class Box {\n  weigh(this: Box, g: number): number {\n    return g;\n  }\n  open(lid) {}\n}\n"
    )
    (tmp_path / "done.py").write_text("def f(x: int) -> int:\n    return x\n")
    project = ProjectMap(Workspace(tmp_path))
    project.build()

    decided = await plan(project, "add type annotations to every function in rates.ts")

    assert [target.symbol for target in decided.targets] == ["zone", "Box.open"]
    with pytest.raises(Refused, match="no function or method that still needs type hints"):
        await plan(project, "add type hints to all the functions of done.py")


async def test_the_catalogue_names_a_methods_class(tmp_path, fake_model):
    """Two `def total(self):` of two classes are two entries the answer can tell apart."""
    from agent_helpers import copy_fixture, make_agent

    root = copy_fixture("py_recipes", tmp_path)
    fake_model.script("I am not sure.")
    agent = make_agent(root, fake_model.base_url)
    outcome = await agent.ask("which function tells me the total weight of a menu?")
    assert outcome.kind == "answer", outcome.message
    assert "def total(self): (in Menu)" in outcome.message


@pytest.mark.parametrize(
    ("request_text", "kind"),
    [
        ("where does parse_amount live?", Question.WHERE),
        ("where do we define format_amount", Question.WHERE),
        ("where could I find drainQueue", Question.WHERE),
        ("where do we call parse_amount?", Question.USAGES),
        ("where does the code use format_amount", Question.USAGES),
        # a question word run together with "is", as typed, and uses asked of anyone
        ("where's parse_amount used", Question.USAGES),
        ("wheres drainQueue defined?", Question.WHERE),
        ("whats format_amount do", Question.EXPLAIN),
        ("does anything call format_amount?", Question.USAGES),
        ("is anyone still using drainQueue", Question.USAGES),
        ("who's calling parse_amount", Question.USAGES),
        # where something happens, naming no symbol: a search of the workspace by meaning
        ("where's the amount parsed", Question.CATALOGUE),
    ],
)
async def test_where_questions_ask_for_the_place_or_the_uses(project, request_text, kind):
    """Where a name is defined and where it is used are answered from the map, not explained."""
    decided = await plan(project, request_text)
    assert (decided.intent, decided.question) == (Intent.QUESTION, kind)


@pytest.mark.parametrize(
    "request_text",
    [
        "document format_amount if it is not documented yet",
        "add type hints to parse_amount if it has none",
        "if it lacks a docstring, add one to format_amount",
        "rename parse_amount to read_amount if nothing else calls it",
    ],
)
async def test_an_if_about_the_doc_hints_or_name_made_is_a_condition_refused_saying_so(project, request_text):
    """Outrigger does not check such a condition first, so it does nothing and says why."""
    with pytest.raises(Refused, match="condition"):
        await plan(project, request_text)


@pytest.mark.parametrize(
    ("request_text", "intent"),
    [
        ("add a docstring to format_amount saying it raises if value is None", Intent.DOCSTRING),
        ("fix parse_amount so it returns 0 if the text is empty", Intent.FIX),
    ],
)
async def test_an_if_that_describes_the_code_is_part_of_the_request(project, request_text, intent):
    decided = await plan(project, request_text)
    assert decided.intent is intent


@pytest.mark.parametrize(
    "request_text",
    [
        "fix teh bug in parse_amount where commas break it",
        "fix the typo in the docstring of parse_amount",
        "fix the comment inside parse_amount, it says int",
        "rewrite the loop in parse_amount",
    ],
)
async def test_a_plain_word_after_the_verb_is_not_the_target_when_a_symbol_follows_in_or_of(project, request_text):
    """A word of the sentence (or a typo in it) that the map does not define is not the
    function to change; the one the clause names after "in"/"of" is."""
    decided = await plan(project, request_text)
    assert decided.symbol == "parse_amount", decided


@pytest.mark.parametrize(
    ("request_text", "intent"),
    [
        ("can parse_amount be documented?", Intent.DOCSTRING),
        ("could format_amount be annotated", Intent.TYPE_HINTS),
        ("should drainQueue be fixed so it keeps the first item?", Intent.FIX),
        ("could parse_amount be simplified please", Intent.REWRITE),
        ("can format_amount be made shorter?", Intent.REWRITE),
    ],
)
async def test_a_change_asked_as_whether_it_can_be_made_is_the_change(project, request_text, intent):
    """ "can X be documented?" asks for the doc, as "could X be called Y?" asks for the rename."""
    decided = await plan(project, request_text)
    assert (decided.intent, decided.symbol) == (intent, request_text.split()[1]), decided


@pytest.mark.parametrize(
    "request_text",
    ["can parse_amount be removed?", "can drainQueue be called from Queue.push?", "why can't it be simplified?"],
)
async def test_whether_code_may_be_removed_or_called_stays_a_question(project, request_text):
    decided = await plan(project, request_text)
    assert decided.intent is Intent.QUESTION, decided


@pytest.mark.parametrize(
    ("request_text", "intent", "symbol"),
    [
        ("format_amount ought to be type-hinted", Intent.TYPE_HINTS, "format_amount"),
        ("parse_amount needs type hinting", Intent.TYPE_HINTS, "parse_amount"),
        ("cud u rename drainQueue to emptyQueue thx", Intent.RENAME, "drainQueue"),
        ("oops, revert that", Intent.UNDO, None),
        ("hmm actually, undo it", Intent.UNDO, None),
        ("nope, revert it", Intent.UNDO, None),
        ("wait, undo that", Intent.UNDO, None),
        ("rename parse_amount to read_amount plz n thx", Intent.RENAME, "parse_amount"),
    ],
)
async def test_second_thoughts_text_speak_and_participles_read_as_the_command(project, request_text, intent, symbol):
    decided = await plan(project, request_text)
    assert (decided.intent, decided.symbol) == (intent, symbol), decided


@pytest.mark.parametrize(
    "request_text",
    [
        "format_amount crashes on None",
        "drainQueue reports one item fewer than the queue held",
        "parse_amount says 1.0 for '1,5' in German, that is wrong",
        "Ledger.total treats refunds as sales; they are not",
        "format_amount is broken lol",
        "drainQueue seems buggy",
    ],
)
async def test_a_wrong_outcome_reported_of_one_symbol_is_a_fix(project, request_text):
    """A bug report with no command ("X reports one item fewer than …") asks for the fix."""
    decided = await plan(project, request_text)
    assert (decided.intent, decided.symbol) == (Intent.FIX, request_text.split()[0]), decided


async def test_what_a_symbol_does_said_plainly_is_not_a_fix(project):
    with pytest.raises(AssertionError, match="the model was asked"):
        await plan(project, "parse_amount returns a float")


@pytest.mark.parametrize(
    ("request_text", "intent", "symbols"),
    [
        (
            "add a docstring to parse_amount. same for format_amount",
            Intent.DOCSTRING,
            ["parse_amount", "format_amount"],
        ),
        ("fix parse_amount, then do the same to format_amount", Intent.FIX, ["parse_amount", "format_amount"]),
        ("type hints for parse_amount; format_amount too", Intent.TYPE_HINTS, ["parse_amount", "format_amount"]),
        ("simplify drainQueue. then Ledger.total", Intent.REWRITE, ["drainQueue", "Ledger.total"]),
        ("document parse_amount. format_amount calls it a lot", Intent.DOCSTRING, ["parse_amount"]),  # context
    ],
)
async def test_a_follow_up_after_the_command_is_the_same_action_on_its_symbol(project, request_text, intent, symbols):
    """Read as words after the command, "same for Y" was dropped without a word."""
    decided = await plan(project, request_text)
    assert (decided.intent, [t.symbol for t in decided.targets]) == (intent, symbols)


async def test_a_follow_up_of_a_step_repeats_the_step_and_a_rename_is_never_half_done(project):
    removed = await plan(project, "remove drainQueue. same for Journal")
    assert [(s.action, s.symbol) for s in removed.steps] == [("remove", "drainQueue"), ("remove", "Journal")]
    with pytest.raises(AssertionError, match="the model was asked"):  # one new name: the rules do not guess
        await plan(project, "rename parse_amount to read_amount. same for format_amount")


@pytest.mark.parametrize(
    ("request_text", "intent", "symbols"),
    [
        ("don't change parse_amount, only fix format_amount", Intent.FIX, ["format_amount"]),
        ("document format_amount but not parse_amount", Intent.DOCSTRING, ["format_amount"]),
        ("leave drainQueue alone and add type hints to parse_amount", Intent.TYPE_HINTS, ["parse_amount"]),
        ("simplify format_amount without touching parse_amount", Intent.REWRITE, ["format_amount"]),
        ("Ledger.total is huge, dont touch it, just document parse_amount", Intent.DOCSTRING, ["parse_amount"]),
        ("fix parse_amount: it should keep the sign, not drop it", Intent.FIX, ["parse_amount"]),  # "it" is no name
    ],
)
async def test_a_symbol_the_request_spares_is_never_a_target(project, request_text, intent, symbols):
    """Read as a name of the request, the spared symbol was the one changed."""
    decided = await plan(project, request_text)
    assert (decided.intent, [t.symbol for t in decided.targets]) == (intent, symbols)


async def test_a_plan_that_changes_a_spared_symbol_is_refused(project, fake_model):
    """The model's plan is held to the same words: a fix of the function the user excluded is refused."""
    from outrigger.config import ModelSettings
    from outrigger.errors import Refused
    from outrigger.guards.stats import RepairStats
    from outrigger.guards.switches import Guards
    from outrigger.model.client import ModelClient
    from outrigger.planner import make_plan

    fake_model.script('{"intent": "fix", "symbol": "parse_amount"}')
    client = ModelClient(ModelSettings(base_url=fake_model.base_url))
    with pytest.raises(Refused, match="leave `parse_amount` alone"):
        await make_plan(
            "parse_amount must not be touched; the bug is elsewhere, please sort it out",
            project_map=project, model=client, guards=Guards(), stats=RepairStats(),
        )  # fmt: skip


@pytest.mark.parametrize("request_text", ["is drainQueue still used somewhere", "is parse_amount even used?"])
async def test_whether_a_symbol_is_still_used_is_a_usage_question(project, request_text):
    decided = await plan(project, request_text)
    assert (decided.intent, decided.question) == (Intent.QUESTION, "usages")


@pytest.mark.parametrize(
    "request_text",
    [
        "parse_amount returns 1 for '1,5'?? should be 1.5. fix",
        "format_amount crashes on None; must not crash. fix it",
        "parse_amount('') raises ValueError?? should be 0. fix",  # ValueError is no new name
    ],
)
async def test_an_expectation_said_without_its_subject_is_no_question(project, request_text):
    """ "should be 1.5" states what is expected; read as a question it made the request "both a
    question and a change", refused."""
    decided = await plan(project, request_text)
    assert (decided.intent, decided.asked) == (Intent.FIX, None)


async def test_several_renames_are_never_one_of_them(project):
    with pytest.raises(AssertionError, match="the model was asked"):
        await plan(project, "rename parse_amount → read_amount. format_amount → show_amount too")


@pytest.mark.parametrize(
    ("request_text", "intent", "symbol"),
    [
        ("documnet parse_amount", Intent.DOCSTRING, "parse_amount"),
        ("renmae drainQueue to emptyQueue", Intent.RENAME, "drainQueue"),
        ("add a doctsring to format_amount", Intent.DOCSTRING, "format_amount"),
        ("expalin Ledger.total", Intent.QUESTION, "Ledger.total"),
        ("simplfy format_amount pls", Intent.REWRITE, "format_amount"),
        ("add type hitns to parse_amount", Intent.TYPE_HINTS, "parse_amount"),
        ("could you renmae drainQueue to emptyQueue", Intent.RENAME, "drainQueue"),  # after "could you"
    ],
)
async def test_a_misspelt_command_word_is_read_as_the_word_meant(project, request_text, intent, symbol):
    decided = await plan(project, request_text)
    assert (decided.intent, decided.symbol, decided.decided_by) == (intent, symbol, "rules")


async def test_a_misspelt_name_is_never_respelt(project):
    """Only command words are respelt: a name typed wrong stays as typed, for the map guard to refuse."""
    decided = await plan(project, "rename parse_amout to read_amount")
    assert (decided.intent, decided.symbol) == (Intent.RENAME, "parse_amout")


@pytest.mark.parametrize(
    "request_text",
    [
        "add a docstring and type hints to parse_amount",
        "parse_amount needs type hints and a docstring",
        "document parse_amount and add type hints to it",
        "parse_amount: docstring + type hints",
    ],
)
async def test_a_doc_and_type_hints_asked_together_are_both_made(project, request_text):
    """Read as one edit, the one named last was made and the other dropped; merged, they were a
    rewrite, which is not checked to change nothing but the doc and the annotations."""
    decided = await plan(project, request_text)
    assert decided.intent is Intent.TASK
    made = sorted((s.action.value, s.symbol, s.intent.value if s.intent else None) for s in decided.steps)
    assert made == [("edit", "parse_amount", "docstring"), ("edit", "parse_amount", "type_hints")]


@pytest.mark.parametrize(
    ("request_text", "symbols"),
    [
        ("1) document parse_amount 2) document format_amount", ["parse_amount", "format_amount"]),
        ("(1) add type hints to parse_amount (2) simplify drainQueue", ["parse_amount", "drainQueue"]),
        ("first document parse_amount, then simplify drainQueue", ["parse_amount", "drainQueue"]),
        ("document parse_amount. next, simplify drainQueue. finally add type hints to format_amount",
         ["parse_amount", "drainQueue", "format_amount"]),
    ],
)  # fmt: skip
async def test_an_inline_list_or_a_sequence_of_steps_plans_every_step(project, request_text, symbols):
    """ "1) … 2) …" on one line and "first …, then …" lost every step but one."""
    decided = await plan(project, request_text)
    assert [s.symbol for s in decided.steps] == symbols


@pytest.mark.parametrize(
    "request_text",
    [
        "rename parse_amount to read_amount and format_amount to show_amount",
        "rename parse_amount → read_amount, format_amount → show_amount",
        "rename parse_amount to read_amount. rename format_amount to show_amount",
    ],
)
async def test_several_renames_are_a_step_each(project, request_text):
    decided = await plan(project, request_text)
    renames = [(s.action.value, s.symbol, s.new_name) for s in decided.steps]
    assert renames == [("rename", "parse_amount", "read_amount"), ("rename", "format_amount", "show_amount")]


@pytest.mark.parametrize(
    "request_text",
    ["i dont get what format_amount does", "no idea why drainQueue splices", "i do not understand how Ledger.total works",
     "wtf does parse_amount do"],
)  # fmt: skip
async def test_not_understanding_something_asks_about_it(project, request_text):
    decided = await plan(project, request_text)
    assert decided.intent is Intent.QUESTION, decided


async def test_a_polite_command_the_model_plans_is_not_turned_into_a_question(project, fake_model):
    """The question-routing guard reads the words as the rules do: "can you add …" commands. Read
    raw, it made the model's right docstring plan a question."""
    from outrigger.config import ModelSettings
    from outrigger.guards.stats import RepairStats
    from outrigger.guards.switches import Guards
    from outrigger.model.client import ModelClient
    from outrigger.planner import make_plan

    client = ModelClient(ModelSettings(base_url=fake_model.base_url))
    fake_model.script('{"intent": "docstring", "symbol": "format_amount"}')
    request_text = "could you please add a docstring to the function that formats amounts?"
    decided = await make_plan(request_text, project_map=project, model=client, guards=Guards(), stats=RepairStats())
    assert (decided.intent, decided.symbol, decided.decided_by) == (Intent.DOCSTRING, "format_amount", "model")


@pytest.mark.parametrize("request_text", ["nuke drainQueue", "drainQueue isnt used anymore, ditch it"])
async def test_every_removal_verb_of_the_table_removes(project, request_text):
    """The removal rows read the table's verbs (a slot), not a list of their own."""
    decided = await plan(project, request_text)
    assert [(s.action.value, s.symbol) for s in decided.steps] == [("remove", "drainQueue")]


@pytest.mark.parametrize(
    ("request_text", "intent", "action"),
    [
        ("drainQueue needs to be removed", Intent.TASK, "remove"),
        ("format_amount ought to be simplified", Intent.REWRITE, None),
        ("format_amount needs simplifying", Intent.REWRITE, None),
        ("parse_amount needs fixing, it drops the sign", Intent.FIX, None),
    ],
)
async def test_a_change_said_in_the_passive_of_a_symbol_is_that_change(project, request_text, intent, action):
    """ "X needs to be removed" was a fix of X; "X needs simplifying" went to the model."""
    decided = await plan(project, request_text)
    assert decided.intent is intent, decided
    assert [s.action.value for s in decided.steps] == ([action] if action else [])


@pytest.mark.parametrize(
    ("request_text", "intent"),
    [
        ("format_amount: simplify pls", Intent.REWRITE),  # "please" is no target
        ("parse_amount could use type hints... oh wait it has them. add a docstring then", Intent.DOCSTRING),
        ("parse_amount has type hints. add a docstring", Intent.DOCSTRING),
    ],
)
async def test_the_command_after_a_statement_says_what_to_do(project, request_text, intent):
    decided = await plan(project, request_text)
    assert (decided.intent, [t.symbol for t in decided.targets]) == (intent, [request_text.split()[0].rstrip(":")])
