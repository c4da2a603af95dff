"""Repairs for the shapes small models get wrong: fenced code and almost-JSON.

Every repair is counted in `RepairStats`, so the benchmark can show how often each guard fired.
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass, field
from typing import Any, Protocol, TypeVar

import json_repair
from pydantic import BaseModel, ValidationError

from outrigger.errors import Refused


@dataclass
class RepairStats:
    fences_stripped: int = 0
    json_invalid: int = 0  # replies that failed strict validation (up to two per request)
    json_retried: int = 0  # requests that needed a second model call
    json_repaired: int = 0  # replies saved by the permissive parse
    json_failed: int = 0  # requests refused after every path failed

    def merge(self, other: RepairStats) -> None:
        for name, value in asdict(other).items():
            setattr(self, name, getattr(self, name) + value)

    def as_dict(self) -> dict[str, int]:
        return asdict(self)


# --- fences -------------------------------------------------------------------------------

# Markdown fences: 3+ backticks or tildes, indented at most 3 spaces. A backtick opener's
# info string ("python", "js title=x") cannot contain a backtick.
_OPENER = re.compile(r"^ {0,3}(?P<fence>`{3,}(?=[^`]*$)|~{3,}).*$")
_CLOSER = re.compile(r"^ {0,3}(?P<fence>`{3,}|~{3,})[ \t]*$")
_INLINE_CODE = re.compile(r"`[^`]*`")
# Openers of multi-line strings and block comments: in real code, the only places a fence
# line can sit. A lone backtick is what remains once inline `code` spans are removed.
_LITERAL_OPENERS = ('"""', "'''", "`", "/*")


@dataclass
class _Block:
    opener: int  # line index of the opening fence
    end: int  # line index just past the closing fence (or past the text, if unterminated)
    lines: list[str] = field(default_factory=list)

    def code(self) -> str:
        lines = list(self.lines)
        while lines and not lines[0].strip():
            lines.pop(0)
        return "".join(lines).rstrip()


def _fenced_blocks(lines: list[str]) -> list[_Block]:
    blocks: list[_Block] = []
    index = 0
    while index < len(lines):
        opener = _OPENER.match(lines[index].rstrip("\r\n"))
        if not opener:
            index += 1
            continue
        fence = opener["fence"]
        block = _Block(opener=index, end=len(lines))
        index += 1
        while index < len(lines):
            closer = _CLOSER.match(lines[index].rstrip("\r\n"))
            # A closer must use the opener's character and be at least as long, so a
            # 4-backtick fence can hold ``` lines as content.
            if closer and closer["fence"][0] == fence[0] and len(closer["fence"]) >= len(fence):
                block.end = index + 1
                break
            block.lines.append(lines[index])
            index += 1
        index = block.end
        blocks.append(block)
    return blocks


def _opens_literal(line: str) -> bool:
    return any(mark in _INLINE_CODE.sub("", line) for mark in _LITERAL_OPENERS)


def strip_fences(reply: str, stats: RepairStats | None = None) -> str:
    """The code inside a model's markdown fences; unfenced code comes back unchanged.

    A fence line can sit in real code only inside a multi-line string or block comment, so
    fences count as the model's wrapping unless a line before the first one opens such a
    literal (markdown in a docstring or template string stays untouched). Prose around
    the fences ("Here is the updated code:", "This adds a docstring.") is dropped.
    With several blocks the longest wins: small models add short usage examples or shell
    commands next to the full code they were asked for, never the other way round.
    """
    lines = reply.splitlines(keepends=True)
    blocks = [block for block in _fenced_blocks(lines) if block.code()]
    if not blocks or any(_opens_literal(line) for line in lines[: blocks[0].opener]):
        return reply
    if stats is not None:
        stats.fences_stripped += 1
    return max(blocks, key=lambda block: len(block.code())).code()


# --- JSON ---------------------------------------------------------------------------------


def extract_json(text: str) -> dict[str, Any]:
    """The first JSON object in `text`, forgiving prose, fences, trailing commas, single
    quotes and truncation. Raises ValueError when there is no object to be had."""
    start = text.find("{")
    if start < 0:
        raise ValueError("the reply contains no JSON object")
    try:
        value = _decode(text[start:])
    except RecursionError:  # both parsers recurse once per level: `{"a":{"a":…` × 10,000
        raise ValueError("the reply's JSON is nested too deeply") from None
    if isinstance(value, list):  # several objects in a row come back as a list
        value = next((item for item in value if isinstance(item, dict)), None)
    if not isinstance(value, dict):
        raise ValueError("the reply contains no usable JSON object")
    return value


def _decode(text: str) -> object:
    try:
        return json.JSONDecoder().raw_decode(text)[0]
    except json.JSONDecodeError:
        # json_repair closes truncated objects, drops trailing commas and requotes strings.
        return json_repair.loads(text)


# --- validated replies --------------------------------------------------------------------


class _Reply(Protocol):
    @property
    def text(self) -> str: ...


class ChatModel(Protocol):
    """What `structured_reply` needs of a model client (`model.client.ModelClient` fits)."""

    async def chat(
        self, messages: list[dict], *, json_schema: dict | None = None, max_tokens: int | None = None
    ) -> _Reply: ...


Schema = TypeVar("Schema", bound=BaseModel)


def _brief(error: ValidationError, limit: int = 3) -> str:
    """A validation error in a line or two, short enough for a small model to act on."""
    return "; ".join(
        f"{'.'.join(str(part) for part in problem['loc']) or 'reply'}: {problem['msg']}"
        for problem in error.errors()[:limit]
    )


def _parse(text: str, schema: type[Schema], stats: RepairStats) -> Schema:
    """Strict validation, then the permissive parse of the same text.

    Raises the most telling ValidationError: the schema's complaint about the recovered
    object when there was one ("target: Field required"), else the strict JSON error.
    """
    try:
        return schema.model_validate_json(text)
    except ValidationError as error:
        problem = error
    stats.json_invalid += 1
    try:
        result = schema.model_validate(extract_json(text))
    except ValidationError as error:
        raise error from None
    except ValueError:
        raise problem from None
    stats.json_repaired += 1
    return result


async def structured_reply(
    model: ChatModel,
    messages: list[dict],
    schema: type[Schema],
    stats: RepairStats,
    *,
    schema_name: str = "reply",
    repair: bool = True,
) -> Schema:
    """The model's reply as a validated `schema` instance.

    Order: strict → permissive parse of the same reply (saves a model call) → one retry
    that quotes the error → strict → permissive. Raises Refused when every path fails.
    `repair=False` (the benchmark's unguarded run) stops after the strict parse.
    """
    json_schema = schema.model_json_schema()
    reply = await model.chat(messages, json_schema=json_schema)
    if not repair:
        try:
            return schema.model_validate_json(reply.text)
        except ValidationError as error:
            stats.json_failed += 1
            raise Refused(f"The model did not return a usable {schema_name}: {_brief(error)}.") from None
    try:
        return _parse(reply.text, schema, stats)
    except ValidationError as error:
        problem = _brief(error)

    stats.json_retried += 1
    retry = [
        *messages,
        {"role": "assistant", "content": reply.text},
        {
            "role": "user",
            "content": f"That reply was not valid ({problem}). Reply with only a JSON "
            f"object matching this schema: {json.dumps(json_schema)}",
        },
    ]
    reply = await model.chat(retry, json_schema=json_schema)
    try:
        return _parse(reply.text, schema, stats)
    except ValidationError as error:
        problem = _brief(error)

    stats.json_failed += 1
    raise Refused(f"The model did not return a usable {schema_name}: {problem}.")
