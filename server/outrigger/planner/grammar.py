"""A small grammar over the tagged words (words.py): a pattern is a line of words and slots,
"rename the? KIND? NAME IN_FILE? to|as|into NEW", matched against a clause's words, not its
characters. Literal words match case-insensitively (`a|b` is either, a trailing `?` makes a
token optional); `( … )?`, `( … )*` and `( … )+` group, `( a b | c )` is either sequence; `...` is any words (as few as
possible); a slot in capitals is a class of word (SLOTS) and what it matched is kept. Filler
("please", "now", "thx") is skipped wherever the pattern does not name it. A pattern matches
the whole clause unless it ends with `...`."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cache

from outrigger.planner.words import REQUEST_WORDS, Tag, Word

_DOC = frozenset(
    "docstring docstrings doc docs docblock docblocks documentation document documented documenting comment comments "
    "commented".split()
)
_TYPES = frozenset({"type hint", "type hints", "type hinted", "type hinting"}) | frozenset(
    "typehint typehints annotation annotations annotate types".split()
)


def identifier(word: Word) -> bool:
    return word.text.replace(".", "_").replace("$", "_").isidentifier()


def named(word: Word) -> bool:
    """A word that can name code: a symbol, an identifier that is no word of the request
    (written as code, it always can), or a pronoun (the planner resolves it, or the map has it)."""
    if word.tag in (Tag.SYMBOL, Tag.PRONOUN):
        return identifier(word)
    lower = word.text.lower()
    plain = lower not in REQUEST_WORDS and word.tag is Tag.WORD
    return identifier(word) and (word.code or plain) and word.tag is not Tag.FILE


SLOTS: dict[str, Callable[[Word], bool]] = {
    "NAME": named,  # code the request points to
    "NEW": lambda w: identifier(w) and "." not in w.text and w.tag in (Tag.WORD, Tag.SYMBOL, Tag.VERB),  # a name
    # a name being changed: any identifier, filler too ("rename a to b", "fix Hello in main.go")
    "OLD": lambda w: identifier(w) and w.tag is not Tag.FILE,
    "OWNER": lambda w: w.text.endswith("'s") and w.text[:-2].isidentifier(),  # "Repo's"
    "FILE": lambda w: w.tag is Tag.FILE,
    "DOC": lambda w: not w.code and (w.text.lower() in _DOC or w.text.lower().endswith(("doc", "docs"))),
    "TYPES": lambda w: not w.code and w.text.lower() in _TYPES,
    "WORD": lambda w: w.tag is not Tag.BREAK,
}
# Shared pieces, spelled out where a pattern names them.
MACROS = {
    "KIND": "function|method|class|helper|variable|constant|struct|interface",
    "IN_FILE": "( in|from|of|inside the? file? FILE )",
    "END": "( .|! )?",
    "PARAMS": "parameter|parameters|argument|arguments|param|params|arg|args|option|options|keyword",
}


@dataclass(frozen=True)
class _Node:
    kind: str  # "lit", "slot", "any", "group"
    words: frozenset[str] = frozenset()
    slot: str = ""
    optional: bool = False
    repeat: bool = False  # a group's `*` / `+`
    alternatives: tuple[tuple[_Node, ...], ...] = ()  # a group's: `( a b | c )`


@cache
def compile_pattern(pattern: str) -> tuple[_Node, ...]:
    tokens = []
    for token in pattern.split():
        base, quant = (token[:-1], "?") if token.endswith("?") and len(token) > 1 else (token, "")
        text = MACROS.get(base)
        tokens += (text[:-1] + ")" + quant if text.endswith(")") else text + quant).split() if text else [token]
    stack: list[list[list[_Node]]] = [[[]]]  # per open group, its alternatives so far
    for token in tokens:
        if token == "(":
            stack.append([[]])
        elif token == "|":
            stack[-1].append([])
        elif token.startswith(")"):
            alternatives = tuple(tuple(nodes) for nodes in stack.pop())
            quant = token[1:]
            group = _Node("group", alternatives=alternatives, optional=quant in ("?", "*"), repeat=quant in ("*", "+"))
            stack[-1][-1].append(group)
        elif token == "...":
            stack[-1][-1].append(_Node("any"))
        else:
            optional = token.endswith("?") and len(token) > 1
            token = token.removesuffix("?") if optional else token
            if token.isupper() and token.rstrip("23") in SLOTS:  # NAME2: a second NAME, kept apart
                stack[-1][-1].append(_Node("slot", slot=token, optional=optional))
            else:
                stack[-1][-1].append(_Node("lit", words=frozenset(token.lower().split("|")), optional=optional))
    assert len(stack) == 1 and len(stack[0]) == 1, f"unbalanced or bare alternatives: {pattern}"
    return tuple(stack[0][0])


Captures = tuple[tuple[str, Word], ...]


def _one(node: _Node, words: list[Word], j: int) -> Iterator[tuple[int, Captures]]:
    """Where one required occurrence of `node` can end, from word `j`."""
    while j < len(words):
        word = words[j]
        if node.kind == "lit" and word.text.lower() in node.words:
            yield j + 1, ()
        elif (
            node.kind == "slot"
            and SLOTS[slot := node.slot.rstrip("23")](word)
            and (word.tag is not Tag.FILLER or slot == "OLD")
        ):
            yield j + 1, ((node.slot, word),)
        if word.tag is not Tag.FILLER:
            return
        j += 1  # filler the pattern does not name


def _match(nodes: tuple[_Node, ...], i: int, words: list[Word], j: int, whole: bool) -> Iterator[tuple[int, Captures]]:
    if i == len(nodes):
        while whole and j < len(words) and words[j].tag is Tag.FILLER:
            j += 1
        if not whole or j == len(words):
            yield j, ()
        return
    node = nodes[i]
    if node.kind == "any":
        for k in range(j, len(words) + 1):
            yield from _match(nodes, i + 1, words, k, whole)
        return
    if node.kind == "group":
        ends = _group(node, words, j)
    else:
        ends = _one(node, words, j)
    for k, caps in ends:
        for end, rest in _match(nodes, i + 1, words, k, whole):
            yield end, caps + rest
    if node.optional and node.kind != "group":
        yield from _match(nodes, i + 1, words, j, whole)


def _group(node: _Node, words: list[Word], j: int) -> Iterator[tuple[int, Captures]]:
    """Where the group can end: once (or, repeated, as often as it goes), longest first; then
    not at all, when it is optional."""
    runs: list[tuple[int, Captures]] = []
    frontier: list[tuple[int, Captures]] = [(j, ())]
    while frontier:
        start, caps = frontier.pop()
        for nodes in node.alternatives:
            for k, more in _match(nodes, 0, words, start, whole=False):
                if k > start:
                    runs.append((k, caps + more))
                    if node.repeat:
                        frontier.append((k, caps + more))
        if not node.repeat:
            break
    yield from sorted(runs, key=lambda run: -run[0])
    if node.optional:
        yield j, ()


class Found(dict[str, list[Word]]):
    """Each slot's words, in order; `pairs` keeps the order across slots."""

    def __init__(self, pairs: Captures) -> None:
        super().__init__()
        self.pairs = pairs
        for slot, word in pairs:
            self.setdefault(slot, []).append(word)

    def __bool__(self) -> bool:  # found, even with no slot
        return True

    def text(self, slot: str, index: int = 0) -> str | None:
        found = self.get(slot, [])
        return found[index].text if len(found) > index else None


def match(pattern: str, words: list[Word]) -> Found | None:
    """What a pattern captures from these words, or None when it does not fit them."""
    nodes = compile_pattern(pattern)
    whole = not (nodes and nodes[-1].kind == "any")
    for _, caps in _match(nodes, 0, words, 0, whole):
        return Found(caps)
    return None


def first(pattern: str, words: list[Word]) -> Found | None:
    """`match` from any word on: the first place the pattern fits."""
    return match(f"... {pattern} ...", words)


def each(pattern: str, words: list[Word]) -> Iterator[tuple[int, int, Found]]:
    """Every place the pattern fits, left to right and not overlapping: (first word, the word
    after the last, what it captured)."""
    nodes, start = compile_pattern(pattern), 0
    while start < len(words):
        found = next(_match(nodes, 0, words, start, whole=False), None)
        if found is None or found[0] == start:
            start += 1
            continue
        yield start, found[0], Found(found[1])
        start = found[0]
