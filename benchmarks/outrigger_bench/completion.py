"""`outrigger bench completion`: inline completion on hidden lines and blocks, raw FIM vs guarded.

    outrigger bench completion                       the embedded Qwen2.5-Coder-0.5B
    outrigger bench completion --cases 4 --no-tests  fewer cases per workspace, no project tests
    outrigger bench completion --gguf M.gguf | --base-url URL --model-name NAME

Each case (`completion_cases.py`) is asked as typing does: once with the cursor line one
character shorter (that fills the server's prompt cache), then for real, streamed and left as
soon as the guards have ended it (as the editor asks); that request's time is the latency
reported. A third request lets the model write to its own end: raw FIM. The model's reply
is judged raw and after the guards (what the editor would show): shown, exact, equivalent (same code up to spacing and a
trailing `;`, or for Python the same syntax tree), parses, the project's tests still pass
(on a scratch copy), names that exist nowhere. Results go to docs/completion.json and
benchmarks/completion.md, which docs/benchmark.md includes.
"""

from __future__ import annotations

import argparse
import ast
import asyncio
import datetime
import json
import math
import os
import statistics
import sys
import time
from dataclasses import replace
from pathlib import Path

from outrigger.completion.completer import TIMEOUT_SECONDS, Completer, max_tokens_for
from outrigger.completion.context import FimContext
from outrigger.completion.cut import stop_when_cut
from outrigger.completion.fim import template_for
from outrigger.completion.guarded import CompletionStats
from outrigger.completion.names import Known, file_names, invented_names
from outrigger.completion.requests import request_fill
from outrigger.completion.syntax import errors_of
from outrigger.config import CompletionSettings, ModelSettings, TestSettings
from outrigger.errors import OutriggerError
from outrigger.guards.project_tests import before_and_after, test_command
from outrigger.model.client import ModelClient
from outrigger.model.embedded import EmbeddedServer
from outrigger.workspace.files import Workspace
from outrigger.workspace.index import ProjectMap
from outrigger.workspace.syntax import syntax_errors

from .completion_cases import Case, cases_in
from .suite import default_root

REPO = default_root().parent
DOCS = REPO / "docs"
WORKSPACES = ("py_items", "py_library", "py_recipes", "js_auth", "js_bakery", "ts_shop", "go_orchard", "rs_tides")
# Real project code: modules of this repository (no tests are run for these).
PROJECT_FILES = ("spans.py", "blocks.py", "edits.py", "memory.py", "guards/stale.py", "workspace/paths.py")


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="outrigger bench completion", description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=3, help="line cases and block cases per workspace")
    parser.add_argument("--workspaces", nargs="*", default=list(WORKSPACES), help="benchmark workspaces to use")
    parser.add_argument("--project-files", type=int, default=len(PROJECT_FILES), help="Outrigger modules to use")
    parser.add_argument("--gguf", help="start llama-server on this GGUF instead of the embedded model")
    parser.add_argument("--base-url", help="an OpenAI-compatible server (its /v1/completions) instead")
    parser.add_argument("--model-name", default="qwen2.5-coder-0.5b")
    parser.add_argument(
        "--endpoint",
        choices=["auto", "infill", "completions"],
        default="auto",
        help="the fill request (auto: /v1/completions in the model's FIM tokens)",
    )
    parser.add_argument("--no-tests", action="store_true", help="skip the projects' tests")
    parser.add_argument("--json", default=str(DOCS / "completion.json"))
    parser.add_argument("--report", default=str(default_root() / "completion.md"))
    args = parser.parse_args(argv)
    cases = all_cases(args.cases, args.workspaces, PROJECT_FILES[: args.project_files])
    print(f"== inline completion: {len(cases)} cases", file=sys.stderr)
    load_before = os.getloadavg()
    result = asyncio.run(_run(args, cases))
    result["machine"] = {
        "cpus": os.cpu_count(),
        "load_before": [round(x, 2) for x in load_before],
        "load_after": [round(x, 2) for x in os.getloadavg()],
    }
    result["updated"] = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")
    Path(args.json).write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
    Path(args.report).write_text(render(result), encoding="utf-8")
    print(render(result), file=sys.stderr)
    print(f"wrote {args.json} and {args.report}", file=sys.stderr)
    return 0


