import assert from "node:assert/strict";
import { test } from "node:test";
import {
  aboutRequest,
  answerDocument,
  isLongAnswer,
  LONG_ANSWER_CHARS,
  parseAskAboutArgs,
  parseAskResult,
  parseHistory,
  presentation,
} from "../common/results";

test("parseAskResult accepts the contract's shape", () => {
  const plan = "rename `a` → `b` in src/x.js (decided by rules)";
  assert.deepEqual(parseAskResult({ kind: "edit", message: "Renamed.", preview: "--- a\n+++ b", plan }), {
    kind: "edit",
    message: "Renamed.",
    preview: "--- a\n+++ b",
    plan,
  });
  assert.deepEqual(parseAskResult({ kind: "answer", message: "42", preview: "" }), { kind: "answer", message: "42" });
});

test("parseAskResult rejects anything else", () => {
  assert.equal(parseAskResult(null), undefined);
  assert.equal(parseAskResult("answer"), undefined);
  assert.equal(parseAskResult({ kind: "maybe", message: "x" }), undefined);
  assert.equal(parseAskResult({ kind: "answer" }), undefined);
});

test("short one-line answers are notifications", () => {
  assert.deepEqual(presentation({ kind: "answer", message: "It returns a boolean." }), {
    show: "info",
    text: "It returns a boolean.",
  });
  assert.equal(presentation({ kind: "answer", message: "x".repeat(LONG_ANSWER_CHARS) }).show, "info");
});

test("long or multi-line answers open as markdown", () => {
  assert.equal(presentation({ kind: "answer", message: "x".repeat(LONG_ANSWER_CHARS + 1) }).show, "markdown");
  assert.equal(presentation({ kind: "answer", message: "First.\nSecond.\nThird." }).show, "markdown");
  assert.equal(presentation({ kind: "answer", message: "First.\nSecond." }).show, "info", "a line or two stays a toast");
  assert.equal(isLongAnswer("one line\n"), false, "a trailing newline alone is not multi-line");
});

test("refusals are warnings with the reason", () => {
  assert.deepEqual(presentation({ kind: "refused", message: "`validateTokn` is not defined in src/auth.js" }), {
    show: "warning",
    text: "`validateTokn` is not defined in src/auth.js",
  });
  assert.equal(presentation({ kind: "refused", message: "" }).text, "Outrigger refused the request.");
});

test("edits are notifications that keep their preview; not-applied is informational", () => {
  assert.deepEqual(presentation({ kind: "edit", message: "Renamed a to b.", preview: "diff" }), {
    show: "info",
    text: "Renamed a to b.",
    preview: "diff",
  });
  assert.deepEqual(presentation({ kind: "edit", message: "Done." }), { show: "info", text: "Done." });
  assert.deepEqual(presentation({ kind: "not-applied", message: "You declined the edit." }), {
    show: "info",
    text: "You declined the edit.",
  });
});

test("answer document quotes the question", () => {
  assert.equal(answerDocument("what\ndoes it do?", "It checks.\n"), "# Outrigger\n\n> what\n> does it do?\n\nIt checks.\n");
});

test("history entries are strings only", () => {
  assert.deepEqual(parseHistory({ entries: ["Renamed a to b.", 3, "Added docstring."] }), [
    "Renamed a to b.",
    "Added docstring.",
  ]);
  assert.deepEqual(parseHistory({}), []);
  assert.deepEqual(parseHistory(undefined), []);
});

test("askAbout arguments and request text", () => {
  const args = parseAskAboutArgs({
    symbol: "validateToken",
    textDocument: { uri: "file:///w/src/auth.js" },
    position: { line: 3, character: 9 },
  });
  assert.deepEqual(args, {
    symbol: "validateToken",
    textDocument: { uri: "file:///w/src/auth.js" },
    position: { line: 3, character: 9 },
  });
  assert.deepEqual(parseAskAboutArgs({ symbol: "x", position: { line: "3" } }), { symbol: "x" });
  assert.equal(parseAskAboutArgs({ textDocument: { uri: "file:///a" } }), undefined);
  assert.equal(parseAskAboutArgs(undefined), undefined);
  assert.equal(aboutRequest("validateToken", "  what does it return? "), "About `validateToken`: what does it return?");
});
