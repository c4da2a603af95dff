"""Which folders the user trusts to run their own code: the CLI's and Neovim's equivalent of
VS Code's workspace trust. A fresh clone's `conftest.py`, npm scripts and test command are its
author's code; Outrigger runs them (on a proposed change, in a sandbox where one works) only in
a folder the user said they trust. Elsewhere an edit is still previewed, saying the tests did
not run and how to trust the folder.

The list lives in the user's config folder (`$OUTRIGGER_CONFIG`, else
`$XDG_CONFIG_HOME/outrigger`, else `~/.config/outrigger`), never in a workspace: a folder cannot
trust itself. Trusting a folder trusts the folders inside it.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

from outrigger.errors import OutriggerError


def config_dir() -> Path:
    if explicit := os.environ.get("OUTRIGGER_CONFIG"):
        return Path(explicit).expanduser()
    xdg = os.environ.get("XDG_CONFIG_HOME")
    return (Path(xdg).expanduser() if xdg else Path.home() / ".config") / "outrigger"


def trust_file() -> Path:
    return config_dir() / "trusted.json"


def trusted_folders() -> list[Path]:
    """The folders the user trusts; an unreadable list trusts nothing."""
    try:
        data = json.loads(trust_file().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    folders = data.get("folders") if isinstance(data, dict) else None
    return [Path(folder) for folder in folders or [] if isinstance(folder, str) and os.path.isabs(folder)]


def is_trusted(root: Path) -> bool:
    folder = Path(root).resolve()
    return any(folder == trusted or trusted in folder.parents for trusted in trusted_folders())


def set_trusted(root: Path, trusted: bool) -> Path:
    """Trust (or stop trusting) `root`; the resolved folder. Untrusting a folder also removes
    the folders inside it from the list."""
    folder = Path(root).resolve()
    if not folder.is_dir():
        raise OutriggerError(f"{root} is not a folder.")
    kept = [f for f in trusted_folders() if f != folder and folder not in f.parents]
    if trusted:
        kept.append(folder)
    _write([str(f) for f in kept])
    return folder


def untrusted_reason(root: Path) -> str:
    """The sentence an edit's preview carries in a folder the user has not trusted."""
    return (
        f"{Path(root).resolve()} is not a trusted folder, so none of its code (tests, conftest.py, npm scripts) "
        f"ran. Trust it with `outrigger trust {_quoted(root)}` (or `outrigger ask --trust`, or the editor's trust "
        "prompt) to let the project's tests check changes."
    )


def _quoted(root: Path) -> str:
    text = str(Path(root).resolve())
    return text if all(c.isalnum() or c in "/._-~" for c in text) else "'" + text.replace("'", "'\\''") + "'"


def _write(folders: list[str]) -> None:
    path = trust_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile("w", dir=path.parent, delete=False, encoding="utf-8", suffix=".tmp") as out:
        json.dump({"folders": folders}, out, indent=2)
    os.replace(out.name, path)
