"""Request → Plan: a deterministic first pass, then the model's structured plan.

Small models misclassify questions as edits (Qwen2.5-Coder-0.5B called "how many lines
does utils.js have" an edit), so the deterministic pass decides whenever it can, and a
request it reads as a question is a question whatever the model says.
"""

from __future__ import annotations

import re
from typing import Literal

from pydantic import BaseModel, Field

ActionType = Literal["question", "rename", "edit_symbol", "add_code", "undo", "repeat"]
EDITING_ACTIONS = ("rename", "edit_symbol", "add_code", "undo", "repeat")


class Target(BaseModel):
    symbol: str
    file: str | None = None


class Plan(BaseModel):
    """What a request asks for. `file`/`symbol` are claims the map must confirm."""

    action: ActionType
    symbol: str | None = Field(default=None, description="the symbol the request is about")
    file: str | None = Field(default=None, description="workspace-relative file the request names")
    new_name: str | None = Field(default=None, description="for rename: the new identifier")
    instruction: str = Field(default="", description="what to do, in the user's words")
    also: list[Target] = Field(default_factory=list, description="further symbols to edit the same way")
    decided_by: Literal["rules", "model"] = "rules"

    @property
    def is_read_only(self) -> bool:
        return self.action == "question"


class ModelPlan(BaseModel):
    """The reply schema the model fills in when the rules cannot decide."""

    action: Literal["question", "rename", "edit_symbol", "add_code"]
    symbol: str | None = None
    file: str | None = None
    new_name: str | None = None


_IDENT = r"`?([A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)?)`?"
_FILE = r"`?([\w./\\-]+\.(?:py|js|mjs|cjs|jsx|ts|tsx|mts|cts))`?"
_IN_FILE = rf"(?:\s+(?:in|from|of|inside)\s+(?:the\s+file\s+|file\s+)?{_FILE})?"
_KIND = r"(?:function\s+|method\s+|class\s+)?"
_TARGET = rf"\b(?:to|for|on)\s+(?:the\s+)?{_KIND}{_IDENT}{_IN_FILE}"  # "… to `validateToken` in src/auth.js"

_UNDO = re.compile(
    r"^\s*(?:please\s+)?(?:undo|revert)(?:\s+(?:that|it|this|the\s+last(?:\s+\w+)?|last(?:\s+\w+)?))?\s*[.!]?\s*$", re.I
)
_REPEAT = re.compile(
    rf"^\s*(?:please\s+)?(?:now\s+)?(?:do|apply)\s+(?:the\s+)?same(?:\s+thing)?\s+(?:to|for|with|on)\s+(?:the\s+)?{_KIND}{_IDENT}{_IN_FILE}\s*[.!]?\s*$",
    re.I,
)
_RENAME = re.compile(
    rf"^\s*(?:please\s+)?rename\s+(?:the\s+)?(?:function\s+|method\s+|class\s+|variable\s+|symbol\s+)?{_IDENT}{_IN_FILE}\s+(?:to|as|into)\s+{_IDENT}{_IN_FILE}\s*[.!]?\s*$",
    re.I,
)
_DOCSTRING = re.compile(
    rf"\b(?:add|write|generate|create|document)\b.*?\b(?:docstrings?|jsdoc|doc\s*comments?|documentation|comments?)\b.*?{_TARGET}",
    re.I,
)
_TYPE_HINTS = re.compile(rf"\b(?:add|write)\b.*?\b(?:type\s*hints?|type\s*annotations?|types)\b.*?{_TARGET}", re.I)
_SYMBOL_VERB = re.compile(
    rf"^\s*(?:please\s+)?(?:fix|rewrite|refactor|simplify|optimi[sz]e|improve|change|update|modify)\s+"
    rf"(?!(?:the\s+)?(?:name|names|it|this|that|code|file|files|everything|all)\b)(?:the\s+)?{_KIND}{_IDENT}{_IN_FILE}\b",
    re.I,
)
_ADD_TO_FILE = re.compile(
    rf"^\s*(?:please\s+)?(?:add|append|create|write)\b.*\b(?:to|in|into)\s+{_FILE}\s*[.!]?\s*$", re.I
)
_QUESTION_START = re.compile(
    r"^\s*(?:how|what|what's|where|where's|why|which|who|when|is|are|does|do|did|can|could|should|would|will|"
    r"explain|describe|show|list|count|tell|summari[sz]e|find|search|give\s+me|i\s+want\s+to\s+know)\b",
    re.I,
)
_EDIT_START = re.compile(
    r"^\s*(?:please\s+)?(?:add|append|insert|rename|fix|rewrite|refactor|change|update|modify|remove|delete|replace|"
    r"implement|create|write|make|convert|move|document|annotate|simplify|improve|optimi[sz]e)\b",
    re.I,
)


def looks_like_question(request: str) -> bool:
    """True when the words say the user wants to know, not to change."""
    text = request.strip()
    if _EDIT_START.match(text):
        return False
    return text.endswith("?") or bool(_QUESTION_START.match(text))


