"""Secret values: kept out of the scratch copy and out of anything quoted back to the model.

What proposed code prints or returns (a test's assertion output, an example's result) goes
into the retry prompt and the preview. Code that reads a config file or the environment can
print a key that way, so every such text passes `redact` first: the shapes a secret scanner
knows (gitleaks' and GitHub's rules for the common providers, private key blocks, a
`…KEY=value` or `…TOKEN: value` of some randomness) and every value of the workspace's own
secret files (`.env` and the rest of the ignore list) become `[redacted]`, and the text is
capped.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable
from pathlib import Path

REDACTED = "[redacted]"
MAX_QUOTED_CHARS = 2000
_MAX_SECRET_FILE_BYTES = 65_536
_SLACK = 512  # longer than any pattern's value: a secret crossing the cut is redacted whole
_MIN_VALUE_CHARS = 6  # shorter values of a .env (`DEBUG=1`, `PORT=8080`) would blank out ordinary output

_PRIVATE_KEY = re.compile(
    r"-----BEGIN[A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----.*?(?:-----END[A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----|\Z)", re.S
)
# Providers' key formats (as gitleaks and GitHub's secret scanning define them).
_PROVIDER_KEYS = re.compile(
    "|".join(
        [
            r"\b(?:A3T[A-Z0-9]|AKIA|ASIA|ABIA|ACCA|AGPA|AIDA|AROA|AIPA|ANPA|ANVA)[A-Z0-9]{16}\b",  # AWS key id
            r"\bsk-(?:proj-|ant-|live-)?[A-Za-z0-9_\-]{16,}",  # OpenAI, Anthropic
            r"\b(?:ghp|gho|ghu|ghs|ghr)_[A-Za-z0-9]{30,}",  # GitHub tokens
            r"\bgithub_pat_[A-Za-z0-9_]{22,}",
            r"\bglpat-[A-Za-z0-9_\-]{20,}",  # GitLab
            r"\bxox[abposr]-[A-Za-z0-9\-]{10,}",  # Slack
            r"\bAIza[0-9A-Za-z_\-]{35}",  # Google API key
            r"\b(?:sk|rk|pk)_(?:live|test)_[0-9A-Za-z]{16,}",  # Stripe
            r"\bnpm_[A-Za-z0-9]{36}",  # npm
            r"\bpypi-[A-Za-z0-9_\-]{50,}",  # PyPI
            r"\bhf_[A-Za-z0-9]{30,}",  # Hugging Face
            r"\beyJ[A-Za-z0-9_\-]{8,}\.eyJ[A-Za-z0-9_\-]{8,}\.[A-Za-z0-9_\-]{8,}",  # JWT
            r"\b[a-z][a-z0-9+.\-]{0,15}://[^\s:/@]{1,100}:[^\s@/]{1,200}@",  # credentials in a URL
        ]
    )
)
# `API_KEY=…`, `"client_secret": "…"`, `password: …`: the value after a name that says secret.
_NAMED_VALUE = re.compile(
    r"""(?<![A-Za-z0-9_.\-])(?P<name>[A-Za-z0-9_.\-]{1,80})(?P<between>["']?[ \t]{0,3}[:=][ \t]{0,3}["']?)"""
    r"""(?P<value>[^\s"'`,;|)}\]]{8,200})"""
)
_SECRET_NAME = re.compile(r"key|token|secret|passw(?:or)?d|pwd|credential|auth|private|access", re.I)
_MIN_ENTROPY = 2.5  # bits per character: `hunter2hunter2` passes, `false_value` of an enum name does not matter


def holds_private_key(data: bytes) -> bool:
    """Whether a file's bytes hold a private key (a PEM block, a service account's JSON)."""
    head = data[: _MAX_SECRET_FILE_BYTES * 4]
    return b"PRIVATE KEY-----" in head or (b'"private_key"' in head and b'"client_email"' in head)


def redact(text: str, known: Iterable[str] = (), limit: int = MAX_QUOTED_CHARS) -> str:
    """`text` with secret-looking values and every `known` value replaced, capped at `limit`.
    Only the part that is kept is searched (with room for a secret crossing the cut): the
    patterns are linear, but a megabyte of output would still take seconds."""
    text = text[: limit + _SLACK]
    for value in sorted(set(known), key=len, reverse=True):
        text = text.replace(value, REDACTED)
    text = _PRIVATE_KEY.sub(REDACTED, text)
    text = _PROVIDER_KEYS.sub(REDACTED, text)
    text = _NAMED_VALUE.sub(_named_value, text)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _named_value(match: re.Match[str]) -> str:
    value = match["value"]
    if not _SECRET_NAME.search(match["name"]) or value == REDACTED or _entropy(value) < _MIN_ENTROPY:
        return match[0]
    return f"{match['name']}{match['between']}{REDACTED}"


def _entropy(value: str) -> float:
    counts = Counter(value)
    return -sum(n / len(value) * math.log2(n / len(value)) for n in counts.values())


def values_in(files: Iterable[Path], tokens_only: bool = False) -> frozenset[str]:
    """Every value the secret files hold (`.env`'s `NAME=value`, `.npmrc`'s `…:_authToken=…`,
    `.pypirc`'s `password: …`, `.netrc`'s `password …`), to redact wherever it shows up.
    `tokens_only`: files that are not secret by name (ones `.gitignore` leaves out, such as a
    local `settings_local.py` or `config.json`): assigned or quoted values of 8 characters or
    more without spaces that are not plain lower-case words (`"q7Lx2Vb9…"`, a URL, not
    `"localhost"` or a message of a generated file)."""
    found: set[str] = set()
    for file in files:
        try:
            if not file.is_file() or file.stat().st_size > _MAX_SECRET_FILE_BYTES:
                continue
            text = file.read_text("utf-8", "replace")
        except OSError:
            continue
        if tokens_only:
            found.update(match[2] for match in _QUOTED.finditer(text))
        for line in text.splitlines():
            line = line.strip().removeprefix("export ")
            if not line or line.startswith(("#", ";", "[")):
                continue
            separator = "=" if "=" in line else ":" if ":" in line else ""
            if separator:
                found.add(line.partition(separator)[2].strip().rstrip(",;").strip("\"'"))
            else:  # .netrc: `machine h login u password p` on one line
                words = line.split()
                found.update(words[i + 1] for i, w in enumerate(words[:-1]) if w in ("password", "login", "account"))
    if tokens_only:
        return frozenset(
            v for v in found if len(v) >= _MIN_TOKEN_CHARS and _TOKEN.fullmatch(v) and not _WORD.fullmatch(v)
        )
    return frozenset(v for v in found if len(v) >= _MIN_VALUE_CHARS)


_QUOTED = re.compile(r"""(["'])([^"'\s]{8,200})\1""")
_TOKEN = re.compile(r"\S+")
_WORD = re.compile(r"[a-z_]+")
_MIN_TOKEN_CHARS = 8