def all_cases(per_workspace: int, workspaces: list[str], project_files: tuple[str, ...]) -> list[Case]:
    cases: list[Case] = []
    for name in workspaces:
        cases += cases_in(default_root() / "workspaces" / name, limit=per_workspace)
    if project_files:
        package = REPO / "server" / "outrigger"
        cases += cases_in(package, paths=list(project_files), limit=2 * per_workspace)
    return cases


async def _run(args: argparse.Namespace, cases: list[Case]) -> dict:
    server = None
    if args.base_url:
        base_url, embedded, label = args.base_url, False, f"{args.model_name} @ {args.base_url}"
    else:
        server = EmbeddedServer(model_file=Path(args.gguf)) if args.gguf else EmbeddedServer()
        base_url, embedded = await server.start(), True
        label = Path(args.gguf).name if args.gguf else "Qwen2.5-Coder-0.5B-Instruct Q4_K_M"
    model = ModelClient(ModelSettings(base_url=base_url, name=args.model_name, timeout_seconds=120))
    rows: list[dict] = []
    stats = CompletionStats()
    try:
        for index, case in enumerate(cases, 1):
            print(f"[{index}/{len(cases)}] {case.id}", file=sys.stderr, flush=True)
            try:
                rows.append(
                    await run_case(
                        case, model, embedded=embedded, tests=not args.no_tests, stats=stats, endpoint=args.endpoint
                    )
                )
            except OutriggerError as error:
                rows.append({"id": case.id, "kind": case.kind, "error": str(error)})
    finally:
        await model.aclose()
        if server is not None:
            await server.stop()
    return {
        "model": label,
        "endpoint": args.endpoint if args.endpoint != "auto" else "completions",
        "cases": rows,
        "guards": stats.as_dict(),
        "summary": summarize(rows),
    }


_MAPS: dict[str, tuple[Workspace, ProjectMap]] = {}


def _workspace(root: str) -> tuple[Workspace, ProjectMap]:
    if root not in _MAPS:
        workspace = Workspace(Path(root))
        project_map = ProjectMap(workspace)
        project_map.build()
        _MAPS[root] = (workspace, project_map)
    return _MAPS[root]


async def run_case(
    case: Case, model: ModelClient, *, embedded: bool, tests: bool, stats: CompletionStats, endpoint: str = "auto"
) -> dict:
    workspace, project_map = _workspace(case.root)
    workspace.open_document(case.path, case.text, 1)  # the editor's buffer with the part hidden
    project_map.update(case.path)
    try:
        settings = CompletionSettings.model_validate({"endpoint": endpoint})
        completer = Completer(workspace, project_map, model, settings, embedded=embedded)
        context = completer.context(case.path, case.position)
        if context is None:
            raise OutriggerError("no context (the file does not fit the window)")
        template = template_for(model.settings.name)
        max_tokens = max_tokens_for(context)
        warm = replace(context, head=context.head[:-1]) if context.head else context
        endpoint, timeout = completer.endpoint, TIMEOUT_SECONDS * 6
        stop = stop_when_cut(warm, errors_of(warm))
        await request_fill(model, endpoint, warm, template, max_tokens, timeout, stop)
        # As the editor asks: streamed, left once the guards have ended it. Then the raw model
        # (the same prompt, now all cached) written to its own end, for raw FIM's figures.
        fill = await request_fill(model, endpoint, context, template, max_tokens, timeout, completer.stop_for(context))
        whole = await request_fill(model, endpoint, context, template, max_tokens, timeout)
        started = time.perf_counter()
        checked = completer.check(context, fill.text, cut_off=fill.cut_off)
        guard_seconds = time.perf_counter() - started
        stats.add(checked)
        known = _known(completer, context)
        raw = whole.text.rstrip()
        row = {
            "id": case.id,
            "kind": case.kind,
            "multiline": context.multiline,
            "expected": case.expected,
            "seconds": round(fill.seconds, 3),
            "guard_ms": round(1000 * guard_seconds, 1),
            "prompt_tokens": fill.prompt_tokens,
            "new_tokens": fill.new_tokens,
            "raw_seconds": round(whole.seconds, 3),  # the raw model, to its own end, all cached
            "dropped_by": checked.dropped_by,
            "shortened_by": list(checked.shortened_by),
            "raw": await judge(case, raw, invented_names(context, raw, known, completer.members()), tests),
            "guarded": await judge(
                case, checked.text, invented_names(context, checked.text, known, completer.members()), tests
            ),
        }
    finally:
        workspace.close_document(case.path)
        project_map.update(case.path)
    return row


