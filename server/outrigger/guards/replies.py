"""The reply guard: a model's reply is untrusted text of any size and any content.

Before another guard reads it, a reply is bounded (a reply longer than its token allowance
could produce is refused: a server that ignores `max_tokens` once sent 23 MB) and made
encodable (JSON lets a reply carry lone surrogates, "\\ud800", which no UTF-8 encoder,
tree-sitter or terminal accepts). What goes back to the model in a retry, and what is shown
to a user as an answer, is capped. Always on: without it a reply crashes the server.
"""

from __future__ import annotations

import re
from typing import Any

from outrigger.errors import Refused
from outrigger.workspace.symbols import Symbol, extract_symbols

# Code averages 3–4 characters a token; the longest tokens of code vocabularies (runs of
# spaces) are rarely over a dozen. A reply past this many per token did not come from
# honouring the allowance.
MAX_CHARS_PER_TOKEN = 16
QUOTED_CHARS = 2_000  # of a bad reply, quoted back in the retry that asks to fix it
ANSWER_CHARS = 20_000  # of an answer shown to the user

_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def without_surrogates(text: str) -> str:
    """Each lone surrogate becomes U+FFFD (one code point for one: positions keep)."""
    return _LONE_SURROGATE.sub("\ufffd", text)


def strings_without_surrogates(value: Any) -> Any:
    """`without_surrogates` on every string of a parsed JSON value (a plan's fields)."""
    if isinstance(value, str):
        return without_surrogates(value)
    if isinstance(value, list):
        return [strings_without_surrogates(item) for item in value]
    if isinstance(value, dict):
        return {strings_without_surrogates(k): strings_without_surrogates(v) for k, v in value.items()}
    return value


def checked_reply(text: str, max_tokens: int) -> str:
    """The reply, encodable; Refused when it is longer than `max_tokens` tokens can be."""
    limit = max_tokens * MAX_CHARS_PER_TOKEN
    if len(text) > limit:
        raise Refused(
            f"The model's reply is {len(text):,} characters long, more than a reply of at most "
            f"{max_tokens:,} tokens can be; the model server ignored the reply limit. Nothing was changed."
        )
    return without_surrogates(text)


def refuse_cut_off(cut_off: bool, what: str) -> None:
    """Code the model did not finish is never used: a reply stopped at its token limit can end
    mid-statement or, worse, mid-comment (a Rust doc comment cut inside its ``` example
    parses, and fails as a doctest)."""
    if cut_off:
        raise Refused(f"The model's {what} was cut off at its length limit; nothing was changed.")


def quoted_reply(text: str) -> str:
    """A bad reply as quoted back to the model in a retry: enough to see the mistake, never
    so much that the retry no longer fits the window."""
    if len(text) <= QUOTED_CHARS:
        return text
    return f"{text[:QUOTED_CHARS]}\n[… {len(text) - QUOTED_CHARS:,} more characters of your reply cut]"


def capped_answer(text: str) -> str:
    if len(text) <= ANSWER_CHARS:
        return text
    return f"{text[:ANSWER_CHARS]}\n[… {len(text) - ANSWER_CHARS:,} more characters not shown]"


def definitions_in_reply(path: str, code: str) -> list[Symbol]:
    """The definitions in a reply's code, as the index reads a file. A reply nested hundreds
    of blocks deep exhausts the reader's recursion: refused, not a crash."""
    try:
        return extract_symbols(path, code)
    except RecursionError:
        raise Refused("The model's code is nested too deeply to check; nothing was changed.") from None
