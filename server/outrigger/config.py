"""One settings model for every front end.

The LSP client sends it as `initializationOptions`, as the `outrigger` section of
`workspace/configuration` and through `workspace/didChangeConfiguration`; the CLI builds
it from flags and `OUTRIGGER_*` environment variables. Keys are camelCase on the wire.
"""

from __future__ import annotations

import os
from typing import Literal

from pydantic import AliasGenerator, BaseModel, ConfigDict, Field
from pydantic.alias_generators import to_camel

_WIRE = ConfigDict(
    alias_generator=AliasGenerator(validation_alias=to_camel, serialization_alias=to_camel),
    populate_by_name=True,
    extra="ignore",
)

DEFAULT_SECRET_PATTERNS = (
    ".env",
    ".env.*",
    "*.pem",
    "*.key",
    "id_rsa*",
    "id_ed25519*",
    "*.p12",
    "*.pfx",
    "secrets.*",
    ".npmrc",
    ".pypirc",
    ".netrc",
)


class ModelSettings(BaseModel):
    model_config = _WIRE

    base_url: str | None = Field(
        default=None, description="OpenAI-compatible or Ollama URL; None = embedded llama-server"
    )
    name: str = "qwen2.5-coder-0.5b"
    api: Literal["openai", "ollama"] = "openai"
    api_key: str | None = None
    context_window: int = Field(default=8192, ge=512)
    max_output_tokens: int = Field(default=1024, ge=16)
    temperature: float = Field(default=0.0, ge=0.0, le=2.0)
    timeout_seconds: float = Field(default=120.0, gt=0)


class TaskSettings(BaseModel):
    model_config = _WIRE

    max_steps: int = Field(default=8, ge=1, le=50, description="the most steps one multi-file request may have")


class TestSettings(BaseModel):
    """The project's own tests as a guard: run on a scratch copy with the proposed change."""

    model_config = _WIRE

    # "auto": when a command is configured or obvious (pytest, npm test, cargo test, …).
    run: Literal["auto", "always", "never"] = "auto"
    command: list[str] | None = Field(default=None, description='e.g. ["python", "-m", "pytest", "-q"]')
    timeout_seconds: float = Field(default=120.0, gt=0)
    # "refuse": a change that turns passing tests red is refused; "warn": offered with the failure shown.
    on_failure: Literal["refuse", "warn"] = "refuse"


class Settings(BaseModel):
    model_config = _WIRE

    model: ModelSettings = Field(default_factory=ModelSettings)
    tasks: TaskSettings = Field(default_factory=TaskSettings)
    tests: TestSettings = Field(default_factory=TestSettings)
    # Glob patterns (workspace-relative) never indexed and never sent to the model.
    ignore: list[str] = Field(default_factory=lambda: list(DEFAULT_SECRET_PATTERNS))

    @classmethod
    def from_environment(cls, **overrides: object) -> Settings:
        """Settings from `OUTRIGGER_BASE_URL`, `OUTRIGGER_MODEL`, `OUTRIGGER_API`."""
        model: dict[str, object] = {}
        if url := os.environ.get("OUTRIGGER_BASE_URL"):
            model["base_url"] = url
        if name := os.environ.get("OUTRIGGER_MODEL"):
            model["name"] = name
        if api := os.environ.get("OUTRIGGER_API"):
            model["api"] = api
        if key := os.environ.get("OUTRIGGER_API_KEY"):
            model["api_key"] = key
        model.update({k: v for k, v in overrides.items() if v is not None})
        return cls(model=ModelSettings.model_validate(model))
