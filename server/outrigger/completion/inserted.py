"""The file as it would read with a completion at the cursor, parsed: what every guard looks at."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from functools import cached_property

import tree_sitter

from outrigger.completion.context import FimContext
from outrigger.workspace.syntax import parse


@dataclass(frozen=True)
class Inserted:
    context: FimContext
    completion: str

    @property
    def text(self) -> str:
        c = self.context
        return c.text[: c.offset] + self.completion + c.text[c.offset :]

    @cached_property
    def tree(self) -> tree_sitter.Tree:
        return parse(self.context.path, self.text)

    @cached_property
    def start(self) -> int:
        """The completion's first byte in the parsed text."""
        return len(self.context.text[: self.context.offset].encode("utf-8"))

    @cached_property
    def end(self) -> int:
        return self.start + len(self.completion.encode("utf-8"))

    def chars_before(self, byte: int) -> int:
        """How many characters of the completion lie before byte `byte` of the parsed text."""
        return len(self.completion.encode("utf-8")[: max(0, byte - self.start)].decode("utf-8", "ignore"))

    def leaves_inside(self) -> Iterator[tree_sitter.Node]:
        """Leaf nodes that lie within the completion, in document order."""
        stack = [self.tree.root_node]
        while stack:
            node = stack.pop()
            if node.end_byte <= self.start or node.start_byte >= self.end:
                continue
            if node.child_count == 0:
                if node.start_byte >= self.start:
                    yield node
                continue
            stack.extend(reversed(node.children))
