"""Passing a new argument at a function's call sites, without the model.

"Give late_fee a daily_rate parameter and pass DAILY_RATE from every caller": once the model has
changed `late_fee`, what each caller must do is mechanical — add `daily_rate=DAILY_RATE` to its
calls. Small models often return the caller unchanged or rewrite more than the call, so when
the request says a plain value (a literal, or a name the workspace defines) and the changed
signature shows exactly one new parameter, the calls are edited from the syntax tree: Python
by keyword, other languages by position when the new parameter is the last one. Anything less
certain returns None, and the model writes the step as before.
"""

from __future__ import annotations

import tree_sitter

from outrigger.workspace.languages import language_for
from outrigger.workspace.symbols import Symbol, extract_symbols
from outrigger.workspace.syntax import has_grammar, nodes_in_rows, parse

_CALLS = frozenset({"call", "call_expression"})


def with_argument(
    path: str, text: str, caller: Symbol, callee: str, parameter: str, value: str, keyword: bool
) -> str | None:
    """`text` with `value` passed to every call of `callee` inside `caller`; None when the
    caller has no such call, or one already passes `parameter` by keyword."""
    tree = parse(path, text)
    calls = _calls_of(tree.root_node, callee, caller.range.start.line, caller.range.end.line)
    return _with_argument_in(text, calls, parameter, value, keyword)


def calls_outside_functions(path: str, text: str, callee: str) -> list[tree_sitter.Node]:
    """The calls of `callee` in `text` that no function or method encloses: in a test's
    callback (`test("…", () => f(…))`) or in module-level code."""
    functions = [s.range for s in extract_symbols(path, text) if s.kind in ("function", "method")]
    root = parse(path, text).root_node
    return [
        call
        for call in _calls_of(root, callee, 0, root.end_point.row)
        if not any(r.start.line <= call.start_point.row <= r.end.line for r in functions)
    ]


def bound_around(call: tree_sitter.Node) -> set[str]:
    """The names a call can see bound by plain code: the parameters and declared variables of
    the anonymous functions around it, and the module's own top-level variables."""
    names: set[str] = set()
    node = call.parent
    while node is not None:
        parameters = node.child_by_field_name("parameters") or node.child_by_field_name("parameter")
        if node.type in _FUNCTION_LIKE and parameters is not None:
            names |= {
                found for child in [parameters, *parameters.named_children] if (found := _first_identifier(child))
            }
        if node.type in _FUNCTION_LIKE or node.parent is None:
            names |= _declared(node, top_level_only=node.parent is None)
        node = node.parent
    return names


_FUNCTION_LIKE = frozenset({"arrow_function", "function_expression", "function", "lambda"})


def _declared(scope: tree_sitter.Node, top_level_only: bool) -> set[str]:
    """The variables declared in `scope`, not in functions nested in it; at module level, only
    the module's own statements (`const invoice = …`, `INVOICE = …`)."""
    names = set()
    stack = list(scope.named_children)
    while stack:
        node = stack.pop()
        bound = None
        if node.type == "variable_declarator":
            bound = node.child_by_field_name("name")
        elif node.type == "assignment":
            bound = node.child_by_field_name("left")
        if bound is not None and bound.type == "identifier" and bound.text is not None:
            names.add(bound.text.decode("utf-8"))
        if node.type in _FUNCTION_LIKE or node.type in ("function_definition", "class_definition"):
            continue
        if top_level_only and node.type not in _DECLARATIONS:
            continue
        stack.extend(node.named_children)
    return names


_DECLARATIONS = frozenset({"lexical_declaration", "variable_declaration", "expression_statement", "export_statement"})


def with_argument_at(text: str, calls: list[tree_sitter.Node], parameter: str, value: str, keyword: bool) -> str | None:
    """`text` with `value` passed at these calls (from `calls_outside_functions`)."""
    return _with_argument_in(text, calls, parameter, value, keyword)


