"""The `outrigger` command: ask, lsp, model, bench.

Errors end as one line on stderr and a non-zero exit, never a traceback.
"""

from __future__ import annotations

import argparse
import asyncio
import io
import os
import shlex
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from pydantic import ValidationError

from . import __version__
from .config import Settings
from .errors import OutriggerError, Refused

if TYPE_CHECKING:
    from .agent import Outcome

EXIT_REFUSED = 2


def main(argv: list[str] | None = None) -> int:
    for stream in (sys.stdout, sys.stderr):
        # Text that cannot be encoded (a lone surrogate from argv's surrogateescape) prints
        # as a replacement character rather than ending the run.
        if isinstance(stream, io.TextIOWrapper):
            stream.reconfigure(errors="replace")
    parser = _parser()
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["bench"]:  # bench parses its own flags: REMAINDER drops a leading --option
        args = argparse.Namespace(run=_run_bench, rest=argv[1:])
    else:
        args = parser.parse_args(argv)
    if not getattr(args, "run", None):
        parser.print_help()
        return 1
    try:
        return args.run(args) or 0
    except Refused as error:  # e.g. --apply finding a file changed since the edit was computed
        print(f"Refused: {error}")  # where every refusal is printed
        return EXIT_REFUSED
    except OutriggerError as error:
        print(f"outrigger: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("outrigger: interrupted", file=sys.stderr)
        return 130
    except Exception as error:  # a bug of ours: still one line, the traceback on request
        if os.environ.get("OUTRIGGER_DEBUG"):
            raise
        print(f"outrigger: internal error: {error!r} (set OUTRIGGER_DEBUG=1 for the traceback)", file=sys.stderr)
        return 70


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="outrigger", description="Small local models as trustworthy coding agents.")
    parser.add_argument("--version", action="version", version=f"outrigger {__version__}")
    commands = parser.add_subparsers(title="commands")

    ask = commands.add_parser("ask", help="plan and run one request; prints the answer or the diff")
    ask.add_argument("request", help='e.g. "rename validateToken to checkToken in src/auth.js"')
    ask.add_argument("--workspace", "-w", default=".", help="the project root (default: .)")
    ask.add_argument("--apply", action="store_true", help="write the edit to disk after showing it")
    ask.add_argument(
        "--tests",
        choices=["auto", "always", "never"],
        help="run the project's tests on a scratch copy with the change before showing it "
        "(default auto: when a test command is configured or obvious; they run the proposed code)",
    )
    ask.add_argument("--test-command", help='the project\'s test command, e.g. "python -m pytest -q"')
    ask.add_argument(
        "--allow-unsandboxed",
        action="store_true",
        help="where no sandbox (bubblewrap, unshare) works, run the tests on the proposed code anyway, as you",
    )
    ask.add_argument(
        "--trust",
        action="store_true",
        help="trust the workspace folder from now on (remembered): its own code, like its tests, may run",
    )
    _model_flags(ask)
    ask.set_defaults(run=_run_ask)

    for name, trusting, what in (
        ("trust", True, "let a folder's own code (its tests, conftest.py, npm scripts) run on proposed changes"),
        ("untrust", False, "stop trusting a folder: its code no longer runs; edits are still previewed"),
    ):
        command = commands.add_parser(name, help=what)
        command.add_argument("folder", nargs="?", default=".", help="the project root (default: .)")
        command.set_defaults(run=_run_trust, trusting=trusting)

    lsp = commands.add_parser("lsp", help="start the language server on stdio")
    lsp.set_defaults(run=_run_lsp)

    model = commands.add_parser("model", help="the embedded local model (llama.cpp + Qwen2.5-Coder-0.5B)")
    model.add_argument(
        "action",
        choices=["setup", "status"],
        help="setup: fetch + verify the model and make sure a llama.cpp runtime runs here (cached)",
    )
    model.add_argument(
        "--build",
        action="store_true",
        help="setup: also compile a faster llama-server and switch to it once it answers",
    )
    model.set_defaults(run=_run_model)

    bench = commands.add_parser("bench", help="run the benchmark suite (see benchmarks/)")
    bench.add_argument("rest", nargs=argparse.REMAINDER)
    bench.set_defaults(run=_run_bench)
    return parser