def _known(completer: Completer, context: FimContext) -> Known:
    in_file = file_names(context.path, context.text)
    definitions = completer.definitions()
    return lambda name: name in in_file or name in definitions


async def judge(case: Case, completion: str, invented: list[tuple[str, int]], tests: bool) -> dict:
    shown = bool(completion.strip())
    completed = case.completed(completion)
    exact = shown and _lines(completion) == _lines(case.expected)
    equivalent = shown and (exact or _equivalent(case, completion, completed))
    parses = shown and len(syntax_errors(case.path, completed)) <= len(syntax_errors(case.path, case.original))
    verdict = {
        "text": completion,
        "shown": shown,
        "exact": exact,
        "equivalent": equivalent,
        "parses": parses,
        "invented": sorted({name for name, _ in invented}),
        "tests": None,
    }
    if shown and tests and not _is_project_code(case):
        verdict["tests"] = True if equivalent else (await _tests_pass(case, completed) if parses else False)
    return verdict


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.strip().split("\n")]


def _equivalent(case: Case, completion: str, completed: str) -> bool:
    squeeze = lambda text: "".join(text.split()).rstrip(";")  # noqa: E731
    if squeeze(completion) == squeeze(case.expected):
        return True
    if case.path.endswith(".py"):
        try:
            return ast.dump(ast.parse(completed)) == ast.dump(ast.parse(case.original))
        except SyntaxError:
            return False
    return False


def _is_project_code(case: Case) -> bool:
    return Path(case.root).resolve() == (REPO / "server" / "outrigger").resolve()


async def _tests_pass(case: Case, completed: str) -> bool | None:
    root = Path(case.root)
    command = test_command(root, TestSettings())
    if command is None:
        return None
    ran = await before_and_after(Workspace(root), {case.path: completed}, command, 120.0)
    if ran is None:
        return None
    before, after = ran
    return after.passed if before.passed else None


# -- the summary and the report -----------------------------------------------------------------


def _rate(rows: list[dict], variant: str, key: str, among: str | None = None) -> tuple[int, int]:
    pool = [r for r in rows if "error" not in r and (among is None or r[variant][among])]
    return sum(1 for r in pool if r[variant][key]), len(pool)


def _percentile(values: list[float], share: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, math.ceil(share * len(ordered)) - 1)]


