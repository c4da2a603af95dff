"""The completion guards in order — cut, repeats, names, syntax — and the count of what each
shortened and dropped. A completion every guard let through (maybe shortened) is shown;
one a guard emptied is dropped, and that guard is named."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from outrigger.completion.context import FimContext
from outrigger.completion.cut import cut_to_block
from outrigger.completion.members import Members
from outrigger.completion.names import Known, shortened_before_invented
from outrigger.completion.repeats import without_repeats
from outrigger.completion.syntax import without_new_errors

GUARDS = ("cut", "repeats", "names", "syntax")


@dataclass(frozen=True)
class Checked:
    text: str  # what may be shown; "" when dropped
    dropped_by: str | None = None  # "empty" (the model wrote nothing) or a guard's name
    shortened_by: tuple[str, ...] = ()
    invented: tuple[str, ...] = ()  # names the model used that do not exist


@dataclass
class CompletionStats:
    """Totals over a completer's life; the benchmark and `outrigger.status` read them."""

    requests: int = 0
    shown: int = 0
    dropped: Counter[str] = field(default_factory=Counter)
    shortened: Counter[str] = field(default_factory=Counter)

    def add(self, checked: Checked) -> None:
        self.requests += 1
        if checked.dropped_by:
            self.dropped[checked.dropped_by] += 1
        else:
            self.shown += 1
        self.shortened.update(checked.shortened_by)

    def merge(self, other: CompletionStats) -> None:
        self.requests += other.requests
        self.shown += other.shown
        self.dropped.update(other.dropped)
        self.shortened.update(other.shortened)

    def sentence(self) -> str:
        """ "Inline completion: 12 asked, 8 shown; dropped by names 2, empty 1; shortened by cut 5." """
        if not self.requests:
            return "Inline completion: nothing asked yet."
        said = f"Inline completion: {self.requests} asked, {self.shown} shown"
        for what, counts in (("dropped by", self.dropped), ("shortened by", self.shortened)):
            if counts:
                said += f"; {what} " + ", ".join(f"{name} {n}" for name, n in counts.most_common())
        return said + "."

    def as_dict(self) -> dict[str, object]:
        return {
            "requests": self.requests,
            "shown": self.shown,
            "dropped": dict(self.dropped),
            "shortened": dict(self.shortened),
        }


def checked(
    context: FimContext,
    raw: str,
    *,
    cut_off: bool,
    known: Known,
    errors_before: list[tuple[int, str]],
    members: Members | None = None,
) -> Checked:
    if not raw.strip():
        return Checked("", "empty")
    shortened: list[str] = []

    def step(name: str, before: str, after: str) -> str:
        if after.strip() and after.rstrip() != before.rstrip():
            shortened.append(name)
        return after

    text = step("cut", raw, cut_to_block(context, raw, cut_off=cut_off))
    if not text.strip():
        return Checked("", "cut")
    text = step("repeats", text, without_repeats(context, text))
    if not text.strip():
        return Checked("", "repeats", tuple(shortened))
    shorter, invented = shortened_before_invented(context, text, known, members)
    text = step("names", text, shorter)
    if not text.strip():
        return Checked("", "names", tuple(shortened), tuple(invented))
    text = step("syntax", text, without_new_errors(context, text, errors_before))
    if not text.strip():
        return Checked("", "syntax", tuple(shortened), tuple(invented))
    return Checked(text, None, tuple(shortened), tuple(invented))
