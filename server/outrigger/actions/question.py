"""Read-only requests. This module returns text and has no way to build an edit: it never
imports the edit builder, and the agent wraps its answer in an Outcome with no edits.

Questions the map answers exactly (line counts, where something is defined or used, what a
file defines) never reach the model. The model explains code (one call over the symbol or
file) and searches the catalogue (one call over the map's names, signatures and first doc
lines, as many as the budget holds, the likeliest first).
"""

from __future__ import annotations

import re
from collections.abc import Callable

import snowballstemmer

from outrigger.actions.context import ActionContext, Answer
from outrigger.actions.focus import first_doc_line, signature_line, symbol_block, symbol_context
from outrigger.edits import split_lines
from outrigger.errors import Refused
from outrigger.guards.budget import count_tokens, fit_excerpt
from outrigger.plan import Plan, Question
from outrigger.spans import Range
from outrigger.workspace.one_symbol import is_test_file
from outrigger.workspace.symbols import Symbol

SYSTEM_PROMPT = """You are a senior engineer answering a question about a codebase.
Answer in plain prose, briefly (at most 6 sentences). Do not rewrite the code."""

CATALOGUE_PROMPT = """You are a senior engineer answering a question about a codebase from its list of
functions and classes (file, name, signature, first line of documentation). Name the matching
ones with their file, or say that none matches. Answer briefly; do not invent names."""

# A brief answer (the prompt asks for at most 6 sentences; the catalogue's, a few names) is well
# under this; a model that rambles on is cut here rather than kept generating for a minute on a
# small CPU.
ANSWER_TOKENS = 320
CATALOGUE_ENTRIES = 12
MAX_LISTED = 60  # map answers longer than this are cut, with the count of the rest
MAX_ANSWER_CHARS = 20_000


async def answer(plan: Plan, ctx: ActionContext) -> Answer:
    path = ctx.project_map.require_file(plan.file) if plan.file else None
    kind = plan.question or Question.EXPLAIN
    if kind is Question.CATALOGUE:
        text = await _search_catalogue(plan.instruction, ctx)
    elif (exact := _from_map(kind, plan.instruction, path, plan.symbol, ctx)) is not None:
        text = exact
    else:
        text = await _explain(plan.instruction, path, plan.symbol, ctx, searchable=kind is Question.EXPLAIN)
    return Answer(_capped(text))


def _from_map(kind: Question, request: str, path: str | None, name: str | None, ctx: ActionContext) -> str | None:
    pm = ctx.project_map
    if kind is Question.LINES:
        if path:
            count = _line_count(ctx.workspace.read(path))
            return f"{path} has {count} line{'s' * (count != 1)}."
        if name:
            s = pm.require_symbol(name, None)
            count = s.range.end.line - s.range.start.line + 1
            where = f"{s.path}:{s.range.start.line + 1}–{s.range.end.line + 1}"
            return f"`{s.name}` spans {count} line{'s' * (count != 1)} ({where})."
    if kind is Question.COUNT:
        return _count(pm.symbols(path), path, _COUNTED.search(request))
    if kind is Question.WHERE and name:
        found = pm.find(name) or [pm.require_symbol(name, None)]  # raises with close matches
        return "\n".join(
            f"`{s.qualified_name}` ({s.kind}) is defined in {s.path}:{s.range.start.line + 1}." for s in found
        )
    if kind is Question.USAGES and name:
        return _usages(name, ctx)
    if kind is Question.LIST:
        return _listing(path, name, ctx)
    return None


# "what does it return?", "explain this": the question is about something the user has in
# front of them, which the request does not name.
_POINTS_AT_SOMETHING = re.compile(
    r"\b(?:it|its|here|above|below)\b|\b(?:this|that|these|those)\b"
    r"(?!\s+(?:project|workspace|repo|repository|codebase|code\s*base|app|application|package|library|folder)\b)",
    re.I,
)
# "/etc/passwd", "notes.txt": a file the workspace does not have, not a search.
_PATH_LIKE = re.compile(r"[\w~.-]*/[\w.-]+|\b\w+\.[A-Za-z]{1,4}\b")

