"""Calls of a task's new functions, checked for their shape before any test runs.

"Add is_overdue(loan, today) to loans.py and use it in overdue_report": a small model told to
call a new module-level function often writes it as a method of the object it is about
(`loan.is_overdue(today)`) or with the wrong number of arguments. Both are decidable from the
syntax trees: a call `x.f(…)` on one of the caller's own variables, when `f` is a function an
earlier step defined at module level and no class in the workspace has a method `f`; a call
`f(…)` whose argument count the signature cannot take. The problem, stated, goes back to the
model for the step's one retry.
"""

from __future__ import annotations

from dataclasses import dataclass

import tree_sitter

from outrigger.actions.call_sites import locals_of, parameter_list
from outrigger.workspace.symbols import Symbol, extract_symbols
from outrigger.workspace.syntax import has_grammar, nodes_in_rows, parse

_CALLS = frozenset({"call", "call_expression"})
_MEMBER = frozenset({"attribute", "member_expression"})
_OPTIONAL = frozenset({"default_parameter", "typed_default_parameter", "assignment_pattern", "optional_parameter"})
_VARIADIC = frozenset({"list_splat_pattern", "dictionary_splat_pattern", "rest_pattern", "rest_parameter"})
_SPREAD = frozenset({"list_splat", "dictionary_splat", "spread_element"})
_NOT_PARAMETERS = frozenset({"comment", "keyword_separator", "positional_separator", "this"})


@dataclass(frozen=True)
class NewFunction:
    """A module-level function a step of the task defined (or re-defined with new parameters)."""

    name: str
    path: str
    signature: str  # its first line, for the message
    required: int
    most: int | None  # None: takes any number (*args, ...rest)


def new_functions(path: str, before: str, after: str) -> list[NewFunction]:
    """The module-level functions of `after` that `before` lacks or whose parameters changed."""
    if not has_grammar(path):
        return []
    old = {s.name: arity(path, before, s) for s in _top_functions(path, before)} if before else {}
    lines = after.splitlines()
    found = []
    for symbol in _top_functions(path, after):
        taken = arity(path, after, symbol)
        if taken is None or old.get(symbol.name) == taken:
            continue
        start = (symbol.code_range or symbol.range).start.line
        signature = lines[start].strip() if start < len(lines) else symbol.name
        found.append(NewFunction(symbol.name, path, signature.rstrip("{:").strip(), *taken))
    return found


def call_problems(
    path: str, before: str, text: str, caller: Symbol, functions: list[NewFunction], methods: set[str]
) -> list[str]:
    """What is wrong with the calls of `functions` inside `caller` that `text` has and `before`
    had not; `methods` are the names some class of the workspace defines as a method (those
    calls may be right)."""
    if not functions or not has_grammar(path):
        return []
    by_name = {f.name: f for f in functions}
    located = [s for s in extract_symbols(path, text) if s.qualified_name == caller.qualified_name]
    if len(located) != 1:
        return []
    caller = located[0]
    root = parse(path, text).root_node
    own = locals_of(path, text, caller)
    problems = []
    for call in nodes_in_rows(root, caller.range.start.line, caller.range.end.line):
        if call.type not in _CALLS or (function := call.child_by_field_name("function")) is None:
            continue
        name, receiver = _called(function)
        if name not in by_name:
            continue
        new = by_name[name]
        written = _text(call)
        if written in before:
            continue  # the code had this call already: not the step's to answer for
        if receiver is not None and receiver in own and name not in methods:
            problems.append(
                f"`{written}` calls `{name}` as a method of `{receiver}`, but `{name}` is a function in "
                f"{new.path} (`{new.signature}`), not a method: write {_as_function(call, new, receiver)} instead."
            )
            continue
        count = _argument_count(call)
        if count is not None and (count < new.required or (new.most is not None and count > new.most)):
            takes = f"{new.required}" if new.most == new.required else f"{new.required} to {new.most or 'any'}"
            problems.append(
                f"`{written}` passes {count} argument{'s' * (count != 1)} but `{new.signature}` takes {takes}."
            )
    return problems


