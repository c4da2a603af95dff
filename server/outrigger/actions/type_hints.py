"""Type hints: the model writes the annotated signature; the body is never taken from its reply.

Asked for the whole function with annotations, Qwen2.5-Coder-0.5B rewrote bodies
(`if recipe.name == name:` became `if isinstance(recipe, Recipe):`) under the summary "Added
type hints", or sent the function back unchanged. Asked for the signature only, it writes
the annotations. The new signature must have the old one's parameters, in order, with the
same defaults — only annotations may be added or changed — and it replaces the old signature
in place: the body stays byte for byte. Python, TypeScript and TSX; other languages take the
whole-function path.

Python evaluates annotations when it defines the function (on import, so as soon as a test
imports the module): `-> exec(bytes([...]).decode()) or int` ran a hostile model's code before
anyone saw it. An annotation may only name types: names, attributes, subscripts, literals,
`|` unions and strings. TypeScript erases its types, but a parameter decorator runs when the
class is defined, so a signature may not bring code where types go.
"""

from __future__ import annotations

import re
import textwrap

import tree_sitter

from outrigger.actions.definitions import CLASS_WRAPPERS
from outrigger.errors import Refused
from outrigger.workspace.languages import language_for, title
from outrigger.workspace.symbols import Symbol
from outrigger.workspace.syntax import nodes_in_rows, parse

HINTS_SYSTEM = """You are a careful {language} programmer who adds type annotations.
Reply with one signature only: no body, no explanations, no markdown."""

HINTS_TASK = """{language} {kind} `{qualified}` in {path}:
{block}
Task: {instruction}
Reply with the signature of `{name}` only ({shape}), with a type on every parameter and the return type{filled}."""

_SHAPE = {
    "python": "its `def` line, ending with the colon",
    "typescript": "its declaration up to the opening brace",
    "tsx": "its declaration up to the opening brace",
}
_FUNCTIONS = {
    "python": ("function_definition",),
    "typescript": ("function_declaration", "method_definition", "function_signature", "method_signature"),
    "tsx": ("function_declaration", "method_definition", "function_signature", "method_signature"),
}
_TYPE_NODES = ("type", "type_annotation")


def supports_hints(path: str) -> bool:
    return language_for(path) in _SHAPE


def hints_messages(symbol: Symbol, block: str, instruction: str) -> list[dict[str, str]]:
    language = language_for(symbol.path)
    content = HINTS_TASK.format(
        language=title(language),
        kind=symbol.kind,
        qualified=symbol.qualified_name,
        path=symbol.path,
        block=block.rstrip("\n"),
        instruction=instruction,
        name=symbol.name.rpartition(".")[2],
        shape=_SHAPE.get(language or "", "its declaration"),
        filled=f", filled in: `{skeleton}`" if (skeleton := _skeleton(symbol, block)) else "",
    )
    return [
        {"role": "system", "content": HINTS_SYSTEM.format(language=title(language))},
        {"role": "user", "content": content},
    ]


def _skeleton(symbol: Symbol, block: str) -> str | None:
    """The Python signature to fill in, `…` where each type goes (`def to_grams(ounces: …) -> …:`):
    asked for the signature in words only, Qwen2.5-Coder-0.5B sent `to_grams: float` or the
    `def` line unchanged, and the user's own wording ("look at to_grams. it needs type hints")
    made that likelier. Annotations already there are kept; `self` and `cls` stay bare."""
    if language_for(symbol.path) != "python":
        return None
    name = symbol.name.rpartition(".")[2]
    code = textwrap.dedent(block)
    function = _function(parse(symbol.path, code).root_node, name, "python", 0, code.count("\n") + 1)
    if function is None or (parameters := function.child_by_field_name("parameters")) is None:
        return None
    shown = []
    for index, parameter in enumerate(p for p in parameters.named_children if p.type != "comment"):
        text = (parameter.text or b"").decode("utf-8")
        if parameter.type == "identifier" and not (index == 0 and text in ("self", "cls") and symbol.container):
            text += ": …"
        elif parameter.type == "default_parameter":
            text = text.replace("=", ": … = ", 1)
        elif parameter.type in ("list_splat_pattern", "dictionary_splat_pattern"):
            text += ": …"
        shown.append(text)
    returns = function.child_by_field_name("return_type")
    arrow = (returns.text or b"").decode("utf-8") if returns is not None else "…"
    return f"def {name}({', '.join(shown)}) -> {arrow}:"