_COUNTED = re.compile(r"\b(function|class|method|symbol)(?:e?s)?\b", re.I)


def _count(symbols: list[Symbol], path: str | None, counted: re.Match[str] | None) -> str:
    """ "how many functions …": the kind the question names (every definition if none). A
    method is a function too (Go's `func (c *Cache) Len()`, a Python `def` in a class): the
    functions' count takes them in and says how many they are."""
    kind = counted.group(1).lower() if counted else "symbol"
    where = path or "the workspace"
    if kind == "function":
        functions = sum(s.kind == "function" for s in symbols)
        methods = sum(s.kind == "method" for s in symbols)
        if methods:
            return (
                f"{where} defines {_counted(functions + methods, 'function')}: "
                f"{functions} top-level and {_counted(methods, 'method')}."
            )
    matching = [s for s in symbols if kind == "symbol" or s.kind == kind]
    return f"{where} defines {_counted(len(matching), kind)}."


def _counted(number: int, kind: str) -> str:
    return f"{number} {kind if number == 1 else {'class': 'classes'}.get(kind, kind + 's')}"


def _usages(name: str, ctx: ActionContext) -> str:
    """Every place the name is used (its definitions left out), from the map: exact
    identifier tokens, never text in strings or comments."""
    pm = ctx.project_map
    definitions = pm.find(name) or [pm.require_symbol(name, None)]
    short = name.rpartition(".")[2]
    defined_at = {(s.path, s.selection.start.line, s.selection.start.character) for s in definitions}
    places = []
    for path, ranges in sorted(pm.occurrences(short).items()):
        lines = split_lines(ctx.workspace.read(path))
        for r in ranges:
            if (path, r.start.line, r.start.character) not in defined_at:
                places.append(f"- {path}:{r.start.line + 1}: `{lines[r.start.line].strip()}`")
    where = ", ".join(f"{s.path}:{s.range.start.line + 1}" for s in definitions)
    if not places:
        return f"`{name}` (defined in {where}) is not used anywhere else in the workspace."
    note = ""
    if len({s.qualified_name for s in pm.find(short)}) > 1:
        note = f"\n(By name: `{short}` is defined more than once, so some of these may be the others'.)"
    shown = places[:MAX_LISTED]
    more = f"\n… and {len(places) - len(shown)} more." if len(places) > len(shown) else ""
    count = len(places)
    return f"`{name}` is used {count} time{'s' * (count != 1)}:\n" + "\n".join(shown) + more + note


def _listing(path: str | None, name: str | None, ctx: ActionContext) -> str:
    pm = ctx.project_map
    if path:
        symbols, where = pm.symbols(path), path
    elif name:
        owner = pm.require_symbol(name, None)
        symbols = [s for s in pm.symbols(owner.path) if s.container == owner.name]
        where = f"`{owner.qualified_name}`"
    else:
        symbols, where = pm.symbols(), "The workspace"
    if not symbols:
        return f"{where} defines no functions or classes."
    shown = symbols[:MAX_LISTED]
    lines = [f"- `{s.qualified_name}` ({s.kind}, {s.path}:{s.range.start.line + 1})" for s in shown]
    more = f"\n… and {len(symbols) - len(shown)} more." if len(symbols) > len(shown) else ""
    return f"{where} defines:\n" + "\n".join(lines) + more