_ASSIGNMENTS = frozenset({"assignment", "assignment_expression", "augmented_assignment"})
_MAX_EFFECTS = 6


def what_it_does(path: str, text: str, function: Symbol) -> str:
    """A new function's effects in a few words, from its syntax tree: the functions it calls
    and the fields it sets (`calls notifyUser; sets ticket.status, ticket.closedBy`). A caller
    told only the signature of "closeTicket" kept notifying too, and the user got two mails."""
    if not has_grammar(path):
        return ""
    root = parse(path, text).root_node
    calls: dict[str, None] = {}
    sets: dict[str, None] = {}
    for node in nodes_in_rows(root, function.range.start.line, function.range.end.line):
        if node.start_point.row < function.range.start.line:
            continue
        if node.type in _CALLS and (called := node.child_by_field_name("function")) is not None:
            if called.type == "identifier" and _text(called) != function.name:
                calls.setdefault(_text(called))
        elif node.type in _ASSIGNMENTS and (left := node.child_by_field_name("left")) is not None:
            if left.type in _MEMBER:
                sets.setdefault(_text(left))
    parts = []
    if calls:
        parts.append("calls " + ", ".join(f"`{name}`" for name in list(calls)[:_MAX_EFFECTS]))
    if sets:
        parts.append("sets " + ", ".join(f"`{name}`" for name in list(sets)[:_MAX_EFFECTS]))
    return "; ".join(parts)


def _as_function(call: tree_sitter.Node, new: NewFunction, receiver: str) -> str:
    """`loan.is_overdue(today)` as the function call it should be: `is_overdue(loan, today)`,
    when the receiver as first argument makes the count right."""
    arguments = call.child_by_field_name("arguments")
    given = [_text(a) for a in arguments.named_children if a.type != "comment"] if arguments is not None else []
    count = len(given) + 1
    if count >= new.required and (new.most is None or count <= new.most):
        return f"`{new.name}({', '.join([receiver, *given])})`"
    return f"`{new.name}(…)` with every argument it takes"


def _top_functions(path: str, text: str) -> list[Symbol]:
    return [s for s in extract_symbols(path, text) if s.container is None and s.kind == "function"]


def arity(path: str, text: str, symbol: Symbol) -> tuple[int, int | None] | None:
    """(required, most) arguments `symbol` takes in `text`; most is None when variadic. None
    when there is no parameter list to read (or no grammar to read it with)."""
    if not has_grammar(path):
        return None
    parameters = parameter_list(parse(path, text).root_node, symbol.range.start.line, symbol.range.end.line)
    if parameters is None:
        return None
    required, most = 0, 0
    for parameter in parameters.named_children:
        if parameter.type in _NOT_PARAMETERS or _text(parameter) in ("self", "cls"):
            continue
        if parameter.type in _VARIADIC or any(c.type in _VARIADIC for c in parameter.named_children):
            return required, None
        most += 1
        optional = parameter.type in _OPTIONAL or parameter.child_by_field_name("value") is not None
        required += 0 if optional else 1
    return required, most


def _called(function: tree_sitter.Node) -> tuple[str, str | None]:
    """(the called name, the receiver's name when it is `x.name` on a plain `x`)."""
    if function.type in _MEMBER:
        attribute = function.child_by_field_name("attribute") or function.child_by_field_name("property")
        receiver = function.child_by_field_name("object")
        name = _text(attribute) if attribute is not None else ""
        plain = receiver is not None and receiver.type == "identifier"
        return name, _text(receiver) if plain and receiver is not None else None
    return _text(function), None


def _argument_count(call: tree_sitter.Node) -> int | None:
    arguments = call.child_by_field_name("arguments")
    if arguments is None:
        return None
    given = [a for a in arguments.named_children if a.type != "comment"]
    return None if any(a.type in _SPREAD for a in given) else len(given)


def _text(node: tree_sitter.Node) -> str:
    return node.text.decode("utf-8") if node.text else ""
