"""`outrigger model setup [--build]` and `outrigger model status` (also
`python -m outrigger.model.setup …`, which is what scripts/setup-llama-server runs).

`setup` fetches the model and makes sure a llama.cpp runtime has started and answered on
this CPU. `--build` compiles llama-server from source and weighs it against the runtime in
use: it takes over only if it answers here and generates faster.
"""

from __future__ import annotations

import argparse
import asyncio
import sys

import httpx

from outrigger.errors import ModelError
from outrigger.model import runtimes, source_build
from outrigger.model.cpu import this_cpu
from outrigger.model.embedded import EmbeddedServer
from outrigger.model.fetch import QWEN_CODER_0_5B, ModelSpec, fetch_model
from outrigger.model.runtimes import Runtime
from outrigger.model.status import status
from outrigger.model.trials import Trials
from outrigger.progress import Progress, TerminalProgress

# A new build must beat the runtime in use by more than the noise of a shared machine.
_MARGIN = 1.05
_SPEED_REQUEST = {
    "messages": [{"role": "user", "content": "Write a Python function that parses an ISO date."}],
    "max_tokens": 64,
    "temperature": 0,
    "ignore_eos": True,  # always 64 tokens, so both runtimes do the same work
}


async def setup(progress: Progress, *, build: bool = False, spec: ModelSpec = QWEN_CODER_0_5B) -> None:
    await asyncio.to_thread(fetch_model, progress, spec)
    if build:
        await _build_and_weigh(progress, spec)
        return
    current = status(spec)
    if current.in_use is not None and Trials(current.cpu).get(current.in_use.key) is not None:
        return  # it has run here before
    server = EmbeddedServer(spec=spec)  # chooses, builds if it must, and proves the runtime here
    try:
        await server.start(progress)
    finally:
        await server.stop()


async def _build_and_weigh(progress: Progress, spec: ModelSpec) -> None:
    cpu = this_cpu()
    trials = Trials(cpu)
    level = runtimes.next_build(cpu, trials)
    if level is None:
        raise ModelError("Every llama.cpp build this CPU could run has crashed here; see `outrigger model status`.")
    binary = await asyncio.to_thread(source_build.build, level, progress)
    candidate = runtimes.source_runtime(level, binary)
    incumbent = next((r for r in runtimes.ready(cpu, trials) if r.key != candidate.key), None)
    keeping = incumbent.name if incumbent else "the runtime it had"
    try:
        new = await generation_speed(candidate, spec, progress)  # its first start proves it here
    except ModelError as error:
        progress(f"{str(error).rstrip('.')}; Outrigger keeps using {keeping}.")
        return
    if incumbent is None:
        progress(f"Using {candidate.name}: it generates {new:.1f} tokens/s here.")
        return
    try:
        old = await generation_speed(incumbent, spec, progress)
    except ModelError as error:
        progress(f"{str(error).rstrip('.')}; Outrigger switches to {candidate.name}.")
        return
    comparison = f"{new:.1f} tokens/s here, {incumbent.title} {old:.1f}"
    if new > old * _MARGIN:
        trials.record(candidate.key, "proven", f"answered; generates {comparison}")
        progress(f"Switched to {candidate.name}: it generates {comparison}.")
    else:
        trials.record(candidate.key, "slower", f"answered, but generates {comparison}")
        progress(f"Kept {incumbent.name}: the new build generates {comparison}; the build stays as a fallback.")


async def generation_speed(runtime: Runtime, spec: ModelSpec, progress: Progress) -> float:
    """Generation tokens/s on this machine now (best of two; llama.cpp's own timings)."""
    server = EmbeddedServer(spec=spec, runtimes=[runtime])
    url = await server.start(progress)
    progress(f"Measuring how fast {runtime.name} generates")
    speeds = []
    try:
        async with httpx.AsyncClient(timeout=300) as http:
            for _ in range(2):
                response = await http.post(f"{url}/chat/completions", json=_SPEED_REQUEST)
                speeds.append(float(response.json()["timings"]["predicted_per_second"]))
    except (httpx.HTTPError, ValueError, KeyError, TypeError):
        raise ModelError(f"The speed of {runtime.name} could not be measured") from None
    finally:
        await server.stop()
    return max(speeds)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="outrigger model")
    parser.add_argument("command", choices=["setup", "status"])
    parser.add_argument("--build", action="store_true", help="setup: also compile llama-server and keep the faster")
    args = parser.parse_args(argv)
    if args.command == "setup":
        try:
            asyncio.run(setup(TerminalProgress(), build=args.build))
        except ModelError as error:
            print(f"error: {error}", file=sys.stderr)
            return 1
    current = status()
    print(current.describe())
    return 0 if current.ready else 1


if __name__ == "__main__":
    sys.exit(main())