def plan_by_rules(request: str, *, cursor_symbol: str | None = None, cursor_file: str | None = None) -> Plan | None:
    """The deterministic pass: a Plan when the wording settles it, else None."""
    text = request.strip()
    if _UNDO.match(text):
        return Plan(action="undo", instruction=text)
    if m := _REPEAT.match(text):
        return Plan(action="repeat", symbol=m.group(1), file=m.group(2), instruction=text)
    if looks_like_question(text):
        return Plan(
            action="question", symbol=_named_symbol(text) or cursor_symbol, file=_named_file(text), instruction=text
        )
    if m := _RENAME.match(text):
        return Plan(
            action="rename", symbol=m.group(1), file=m.group(2) or m.group(4), new_name=m.group(3), instruction=text
        )
    for pattern in (_DOCSTRING, _TYPE_HINTS):
        if m := pattern.search(text):
            also = _more_targets(text, m.end())
            return Plan(action="edit_symbol", symbol=m.group(1), file=m.group(2), instruction=text, also=also)
    if m := _SYMBOL_VERB.match(text):
        return Plan(action="edit_symbol", symbol=m.group(1), file=m.group(2), instruction=text)
    if m := _ADD_TO_FILE.match(text):
        return Plan(action="add_code", file=m.group(1), instruction=text)
    if cursor_symbol and _EDIT_START.match(text) and not _named_symbol(text):
        # "add a docstring" with the cursor on a symbol: the cursor names the target.
        return Plan(action="edit_symbol", symbol=cursor_symbol, file=cursor_file, instruction=text)
    return None


_MORE_TARGET = re.compile(rf"\s*(?:,\s*(?:and\s+)?|\s+and\s+)(?:to\s+)?(?:the\s+)?{_KIND}{_IDENT}{_IN_FILE}", re.I)


def _more_targets(text: str, position: int) -> list[Target]:
    """ "… to validateToken in src/auth.js, get_item and get_items in items.py": the rest."""
    targets = []
    while m := _MORE_TARGET.match(text, position):
        targets.append(Target(symbol=m.group(1), file=m.group(2)))
        position = m.end()
    return targets


def _mentions(request: str, path: str) -> bool:
    return path.replace("\\", "/").lstrip("./") in request.replace("\\", "/")


def _named_file(text: str) -> str | None:
    m = re.search(_FILE, text)
    return m.group(1) if m else None


def _named_symbol(text: str) -> str | None:
    """A symbol the request names explicitly: `backticked`, or a call-like `name()`."""
    if m := re.search(r"`([A-Za-z_$][\w$.]*)`", text):
        return m.group(1) if not re.fullmatch(_FILE.strip("`?"), m.group(1)) else None
    if m := re.search(r"\b([A-Za-z_$][\w$]*)\(\)", text):
        return m.group(1)
    return None


PLAN_SYSTEM_PROMPT = """You classify a developer's request about their code. Reply with JSON only.
Fields: action, one of "question" (the user wants information; nothing changes),
"rename" (give a symbol a new name), "edit_symbol" (change one function/class: docstring,
type hints, fix, rewrite), "add_code" (add new code to a file);
symbol: the function/class name the request is about, exactly as written, or null;
file: the file path the request names, or null; new_name: for rename only, else null.
If the request asks anything (how, what, where, why, explain, count), action is "question".

Examples:
Request: call parseDate toDate from now on
{"action": "rename", "symbol": "parseDate", "file": null, "new_name": "toDate"}
Request: load_config should be named read_config in config.py
{"action": "rename", "symbol": "load_config", "file": "config.py", "new_name": "read_config"}
Request: is sendMail used anywhere
{"action": "question", "symbol": "sendMail", "file": null, "new_name": null}
Request: make fetchUser handle a missing id in api.js
{"action": "edit_symbol", "symbol": "fetchUser", "file": "api.js", "new_name": null}
Request: put a helper that formats money into utils.py
{"action": "add_code", "symbol": null, "file": "utils.py", "new_name": null}"""


def plan_messages(request: str, files: list[str], cursor: str | None) -> list[dict[str, str]]:
    context = f"Files in the workspace: {', '.join(files[:60])}."
    if cursor:
        context += f" The cursor is on `{cursor}`."
    return [
        {"role": "system", "content": PLAN_SYSTEM_PROMPT},
        {"role": "user", "content": f"{context}\nRequest: {request}"},
    ]


def merge_model_plan(
    request: str, reply: ModelPlan, *, cursor_symbol: str | None, cursor_file: str | None, routing: bool = True
) -> Plan:
    """Turn the model's plan into a Plan; a request worded as a question stays read-only
    (unless question routing is switched off, which only the benchmark does)."""
    action = "question" if routing and looks_like_question(request) else reply.action
    # A file the user never mentioned is the model's guess (it says "auth.js" for
    # src/auth.js); drop it and let the map locate the symbol.
    file = reply.file if reply.file and _mentions(request, reply.file) else None
    return Plan(
        action=action,
        symbol=reply.symbol or cursor_symbol,
        file=file or (cursor_file if not reply.symbol else None),
        new_name=reply.new_name if action == "rename" else None,
        instruction=request.strip(),
        decided_by="model",
    )
