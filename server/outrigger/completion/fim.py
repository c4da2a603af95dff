"""Fill-in-the-middle tokens of the model families that have them.

A backend that only offers plain text completion (`/v1/completions`) gets the prompt built
here, in the model's own tokens; llama.cpp's `/infill` and Ollama's `suffix` build it
themselves from the model file. The family is read from the model's name.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class FimTemplate:
    family: str
    prefix: str
    suffix: str
    middle: str
    file_separator: str | None = None  # repository-level prompts: other files before this one
    stop: tuple[str, ...] = ()  # tokens that end a fill in this family

    def prompt(self, prefix: str, suffix: str, head: str, extras: list[tuple[str, str]], path: str) -> str:
        """Prefix-suffix-middle order. `head` (the cursor line up to the cursor) follows the
        middle token, so a keystroke changes only the prompt's last tokens and the server's
        prompt cache covers the rest. `extras` are (path, text) chunks from other files."""
        if extras and self.file_separator:
            files = "".join(f"{self.file_separator}{name}\n{text}\n" for name, text in extras)
            return f"{files}{self.file_separator}{path}\n{self.prefix}{prefix}{self.suffix}{suffix}{self.middle}{head}"
        return f"{self.prefix}{prefix}{self.suffix}{suffix}{self.middle}{head}"


QWEN = FimTemplate(
    "qwen",
    "<|fim_prefix|>",
    "<|fim_suffix|>",
    "<|fim_middle|>",
    file_separator="<|file_sep|>",
    stop=("<|endoftext|>", "<|fim_pad|>", "<|file_sep|>", "<|repo_name|>", "<|im_end|>"),
)
STARCODER = FimTemplate(
    "starcoder", "<fim_prefix>", "<fim_suffix>", "<fim_middle>", file_separator="<file_sep>", stop=("<|endoftext|>",)
)
CODELLAMA = FimTemplate("codellama", "<PRE> ", " <SUF>", " <MID>", stop=(" <EOT>", "<EOT>"))
DEEPSEEK = FimTemplate(
    "deepseek", "<｜fim▁begin｜>", "<｜fim▁hole｜>", "<｜fim▁end｜>", stop=("<｜end▁of▁sentence｜>",)
)
CODEGEMMA = FimTemplate(
    "codegemma",
    "<|fim_prefix|>",
    "<|fim_suffix|>",
    "<|fim_middle|>",
    file_separator="<|file_separator|>",
    stop=("<|file_separator|>", "<end_of_turn>"),
)

# First match wins: the words a model's name contains → its family.
_BY_NAME: tuple[tuple[tuple[str, ...], FimTemplate], ...] = (
    (("qwen",), QWEN),
    (("starcoder", "santacoder", "refact"), STARCODER),
    (("codellama", "code-llama"), CODELLAMA),
    (("deepseek",), DEEPSEEK),
    (("codegemma",), CODEGEMMA),
)


def template_for(model_name: str) -> FimTemplate:
    """The FIM tokens of the model's family; Qwen's (the embedded model's) when unknown."""
    name = model_name.lower()
    for words, template in _BY_NAME:
        if any(word in name for word in words):
            return template
    return QWEN
