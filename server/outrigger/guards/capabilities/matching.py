"""Whether a reference a reader found falls under an entry of its language's table: the same
name, a name below a listed module or class, a listed prefix, or a method of a listed name."""

from __future__ import annotations

# languages whose classes live in dotted namespaces
QUALIFIED = frozenset({"java", "csharp", "c", "php"})


def forms(family: str, reference: str) -> tuple[str, ...]:
    """The names `reference` goes by in its language's table: Ruby's bare `system` is
    `Kernel.system`; node's `fs/promises.rm` and `fs.promises.rm` are `fs.rm`."""
    if family == "ruby" and "." not in reference and not reference.startswith("<"):
        return reference, "Kernel." + reference
    if family == "javascript":
        for promises in ("fs/promises", "fs.promises"):
            if reference == promises or reference.startswith(promises + "."):
                return reference, "fs" + reference[len(promises) :]
    return (reference,)


def covered(reference: str, entries: tuple[str, ...], qualified: bool = False) -> bool:
    """`entries` names `reference` or a module or class above it; `*.name` is a method of that
    name on any receiver (Ruby's `obj.send`); `name*` any name that starts so. `qualified`: a
    dotted entry also names the same class under its namespace (`Files.delete` in
    `java.nio.file.Files.delete`)."""
    last = reference.rpartition(".")[2]
    return any(
        (entry.startswith("*.") and "." in reference and last == entry[2:])
        or reference == entry
        or reference.startswith((entry + ".", entry + "/"))
        or (entry.endswith("*") and not entry.startswith("*.") and _starts(reference, entry[:-1], qualified))
        or (qualified and "." in entry and f".{entry}." in f".{reference}.")
        for entry in entries
    )


def _starts(reference: str, prefix: str, qualified: bool) -> bool:
    """`reference` starts with `prefix` (`fs.rmSync`: `fs.rm`), or, `qualified`, one of its
    namespaced tails does."""
    return reference.startswith(prefix) or (qualified and "." in prefix and f".{prefix}" in f".{reference}")