def summarize(rows: list[dict]) -> dict:
    summary: dict = {}
    for kind in ("line", "block"):
        of_kind = [r for r in rows if r.get("kind") == kind and "error" not in r]
        seconds = [r["seconds"] for r in of_kind]
        entry: dict = {
            "cases": len(of_kind),
            "errors": sum(1 for r in rows if r.get("kind") == kind and "error" in r),
            "p50_seconds": _percentile(seconds, 0.5),
            "p95_seconds": _percentile(seconds, 0.95),
            "guard_ms_p50": _percentile([r["guard_ms"] for r in of_kind], 0.5),
            "prompt_tokens_mean": _mean([r["prompt_tokens"] for r in of_kind]),
            "new_tokens_mean": _mean([r["new_tokens"] for r in of_kind]),
        }
        for variant in ("raw", "guarded"):
            shown = [r for r in of_kind if r[variant]["shown"]]
            invented = sum(1 for r in shown if r[variant]["invented"])
            tested = [r for r in shown if r[variant]["tests"] is not None]
            worthy = sum(
                1
                for r in shown
                if r[variant]["parses"] and not r[variant]["invented"] and r[variant]["tests"] is not False
            )
            entry[variant] = {
                "shown": len(shown),
                "exact": sum(1 for r in of_kind if r[variant]["exact"]),
                "equivalent": sum(1 for r in of_kind if r[variant]["equivalent"]),
                "parses": sum(1 for r in shown if r[variant]["parses"]),
                "tests_run": len(tested),
                "tests_pass": sum(1 for r in tested if r[variant]["tests"]),
                "invented": invented,
                "acceptance_worthy": worthy,
            }
        summary[kind] = entry
    # The latency target is for single-line fills: a "line" case whose cursor opens an empty
    # block is a multi-line fill, and a block case that does not is a single line.
    single = [r["seconds"] for r in rows if "error" not in r and not r.get("multiline")]
    summary["single_line"] = {
        "cases": len(single),
        "p50_seconds": _percentile(single, 0.5),
        "p95_seconds": _percentile(single, 0.95),
    }
    return summary


def _mean(values: list) -> float | None:
    numbers = [v for v in values if isinstance(v, int | float)]
    return round(statistics.mean(numbers), 1) if numbers else None


def _ms(seconds: float | None) -> str:
    return "—" if seconds is None else f"{1000 * seconds:.0f} ms"


def render(result: dict) -> str:
    machine = result.get("machine", {})
    load = machine.get("load_before", ["?"])[0], machine.get("load_after", ["?"])[0]
    out = [
        f"`outrigger bench completion` ({result.get('updated', '?')}; {result['model']} through `/{result['endpoint']}`; "
        f"{machine.get('cpus', '?')} CPUs shared with other work, load average {load[0]} at the start and "
        f"{load[1]} at the end). Raw numbers: [`completion.json`](completion.json).",
        "",
        "| cases | variant | shown | exact | equivalent | parses | tests pass | invented names | acceptance-worthy |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    kinds = {kind: entry for kind, entry in result["summary"].items() if kind in ("line", "block")}
    for kind, entry in kinds.items():
        for variant in ("raw", "guarded"):
            v = entry[variant]
            out.append(
                f"| {entry['cases']} {kind}s | {'raw FIM' if variant == 'raw' else 'guarded'} | {v['shown']} | {v['exact']} | "
                f"{v['equivalent']} | {v['parses']}/{v['shown']} | {v['tests_pass']}/{v['tests_run']} | "
                f"{v['invented']}/{v['shown']} | {v['acceptance_worthy']}/{entry['cases']} |"
            )
    out += [
        "",
        "| cases | latency p50 (warm) | p95 | guards p50 | prompt tokens (mean) | evaluated, not cached (mean) |",
        "|---|---|---|---|---|---|",
    ]
    for kind, entry in kinds.items():
        out.append(
            f"| {kind}s | {_ms(entry['p50_seconds'])} | {_ms(entry['p95_seconds'])} | "
            f"{entry['guard_ms_p50'] if entry['guard_ms_p50'] is not None else '—'} ms | "
            f"{entry['prompt_tokens_mean']} | {entry['new_tokens_mean']} |"
        )
    if single := result["summary"].get("single_line"):
        out += [
            "",
            f"Single-line fills ({single['cases']} cases whose cursor does not open an empty block): "
            f"p50 {_ms(single['p50_seconds'])}, p95 {_ms(single['p95_seconds'])} (warm).",
        ]
    guards = result.get("guards", {})
    dropped = ", ".join(f"{k} {v}" for k, v in sorted(guards.get("dropped", {}).items())) or "none"
    shortened = ", ".join(f"{k} {v}" for k, v in sorted(guards.get("shortened", {}).items())) or "none"
    out += ["", f"Guards — dropped: {dropped}; shortened: {shortened}.", ""]
    return "\n".join(out)
