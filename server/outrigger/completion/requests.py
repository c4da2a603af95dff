"""One fill request per kind of backend, and what its answer says.

- llama.cpp's `/infill` (the embedded model): the server applies the model's FIM tokens and
  takes other files as `input_extra`. llama.cpp appends `prompt` (the cursor line so far) to
  the end of the prefix, before the suffix, so each keystroke re-evaluates the suffix (at most
  a quarter of the server's batch).
  Kept as `completion.endpoint: "infill"`.
- `/v1/completions` (the default, also on the embedded llama.cpp server): the prompt in the
  model's FIM tokens (`fim.py`), the cursor line after the middle token, so a keystroke costs
  only its own tokens (measured: single-line p50 5.5 s through /infill, 534 ms this way).
- Ollama's `/api/generate` with `suffix`: Ollama applies the model's template.

`cache_prompt` keeps llama.cpp's prompt cache between keystrokes. Where we build the prompt,
blanks at the end of the cursor line stay out of it (`healed`): a prompt ending in a space or
an indentation makes the model start inside a token ("return " then "0 if …" instead of
"return ITEMS[…]"); the model writes them again and they are taken off its reply.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any, Literal

from outrigger.completion.context import FimContext
from outrigger.completion.fim import FimTemplate
from outrigger.errors import ModelError
from outrigger.model.client import ModelClient

Endpoint = Literal["infill", "completions", "ollama"]
MULTILINE_MILLISECONDS = 1500  # llama.cpp stops a multi-line fill after a newline past this


@dataclass(frozen=True)
class Fill:
    text: str  # what the model put at the cursor
    prompt_tokens: int | None  # the prompt, in the model's tokens
    new_tokens: int | None  # of those, how many the server evaluated (not from its cache)
    cut_off: bool  # stopped at the length limit, not where the model meant to
    seconds: float


async def request_fill(
    model: ModelClient,
    endpoint: Endpoint,
    context: FimContext,
    template: FimTemplate,
    max_tokens: int,
    timeout: float,
    stop_early: Callable[[str], bool] | None = None,
) -> Fill:
    """One fill. With `stop_early` (the guards' verdict on the text so far), `/v1/completions`
    streams and the reply is left as soon as it says stop."""
    started = time.perf_counter()
    stop = ["\n"] if not context.multiline else []
    if endpoint == "infill":
        data = await model.post_json("/infill", _infill_body(context, max_tokens, stop), timeout=timeout)
        fill = _from_infill(data)
    elif endpoint == "ollama":
        head, blanks = healed(context.head)
        body = _ollama_body(model, replace(context, head=head), max_tokens, stop)
        fill = _from_ollama(await model.post_json("api/generate", body, timeout=timeout))
        fill = replace(fill, text=without_blanks(fill.text, blanks))
    else:
        head, blanks = healed(context.head)
        body = _completions_body(model, replace(context, head=head), template, max_tokens, [*stop, *template.stop])
        if stop_early is None:
            fill = _from_completions(await model.post_json("completions", body, timeout=timeout))
        else:
            fill = await _streamed_completions(
                model, body, timeout, lambda text: stop_early(without_blanks(text, blanks))
            )
        fill = replace(fill, text=without_blanks(fill.text, blanks))
    return Fill(fill.text, fill.prompt_tokens, fill.new_tokens, fill.cut_off, time.perf_counter() - started)


def healed(head: str) -> tuple[str, str]:
    """The cursor line without its trailing blanks, and those blanks."""
    kept = head.rstrip(" \t")
    return kept, head[len(kept) :]


def without_blanks(reply: str, blanks: str) -> str:
    """The reply without the blanks the user already typed (as many as it starts with)."""
    same = 0
    while same < len(blanks) and same < len(reply) and reply[same] == blanks[same]:
        same += 1
    return reply[same:]


def _infill_body(context: FimContext, max_tokens: int, stop: list[str]) -> dict[str, Any]:
    body: dict[str, Any] = {
        "input_prefix": context.prefix,
        "input_suffix": context.suffix,
        "prompt": context.head,
        "input_extra": [{"filename": name, "text": text} for name, text in context.other_files],
        "n_predict": max_tokens,
        "temperature": 0,
        "cache_prompt": True,
        "stop": stop,
    }
    if context.multiline:
        body["t_max_predict_ms"] = MULTILINE_MILLISECONDS
    return body


def _completions_body(
    model: ModelClient, context: FimContext, template: FimTemplate, max_tokens: int, stop: list[str]
) -> dict[str, Any]:
    prompt = template.prompt(context.prefix, context.suffix, context.head, context.other_files, context.path)
    body: dict[str, Any] = {
        "model": model.settings.name,
        "prompt": prompt,
        "max_tokens": max_tokens,
        "temperature": 0,
        "stop": stop,
        "cache_prompt": True,  # llama.cpp's server; others ignore it
    }
    if context.multiline:
        body["t_max_predict_ms"] = MULTILINE_MILLISECONDS  # llama.cpp's; others ignore it
    return body


def _ollama_body(model: ModelClient, context: FimContext, max_tokens: int, stop: list[str]) -> dict[str, Any]:
    options: dict[str, Any] = {"temperature": 0, "num_predict": max_tokens, "num_ctx": model.settings.context_window}
    if stop:
        options["stop"] = stop
    return {
        "model": model.settings.name,
        "prompt": context.prefix + context.head,
        "suffix": context.suffix,
        "stream": False,
        "options": options,
    }


def _text(value: object, what: str) -> str:
    if not isinstance(value, str):
        raise ModelError(f"The model's fill reply has no text ({what}); check outrigger.model.api.")
    return value


def _from_infill(data: dict[str, Any]) -> Fill:
    timings = data.get("timings") or {}
    cut_off = data.get("stop_type") == "limit" or bool(data.get("truncated"))
    return Fill(
        _text(data.get("content"), "content"), data.get("tokens_evaluated"), timings.get("prompt_n"), cut_off, 0
    )


def _from_completions(data: dict[str, Any]) -> Fill:
    choices = data.get("choices") or [{}]
    choice = choices[0] if isinstance(choices[0], dict) else {}
    usage = data.get("usage") or {}
    details = usage.get("prompt_tokens_details") or {}
    prompt = usage.get("prompt_tokens")
    cached = details.get("cached_tokens")
    new = prompt - cached if isinstance(prompt, int) and isinstance(cached, int) else None
    return Fill(_text(choice.get("text"), "choices[0].text"), prompt, new, choice.get("finish_reason") == "length", 0)


async def _streamed_completions(
    model: ModelClient, body: dict[str, Any], timeout: float, stop: Callable[[str], bool]
) -> Fill:
    pieces: list[str] = []
    last: dict[str, Any] = {}  # finish reason, usage: from whichever event carries them
    stopped = False

    def on_event(event: dict[str, Any]) -> bool:
        nonlocal stopped
        choices = event.get("choices") or [{}]
        choice = choices[0] if isinstance(choices[0], dict) else {}
        if isinstance(piece := choice.get("text"), str):
            pieces.append(piece)
        if choice.get("finish_reason"):
            last["finish_reason"] = choice["finish_reason"]
        if event.get("usage"):
            last["usage"] = event["usage"]
        stopped = bool(piece) and stop("".join(pieces))
        return stopped

    await model.stream_json(
        "completions", body | {"stream_options": {"include_usage": True}}, on_event, timeout=timeout
    )
    whole = {
        "choices": [{"text": "".join(pieces), "finish_reason": last.get("finish_reason")}],
        "usage": last.get("usage"),
    }
    fill = _from_completions(whole)
    return replace(fill, cut_off=fill.cut_off and not stopped)


def _from_ollama(data: dict[str, Any]) -> Fill:
    text = _text(data.get("response"), "response")
    return Fill(
        text, data.get("prompt_eval_count"), data.get("prompt_eval_count"), data.get("done_reason") == "length", 0
    )
