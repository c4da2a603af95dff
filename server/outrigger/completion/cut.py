"""Guard: a completion ends where the code it is in ends.

Small models run on: past the statement on a line (`total = 0; count = 0`), past the end of the
function into the next one. In the parsed file with the completion inserted, every construct
that was open at the cursor (started before it) and that the completion closes is a limit:
the completion is cut at the end of the outermost such construct, so it finishes the
statement or block the user is in and nothing after it. A single-line completion also stops
at its first line break, and a multi-line one cut off by the length limit loses its
unfinished last line.
"""

from __future__ import annotations

from collections.abc import Callable

from outrigger.completion.context import FimContext
from outrigger.completion.inserted import Inserted
from outrigger.completion.repeats import without_repeats
from outrigger.completion.syntax import new_errors

# Characters after which a construct may have closed: the stream is checked only then.
_CLOSERS = frozenset("\n;)]}")


def cut_to_block(context: FimContext, completion: str, *, cut_off: bool = False) -> str:
    if not context.multiline:
        completion = completion.split("\n", 1)[0]
    elif cut_off and "\n" in completion:
        completion = completion[: completion.rindex("\n")]
    completion = completion.rstrip()
    if not completion.strip():
        return ""
    inserted = Inserted(context, completion)
    # The first character the completion writes, past leading blanks.
    probe = inserted.start + len(completion[: len(completion) - len(completion.lstrip())].encode("utf-8"))
    node = inserted.tree.root_node.descendant_for_byte_range(probe, probe)
    limit = None
    while node is not None:
        if node.start_byte < inserted.start and inserted.start < node.end_byte < inserted.end:
            limit = node.end_byte  # the outermost closing construct wins
        node = node.parent
    if limit is None:
        return completion
    return completion[: inserted.chars_before(limit)].rstrip()


def stop_when_cut(context: FimContext, errors_before: list[tuple[int, str]]) -> Callable[[str], bool]:
    """For a streamed reply: True once the guards have already ended the text so far before
    its end — the model has moved past the statement or the block (or, for a multi-line
    fill, written the file's next line again) — and what they keep parses without a new
    error, so more text would not change it. A multi-line fill is judged on its complete
    lines only. Every token not written is time saved on two cores."""
    checked = 0

    def stop(text: str) -> bool:
        nonlocal checked
        if context.multiline and _leaves_the_block(context, text):
            # The line being written starts left of the block: what came before is the fill.
            kept = without_repeats(context, cut_to_block(context, text[: text.rfind("\n") + 1]))
            return bool(kept.strip()) and not new_errors(context, kept, errors_before)
        if not any(char in _CLOSERS for char in text[checked:]):
            return False
        checked = len(text)
        if context.multiline:
            text = text[: text.rfind("\n") + 1]
            kept = without_repeats(context, cut_to_block(context, text))
        else:
            kept = cut_to_block(context, text)
        if not kept.strip() or len(kept) >= len(text.rstrip()):
            return False
        return not new_errors(context, kept, errors_before)

    return stop


def _leaves_the_block(context: FimContext, text: str) -> bool:
    """The last line so far (after the first) has begun, with code, left of the empty block's
    indentation (the cursor's): `def next_one…`, or the `}` that closes the function."""
    if "\n" not in text:
        return False
    last = text[text.rfind("\n") + 1 :]
    code = last.lstrip(" \t")
    return bool(code) and len(last) - len(code) < len(context.head)
