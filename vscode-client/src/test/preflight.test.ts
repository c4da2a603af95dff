import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { test } from "node:test";
import { checkPython, describePreflight } from "../common/preflight";

function havePython3(): boolean {
  try {
    execFileSync("python3", ["--version"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

test("a missing interpreter is reported as not found", async () => {
  const result = await checkPython("/nonexistent/python3", "outrigger");
  assert.deepEqual(result.ok, false);
  assert.equal(!result.ok && result.problem, "python-not-found");
  assert.match(describePreflight(result, "/nonexistent/python3", "outrigger"), /Python was not found: "\/nonexistent\/python3"/);
});

test("a missing module is reported by name", { skip: !havePython3() && "python3 not on PATH" }, async () => {
  const result = await checkPython("python3", "outrigger_no_such_module_xyz");
  assert.equal(!result.ok && result.problem, "module-missing");
  assert.match(describePreflight(result, "python3", "outrigger_no_such_module_xyz"), /"outrigger_no_such_module_xyz" is not installed for python3/);
});

test("an importable module passes and reports the version", { skip: !havePython3() && "python3 not on PATH" }, async () => {
  const result = await checkPython("python3", "json");
  assert.ok(result.ok);
  assert.match(result.ok ? result.version : "", /^3\.\d+/);
});

test("an interpreter that fails is reported as failed, not as missing", { skip: process.platform === "win32" }, async () => {
  const result = await checkPython("/bin/false", "outrigger");
  assert.equal(!result.ok && result.problem, "python-failed");
  assert.match(describePreflight(result, "/bin/false", "outrigger"), /"\/bin\/false" failed to run/);
});
