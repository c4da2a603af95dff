"""The llama.cpp runtimes the embedded model can use, measured side by side in one run.

    .venv/bin/python benchmarks/runtime_bench.py [--runs 3] [--build-cache DIR] [--json FILE]

For the xllamacpp wheel and for llama-server built from source with portable flags (the
fastest instruction-set level this CPU lists), on the embedded Qwen2.5-Coder-0.5B with 2
threads:

- install: `pip install xllamacpp` into a fresh venv (no pip cache), and the whole source
  build (sources from PyPI, configure, compile). With `--build-cache DIR` holding a finished
  build, its recorded build time is reported instead of building again;
- cold start: process spawn → `/health` answers (median of the runs; the model file is in
  the page cache after the first start, so this is the process, not the disk);
- prompt and generation tokens/s: llama.cpp's own timings for one 128-token answer to a
  ~400-token code prompt, prompt cache off (median of the runs);
- peak memory: the server process's VmHWM;
- constrained JSON: a `response_format` JSON schema is honoured;
- the demo's request (`scripts/demo`: its one model call, the plan, streamed): time to
  first token and total, cold (first request to a fresh server) and warm (the same again),
  and the whole `outrigger ask` (map, plan, rename edits) cold and warm.

Prints a markdown table (the one in docs/benchmark.md); `--json` keeps the raw numbers.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

from outrigger.config import ModelSettings, Settings
from outrigger.model import fetch, runtimes, source_build
from outrigger.model.cpu import this_cpu
from outrigger.model.embedded import EmbeddedServer
from outrigger.model.runtimes import Runtime
from outrigger.plan import ModelPlan, plan_messages
from outrigger.progress import TerminalProgress
from outrigger.session import open_agent
from outrigger.workspace.files import Workspace
from outrigger.workspace.index import ProjectMap

REPO = Path(__file__).resolve().parents[1]
DEMO_WORKSPACE = REPO / "examples" / "auth-js"
DEMO_REQUEST = "Please give validateToken the clearer name checkToken everywhere"
SPEED_PROMPT = (
    "Explain what this JavaScript does, function by function:\n\n"
    + (DEMO_WORKSPACE / "src" / "auth.js").read_text()
    + "\n"
    + (DEMO_WORKSPACE / "src" / "routes.js").read_text()
)
JSON_SCHEMA = {
    "type": "object",
    "properties": {"language": {"type": "string", "enum": ["python", "javascript"]}, "lines": {"type": "integer"}},
    "required": ["language", "lines"],
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="benchmarks/runtime_bench.py", description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3, help="repetitions of each timed step (default 3)")
    parser.add_argument("--build-cache", type=Path, help="where the source build lives (default: a fresh temp dir)")
    parser.add_argument("--json", type=Path, help="also write the raw numbers here")
    args = parser.parse_args(argv)
    say = TerminalProgress()
    if not fetch.model_ready():
        print(f"The model is not in {fetch.model_path().parent}: run `outrigger model setup` first.", file=sys.stderr)
        return 1
    model = fetch.model_path()  # resolved before OUTRIGGER_CACHE points at the bench's cache
    cpu = this_cpu()
    wheel = runtimes.wheel(cpu)
    if wheel is None or cpu.lacks(wheel.needs):
        print(f"The xllamacpp wheel does not run here ({runtimes.why_no_wheel(cpu)}).", file=sys.stderr)
        return 1
    temporary = None if args.build_cache else tempfile.TemporaryDirectory(prefix="runtime-bench-")
    os.environ["OUTRIGGER_CACHE"] = str(args.build_cache or temporary.name)  # type: ignore[union-attr]
    load_before = os.getloadavg()
    try:
        level = source_build.levels(cpu)[0]
        installs = {"wheel": wheel_install_seconds(wheel, say), "source": source_build_seconds(level, say)}
        built = runtimes.source_runtime(level, source_build.build_dir(level) / source_build.BINARY)
        results = {}
        for key, runtime in (("wheel", wheel), ("source", built)):
            say(f"Measuring {runtime.name}")
            results[key] = asyncio.run(measure(runtime, model, args.runs, say))
            results[key]["install_seconds"] = installs[key]
    finally:
        if temporary is not None:
            temporary.cleanup()
    about = {
        "cpu": cpu.summary(),
        "cpus": len(os.sched_getaffinity(0)),
        "load_before": [round(x, 2) for x in load_before],
        "load_after": [round(x, 2) for x in os.getloadavg()],
        "runs": args.runs,
        "when": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "wheel": wheel.version,
        "source": built.version,
    }
    if args.json:
        args.json.write_text(json.dumps({"about": about, "results": results}, indent=1) + "\n")
    print(table(about, results, level))
    return 0


def wheel_install_seconds(wheel: Runtime, say: TerminalProgress) -> float:
    """`pip install xllamacpp` into a fresh venv with no pip cache: download + unpack."""
    with tempfile.TemporaryDirectory(prefix="wheel-install-") as venv:
        subprocess.run([sys.executable, "-m", "venv", venv], check=True)
        say(f"Timing pip install xllamacpp=={wheel.version} into a fresh venv")
        started = time.monotonic()
        subprocess.run(
            [f"{venv}/bin/python", "-m", "pip", "install", "-q", "--no-cache-dir", f"xllamacpp=={wheel.version}"],
            check=True,
            stderr=subprocess.DEVNULL,
        )
        return round(time.monotonic() - started, 1)


def source_build_seconds(level: source_build.Level, say: TerminalProgress) -> float:
    binary = source_build.build_dir(level) / source_build.BINARY
    if not binary.is_file():
        source_build.build(level, say)
    return float(source_build.build_info(binary)["seconds"])


async def measure(runtime: Runtime, model: Path, runs: int, say: TerminalProgress) -> dict:
    quiet = lambda *_: None  # noqa: E731
    first = EmbeddedServer(model_file=model, runtimes=[runtime])
    await first.start(quiet)  # proves the runtime here once, so later starts are starts only
    await first.stop()
    starts: list[float] = []

    async def started() -> tuple[EmbeddedServer, str]:
        server = EmbeddedServer(model_file=model, runtimes=[runtime])
        began = time.monotonic()
        url = await server.start(quiet)
        starts.append(time.monotonic() - began)
        return server, url

    result: dict = {}
    server, url = await started()
    try:
        request = demo_plan_request()
        result["demo_plan_cold"] = await streamed(url, request)
        result["demo_plan_warm"] = await streamed(url, request)
    finally:
        await server.stop()

    server, url = await started()
    try:
        result["demo_ask_cold_seconds"] = await demo_ask(url)
        result["demo_ask_warm_seconds"] = await demo_ask(url)
        speeds = [await timings(url) for _ in range(runs)]
        result["prompt_tokens_per_second"] = round(statistics.median(s["prompt_per_second"] for s in speeds), 1)
        result["generation_tokens_per_second"] = round(statistics.median(s["predicted_per_second"] for s in speeds), 1)
        result["prompt_tokens"] = speeds[0]["prompt_n"]
        result["constrained_json"] = await honours_schema(url)
        result["peak_memory_mb"] = peak_memory_mb(server)
    finally:
        await server.stop()

    for _ in range(max(0, runs - 2)):
        server, _ = await started()
        await server.stop()
    result["cold_start_seconds"] = round(statistics.median(starts), 2)
    result["cold_starts"] = [round(s, 2) for s in starts]
    say(f"{runtime.name}: {json.dumps(result)}")
    return result


def demo_plan_request() -> dict:
    """The one model call `scripts/demo` makes: the plan, with its JSON schema."""
    files = ProjectMap(Workspace(DEMO_WORKSPACE, Settings().ignore))
    files.build()
    settings = ModelSettings()
    return {
        "messages": plan_messages(DEMO_REQUEST, files.files(), None),
        "temperature": settings.temperature,
        "max_tokens": settings.max_output_tokens,
        "response_format": {
            "type": "json_schema",
            "json_schema": {"name": "reply", "schema": ModelPlan.model_json_schema()},
        },
    }


async def streamed(url: str, request: dict) -> dict:
    """Time to the first generated token, and to the end of the answer."""
    began = time.monotonic()
    first: float | None = None
    async with httpx.AsyncClient(timeout=300) as http:
        async with http.stream("POST", f"{url}/chat/completions", json={**request, "stream": True}) as response:
            async for line in response.aiter_lines():
                if first is None and line.startswith("data: {") and '"content":"' in line.replace(" ", ""):
                    first = time.monotonic() - began
    total = time.monotonic() - began
    return {"first_token_seconds": round(first if first is not None else total, 2), "total_seconds": round(total, 2)}


async def demo_ask(url: str) -> float:
    """`outrigger ask` on a copy of the demo workspace: map, plan, rename, preview."""
    with tempfile.TemporaryDirectory() as copy:
        shutil.copytree(DEMO_WORKSPACE, copy, dirs_exist_ok=True)
        settings = Settings(model=ModelSettings(base_url=url))
        began = time.monotonic()
        async with open_agent(Path(copy), settings, lambda *_: None) as agent:
            outcome = await agent.ask(DEMO_REQUEST)
        if outcome.kind != "edit":
            raise RuntimeError(f"the demo's request did not produce an edit: {outcome.message}")
        return round(time.monotonic() - began, 2)


async def timings(url: str) -> dict:
    request = {
        "messages": [{"role": "user", "content": SPEED_PROMPT}],
        "max_tokens": 128,
        "temperature": 0,
        "cache_prompt": False,  # every run processes the whole prompt
        "ignore_eos": True,  # and generates all 128 tokens
    }
    async with httpx.AsyncClient(timeout=300) as http:
        response = await http.post(f"{url}/chat/completions", json=request)
    return response.json()["timings"]


async def honours_schema(url: str) -> bool:
    request = {
        "messages": [{"role": "user", "content": "Which language is `def f(): pass`, and how many lines?"}],
        "max_tokens": 64,
        "temperature": 0,
        "response_format": {"type": "json_schema", "json_schema": {"name": "reply", "schema": JSON_SCHEMA}},
    }
    async with httpx.AsyncClient(timeout=300) as http:
        response = await http.post(f"{url}/chat/completions", json=request)
    try:
        answer = json.loads(response.json()["choices"][0]["message"]["content"])
    except (ValueError, KeyError, IndexError):
        return False
    return isinstance(answer, dict) and answer.get("language") in ("python", "javascript") and "lines" in answer


def peak_memory_mb(server: EmbeddedServer) -> float:
    process = server._process
    assert process is not None
    for line in Path(f"/proc/{process.pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return round(int(line.split()[1]) / 1024)
    return float("nan")


def table(about: dict, results: dict, level: source_build.Level) -> str:
    wheel, source = results["wheel"], results["source"]

    def row(label: str, key: str, fmt: str = "{}") -> str:
        return f"| {label} | {fmt.format(wheel[key])} | {fmt.format(source[key])} |"

    def plan(key: str) -> str:
        return f"{wheel[key]['first_token_seconds']} s / {wheel[key]['total_seconds']} s | {source[key]['first_token_seconds']} s / {source[key]['total_seconds']} s"

    ratio = source["generation_tokens_per_second"] / wheel["generation_tokens_per_second"]
    return "\n".join(
        [
            f"| | xllamacpp wheel {about['wheel']} | llama-server from source ({level.name} build) |",
            "|---|---|---|",
            f"| install | {wheel['install_seconds']:.0f} s (pip install, no cache) | {source['install_seconds'] / 60:.1f} min (sources from PyPI + compile) |",
            row("cold start (spawn → ready)", "cold_start_seconds", "{} s"),
            row(f"prompt tokens/s ({wheel['prompt_tokens']}-token prompt)", "prompt_tokens_per_second"),
            row("generation tokens/s", "generation_tokens_per_second"),
            row("peak memory", "peak_memory_mb", "{} MB"),
            f"| constrained JSON (`response_format` schema) | {'yes' if wheel['constrained_json'] else 'no'} | {'yes' if source['constrained_json'] else 'no'} |",
            f"| demo's model call, cold: first token / total | {plan('demo_plan_cold')} |",
            f"| demo's model call, warm: first token / total | {plan('demo_plan_warm')} |",
            f"| demo's whole `ask`, cold / warm | {wheel['demo_ask_cold_seconds']} s / {wheel['demo_ask_warm_seconds']} s | {source['demo_ask_cold_seconds']} s / {source['demo_ask_warm_seconds']} s |",
            "",
            f"Generation: the source build is {ratio:.2f}× the wheel. {about['cpus']} CPUs ({about['cpu']}); "
            f"load average {about['load_before'][0]} before, {about['load_after'][0]} after; {about['runs']} runs; {about['when']}.",
        ]
    )


if __name__ == "__main__":
    sys.exit(main())