def _with_argument_in(
    text: str, calls: list[tree_sitter.Node], parameter: str, value: str, keyword: bool
) -> str | None:
    source = text.encode("utf-8")
    inserts: list[tuple[int, str]] = []
    for call in calls:
        arguments = call.child_by_field_name("arguments")
        if arguments is None or arguments.text is None:
            return None
        given = [child for child in arguments.named_children if child.type != "comment"]
        if keyword and any(_keyword_name(child) == parameter for child in given):
            return None
        argument = f"{parameter}={value}" if keyword else value
        if given:
            inserts.append((given[-1].end_byte, f", {argument}"))
        else:
            inserts.append((arguments.start_byte + 1, argument))
    if not inserts:
        return None
    for offset, piece in sorted(inserts, reverse=True):
        source = source[:offset] + piece.encode("utf-8") + source[offset:]
    return source.decode("utf-8")


def new_parameter(path: str, before: str, after: str, name: str) -> tuple[str, bool] | None:
    """(the one parameter `name` gained, whether it is the last one), or None when the change
    is not exactly one added parameter."""
    if not has_grammar(path):
        return None
    old, new = parameters_of(path, before, name), parameters_of(path, after, name)
    if old is None or new is None:
        return None
    added = [p for p in new if p not in old]
    if len(added) != 1 or [p for p in new if p != added[0]] != old:
        return None
    return added[0], new[-1] == added[0]


def locals_of(path: str, text: str, symbol: Symbol) -> set[str]:
    """The names `symbol` binds itself: its parameters and the variables it declares or
    assigns (`const ticket = …`, `ticket = …`, `for ticket in …`)."""
    root = parse(path, text).root_node
    names = set(_parameter_names(root, symbol) or [])
    for node in nodes_in_rows(root, symbol.range.start.line, symbol.range.end.line):
        bound = None
        if node.type == "variable_declarator":
            bound = node.child_by_field_name("name")
        elif node.type in ("assignment", "for_statement", "for_in_statement"):
            bound = node.child_by_field_name("left")
        if bound is not None and bound.type == "identifier" and bound.text is not None:
            names.add(bound.text.decode("utf-8"))
    return names


def passes_by_keyword(path: str) -> bool:
    return language_for(path) == "python"


def parameters_of(path: str, text: str, name: str) -> list[str] | None:
    """The parameter names of the one definition of `name` in `text`, else None."""
    symbols = [s for s in extract_symbols(path, text) if s.qualified_name == name or s.name == name]
    if len(symbols) != 1:
        return None
    return _parameter_names(parse(path, text).root_node, symbols[0])


def _parameter_names(root: tree_sitter.Node, symbol: Symbol) -> list[str] | None:
    node = parameter_list(root, symbol.range.start.line, symbol.range.end.line)
    if node is None:
        return None
    return [found for child in node.named_children if (found := _first_identifier(child))]


def parameter_list(node: tree_sitter.Node, first: int, last: int) -> tree_sitter.Node | None:
    """The first parameter list of a definition inside lines first..last."""
    for current in nodes_in_rows(node, first, last):
        parameters = current.child_by_field_name("parameters")
        if parameters is not None and current.start_point.row >= first:
            return parameters
    return None


def _first_identifier(node: tree_sitter.Node) -> str | None:
    if node.type in ("identifier", "shorthand_property_identifier_pattern") and node.text is not None:
        return node.text.decode("utf-8")
    for child in node.named_children:
        if found := _first_identifier(child):
            return found
    return None


def _calls_of(root: tree_sitter.Node, callee: str, first: int, last: int) -> list[tree_sitter.Node]:
    found = []
    for node in nodes_in_rows(root, first, last):
        if node.type in _CALLS:
            function = node.child_by_field_name("function")
            written = function.text.decode("utf-8") if function is not None and function.text else ""
            if written == callee or written.endswith("." + callee):
                found.append(node)
    return found


def _keyword_name(argument: tree_sitter.Node) -> str | None:
    if argument.type != "keyword_argument":
        return None
    name = argument.child_by_field_name("name")
    return name.text.decode("utf-8") if name is not None and name.text else None
