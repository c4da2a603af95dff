"""Guard: a completion must not write what already follows the cursor.

Models asked to fill a gap often go on to write the code after it again (the rest of the line,
the next line, the closing brace). Text that repeats the rest of the cursor line is dropped
from the completion's end; a line that repeats the next line of the file ends the completion
before it. What is left may be nothing: then the completion is dropped.
"""

from __future__ import annotations

from outrigger.completion.context import FimContext


def without_repeats(context: FimContext, completion: str) -> str:
    rest = context.line_rest.strip()
    lines = completion.split("\n")
    if rest and lines[-1].rstrip().endswith(rest):
        lines[-1] = lines[-1].rstrip()[: -len(rest)]
    following = [line.strip() for line in context.suffix.split("\n")[1:] if line.strip()]
    if following:
        # The first line of a multi-line fill continues the cursor line, which is new code.
        for index, line in enumerate(lines):
            if line.strip() == following[0] and (index > 0 or not context.head.strip()):
                if _open_brackets("\n".join(lines[:index])) > 0:
                    continue  # `}` closing the completion's own `if {`, not the file's next `}`
                lines = lines[:index]
                break
    return "\n".join(lines).rstrip()


def _open_brackets(code: str) -> int:
    """Brackets the code opens and does not close (strings not told apart: an estimate the
    syntax guard backs up)."""
    return sum(code.count(c) for c in "([{") - sum(code.count(c) for c in ")]}")
