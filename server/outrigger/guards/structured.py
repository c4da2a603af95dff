"""The JSON guard: a model's structured reply is validated against its schema, retried once with
the error quoted, then parsed permissively. Each repair is counted in `RepairStats`."""

from __future__ import annotations

import json
from typing import Any, Protocol, TypeVar

import json_repair
from pydantic import BaseModel, ValidationError

from outrigger.errors import Refused
from outrigger.guards.replies import quoted_reply, strings_without_surrogates
from outrigger.guards.stats import RepairStats


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
    return strings_without_surrogates(value)  # "\\ud800" is valid JSON and unencodable text


def _decode(text: str) -> object:
    try:
        return json.JSONDecoder().raw_decode(text)[0]
    except json.JSONDecodeError:
        # json_repair closes truncated objects, drops trailing commas and requotes strings.
        return json_repair.loads(text)


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
    json_schema: dict[str, Any] | None = None,
    max_tokens: int | None = None,
) -> Schema:
    """The model's reply as a validated `schema` instance.

    Order: strict → permissive parse of the same reply (saves a model call) → one retry
    that quotes the error → strict → permissive. Raises Refused when every path fails.
    `repair=False` (the benchmark's unguarded run) stops after the strict parse. `max_tokens`
    caps each reply: a short object must not leave a small model generating for a minute.
    """
    json_schema = json_schema or schema.model_json_schema()  # what the backend decodes under
    reply = await model.chat(messages, json_schema=json_schema, max_tokens=max_tokens)
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
        {"role": "assistant", "content": quoted_reply(reply.text)},
        {
            "role": "user",
            "content": f"That reply was not valid ({problem}). Reply with only a JSON "
            f"object matching this schema: {json.dumps(json_schema)}",
        },
    ]
    reply = await model.chat(retry, json_schema=json_schema, max_tokens=max_tokens)
    try:
        return _parse(reply.text, schema, stats)
    except ValidationError as error:
        problem = _brief(error)

    stats.json_failed += 1
    raise Refused(f"The model did not return a usable {schema_name}: {problem}.")
