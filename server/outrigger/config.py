"""One settings model for every front end.

The LSP client sends it as `initializationOptions`, as the `outrigger` section of
`workspace/configuration` and through `workspace/didChangeConfiguration`; the CLI builds
it from flags and `OUTRIGGER_*` environment variables. Keys are camelCase on the wire.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import Literal
from urllib.parse import urlsplit

from pydantic import AliasGenerator, BaseModel, ConfigDict, Field, field_validator
from pydantic.alias_generators import to_camel

_WIRE = ConfigDict(
    alias_generator=AliasGenerator(validation_alias=to_camel, serialization_alias=to_camel),
    populate_by_name=True,
    extra="ignore",
)

# Files that hold credentials, as secret scanners (gitrob's signatures, gitleaks, GitHub's
# sensitive-file lists) know them. Matched case-insensitively against every part of a path, so
# a folder name (`.ssh`, `.aws`) covers everything inside it. A user's `ignore` adds to these.
DEFAULT_SECRET_PATTERNS = (
    # environment files
    ".env",
    ".env.*",
    "*.env",
    ".envrc",
    # private keys, certificates and key stores
    "*.pem",
    "*.key",
    "*.p12",
    "*.pfx",
    "*.pkcs12",
    "*.ppk",
    "*.jks",
    "*.keystore",
    "*.kdb",
    "*.kdbx",
    "*.keychain",
    "*.gpg",
    "id_rsa*",
    "id_dsa*",
    "id_ecdsa*",
    "id_ed25519*",
    "*_rsa",
    "*_dsa",
    "*_ecdsa",
    "*_ed25519",
    ".ssh",
    ".gnupg",
    # tools' credential files and folders
    ".aws",
    ".azure",
    ".docker",
    ".kube",
    "kubeconfig",
    "credentials",
    "credentials.*",
    "*credentials.json",
    "client_secret*.json",
    "service-account*.json",
    ".git-credentials",
    ".netrc",
    "_netrc",
    ".npmrc",
    ".pypirc",
    ".pgpass",
    ".my.cnf",
    ".s3cfg",
    ".dockercfg",
    ".htpasswd",
    ".vault-token",
    "*.ovpn",
    "*.tfvars",
    "*.tfstate",
    "*.tfstate.*",
    "secrets.*",
    "*.secrets",
    ".*_history",
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

    @field_validator("base_url")
    @classmethod
    def _an_http_url(cls, url: str | None) -> str | None:
        """Refused where it is set, in one sentence, rather than at the first model call."""
        if url is None or not url.strip():
            return None
        url = url.strip()
        try:
            parts = urlsplit(url)
            parts.port  # noqa: B018 - raises on a port that is not a number
        except ValueError as error:
            raise ValueError(f"the model URL {url!r} is not a URL ({error})") from None
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(f"the model URL {url!r} must be an http:// or https:// URL, e.g. http://127.0.0.1:8080/v1")
        return url


class TaskSettings(BaseModel):
    model_config = _WIRE

    max_steps: int = Field(default=8, ge=1, le=50, description="the most steps one multi-file request may have")


class RequestSettings(BaseModel):
    """Bounds on one request as a whole: every model call, candidate and test run shares them."""

    model_config = _WIRE

    # A slow or hostile model could otherwise hold one request for half an hour
    # (120 s × 4 candidates, plus test runs).
    deadline_seconds: float = Field(
        default=180.0, gt=0, description="seconds one request may take in all; then it stops, changing nothing"
    )


class TestSettings(BaseModel):
    """The project's own tests as a guard: run on a scratch copy with the proposed change."""

    model_config = _WIRE

    # "auto": when a command is configured or obvious (pytest, npm test, cargo test, …).
    run: Literal["auto", "always", "never"] = "auto"
    command: list[str] | None = Field(default=None, description='e.g. ["python", "-m", "pytest", "-q"]')
    timeout_seconds: float = Field(default=120.0, gt=0)
    # "refuse": a change that turns passing tests red is refused; "warn": offered with the failure shown.
    on_failure: Literal["refuse", "warn"] = "refuse"
    # Proposed code runs only in a sandbox (bubblewrap, else unshare); where neither works, it
    # runs without one only when this is on.
    allow_unsandboxed: bool = False


class IndexSettings(BaseModel):
    """Bounds on building the map: a workspace opened at `/` or a home folder must not tie up
    the server. Hitting one stops the index there, with a message saying which one."""

    model_config = _WIRE

    max_files: int = Field(default=20_000, ge=1, description="source files indexed at most")
    max_bytes: int = Field(default=200_000_000, ge=1, description="bytes of source read at most")
    max_seconds: float = Field(default=30.0, gt=0, description="seconds spent indexing at most")


class CompletionSettings(BaseModel):
    """Inline (ghost-text) completion: fill-in-the-middle at the cursor, guarded."""

    model_config = _WIRE

    enabled: bool = True
    # Language names as in the language table ("python", "javascript", …); empty = all of them.
    languages: list[str] = Field(default_factory=list)
    # "auto": /v1/completions with the model's FIM tokens (the embedded llama.cpp server and
    # other OpenAI-compatible servers), Ollama's `suffix` for Ollama; "infill": llama.cpp's
    # /infill (slower per keystroke: it evaluates the suffix again).
    endpoint: Literal["auto", "infill", "completions"] = "auto"

    def for_language(self, language: str | None) -> bool:
        return self.enabled and language is not None and (not self.languages or language in self.languages)


def with_default_secrets(patterns: Sequence[str]) -> list[str]:
    """The default secret patterns followed by `patterns`, each once."""
    return list(dict.fromkeys([*DEFAULT_SECRET_PATTERNS, *patterns]))


class Settings(BaseModel):
    model_config = _WIRE

    model: ModelSettings = Field(default_factory=ModelSettings)
    tasks: TaskSettings = Field(default_factory=TaskSettings)
    request: RequestSettings = Field(default_factory=RequestSettings)
    tests: TestSettings = Field(default_factory=TestSettings)
    # Glob patterns (workspace-relative) never indexed and never sent to the model: the
    # defaults plus the user's own. A user's list adds to the defaults; it cannot remove one.
    ignore: list[str] = Field(default_factory=lambda: list(DEFAULT_SECRET_PATTERNS))
    index: IndexSettings = Field(default_factory=lambda: IndexSettings())
    completion: CompletionSettings = Field(default_factory=CompletionSettings)

    @field_validator("ignore")
    @classmethod
    def _keep_the_defaults(cls, patterns: list[str]) -> list[str]:
        return with_default_secrets(patterns)

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
