"""The fuzzing job: ≥10,000 generated cases against the core, and a sample through HTTP.

    .venv/bin/python benchmarks/fuzz/run.py --cases 10000 --seed 1 [--http 300]

In-process cases use a scripted model object; `--http N` runs N more cases through the
real `ModelClient` against the scripted fake server (tests/fake_model.py), where faults
become HTTP 500s, garbage bodies, dropped connections and hangs past a short timeout.
Prints one summary line per run and exits 1 on the first invariant violation (with the
shrunk failing case). Figures are recorded in docs/reliability.md.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from hypothesis import HealthCheck, Phase, given, seed, settings

ROOT = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from benchmarks.fuzz.harness import Case, Fault, Tally, assert_untouched, build_workspaces, cases, run_case  # noqa: E402

from fake_model import FakeModel  # noqa: E402
from outrigger.config import ModelSettings  # noqa: E402
from outrigger.model.client import ModelClient  # noqa: E402

HTTP_FAULTS = [
    {"status": 500, "body": '{"error": {"message": "internal error"}}'},
    {"status": 200, "body": "<html>502 Bad Gateway</html>"},
    {"status": 200, "body": '{"choices": []}'},
    {"close": True},
    {"hang": 1.0},
]


def drive(n: int, fuzz_seed: int, workdir: Path, check_case: Callable[[Case, dict, Tally], None]) -> Tally:
    spaces = build_workspaces(workdir)
    before = {key: ws.snapshot() for key, ws in spaces.items()}
    tally = Tally()

    @settings(
        max_examples=n,
        database=None,
        deadline=None,
        phases=[Phase.generate, Phase.shrink],
        suppress_health_check=list(HealthCheck),
    )
    @seed(fuzz_seed)
    @given(cases(spaces))
    def every_case(case: Case) -> None:
        check_case(case, spaces, tally)

    every_case()
    assert_untouched(spaces, before)
    return tally


def in_process(loop: asyncio.AbstractEventLoop) -> Callable[[Case, dict, Tally], None]:
    def check_case(case: Case, spaces: dict, tally: Tally) -> None:
        loop.run_until_complete(run_case(case, spaces, tally))

    return check_case


class _HttpModel:
    """The real client against the fake; `.calls` are the message lists the server got."""

    def __init__(self, fake: FakeModel) -> None:
        self.fake = fake
        self.client = ModelClient(ModelSettings(base_url=fake.base_url, timeout_seconds=0.3))

    @property
    def calls(self) -> list[list[dict]]:
        return [body["messages"] for body in self.fake.bodies()]

    async def chat(self, messages, *, json_schema=None, max_tokens=None, variant=0):
        return await self.client.chat(messages, json_schema=json_schema, max_tokens=max_tokens, variant=variant)

    async def count_tokens(self, text: str) -> int | None:
        return await self.client.count_tokens(text)

    async def context_size(self) -> int | None:
        return await self.client.context_size()


def over_http(loop: asyncio.AbstractEventLoop, fake: FakeModel) -> Callable[[Case, dict, Tally], None]:
    def check_case(case: Case, spaces: dict, tally: Tally) -> None:
        fake.reset()
        fault = 0
        scripted = []
        for reply in case.replies:
            if isinstance(reply, Fault):
                scripted.append(HTTP_FAULTS[fault % len(HTTP_FAULTS)])
                fault += 1
            else:
                scripted.append(reply)
        fake.script(*scripted)
        model = _HttpModel(fake)
        try:
            loop.run_until_complete(run_case(case, spaces, tally, model=model))
        finally:
            loop.run_until_complete(model.client.aclose())

    return check_case


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=10_000, help="in-process cases (default 10000)")
    parser.add_argument("--http", type=int, default=0, help="cases through the HTTP fake (default 0)")
    parser.add_argument("--seed", type=int, default=1, help="hypothesis seed (default 1)")
    args = parser.parse_args(argv)
    loop = asyncio.new_event_loop()
    with tempfile.TemporaryDirectory(prefix="outrigger-fuzz-") as tmp:
        runs = [("in-process", args.cases, lambda: in_process(loop))]
        fake = FakeModel().start() if args.http else None
        if fake:
            runs.append(("http", args.http, lambda: over_http(loop, fake)))
        try:
            for label, n, make in runs:
                if n <= 0:
                    continue
                started = time.perf_counter()
                tally = drive(n, args.seed, Path(tmp) / label, make())
                seconds = time.perf_counter() - started
                print(f"fuzz {label} seed={args.seed}: {tally.line()} ({seconds:.0f} s)", flush=True)
                for reason, count in tally.reasons.most_common(12):
                    print(f"    refused {count:6d}× “{reason} …”")
        finally:
            if fake:
                fake.stop()
    loop.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