def _model_flags(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--base-url", help="OpenAI-compatible or Ollama endpoint (env OUTRIGGER_BASE_URL); default: embedded model"
    )
    parser.add_argument("--model", dest="model_name", help="model name at that endpoint (env OUTRIGGER_MODEL)")
    parser.add_argument("--api", choices=["openai", "ollama"], help="wire protocol (env OUTRIGGER_API)")


def settings_from_args(args: argparse.Namespace) -> Settings:
    try:
        settings = Settings.from_environment(base_url=args.base_url, name=args.model_name, api=args.api)
    except ValidationError as error:  # a bad --base-url or OUTRIGGER_BASE_URL: its message, once
        raise OutriggerError("; ".join(e["msg"].removeprefix("Value error, ") for e in error.errors())) from None
    if getattr(args, "tests", None):
        settings.tests.run = args.tests
    if command := getattr(args, "test_command", None):
        try:
            settings.tests.command = shlex.split(command)
        except ValueError as error:  # "No closing quotation"
            raise OutriggerError(f"--test-command {command!r} cannot be read as a command: {error}.") from None
        if not settings.tests.command:
            raise OutriggerError("--test-command is empty.")
    if getattr(args, "allow_unsandboxed", False):
        settings.tests.allow_unsandboxed = True
    return settings


def _run_ask(args: argparse.Namespace) -> int:
    root = Path(args.workspace)
    if not root.is_dir():
        raise OutriggerError(f"{root} is not a directory: pass the project root with --workspace.")
    from .guards.runs import remove_scratch_on_exit

    remove_scratch_on_exit()
    settings = settings_from_args(args)
    if args.trust:
        from .workspace.trust import set_trusted

        print(f"Trusted: {set_trusted(root, True)}")
    return asyncio.run(_ask(root, args.request, settings, apply=args.apply))


def _run_trust(args: argparse.Namespace) -> int:
    from .workspace.trust import set_trusted, trust_file

    folder = set_trusted(Path(args.folder), args.trusting)
    if args.trusting:
        print(f"Trusted: {folder} (its tests may now run on proposed changes; listed in {trust_file()}).")
    else:
        print(f"No longer trusted: {folder} (none of its code runs; edits are still previewed).")
    return 0


async def _ask(root: Path, request: str, settings: Settings, *, apply: bool) -> int:
    from .disk import apply_to_disk
    from .progress import StreamedText, TerminalProgress
    from .session import Session

    report = TerminalProgress()
    async with Session.open(root, settings, report) as session:
        streamed = StreamedText()
        outcome = await session.agent.ask(request, progress=report, partial=streamed)
        streamed.end()
        _print_outcome(outcome)
        if outcome.kind == "refused":
            return EXIT_REFUSED
        if outcome.kind == "edit" and apply:
            apply_to_disk(session.root, outcome.edits)
            session.agent.commit(outcome)
            print(f"Applied: {outcome.message}")
        elif outcome.kind == "edit":
            print("(preview only: run again with --apply to write it)")
    return 0


def _print_outcome(outcome: Outcome) -> None:
    if outcome.plan is not None:
        print(f"Plan: {outcome.plan.describe()}")
    if outcome.kind == "answer":
        print(outcome.message)
    elif outcome.kind == "edit":
        print(outcome.preview, end="" if outcome.preview.endswith("\n") else "\n")
        print(f"Summary: {outcome.message}")
        for note in outcome.notes:
            print(f"Check: {note}")
    else:
        print(f"Refused: {outcome.message}")


def _run_lsp(args: argparse.Namespace) -> int:
    from .guards.runs import remove_scratch_on_exit
    from .lsp.server import serve

    remove_scratch_on_exit()
    serve()
    return 0


def _run_model(args: argparse.Namespace) -> int:
    from .model import setup

    return setup.main([args.action, *(["--build"] if args.build else [])])


def _run_bench(args: argparse.Namespace) -> int:
    # The benchmark is not part of the installed package: it runs from a checkout, whose
    # benchmarks/ folder holds its code, tasks and workspaces.
    benchmarks = Path(__file__).resolve().parents[2] / "benchmarks"
    if not (benchmarks / "outrigger_bench").is_dir():
        raise OutriggerError("`outrigger bench` runs from a checkout of Outrigger (it needs its benchmarks/ folder).")
    sys.path.insert(0, str(benchmarks))
    from outrigger_bench import cli as bench_cli

    return bench_cli(args.rest)


if __name__ == "__main__":
    sys.exit(main())