async def _explain(request: str, path: str | None, name: str | None, ctx: ActionContext, searchable: bool) -> str:
    """One call over the symbol or file. A question that names neither, points at nothing
    ("it", "this") and names no path is about the whole workspace (`searchable`: not a
    question only a target answers, "how many lines …"): the catalogue search takes it."""
    symbol = ctx.project_map.require_symbol(name, path) if name else None
    if symbol is not None:
        where, keep = symbol.path, symbol.range
    elif path:
        where, keep = path, Range.of(0, 0, 0, 0)  # no target: keep the top of the file
    elif not searchable or _POINTS_AT_SOMETHING.search(request) or _PATH_LIKE.search(request):
        raise Refused(
            "Name a symbol or a file, or put the cursor on one, so Outrigger knows what you are asking about "
            "(questions about the whole workspace work too: “where is X used?”, “is there a function that …?”)."
        )
    else:  # names nothing and points at nothing: a question about the whole workspace
        return await _search_catalogue(request, ctx)
    text = ctx.workspace.read(where)
    ctx.progress(f"reading {where}…")
    if symbol is not None and ctx.prompt_context == "symbol":
        build = _symbol_prompt(request, symbol, text, ctx)
        text, keep = symbol_block(symbol, text), Range.of(0, 0, 0, 0)
    else:
        build = lambda excerpt, _: _messages(request, where, excerpt)  # noqa: E731
    reply = await ctx.chat_fitted(
        lambda share: fit_excerpt(ctx.budget, build, text, keep, share),
        max_tokens=ANSWER_TOKENS,
        on_text=ctx.streaming_answer(),
    )
    answer = reply.text.strip() or "The model gave no answer."
    return answer + " …" if reply.cut_off else answer


def _symbol_prompt(request: str, symbol: Symbol, text: str, ctx: ActionContext) -> Callable[[str, bool], list[dict]]:
    """The prompt for a question about one symbol: what surrounds it in the map, then its
    code (trimmed from the end when it alone is too long), then the question."""
    context = symbol_context(ctx.project_map, ctx.workspace, symbol, text, request)
    lines = f"lines {symbol.range.start.line + 1}–{symbol.range.end.line + 1}"

    def build(excerpt: str, trimmed: bool) -> list[dict]:
        code = f"The code of `{symbol.qualified_name}` ({symbol.path}, {lines}{', excerpt' if trimmed else ''}):"
        parts = [context, f"{code}\n{excerpt.rstrip()}", f"Question: {request}"]
        return [
            {"role": "system", "content": SYSTEM_PROMPT},
            {"role": "user", "content": "\n\n".join(part for part in parts if part)},
        ]

    return build


async def _search_catalogue(request: str, ctx: ActionContext) -> str:
    """One call over the map's catalogue: the entries that share the most words with the
    question, at most a dozen (a small model picks better from fewer), as many as fit. When
    the model's answer names none of them, the likeliest by their words are added."""
    about_tests = bool(re.search(r"\b(?:tests?|specs?|testing)\b", request, re.I))
    asked = _stems(request)  # once: a long question is not re-read for every entry
    scored = sorted(
        (((_overlap(asked, entry), _overlap(asked, context)), entry) for entry, context in _catalogue(ctx)),
        key=lambda pair: (-pair[0][0], -pair[0][1]),
    )
    if not about_tests:  # "what formats money?" asks about the code, not the tests of it
        scored = [pair for pair in scored if not is_test_file(pair[1].split(": ", 1)[0])] or scored
    if not scored:
        return "The workspace defines no functions or classes."
    # The best by their words first, then the rest: a question rarely uses the code's own words
    # ("turns 3:25 into seconds" for `parseDuration`), so none is left out for lacking them.
    entries = [entry for _, entry in scored][:CATALOGUE_ENTRIES]

    def build(listing: str) -> list[dict[str, str]]:
        return [
            {"role": "system", "content": CATALOGUE_PROMPT},
            {"role": "user", "content": f"Functions and classes:\n{listing}\n\nQuestion: {request}"},
        ]

    def fitted(share: float) -> list[dict[str, str]]:
        room = ctx.budget.room(build("")) * share
        chosen, used = [], 0
        for entry in entries:
            cost = count_tokens(entry) + 1
            if used + cost > room:
                break
            chosen.append(entry)
            used += cost
        return build("\n".join(chosen))

    ctx.progress("searching the workspace's functions…")
    # Capped as any answer is (a few names with their files), and shown as it comes.
    reply = await ctx.chat_fitted(fitted, max_tokens=ANSWER_TOKENS, on_text=ctx.streaming_answer())
    answer = reply.text.strip() or "The model gave no answer."
    answer += " …" if reply.cut_off else ""
    likely = [entry for score, entry in scored[:3] if any(score)]
    closest = "Closest by their names and descriptions:\n" + "\n".join(f"- {entry}" for entry in likely)
    if _recites(answer, entries):
        # The list read back (a small model's way of not choosing, with files mixed up
        # as often as not): what the words say instead, or that nothing matched.
        return closest if likely else "No function or class of the workspace matches the question's words."
    names = {_entry_name(entry) for entry in entries}
    if likely and not any(re.search(rf"\b{re.escape(name)}\b", answer) for name in names if name):
        answer += "\n\n" + closest
    return answer


