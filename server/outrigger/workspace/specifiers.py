"""Relative module specifiers for JavaScript and TypeScript imports, written the way the
project writes them. Node's ES modules need the extension ("./recipes.js"), and TypeScript
under NodeNext writes ".js" for a .ts file; CommonJS and bundlers usually leave it out. A new
import copies the extension style of the imports around it."""

from __future__ import annotations

import posixpath
import re

_SCRIPT_EXTENSION = re.compile(r"\.[cm]?[jt]sx?$")
_RELATIVE = re.compile(r"""(?:\bfrom\s+|\brequire\(\s*|\bimport\(\s*)(['"])(\.{1,2}/[^'"]*)\1""")
_MODULE_SYNTAX = re.compile(r"^\s*(?:import|export)\b", re.M)


def relative_specifier(from_path: str, to_path: str, extension: str = "") -> str:
    """How `from_path` names `to_path`: "./money", or "./money.js" with `extension`."""
    relative = posixpath.relpath(posixpath.splitext(to_path)[0], posixpath.dirname(from_path) or ".")
    return (relative if relative.startswith(".") else f"./{relative}") + extension


def extension_of(specifier: str) -> str:
    """ ".js" for "./recipes.js", "" for "./recipes"."""
    m = _SCRIPT_EXTENSION.search(specifier)
    return m.group(0) if m else ""


def written_extension(text: str) -> str:
    """The extension the text's own relative imports write ("" when they leave it out)."""
    return next((ext for m in _RELATIVE.finditer(text) if (ext := extension_of(m.group(2)))), "")


def uses_module_syntax(text: str) -> bool:
    """`import` / `export` statements: an ES module, not CommonJS."""
    return bool(_MODULE_SYNTAX.search(text))


def resolves_to(specifier: str, from_path: str, path: str) -> bool:
    """Whether `specifier`, written in `from_path`, names the file `path`."""
    if not specifier.startswith("."):
        return False
    joined = posixpath.normpath(posixpath.join(posixpath.dirname(from_path), specifier))
    stem = posixpath.splitext(path)[0]
    ext = extension_of(joined)
    written = joined[: -len(ext)] if ext else joined
    return joined == path or written == stem or joined + "/index" == stem