def annotated(reply: str, symbol: Symbol, old_text: str) -> str:
    """`old_text` with `symbol`'s signature replaced by the reply's annotated one."""
    language = language_for(symbol.path) or ""
    name = symbol.name.rpartition(".")[2]
    old = _function(
        parse(symbol.path, old_text).root_node, name, language, symbol.range.start.line, symbol.range.end.line
    )
    if old is None:
        raise Refused(
            f"Outrigger could not find the signature of `{symbol.name}` in {symbol.path}; nothing was changed."
        )
    new = _reply_function(reply, symbol, language)
    if new is None:
        raise Refused(f"The model's reply has no signature for `{name}`; nothing was changed.")
    old_params, new_params = _parameters(old, language), _parameters(new, language)
    if [p[:2] for p in old_params] != [p[:2] for p in new_params]:
        raise Refused(
            f"The model's signature for `{name}` changes its parameters ({_listed(old_params)} became "
            f"{_listed(new_params)}); type hints may only add annotations. Nothing was changed."
        )
    _refuse_running_annotations(new, language, name)
    if sum(p[2] for p in new_params) + _has_return(new) <= sum(p[2] for p in old_params) + _has_return(old):
        raise Refused(f"The model's signature for `{name}` adds no type annotation; nothing was changed.")
    start, end = _signature_span(old, language)
    replacement = _signature_text(new, language)
    data = old_text.encode("utf-8")
    return (data[:start] + replacement.encode("utf-8") + data[end:]).decode("utf-8")


def fully_annotated(text: str, symbol: Symbol) -> bool:
    """Whether `symbol`'s signature already annotates every parameter (`self`, `cls` and
    separators aside) and its return: nothing for type hints to add."""
    language = language_for(symbol.path) or ""
    name = symbol.name.rpartition(".")[2]
    try:
        root = parse(symbol.path, text).root_node
    except Refused:
        return False
    function = _function(root, name, language, symbol.range.start.line, symbol.range.end.line)
    if function is None:
        return False
    parameters = [p for p in _parameters(function, language) if p[0] not in ("self", "cls", "*", "/", "this")]
    return all(p[2] for p in parameters) and bool(_has_return(function))


def _function(root: tree_sitter.Node, name: str, language: str, first: int, last: int) -> tree_sitter.Node | None:
    """The function or method called `name` starting within rows `first`..`last`."""
    for node in nodes_in_rows(root, first, last):
        label = node.child_by_field_name("name")
        if node.type in _FUNCTIONS.get(language, ()) and label is not None and label.text == name.encode():
            return node
    return None


def _reply_function(reply: str, symbol: Symbol, language: str) -> tree_sitter.Node | None:
    """The reply's function: as written, with a body added when it is a signature alone, and
    inside a class when it is a lone method."""
    code = textwrap.dedent(reply).strip("\n")
    name = symbol.name.rpartition(".")[2]
    head, tail = CLASS_WRAPPERS.get(language, ("", "")) if symbol.container and language != "python" else ("", "")
    if language == "python":  # the `def` lines alone, with a body (and the colon small models forget)
        header = _python_signature(code, name)
        alone = f"def {header}:\n    ...\n" if header else code
    else:
        alone = code.rstrip().rstrip("{").rstrip() + " {}\n"
    for candidate in (code, alone):
        wrapped = head + candidate + "\n" + tail
        found = _function(parse(symbol.path, wrapped).root_node, name, language, 0, wrapped.count("\n") + 1)
        if found is not None and not _has_error(found.child_by_field_name("parameters")):
            return found
    return None


def _python_signature(code: str, name: str) -> str | None:
    """`name(…) -> …` from a reply's `def` line; else from a line that is the signature
    without its `def` or as an inline code span (`` `def f(x: int) -> int` ``, `f(x: int) -> int`),
    both seen from Qwen2.5-Coder-0.5B. A `def` anywhere wins over a call in prose."""
    signature = rf"(?P<signature>{re.escape(name)}\s*\(.*?\)[^\n:`]*)"
    for pattern in (rf"^[ \t`]*(?:async\s+)?def\s+{signature}", rf"^[ \t`]*{signature}"):
        if found := re.search(pattern, code, re.S | re.M):
            return found["signature"].strip()
    return None


def _has_error(node: tree_sitter.Node | None) -> bool:
    return node is None or node.has_error


def _parameters(function: tree_sitter.Node, language: str) -> list[tuple[str, str, bool]]:
    """(name, default, annotated) of each parameter, in order."""
    parameters = function.child_by_field_name("parameters")
    out = []
    for parameter in parameters.named_children if parameters else []:
        if parameter.type == "comment":
            continue
        text = (parameter.text or b"").decode("utf-8")
        annotation = parameter.child_by_field_name("type")
        name = _parameter_name(parameter, language)
        default = parameter.child_by_field_name("value")
        default_text = " ".join((default.text or b"").decode("utf-8").split()) if default is not None else ""
        out.append((name or text, default_text, annotation is not None))
    return out


