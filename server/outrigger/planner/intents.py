"""Every intent in one table: its executor, whether the project's tests judge its change, and
what the model is told about it (the choice's meaning and worked examples, shown when the
request's words ask for the intent: model_plan.py), or that the model never plans it. The steps
of a task list are a table of the same kind. Adding an intent is one action module plus one row here (and its name in
`plan.Intent`); the model's schema and prompt, the dispatch and the test gate follow."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from outrigger.actions.add_code import add_code
from outrigger.actions.context import ActionContext, Answer, Change
from outrigger.actions.edit_symbol import edit_symbols
from outrigger.actions.question import answer
from outrigger.actions.rename import rename
from outrigger.actions.repeat import repeat
from outrigger.actions.task import run_task
from outrigger.actions.undo import undo
from outrigger.plan import Intent, Plan, StepAction

Executor = Callable[[Plan, ActionContext], Awaitable[Change | Answer]]


@dataclass(frozen=True)
class Offer:
    """The code action an intent offers on a symbol (offers.py): its title and the request it
    sends, with `{name}` (the symbol), `{where}` (the symbol and its file), `{doc}` (the
    language's doc comment) and `{problem}` (a diagnostic's first line)."""

    title: str
    request: str
    kind: str = "refactor.rewrite"  # the LSP code action kind
    languages: frozenset[str] | None = None  # the languages the action works in; None: any
    needs_grammar: bool = False  # without a grammar nothing tells a doc comment from code
    per_diagnostic: bool = False  # one per diagnostic inside the symbol


@dataclass(frozen=True)
class Row:
    executor: Executor
    # The project's tests judge the change. Documentation and types included: a Rust doc
    # comment's example runs as a doctest under `cargo test`, and `npm test` type-checks TypeScript.
    tested: bool
    choice: str | None = None  # the meaning the model's prompt gives it; None: the model never plans it
    # The verbs that ask for it (space-separated), as the first word of a clause: planner/words.py tags them.
    verbs: str = ""
    examples: tuple[tuple[str, str], ...] = field(default=())  # (request, the model's plan as JSON)
    offer: Offer | None = None  # the code action on a symbol, if any


INTENTS: dict[Intent, Row] = {
    Intent.QUESTION: Row(
        answer,
        verbs="explain describe tell summarize summarise find search locate show list count",
        tested=False,
        choice="the user wants information; nothing changes",
        examples=(
            ("is sendMail used anywhere", '{"intent": "question", "symbol": "sendMail"}'),
            ("which function checks that a coupon is still valid?", '{"intent": "question"}'),
        ),
        offer=Offer("Explain `{name}`", "Explain {where}", kind="refactor"),
    ),
    Intent.RENAME: Row(
        rename,
        verbs="rename name call",
        tested=True,
        choice="give a symbol a new name",
        examples=(
            ("rename fetchUsr to fetchUser", '{"intent": "rename", "symbol": "fetchUsr", "new_name": "fetchUser"}'),
            ("call parseDate toDate from now on", '{"intent": "rename", "symbol": "parseDate", "new_name": "toDate"}'),
            (
                "load_config should be named read_config in config.py",
                '{"intent": "rename", "symbol": "load_config", "file": "config.py", "new_name": "read_config"}',
            ),
        ),
    ),
    Intent.DOCSTRING: Row(
        edit_symbols,
        verbs="document",
        tested=True,
        choice="add documentation to one function or class",
        examples=(("Cart.total needs a doc comment", '{"intent": "docstring", "symbol": "Cart.total"}'),),
        offer=Offer("Add {doc} to `{name}`", "Add a {doc} to {where}", needs_grammar=True),
    ),
    Intent.TYPE_HINTS: Row(
        edit_symbols,
        verbs="annotate type",
        tested=True,
        choice="add type annotations to one function",
        examples=(("could you type hint load_rates", '{"intent": "type_hints", "symbol": "load_rates"}'),),
        offer=Offer(
            "Add type hints to `{name}`",
            "Add type hints to {where}",
            languages=frozenset({"python", "typescript", "tsx"}),
        ),
    ),
    Intent.FIX: Row(
        edit_symbols,
        verbs="fix repair correct debug",
        tested=True,
        choice="fix a bug in one function or class",
        examples=(
            (
                "make fetchUser handle a missing id in api.js",
                '{"intent": "fix", "symbol": "fetchUser", "file": "api.js"}',
            ),
        ),
        offer=Offer("Fix “{problem}” in `{name}`", "Fix {where}: {problem}", kind="quickfix", per_diagnostic=True),
    ),
    Intent.REWRITE: Row(
        edit_symbols,
        verbs="rewrite refactor change update modify replace simplify improve optimize optimise speed shorten streamline convert clean tidy extract split make",
        tested=True,
        choice="change one function or class in another way",
        examples=(
            ("simplify parse_row in csv_io.py", '{"intent": "rewrite", "symbol": "parse_row", "file": "csv_io.py"}'),
        ),
    ),
    Intent.ADD: Row(
        add_code,
        verbs="add append insert create write implement generate put give",
        tested=True,
        choice="add new code to a file",
        examples=(("put a helper that formats money into utils.py", '{"intent": "add", "file": "utils.py"}'),),
    ),
    # The model may take back the last change only when a word of the request says so (model_plan.py).
    Intent.UNDO: Row(
        undo,
        verbs="undo revert",
        tested=False,
        choice="take back the last change Outrigger made",
        examples=(("scrap that last edit, I want my old version back", '{"intent": "undo"}'),),
    ),
    Intent.REPEAT: Row(repeat, tested=True),  # "do the same to X": only ever the rules'
    Intent.TASK: Row(run_task, tested=True),  # several steps: the rules' (tasks.py) or the model's task list
}


@dataclass(frozen=True)
class StepRow:
    meaning: str  # what the model's task prompt says the step does
    verbs: str = ""  # the verbs that ask for it, as for an intent
    examples: tuple[tuple[str, str], ...] = field(default=())  # (request, the model's task list as JSON)


# The steps of a task.
STEPS: dict[StepAction, StepRow] = {
    StepAction.EDIT: StepRow(
        "change one existing function or class (`symbol`) in `file`",
        "call use invoke export import have let",
        examples=(
            (
                "- document load_rates\n- add type hints to save_rates",
                '{"steps": [{"id": 1, "action": "edit", "file": "rates.py", "symbol": "load_rates", "what": "document it"}, '
                '{"id": 2, "action": "edit", "file": "rates.py", "symbol": "save_rates", "what": "add type hints"}]}',
            ),
        ),
    ),
    StepAction.ADD: StepRow(
        "add new code to the existing `file`",
        examples=(
            (
                "add a sendWelcome(user) helper to src/mail.js and call it from register",
                '{"steps": [{"id": 1, "action": "add", "file": "src/mail.js", "what": "add sendWelcome(user) that mails the user"}, '
                '{"id": 2, "action": "edit", "file": "src/signup.js", "symbol": "register", "what": "call sendWelcome(user)", "after": [1]}]}',
            ),
        ),
    ),
    StepAction.CREATE: StepRow(
        "create the new file `file`",
        examples=(
            (
                "create tests/test_tax.py with tests for vat_of",
                '{"steps": [{"id": 1, "action": "create", "file": "tests/test_tax.py", "what": "tests for vat_of"}]}',
            ),
        ),
    ),
    StepAction.DELETE: StepRow(
        "delete the file `file`",
        "delete",
        examples=(("delete src/old_api.js", '{"steps": [{"id": 1, "action": "delete", "file": "src/old_api.js"}]}'),),
    ),
    StepAction.REMOVE: StepRow(
        "remove the function or class `symbol` from `file` (nothing else may use it)",
        "remove drop erase trash get_rid throw_away nuke ditch yeet",
        examples=(
            (
                "legacy_total can go, remove it",
                '{"steps": [{"id": 1, "action": "remove", "file": "billing.py", "symbol": "legacy_total"}]}',
            ),
        ),
    ),
    StepAction.RENAME: StepRow("rename `symbol` (defined in `file`) to `new_name` everywhere"),
    StepAction.MOVE: StepRow(
        "move `symbol` from `file` to `to_file` and fix its imports",
        "move",
        examples=(
            (
                "move formatDate out of src/utils.js into a new src/dates.js",
                '{"steps": [{"id": 1, "action": "move", "file": "src/utils.js", "symbol": "formatDate", "to_file": "src/dates.js"}]}',
            ),
        ),
    ),
    StepAction.EDIT_CALLERS: StepRow(
        "change every function that calls `symbol` (defined in `file`)",
        "pass test",
        examples=(
            (
                "createUser should take an email; pass it from every caller",
                '{"steps": [{"id": 1, "action": "edit", "file": "users.py", "symbol": "createUser", "what": "add an email parameter"}, '
                '{"id": 2, "action": "edit_callers", "file": "users.py", "symbol": "createUser", "what": "pass the email", "after": [1]}]}',
            ),
        ),
    ),
}
VERBS: dict[str, Intent | StepAction] = {
    **{verb: action for action, row in STEPS.items() for verb in row.verbs.split()},
    **{verb: intent for intent, row in INTENTS.items() for verb in row.verbs.split()},
}
CHOICES: dict[Intent, str] = {intent: row.choice for intent, row in INTENTS.items() if row.choice}


async def execute(plan: Plan, ctx: ActionContext) -> Change | Answer:
    """Run the plan's executor. Read-only plans go through the question executor only, which
    has no way to build an edit."""
    return await INTENTS[plan.intent].executor(plan, ctx)
