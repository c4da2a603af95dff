// Checks the configured Python before launching the server, so a failure has a reason a user
// can act on instead of "connection closed". Uses Node only; no `vscode` import.

import { execFile } from "node:child_process";

export type Preflight =
  | { ok: true; version: string }
  | { ok: false; problem: "python-not-found" | "python-failed" | "module-missing"; detail: string };

/** Exit status meaning "module not found" in the probe below. */
const MODULE_MISSING = 3;
const PROBE =
  "import importlib.util, sys\n" +
  "print(sys.version.split()[0])\n" +
  `sys.exit(0 if len(sys.argv) < 2 or importlib.util.find_spec(sys.argv[1]) else ${MODULE_MISSING})`;

interface ExecOutcome {
  error: (Error & { code?: string | number | null }) | null;
  stdout: string;
  stderr: string;
}

function run(command: string, args: string[], timeoutMs: number, cwd?: string): Promise<ExecOutcome> {
  return new Promise((resolve) => {
    execFile(command, args, { timeout: timeoutMs, cwd, windowsHide: true }, (error, stdout, stderr) => {
      resolve({ error, stdout: String(stdout), stderr: String(stderr) });
    });
  });
}

export async function checkPython(
  python: string,
  module: string | undefined,
  options: { timeoutMs?: number; cwd?: string } = {},
): Promise<Preflight> {
  const args = ["-c", PROBE, ...(module ? [module] : [])];
  const { error, stdout, stderr } = await run(python, args, options.timeoutMs ?? 15000, options.cwd);
  if (!error) {
    return { ok: true, version: stdout.trim() };
  }
  if (error.code === "ENOENT" || error.code === "EACCES") {
    return { ok: false, problem: "python-not-found", detail: `${python} (${error.code})` };
  }
  if (error.code === MODULE_MISSING) {
    return { ok: false, problem: "module-missing", detail: `${module ?? ""} for ${python} (Python ${stdout.trim()})` };
  }
  return { ok: false, problem: "python-failed", detail: (stderr.trim() || error.message).slice(-500) };
}

/** One sentence for the error notification. */
export function describePreflight(result: Preflight, python: string, module: string | undefined): string {
  if (result.ok) {
    return `Python ${result.version} at ${python}`;
  }
  switch (result.problem) {
    case "python-not-found":
      return `Python was not found: "${python}". Set outrigger.server.pythonPath to a Python that has Outrigger installed.`;
    case "module-missing":
      return `The Python module "${module ?? ""}" is not installed for ${python}. Install it (pip install outrigger) or set outrigger.server.pythonPath.`;
    case "python-failed":
      return `"${python}" failed to run: ${result.detail}`;
  }
}
