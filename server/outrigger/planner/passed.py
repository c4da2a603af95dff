"""What a request says every caller passes ("pass [] from every caller", "callers should pass
DAILY_RATE"), when it is plain enough to write into the calls without the model."""

from __future__ import annotations

from outrigger.planner.words import Reading
from outrigger.workspace.index import ProjectMap

_CONSTANTS = frozenset("[] {} () None True False null undefined true false nil".split())


def _literal(value: str) -> bool:
    """A number, a quoted string or a constant, written the same in every caller."""
    whole, dot, fraction = value.removeprefix("-").partition(".")
    if whole.isdigit() and (fraction.isdigit() or not dot):
        return True
    quoted = len(value) > 1 and value[0] == value[-1] and value[0] in "'\""
    return value in _CONSTANTS or (quoted and not any(c in value[1:-1] for c in (value[0], "\\", "\n")))


def _passed_text(said: Reading) -> str | None:
    """What the clause says callers pass: "pass VALUE from every caller", "callers should pass VALUE",
    "update the callers to pass VALUE"."""
    clause, words = said.text, said.words
    lower = [w.text.lower() for w in words]
    for i, word in enumerate(lower):
        if word not in ("pass", "passes", "passing"):
            continue
        for j in range(i + 1, len(words) - 1):
            if lower[j] in ("from", "in", "at", "to") and lower[j + 1] in ("every", "all", "each", "its", "the"):
                end = words[j - 1].start if j - 1 > i and lower[j - 1] in ("in", "through", "along") else words[j].start
                if value := clause[words[i].end : end].strip():
                    return value
    for i, word in enumerate(lower):
        before = [w for w in lower[max(0, i - 2) : i] if w not in ("should", "must", "to")]  # "callers to pass X"
        if word in ("pass", "passes") and before and before[-1] in ("caller", "callers"):
            return clause[words[i].end :].strip().rstrip(".!").strip() or None
    return None


def passed_value(clause: Reading, project_map: ProjectMap) -> tuple[str, str | None] | None:
    """(the value a request says every caller passes, the caller's local it needs or None),
    when it is plain enough to write without the model: `[]`, `0`, `'web'`, `None`, a name the
    workspace defines (`DAILY_RATE`), or a caller's own variable ("the ticket" → `ticket`,
    "the invoice's currency" → `invoice.currency`, used only where the caller has it)."""
    if (value := _passed_text(clause)) is None:
        return None
    value = value.strip("`")
    if _literal(value):
        return value, None
    if (
        value.isidentifier()
        and value.lower() not in NOT_NAMES
        and any(s.container is None and s.kind not in _CALLABLE for s in project_map.find(value))
    ):
        return value, None
    # "the ticket", "the invoice's currency": a variable of the caller (and one of its fields);
    # whether the caller has it is checked there.
    parts = value.split()
    parts = parts[1:] if parts and parts[0].lower() == "the" else parts
    name, member = (
        (parts[0].removesuffix("'s"), parts[1])
        if len(parts) == 2 and parts[0].endswith("'s")
        else ((parts[0], None) if len(parts) == 1 else ("", None))
    )
    if name.isidentifier() and (member is None or member.isidentifier()) and name.lower() not in NOT_NAMES | _VAGUE:
        return (f"{name}.{member}" if member else name), name
    return None


_VAGUE = frozenset({"value", "values", "same", "right", "correct", "new", "one", "argument", "parameter", "thing"})


def passed_fields(clause: Reading, project_map: ProjectMap) -> dict[str, str | None]:
    value, local = passed_value(clause, project_map) or (None, None)
    return {"argument": value, "argument_local": local}


NOT_NAMES = frozenset({"me", "us", "it", "them", "this", "that", "everything"})
_CALLABLE = frozenset({"function", "method", "class"})  # "pass DAILY_RATE": a value, not code