_WHOLE_NAMES = frozenset(
    {"identifier", "keyword_separator", "positional_separator", "list_splat_pattern", "dictionary_splat_pattern"}
)


def _parameter_name(parameter: tree_sitter.Node, language: str) -> str:
    # `*args` / `**kwargs` keep their stars, as they do inside an annotated `*args: Any`.
    if parameter.type in _WHOLE_NAMES:
        return (parameter.text or b"").decode("utf-8")
    for field in ("name", "pattern"):
        if (child := parameter.child_by_field_name(field)) is not None:
            return (child.text or b"").decode("utf-8")
    first = next((child for child in parameter.named_children if child.type not in _TYPE_NODES), None)
    text = (first.text or b"").decode("utf-8") if first is not None else ""
    return text.split(":")[0].split("=")[0].strip()


def _has_return(function: tree_sitter.Node) -> int:
    return 1 if function.child_by_field_name("return_type") is not None else 0


def _signature_span(function: tree_sitter.Node, language: str) -> tuple[int, int]:
    """Bytes of the old signature that change: from the parameters' `(` to the end of the
    return type (or of the parameters when there is none)."""
    parameters = function.child_by_field_name("parameters")
    assert parameters is not None
    returns = function.child_by_field_name("return_type")
    return parameters.start_byte, (returns.end_byte if returns is not None else parameters.end_byte)


def _signature_text(function: tree_sitter.Node, language: str) -> str:
    parameters = function.child_by_field_name("parameters")
    assert parameters is not None
    text = (parameters.text or b"").decode("utf-8")
    returns = function.child_by_field_name("return_type")
    if returns is None:
        return text
    annotation = (returns.text or b"").decode("utf-8")
    if language == "python":
        return f"{text} -> {annotation}"
    return f"{text}{annotation}" if annotation.lstrip().startswith(":") else f"{text}: {annotation}"


# What a Python annotation may be made of: names of types, never something that computes.
_PY_TYPE_NODES = frozenset(
    {
        "type",
        "identifier",
        "attribute",
        "subscript",
        "generic_type",
        "type_parameter",
        "union_type",
        "member_type",
        "splat_type",
        "list",
        "tuple",
        "string",
        "string_start",
        "string_content",
        "string_end",
        "escape_sequence",
        "integer",
        "float",
        "true",
        "false",
        "none",
        "ellipsis",
        "unary_operator",
        "binary_operator",  # `X | Y` only: checked below
        "comment",
    }
)
# What may not appear where TypeScript takes types (all of it runs, or brings code that does).
_TS_RUNS = frozenset(
    {
        "decorator",
        "call_expression",
        "new_expression",
        "arrow_function",
        "function_expression",
        "assignment_expression",
        "augmented_assignment_expression",
        "await_expression",
        "yield_expression",
        "template_substitution",
        "class",
        "statement_block",
    }
)


def _refuse_running_annotations(function: tree_sitter.Node, language: str, name: str) -> None:
    """Refuse a signature whose annotations run code. Defaults are skipped: they must equal
    the old ones, which the parameters' comparison checks."""
    parts = [function.child_by_field_name("parameters"), function.child_by_field_name("return_type")]
    stack = [node for node in parts if node is not None]
    while stack:
        node = stack.pop()
        default = node.child_by_field_name("value") if "parameter" in node.type else None
        if language == "python" and node.type == "type":
            runs = not _only_types(node)
        else:
            runs = language != "python" and node.type in _TS_RUNS
        if runs:
            shown = " ".join((node.text or b"").decode("utf-8", "replace").split())
            shown = shown if len(shown) <= 60 else shown[:59] + "…"
            raise Refused(
                f"The model's signature for `{name}` puts code where a type goes (`{shown}`), which would run "
                "when the module is loaded; type hints may only name types. Nothing was changed."
            )
        if node.type != "type" or language != "python":
            stack.extend(child for child in node.children if child != default)


def _only_types(annotation: tree_sitter.Node) -> bool:
    """A Python annotation made only of names of types (`|` the only operator, no f-string)."""
    stack = [annotation]
    while stack:
        node = stack.pop()
        if node.is_named and node.type not in _PY_TYPE_NODES:
            return False
        if node.type == "binary_operator" and (op := node.child_by_field_name("operator")) and op.type != "|":
            return False
        stack.extend(node.children)
    return True


def _listed(parameters: list[tuple[str, str, bool]]) -> str:
    return "(" + ", ".join(name + (f"={default}" if default else "") for name, default, _ in parameters) + ")"
