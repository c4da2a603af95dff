import pytest

from outrigger.config import ModelSettings
from outrigger.errors import BudgetExceeded
from outrigger.guards.budget import Budget, count_messages, count_tokens, trim_around
from outrigger.spans import Range


def test_count_tokens_uses_cl100k():
    assert count_tokens("hello world") == 2
    assert count_tokens("") == 0
    assert count_tokens("<|endoftext|>") > 1  # user text, never a special token


def test_count_messages_adds_overhead_per_message():
    messages = [{"role": "system", "content": "hello world"}, {"role": "user", "content": ""}]
    assert count_messages(messages) == 2 + 4 + 4


def test_prompt_limit_reserves_reply_and_margin():
    assert Budget(8192, 1024, safety_margin=64).prompt_limit() == 7104
    assert Budget.for_model(ModelSettings(context_window=4096, max_output_tokens=512)).prompt_limit() == 4096 - 512 - 64


def test_check_returns_the_estimate_when_it_fits():
    messages = [{"role": "user", "content": "hello world"}]
    assert Budget(1024, 256).check(messages) == 6


def test_check_refuses_with_the_numbers():
    budget = Budget(600, 500, safety_margin=0)
    messages = [{"role": "user", "content": "word " * 200}]
    needed = count_messages(messages)
    with pytest.raises(BudgetExceeded) as refusal:
        budget.check(messages)
    assert str(refusal.value) == (
        f"The request needs about {needed} tokens but the model's window leaves 100 for the "
        "prompt (context window 600, reply 500)."
    )


def test_calibration_scales_future_estimates():
    budget = Budget(8192, 1024)
    messages = [{"role": "user", "content": "word " * 100}]
    raw = count_messages(messages)
    budget.calibrate(raw, raw * 2)
    assert budget.ratio == pytest.approx(1.5)
    budget.calibrate(raw, raw * 2)
    assert budget.ratio == pytest.approx(1.75)
    assert budget.estimate(messages) == pytest.approx(raw * 1.75, abs=1)


def test_calibration_is_clamped_and_ignores_empty_reports():
    budget = Budget(8192, 1024)
    for _ in range(20):
        budget.calibrate(10, 1000)
    assert budget.ratio == 3.0
    budget.calibrate(0, 10)
    budget.calibrate(10, 0)
    assert budget.ratio == 3.0
    for _ in range(20):
        budget.calibrate(1000, 1)
    assert budget.ratio == 0.5


def test_room_is_what_is_left_in_raw_tokens():
    budget = Budget(1000, 200, safety_margin=0)
    messages = [{"role": "user", "content": "hello world"}]
    assert budget.room(messages) == 800 - 6
    budget.ratio = 2.0
    assert budget.room(messages) == (800 - 12) // 2


FILE = "".join(f"line_{n} = {n} * {n} + {n}\n" for n in range(200))


def test_trim_returns_the_whole_text_when_it_fits():
    assert trim_around(FILE, Range.of(3, 0, 4, 0), 100_000) == (FILE, 0)


def test_trim_keeps_the_target_and_context_on_both_sides():
    keep = Range.of(100, 0, 105, 3)
    excerpt, first_line = trim_around(FILE, keep, 200)

    assert count_tokens(excerpt) <= 200
    lines = FILE.splitlines(keepends=True)
    assert excerpt == "".join(lines[first_line : first_line + len(excerpt.splitlines())])
    shown = range(first_line, first_line + len(excerpt.splitlines()))
    assert all(line in shown for line in range(100, 106))
    before, after = 100 - first_line, shown.stop - 106
    assert before > 0 and after > 0 and abs(before - after) <= 1


def test_trim_near_the_start_grows_the_other_way():
    excerpt, first_line = trim_around(FILE, Range.of(0, 0, 1, 0), 200)
    assert first_line == 0
    assert excerpt.startswith("line_0 =") and len(excerpt.splitlines()) > 5


def test_trim_range_ending_at_column_zero_excludes_that_line():
    keep_tokens = count_tokens("".join(FILE.splitlines(keepends=True)[10:12]))
    excerpt, first_line = trim_around(FILE, Range.of(10, 0, 12, 0), keep_tokens)
    assert (excerpt, first_line) == ("".join(FILE.splitlines(keepends=True)[10:12]), 10)


def test_trim_refuses_when_the_target_alone_does_not_fit():
    with pytest.raises(BudgetExceeded, match=r"^Lines 51–100 alone need about \d+ tokens but only 50 fit"):
        trim_around(FILE, Range.of(50, 0, 99, 10), 50)
