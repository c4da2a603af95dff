"""`outrigger bench`: run the suite per model and configuration; write the table, JSON, report.

outrigger bench                                  the embedded Qwen2.5-Coder-0.5B
outrigger bench --model gemma-3-270m --model smollm2-135m
outrigger bench --gguf ~/models/foo.gguf
outrigger bench --base-url http://127.0.0.1:8080/v1 --model-name qwen2.5-coder-1.5b
outrigger bench --tasks py-rename js-question --configs guarded naive
outrigger bench --suite-name generalization      one suite (core, languages, generalization, …)
outrigger bench perf                             only the map timings (5,000 generated files)
outrigger bench completion                       inline completion: hidden lines and blocks, raw vs guarded
outrigger bench report                           re-render docs/benchmark.md from the JSON
"""

from __future__ import annotations

import argparse
import asyncio
import datetime
import json
import os
import platform
import signal
import sys
import time
from pathlib import Path

from outrigger.config import ModelSettings, Settings
from outrigger.errors import OutriggerError
from outrigger.model import catalog
from outrigger.model.embedded import EmbeddedServer

from . import long_file, report
from . import suite as suite_module
from .runner import CONFIGS, MeteredModel, TaskRun, run_suite
from .suite import Suite
from .summary import config_result, merge_runs

DOCS = suite_module.default_root().parent / "docs"


def main(argv: list[str]) -> int:
    # A plain SIGTERM would skip atexit, leaving the model server running.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    if argv and argv[0] == "report":
        return _report_only(argv[1:])
    if argv and argv[0] == "perf":
        return _perf_only(argv[1:])
    if argv and argv[0] == "completion":
        from . import completion

        return completion.main(argv[1:])
    args = _parser().parse_args(argv)
    whole = suite_module.load(Path(args.suite) if args.suite else None)
    if unknown := set(args.suite_name or ()) - set(whole.names):
        raise OutriggerError(f"No suite named {', '.join(sorted(unknown))}; the suites are {', '.join(whole.names)}.")
    bench_suite = whole.select(args.tasks, ci=args.ci, suites=args.suite_name).interleaved()
    if not bench_suite.tasks:
        raise OutriggerError("No task matches --tasks and --suite-name.")
    configs = args.configs or list(CONFIGS)
    targets = _targets(args)
    data = _existing(Path(args.json)) if args.merge else {}
    data.setdefault("models", {})
    for target in targets:
        print(f"== {target['label']}: {len(bench_suite.tasks)} tasks × {len(configs)} configurations", file=sys.stderr)
        earlier = data["models"].get(target["label"], {}) if args.merge else {}

        def save_partial(partial: dict, label: str = target["label"]) -> None:
            data["models"][label] = partial
            _save(data, whole, Path(args.json))

        result = asyncio.run(_run_model(target, bench_suite, whole, configs, args, earlier, save_partial))
        data["models"][target["label"]] = result
        print(report.terminal_table(target["label"], result), file=sys.stderr)
    if args.perf_files:
        from . import perf

        print(f"== performance on a generated {args.perf_files}-file workspace", file=sys.stderr)
        data["performance"] = perf.measure(args.perf_files, progress=_say)
    _save(data, whole, Path(args.json))
    print(f"wrote {args.json}", file=sys.stderr)
    if args.report:
        report.write(data, Path(args.report))
        print(f"wrote {args.report} (+ chart)", file=sys.stderr)
    return 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="outrigger bench", description="What breaks, raw vs guarded, per model.")
    parser.add_argument(
        "--model",
        action="append",
        default=[],
        help=f"catalog model ({', '.join(catalog.CATALOG)}), or an endpoint URL; repeatable",
    )
    parser.add_argument("--gguf", action="append", default=[], help="start llama-server on this GGUF; repeatable")
    parser.add_argument("--base-url", help="any OpenAI-compatible endpoint instead of a local llama-server")
    parser.add_argument("--model-name", default="model", help="the model's name at --base-url")
    parser.add_argument("--api", choices=["openai", "ollama"], default="openai")
    parser.add_argument("--tasks", nargs="*", help="task ids or id prefixes (default: all)")
    parser.add_argument("--ci", action="store_true", help="only the fast subset the test suite runs")
    parser.add_argument(
        "--suite-name", nargs="*", help='only these suites (a task file\'s "suite"; default: every suite)'
    )
    parser.add_argument("--configs", nargs="*", choices=CONFIGS, help="default: all")
    parser.add_argument("--suite", help="the benchmarks/ directory (default: the checkout's)")
    parser.add_argument("--json", default=str(DOCS / "benchmark.json"), help="results file")
    parser.add_argument("--report", default=str(DOCS / "benchmark.md"), help="Markdown report ('' for none)")
    parser.add_argument(
        "--merge",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="keep other models' results, and this model's other tasks, in --json",
    )
    parser.add_argument("--perf-files", type=int, default=5000, help="files in the generated workspace (0: skip)")
    parser.add_argument("--no-memo", action="store_true", help="send every request to the model, even repeats")
    parser.add_argument(
        "--long-file",
        type=int,
        default=3,
        choices=range(5),
        help="questions about functions of a generated 1,000-line module, per prompt shape (0: skip)",
    )
    parser.add_argument("--timeout", type=float, default=300.0, help="seconds per model call")
    return parser