def _recites(answer: str, entries: list[str]) -> bool:
    """Whether the answer reads back a good part of the list it was given instead of choosing."""
    recited = sum(entry.split(": ", 1)[-1].split(" — ")[0] in answer for entry in entries)
    return recited >= min(3, len(entries))


def _entry_name(entry: str) -> str:
    """The defined name in a catalogue line ("src/a.js: function parseDuration(text) {")."""
    signature = entry.split(": ", 1)[-1]
    m = re.search(r"(?:def|class|function|fn|func|interface|type|enum|struct)\s+([A-Za-z_$][\w$]*)", signature)
    if m:
        return m.group(1)
    m = re.match(r"\s*(?:export\s+)?(?:const|let|var)?\s*([A-Za-z_$][\w$]*)", signature)
    return m.group(1) if m else ""


def _catalogue(ctx: ActionContext) -> list[tuple[str, str]]:
    """(entry shown to the model, its context) for each function and class. Entries rank by
    the words of their signature and doc line, then by their context: the names the body uses
    and the file's first line, which often say what the signature does not (`missing(pantry,
    needed)` in a file about "what to buy")."""
    entries = []
    for path in ctx.project_map.files():
        try:
            lines = split_lines(ctx.workspace.read(path))
        except Refused:
            continue
        about_file = lines[0] if lines else ""
        for symbol in ctx.project_map.symbols(path):
            if symbol.kind == "variable":
                continue
            start = (symbol.code_range or symbol.range).start.line
            signature = signature_line(symbol, lines)
            doc = first_doc_line(lines, symbol)
            member = f" (in {symbol.container})" if symbol.container else ""  # two `total(self)` are told apart
            entry = f"{path}: {signature}{member}" + (f" — {doc}" if doc else "")
            body = "".join(lines[start : symbol.range.end.line + 1])
            entries.append((entry, " ".join([about_file, *_IDENTIFIER.findall(body)])))
    return entries


_IDENTIFIER = re.compile(r"[A-Za-z_$][\w$]{2,}")


def _overlap(asked: set[str], words: str) -> int:
    """Stems the question (`asked`) and an entry's words share, camelCase and snake_case split
    and words reduced to their stems ("parses" ~ "parse", "prices" ~ `formatPrice`)."""
    return len(asked & _stems(re.sub(r"([a-z])([A-Z])", r"\1 \2", words).replace("_", " ")))


_STOP = frozenset("the and for that which what there any does function functions class code with from into".split())


_STEMMER = snowballstemmer.stemmer("english")


def _stems(text: str) -> set[str]:
    words = [word for word in re.findall(r"[a-z]{3,}", text.lower()) if word not in _STOP]
    return set(_STEMMER.stemWords(words))


def _messages(request: str, path: str, excerpt: str) -> list[dict[str, str]]:
    return [
        {"role": "system", "content": SYSTEM_PROMPT},
        {"role": "user", "content": f"File {path}:\n{excerpt}\n\nQuestion: {request}"},
    ]


def _capped(text: str) -> str:
    """A model that rambles (or a workspace with thousands of matches) cannot flood the editor."""
    if len(text) <= MAX_ANSWER_CHARS:
        return text
    return text[:MAX_ANSWER_CHARS].rstrip() + f"\n… (answer cut at {MAX_ANSWER_CHARS:,} characters)"


def _line_count(text: str) -> int:
    if not text:
        return 0
    return text.count("\n") + (0 if text.endswith("\n") else 1)
