"""The JSON schemas a model's plan is decoded under: narrowed to what exists and what the request
says. A 0.5B model asked for free JSON planned dozens of identical steps and symbols nobody
wrote; under a schema it cannot leave (llama.cpp's and vLLM's constrained decoding honour
`enum`, `pattern` and `maxItems`), a symbol is one the request points to or writes as code, a
file is one the request names (or, for a task, one the workspace has), a new name is an
identifier, and a task has at most `tasks.maxSteps` steps. Where a backend cannot constrain,
the same reply is still validated, checked against the map and for sense (plan_check.py)."""

from __future__ import annotations

import re
from pathlib import PurePosixPath
from typing import Any

from outrigger.planner.model_plan import ModelPlan, ModelTask
from outrigger.planner.words import Tag, symbols, tag
from outrigger.workspace.index import ProjectMap

IDENTIFIER = r"^[A-Za-z_$][A-Za-z0-9_$]*$"
MAX_NAMES = 40  # the enum's length: the names the request points to come first
MAX_FILES = 60  # as many as the task prompt lists
_WORD = re.compile(r"[A-Za-z]{4,}")
_SUBWORD = re.compile(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])")


def names_pointed_to(request: str, project_map: ProjectMap, cursor: str | None) -> list[str]:
    """The names a plan may be about: those the request names, then those written as code that
    the map lacks (a new name, or a misspelling the map will refuse, never silently corrected),
    then the cursor's, then the map's names sharing a word with the request ("the login route"
    → `handleLogin`)."""
    named = symbols(request, project_map)
    written = [w.text for w in tag(request) if w.code and w.tag is Tag.WORD and not w.text[0].isdigit()]
    stems = {word.lower()[:5] for word in _WORD.findall(request)}  # "ounce" ~ "ounces" ~ `to_ounces`
    related = sorted(
        {
            symbol.qualified_name
            for path in project_map.files()
            for symbol in project_map.symbols(path)
            if {part.lower()[:5] for part in _SUBWORD.findall(symbol.name) if len(part) >= 4} & stems
        }
    )
    ordered = [*named, *written, *([cursor] if cursor else []), *related]
    return list(dict.fromkeys(ordered))[:MAX_NAMES]


def files_named(request: str, project_map: ProjectMap) -> list[str]:
    """The workspace's files the request names, by path or by file name."""
    text = request.replace("\\", "/")
    return [path for path in project_map.files() if path in text or PurePosixPath(path).name in text]


def _one_of(values: list[str]) -> dict[str, Any]:
    return {"anyOf": [{"type": "string", "enum": values}, {"type": "null"}]} if values else {"type": "null"}


def plan_schema(request: str, project_map: ProjectMap, cursor: str | None) -> dict[str, Any]:
    """ModelPlan's schema, with `symbol` and `file` limited to what the request points to."""
    schema = ModelPlan.model_json_schema()
    properties = schema["properties"]
    properties["symbol"] = _one_of(names_pointed_to(request, project_map, cursor))
    properties["file"] = _one_of(list(dict.fromkeys([*files_named(request, project_map), *_paths(request)])))
    properties["new_name"] = {"anyOf": [{"type": "string", "pattern": IDENTIFIER}, {"type": "null"}]}
    return schema


_PATH = re.compile(r"[\w./-]+\.[A-Za-z]{1,5}\b")


def _paths(request: str) -> list[str]:
    """Paths written in the request (a file to create is not in the map yet)."""
    return [path for path in _PATH.findall(request.replace("\\", "/")) if not path.startswith(".")]


def task_schema(request: str, project_map: ProjectMap, max_steps: int) -> dict[str, Any]:
    """ModelTask's schema: at most `max_steps` steps, each on a workspace file or a path the
    request writes, about a name the request points to."""
    schema = ModelTask.model_json_schema()
    schema["properties"]["steps"]["maxItems"] = max_steps
    step = schema["$defs"]["ModelStep"]["properties"]
    files = list(dict.fromkeys([*files_named(request, project_map), *_paths(request), *project_map.files()]))
    step["file"] = {"type": "string", "enum": files[:MAX_FILES]} if files else {"type": "string"}
    step["to_file"] = _one_of(list(dict.fromkeys([*_paths(request), *files_named(request, project_map)])))
    step["symbol"] = _one_of(names_pointed_to(request, project_map, None))
    step["new_name"] = {"anyOf": [{"type": "string", "pattern": IDENTIFIER}, {"type": "null"}]}
    return schema
