"""Runs a compiled test binary for `go test -exec` and as cargo's test runner (`guards/runs.py`
adds it to the command); never imported by Outrigger itself.

    python -I outrigger_binary_seal.py go|cargo BINARY [ARGUMENTS...]

The code under test runs inside the test binary: a Go `init` function runs before the testing
package starts, so `os.Exit(0)` there ends the binary with status 0 and `go test` prints `ok`
for a package none of whose tests ran; a Rust test that calls `std::process::exit(0)` ends its
binary before libtest's summary. Each harness ends a complete run with its own closing line
(the testing package's `PASS`, libtest's `test result: …`). A binary that exits 0 without one
was ended by the code under test: this runner then says so and exits 1, so the runner's own
report reads as a failure. (A closing line the code prints itself before exiting cannot be
told apart here; see docs/reliability.md.)
"""

from __future__ import annotations

import subprocess
import sys

# The harness's closing line, at the start of a line of the binary's standard output.
CLOSING = {"go": (b"PASS\n", b"FAIL\n"), "cargo": (b"test result: ",)}
BROKEN = "outrigger-seal: the test binary ended with exit code 0 before its harness's closing report"


def main(argv: list[str]) -> int:
    runner, command = argv[0], argv[1:]
    child = subprocess.Popen(command, stdout=subprocess.PIPE)
    assert child.stdout is not None
    closed = False
    out = sys.stdout.buffer
    for line in child.stdout:  # passed on as it comes: the runner shows it as the binary's own
        out.write(line)
        out.flush()
        closed = closed or line.startswith(CLOSING[runner])
    code = child.wait()
    if code == 0 and not closed:
        out.write(f"\n{BROKEN}\n".encode())
        out.flush()
        return 1
    return code if code >= 0 else 128 - code


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
