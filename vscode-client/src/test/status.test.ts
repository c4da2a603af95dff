import assert from "node:assert/strict";
import { test } from "node:test";
import { DEFAULT_SETTINGS } from "../common/config";
import { parseStatus, StatusModel, statusText, statusTooltip } from "../common/status";

test("status text names the model, its state and a percentage while one is known", () => {
  assert.equal(statusText("qwen2.5-coder-0.5b", "ready"), "$(rocket) Outrigger: qwen2.5-coder-0.5b · ready");
  assert.equal(statusText("m", "starting", 40), "$(sync~spin) Outrigger: m · starting 40%");
  assert.equal(statusText("m", "unreachable"), "$(rocket) Outrigger: m · unreachable");
});

test("the tooltip names the endpoint and repeats the server's sentence", () => {
  const ready = { model: "q", state: "ready" as const, message: "q at http://127.0.0.1:11434 is ready." };
  const model = { ...DEFAULT_SETTINGS.model, baseUrl: "http://127.0.0.1:11434", api: "ollama" as const, name: "q" };
  assert.match(statusTooltip(model, ready, "ready"), /q — ollama server at http:\/\/127\.0\.0\.1:11434\. q at .* is ready\./);
  assert.match(statusTooltip(DEFAULT_SETTINGS.model, undefined, "ready"), /embedded local model/);
  assert.match(statusTooltip(DEFAULT_SETTINGS.model, undefined, "stopped"), /server is not running/);
  const dead = { model: "q", state: "unreachable" as const, message: "q at http://x/v1 is unreachable: All connection attempts failed" };
  assert.match(statusTooltip(model, dead, "unreachable"), /attempts failed\. Click/, "the server's sentence ends before ours");
  const sandboxed = { ...ready, sandbox: "in a bubblewrap sandbox (no network)" };
  assert.match(statusTooltip(model, sandboxed, "ready"), /Proposed code \(the project's tests\) runs in a bubblewrap sandbox/);
  assert.equal(parseStatus({ ...sandboxed })?.sandbox, "in a bubblewrap sandbox (no network)");
  const guarded = "Inline completion: 2 asked, 1 shown; dropped by names 1; shortened by cut 1.";
  const counted = parseStatus({ ...ready, completion: { requests: 2, shown: 1, dropped: { names: 1 }, shortened: { cut: 1 }, message: guarded } });
  assert.equal(counted?.completion, guarded);
  assert.match(statusTooltip(model, counted, "ready"), /is ready\. Inline completion: 2 asked, 1 shown; dropped by names 1; shortened by cut 1\. Click/);
});

test("parseStatus accepts outrigger.status's result and nothing else", () => {
  assert.deepEqual(parseStatus({ model: "m", state: "busy", message: "m is busy.", endpoint: "http://x/v1" }), {
    model: "m",
    state: "busy",
    message: "m is busy.",
    endpoint: "http://x/v1",
  });
  assert.equal(parseStatus({ model: "m", state: "thinking", message: "" }), undefined);
  assert.equal(parseStatus(null), undefined);
});

test("the state follows the server process, the requests in flight and the server's report", () => {
  const status = new StatusModel();
  assert.equal(status.state, "starting", "the server process is starting");
  status.server("running");
  assert.equal(status.state, "ready");
  status.begin();
  assert.equal(status.state, "busy", "a request is in flight");
  status.report({ model: "m", state: "starting", message: "m (embedded) is starting." });
  status.progress(40);
  assert.equal(status.state, "starting", "the server says the model is starting for it");
  assert.equal(status.percent, 40);
  status.end();
  status.report({ model: "m", state: "unreachable", message: "m is unreachable." });
  assert.equal(status.state, "unreachable");
  assert.equal(status.percent, undefined);
  status.server("stopped");
  assert.equal(status.state, "stopped");
});

test("an answer to an older status request, or one asked before the settings changed, is dropped", () => {
  const status = new StatusModel();
  status.server("running");
  const shown = (): string | undefined => status.status?.model;
  const older = status.ask();
  const newer = status.ask();
  status.report({ model: "new", state: "unreachable", message: "new is unreachable." }, newer);
  status.report({ model: "old", state: "unreachable", message: "old is unreachable." }, older);
  assert.equal(shown(), "new", "the older request answered last");

  const beforeChange = status.ask();
  status.forget();
  status.report({ model: "old", state: "ready", message: "old is ready." }, beforeChange);
  assert.equal(shown(), undefined, "asked before the settings changed");
  status.report({ model: "new", state: "ready", message: "new is ready." }, status.ask());
  assert.equal(shown(), "new");
});
