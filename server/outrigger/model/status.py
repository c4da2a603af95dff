"""What the embedded model has on disk and which llama.cpp runtime it would use: the data
behind `outrigger model status`. Cheap: never downloads, builds or starts anything."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from outrigger.guards import sandbox
from outrigger.model import runtimes, source_build
from outrigger.model.cache import cache_dir
from outrigger.model.cpu import Cpu, this_cpu
from outrigger.model.fetch import QWEN_CODER_0_5B, ModelSpec, model_path, model_ready
from outrigger.model.runtimes import Runtime
from outrigger.model.trials import Trial, Trials


@dataclass(frozen=True)
class Status:
    cache: Path
    model: Path
    model_ready: bool
    cpu: Cpu
    in_use: Runtime | None
    why_none: str  # when nothing is in use: why, in a few words
    known: tuple[tuple[Runtime, Trial | None], ...]  # every runtime found, with what it did here
    upgrade: source_build.Level | None  # a build `setup --build` would make and try

    @property
    def ready(self) -> bool:
        return self.model_ready and self.in_use is not None

    def missing(self) -> str | None:
        """Why the embedded model cannot start right now, or None."""
        gaps = []
        if not self.model_ready:
            gaps.append(f"the model is not in {self.model.parent}")
        if self.in_use is None:
            gaps.append(f"no llama.cpp runtime is ready ({self.why_none})")
        if not gaps:
            return None
        return " and ".join(gaps) + "; run `outrigger model setup` (or scripts/setup-llama-server)"

    def describe(self) -> str:
        lines = [
            f"cache:    {self.cache}",
            f"model:    {self.model} ({'ready' if self.model_ready else 'missing'})",
            f"cpu:      {self.cpu.summary()}",
        ]
        for runtime, trial in self.known:
            lacking = " ".join(self.cpu.lacks(runtime.needs))
            needs = " ".join(runtime.needs) or "no particular instructions"
            lines += [
                f"runtime:  {runtime.title}{' (in use)' if runtime == self.in_use else ''}",
                f"          version {runtime.version}",
                f"          needs {needs}: {f'this CPU lacks {lacking}' if lacking else 'this CPU has them'}",
                f"          files {runtime.location}",
            ]
            if trial is not None:
                lines.append(f"          {trial.verdict} here on {trial.when}: {trial.reason}")
        if self.in_use is None:
            lines.append(f"runtime:  none ready ({self.why_none}); `outrigger model setup` builds llama-server")
        lines.append(f"tests:    proposed code (the project's tests, examples) runs {sandbox_line()}")
        if self.upgrade is not None:
            lines.append(
                f"build:    `outrigger model setup --build` compiles llama-server for this CPU ({self.upgrade.name} "
                f"build, {source_build.DURATION}) and switches to it if it answers here and generates faster"
            )
        return "\n".join(lines)


def sandbox_line(allow_unsandboxed: bool = False) -> str:
    """Where proposed code runs on this machine, in one clause."""
    kind = sandbox.backend()
    if kind != "none":
        return sandbox.describe(kind)
    if allow_unsandboxed:
        return "unsandboxed, as you: no bubblewrap or unshare here, and running without a sandbox is allowed"
    return (
        "nowhere: no bubblewrap or unshare works here, so the tests are not run "
        "(--allow-unsandboxed / outrigger.tests.allowUnsandboxed runs them as you)"
    )


def status(spec: ModelSpec = QWEN_CODER_0_5B) -> Status:
    """What the embedded model has, and what it would run on."""
    cpu = this_cpu()
    trials = Trials(cpu)
    if chosen := runtimes.explicit():
        found = [chosen]
        ready = [chosen] if chosen.location.is_file() else []
        why_none = f"OUTRIGGER_LLAMA_SERVER names {chosen.location}, which does not exist"
    else:
        found = runtimes.known(cpu)
        ready = runtimes.ready(cpu, trials)
        why_none = runtimes.why_no_wheel(cpu)
    in_use = ready[0] if ready else None
    upgrade = None
    if in_use is not None and in_use.kind == "wheel" and (level := runtimes.next_build(cpu, trials)):
        upgrade = level if trials.get(runtimes.build_runtime(level).key) is None else None  # not tried yet
    return Status(
        cache=cache_dir(),
        model=model_path(spec),
        model_ready=model_ready(spec),
        cpu=cpu,
        in_use=in_use,
        why_none=why_none,
        known=tuple((runtime, trials.get(runtime.key)) for runtime in found),
        upgrade=upgrade,
    )
