"""Serve a GGUF with the xllamacpp wheel: llama.cpp's own OpenAI-compatible HTTP server,
running inside this process. `EmbeddedServer` starts it as a child it owns:

    python -m outrigger.model.wheel_server --model M.gguf --port 8123 --threads 2 --context 8192

It serves until SIGTERM (or SIGINT). Exit code 3 means the wheel cannot load on this
machine at all (not installed, or a system library such as libgomp.so.1 is missing).
"""

from __future__ import annotations

import argparse
import os
import signal
import sys

from outrigger.model.runtimes import CACHE_REUSE_TOKENS, EXIT_UNAVAILABLE

_STOP = {signal.SIGTERM, signal.SIGINT}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m outrigger.model.wheel_server")
    parser.add_argument("--model", required=True)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--context", type=int, default=8192)
    args = parser.parse_args(argv)
    # Before xllamacpp loads OpenMP: its default spin-wait made generation ~10x slower on a
    # shared 2-core machine.
    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
    try:
        import xllamacpp
    except (ImportError, OSError) as error:
        print(f"error: {error}", file=sys.stderr, flush=True)
        return EXIT_UNAVAILABLE

    params = xllamacpp.CommonParams()
    params.model.path = args.model
    params.hostnames = ["127.0.0.1"]
    params.port = args.port
    params.n_ctx = args.context
    params.n_parallel = 1
    params.n_cache_reuse = CACHE_REUSE_TOKENS
    params.use_jinja = True
    params.cpuparams.n_threads = args.threads
    params.cpuparams_batch.n_threads = args.threads
    # Blocked before the server's threads exist, so they inherit the mask and the stop
    # signal reaches `sigwait` below instead of killing the process mid-request.
    signal.pthread_sigmask(signal.SIG_BLOCK, _STOP)
    try:
        server = xllamacpp.Server(params)  # loads the model, then serves on its own threads
    except RuntimeError as error:
        print(f"error: {error}", file=sys.stderr, flush=True)  # llama.cpp logged the cause above
        return 1
    signal.sigwait(_STOP)
    del server  # stops the HTTP server and frees the model
    return 0


if __name__ == "__main__":
    sys.exit(main())
