"""A hostile model: replies with lone surrogates, replies nested hundreds of blocks deep,
replies of megabytes. Each ends in a clear refusal or a sane answer, never an internal error,
and the user is never blamed for the model's reply."""

from __future__ import annotations

import json
import subprocess
import sys
import threading

from agent_helpers import make_agent
from lsp_editor import GatedFake

SURROGATE = "\ud800"


def run_cli(*args: str, timeout: float = 60) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "outrigger", *args], capture_output=True, text=True, timeout=timeout)


# -- lone surrogates (item 9) ---------------------------------------------------------------


async def test_a_lone_surrogate_in_code_is_kept_out_of_the_file(py, fake_model):
    reply = f'def get_item(item_id):\n    return "{SURROGATE}"\n'
    fake_model.script(reply, reply)
    agent = make_agent(py, fake_model.base_url)
    outcome = await agent.ask("fix get_item in items.py")
    assert outcome.kind in ("edit", "refused"), outcome.message
    for edit in outcome.edits:
        edit.new_text.encode("utf-8")  # encodable: what reaches the disk or the editor


async def test_a_lone_surrogate_in_a_plan_is_a_refusal_naming_close_matches(py, fake_model):
    plan = json.dumps({"intent": "fix", "symbol": f"{SURROGATE}get_item", "file": "items.py"})
    fake_model.script(plan)
    agent = make_agent(py, fake_model.base_url)
    outcome = await agent.ask("curious about get_item")  # wording only the model plans
    assert outcome.kind == "refused" and "`get_item`" in outcome.message, outcome.message
    outcome.message.encode("utf-8")


async def test_a_lone_surrogate_in_an_answer_is_printable(py, fake_model):
    fake_model.script(f"It {SURROGATE} returns the item.")
    agent = make_agent(py, fake_model.base_url)
    outcome = await agent.ask("what does get_item do?")
    assert outcome.kind == "answer"
    outcome.message.encode("utf-8")


def test_the_cli_never_exits_70_on_a_surrogate(py, fake_model):
    reply = f'def get_item(item_id):\n    return "{SURROGATE}"\n'
    plan = json.dumps({"intent": "fix", "symbol": f"{SURROGATE}get_item", "file": "items.py"})
    for script, request in (
        ([reply, reply], "fix get_item in items.py"),
        ([plan], "make get_item better please"),
        ([f"It {SURROGATE} works."], "what does get_item do?"),
    ):
        fake_model.reset()
        fake_model.script(*script)
        result = run_cli("ask", "-w", str(py), "--base-url", fake_model.base_url, request)
        assert result.returncode in (0, 2), result.stderr
        assert "internal error" not in result.stderr


# -- replies nested hundreds of blocks deep (item 10) ---------------------------------------


async def test_a_reply_nested_500_blocks_deep_is_refused(py, fake_model):
    deep = "def get_item(item_id):\n" + "".join(" " * (i + 1) + "if item_id:\n" for i in range(500))
    deep += " " * 501 + "return 1\n"
    classes = "".join(" " * i + f"class C{i}:\n" for i in range(500)) + " " * 500 + "pass\n"
    fake_model.script(deep, deep, classes, classes)
    # A model allowed long replies: the size guard alone would not stop these.
    agent = make_agent(py, fake_model.base_url, max_output_tokens=16_384, context_window=32_768)
    for request in ("fix get_item in items.py", "add a class that stores prices to items.py"):
        outcome = await agent.ask(request)
        assert outcome.kind == "refused", outcome.message
        assert outcome.edits == []


# -- huge replies (item 14, and answers without bound) -------------------------------------


async def test_a_huge_reply_is_refused_as_the_models_not_the_users(py, fake_model):
    fake_model.script("x" * 5_000_000, "x")
    agent = make_agent(py, fake_model.base_url)
    outcome = await agent.ask("make get_item better please")
    assert outcome.kind == "refused"
    assert "The model's reply is 5,000,000 characters long" in outcome.message
    assert "The request needs" not in outcome.message


async def test_a_retry_quotes_only_the_start_of_a_bad_reply(py, fake_model):
    # Longer than the quote, short enough for the plan's reply allowance (256 tokens).
    bad = '{"intent": "fix", "symbol": 12, "pad": "' + "y" * 3_500 + '"}'
    fake_model.script(bad, json.dumps({"intent": "question", "symbol": "get_item"}), "It returns an item.")
    agent = make_agent(py, fake_model.base_url)
    outcome = await agent.ask("curious about get_item")  # wording only the model plans
    assert outcome.kind == "answer", outcome.message
    retry = fake_model.bodies()[1]["messages"]
    quoted = [m["content"] for m in retry if m["role"] == "assistant"][-1]  # after the worked examples' replies
    assert len(quoted) < 2_100 and "more characters of your reply cut" in quoted


async def test_an_answer_is_capped(py, fake_model):
    """Every answer the model writes is asked for in at most ANSWER_TOKENS tokens (a workspace
    search too, since issue 24): a server that sends 60,000 characters anyway ignored the
    limit and is refused; what is shown is capped besides."""
    from outrigger.guards.replies import capped_answer

    fake_model.script("an answer " * 6_000)  # 60,000 characters: within what 4,096 tokens can be
    agent = make_agent(py, fake_model.base_url, max_output_tokens=4_096, context_window=16_384)
    outcome = await agent.ask("is there a function that counts things?")  # a workspace search
    assert outcome.kind == "refused" and "ignored the reply limit" in outcome.message
    shown = capped_answer("an answer " * 6_000)
    assert len(shown) < 20_100 and shown.endswith("more characters not shown]")


# -- exit codes (item 14) -------------------------------------------------------------------


def test_a_stale_apply_exits_2_like_every_refusal(py):
    """The file changes while the model thinks: --apply refuses, with the status the README
    gives refusals."""
    with GatedFake() as fake:
        fake.script("def get_item(item_id):\n    return ITEMS.get(item_id, None)\n")
        cli = subprocess.Popen(
            [sys.executable, "-m", "outrigger", "ask", "-w", str(py), "--base-url", fake.base_url, "--apply"]
            + ["fix get_item in items.py"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        assert fake.arrived.wait(30)
        items = py / "items.py"
        items.write_text(items.read_text() + "\n# edited meanwhile\n")
        threading.Timer(0, fake.gate.set).start()
        out, err = cli.communicate(timeout=60)
    assert cli.returncode == 2, out + err
    assert "changed since the edit was computed" in out + err
    assert "# edited meanwhile" in items.read_text() and "None)" not in items.read_text()