def _targets(args: argparse.Namespace) -> list[dict]:
    targets = []
    for name in args.model:
        if name.startswith(("http://", "https://")):
            targets.append({"label": f"{args.model_name} @ {name}", "base_url": name, "name": args.model_name})
        elif args.base_url:
            targets.append({"label": f"{name} @ {args.base_url}", "base_url": args.base_url, "name": name})
        else:
            item = catalog.entry(name)
            targets.append({"label": item.label, "catalog": item.name, "name": item.name})
    for path in args.gguf:
        targets.append({"label": Path(path).name, "gguf": str(Path(path).expanduser()), "name": Path(path).stem})
    if args.base_url and not args.model:
        targets.append(
            {"label": f"{args.model_name} @ {args.base_url}", "base_url": args.base_url, "name": args.model_name}
        )
    return targets or [
        {
            "label": catalog.QWEN_CODER_0_5B.label,
            "catalog": catalog.QWEN_CODER_0_5B.name,
            "name": catalog.QWEN_CODER_0_5B.name,
        }
    ]


def _save(data: dict, bench_suite: Suite, path: Path) -> None:
    data.update(_about(bench_suite))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")


async def _run_model(
    target: dict,
    bench_suite: Suite,
    whole: Suite,
    configs: list[str],
    args: argparse.Namespace,
    earlier: dict,
    save_partial=None,
) -> dict:
    """Run `bench_suite` (part of `whole`) on one model; `earlier` is this model's entry
    in the results file, whose other tasks the result keeps."""
    server = None
    started = time.perf_counter()
    load_at_start = os.getloadavg()[0]  # other work on the machine slows every figure
    if "catalog" in target:
        item = catalog.entry(target["catalog"])
        await asyncio.to_thread(catalog.fetch, item, _say)
        server = EmbeddedServer(spec=item.spec)
        base_url = await server.start(progress=_say)
    elif "gguf" in target:
        server = EmbeddedServer(model_file=Path(target["gguf"]))
        base_url = await server.start(progress=_say)
    else:
        base_url = target["base_url"]
    startup = time.perf_counter() - started
    settings = Settings(
        model=ModelSettings(base_url=base_url, name=target["name"], api=args.api, timeout_seconds=args.timeout)
    )
    model = MeteredModel(settings.model, memo=not args.no_memo)
    long_file_result = earlier.get("long_file")

    def result(results: dict) -> dict:
        merged = {config: _merged(earlier, config, runs, whole) for config, runs in results.items()}
        for config in earlier.get("configs", {}):
            merged.setdefault(config, _merged(earlier, config, [], whole))
        return {
            "label": target["label"],
            "source": {k: v for k, v in target.items() if k != "label"},
            "server_start_seconds": round(startup, 2),
            "live_model_seconds": round(model.live_seconds, 1),
            "reused_replies": model.reused,
            "failed_calls": model.failed_calls,
            "timeout_seconds": args.timeout,
            "load_average": [round(load_at_start, 2), round(os.getloadavg()[0], 2)],
            "configs": {config: config_result(runs) for config, runs in merged.items() if runs},
            **({"long_file": long_file_result} if long_file_result else {}),
        }

    try:
        results = await run_suite(
            bench_suite,
            model,
            settings,
            configs,
            progress=_bar,
            task_done=lambda partial: save_partial and save_partial(result(partial)),
        )
        if args.long_file:
            _say(f"{args.long_file} questions about a 1,000-line module, per prompt shape")
            long_file_result = await long_file.measure(model, settings, args.long_file)
    finally:
        await model.aclose()
        if server is not None:
            await server.stop()
    return result(results)


def _merged(earlier: dict, config: str, runs: list[TaskRun], whole: Suite) -> list[TaskRun]:
    """This run's tasks over the earlier results of the same model and configuration.
    Earlier tasks the suite no longer defines are dropped; the others take the suite and
    tags their definition has now (older results files lack them)."""
    known = {task.id: task for task in whole.tasks}
    merged = [
        run
        for run in merge_runs(earlier.get("configs", {}).get(config, {}).get("tasks", []), runs)
        if run.task in known
    ]
    for run in merged:
        run.suite, run.tags = known[run.task].suite, list(known[run.task].tags)
    return merged


def _about(bench_suite: Suite) -> dict:
    return {
        "updated": datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform()},
        "suite": {
            "tasks": [
                {
                    "id": t.id,
                    "category": t.category,
                    "workspace": t.workspace,
                    "ci": t.ci,
                    "suite": t.suite,
                    "tags": list(t.tags),
                    "requests": [s.request for s in t.steps],
                }
                for t in bench_suite.tasks
            ],
        },
    }


def _existing(path: Path) -> dict:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def _report_only(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="outrigger bench report")
    parser.add_argument("--json", default=str(DOCS / "benchmark.json"))
    parser.add_argument("--report", default=str(DOCS / "benchmark.md"))
    args = parser.parse_args(argv)
    report.write(_existing(Path(args.json)), Path(args.report))
    print(f"wrote {args.report}", file=sys.stderr)
    return 0


def _perf_only(argv: list[str]) -> int:
    from . import perf

    parser = argparse.ArgumentParser(
        prog="outrigger bench perf", description="only the map timings; merged into --json"
    )
    parser.add_argument("--files", type=int, default=5000)
    parser.add_argument("--json", default=str(DOCS / "benchmark.json"))
    parser.add_argument("--report", default=str(DOCS / "benchmark.md"))
    args = parser.parse_args(argv)
    data = _existing(Path(args.json))
    data["performance"] = perf.measure(args.files, progress=_say)
    Path(args.json).write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")
    print(json.dumps(data["performance"], indent=1))
    if args.report:
        report.write(data, Path(args.report))
    return 0


_BAR_STARTED = time.monotonic()


def _bar(done: int, total: int, what: str) -> None:
    width = 30
    filled = width * done // max(total, 1)
    line = f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total} {time.monotonic() - _BAR_STARTED:6.0f}s {what[:50]:<50}"
    print(line, end="\n" if done == total else "", file=sys.stderr, flush=True)


def _say(message: str, percent: int | None = None, /) -> None:
    print(message, file=sys.stderr, flush=True)
