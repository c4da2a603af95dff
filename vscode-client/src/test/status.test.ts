import assert from "node:assert/strict";
import { test } from "node:test";
import { DEFAULT_SETTINGS } from "../common/config";
import { Activity, ActivityTracker, statusText, statusTooltip } from "../common/status";

test("status text follows the contract", () => {
  assert.equal(statusText("qwen2.5-coder-0.5b", "idle"), "$(rocket) Outrigger: qwen2.5-coder-0.5b · idle");
  assert.equal(statusText("m", "thinking"), "$(rocket) Outrigger: m · thinking");
  assert.equal(statusText("m", "error"), "$(rocket) Outrigger: m · error");
});

test("tooltip names the endpoint", () => {
  assert.match(statusTooltip(DEFAULT_SETTINGS.model), /embedded local model/);
  assert.match(
    statusTooltip({ ...DEFAULT_SETTINGS.model, baseUrl: "http://127.0.0.1:11434", api: "ollama", name: "q" }),
    /q — ollama server at http:\/\/127\.0\.0\.1:11434/,
  );
});

test("thinking while any request is in flight, idle after, error after a failure", () => {
  const seen: Activity[] = [];
  const t = new ActivityTracker((a) => seen.push(a));
  assert.equal(t.activity, "starting");
  t.server("running");
  t.begin();
  t.begin();
  t.end(true);
  assert.equal(t.activity, "thinking", "one request still in flight");
  t.end(true);
  assert.equal(t.activity, "idle");
  t.begin();
  t.end(false);
  assert.equal(t.activity, "error");
  t.begin();
  t.end(true);
  assert.equal(t.activity, "idle", "a success clears the error");
  assert.deepEqual(seen, ["idle", "thinking", "thinking", "thinking", "idle", "thinking", "error", "thinking", "idle"]);
});

test("a stopped server is an error; restarting clears it", () => {
  const t = new ActivityTracker();
  t.server("starting");
  assert.equal(t.activity, "starting");
  t.server("stopped");
  assert.equal(t.activity, "error");
  t.server("running");
  assert.equal(t.activity, "idle");
  t.end(true);
  assert.equal(t.activity, "idle", "an unmatched end never goes negative");
  t.begin();
  assert.equal(t.activity, "thinking");
});
