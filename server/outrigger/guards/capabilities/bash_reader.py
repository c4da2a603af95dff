"""A shell script's references: its commands by name, a command whose name is computed, and
redirections to the network or outside the project."""

from __future__ import annotations

from collections.abc import Iterator

import tree_sitter

from outrigger.guards.capabilities.nodes import node_text, walk


def bash_references(root: tree_sitter.Node) -> Iterator[str]:
    """A shell script's commands, by name (`/usr/bin/curl` is `curl`); a command whose name is
    computed (`$cmd args`); redirections to `/dev/tcp`."""
    for node in walk(root):
        if node.type == "command_name":
            word = node.named_children[0] if node.named_children else None
            if word is None or word.type != "word":
                yield "<command of a computed name>"
            else:
                yield node_text(word).rpartition("/")[2]
        elif node.type in ("file_redirect", "heredoc_redirect"):
            if any(node_text(c).startswith(("/dev/tcp/", "/dev/udp/")) for c in node.named_children):
                yield "/dev/tcp"
            elif _outside_the_project(node.child_by_field_name("destination")):
                yield "<redirect outside the project>"
        elif node.type == "variable_assignment":
            yield node_text(node.child_by_field_name("name"))  # LD_PRELOAD=…


def _outside_the_project(destination: tree_sitter.Node | None) -> bool:
    """A redirection's file is outside the project: in the home folder, above it (`..`), or at
    an absolute path other than the terminal's and the null device. (A file named by a variable,
    `> "$log"`, is judged by the tests' sandbox, not here.)"""
    if destination is None or destination.type == "number":  # `>&2`
        return False
    target = node_text(destination).strip("\"'")
    if target.startswith(("~", "$HOME", "${HOME}")) or ".." in target.split("/"):
        return True
    inert = ("/dev/null", "/dev/stdout", "/dev/stderr", "/dev/tty", "/dev/fd/", "/proc/self/fd/")
    return target.startswith("/") and not target.startswith(inert)
