import assert from "node:assert/strict";
import { test } from "node:test";
import {
  aboutRequest,
  AnswerStream,
  answerDocument,
  changeDocument,
  isLongAnswer,
  LONG_ANSWER_CHARS,
  parseAskAboutArgs,
  parseAskResult,
  parseHistory,
  parsePartialAnswer,
  presentation,
  warningIn,
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
    preview: "# Renamed a to b.\n\ndiff",
  });
  assert.deepEqual(presentation({ kind: "edit", message: "Done." }), { show: "info", text: "Done." });
  assert.deepEqual(presentation({ kind: "not-applied", message: "You declined the edit." }), {
    show: "info",
    text: "You declined the edit.",
  });
});

const TASK_PLAN =
  "task of 2 steps (decided by rules):\n  1. add `logout` in src/session.js — add logout\n  2. edit `handleLogout` in src/routes.js — call it";
const TESTS_PASS = "The project's tests (npm test --silent) pass with this change (0.4 s).";

test("parseAskResult keeps a task's multi-line plan and the checks' notes", () => {
  const raw = {
    kind: "edit",
    message: "Added `logout` and called it from `handleLogout`.",
    preview: "--- a/src/session.js\n+++ b/src/session.js",
    plan: TASK_PLAN,
    notes: [" Added `const { logout } = require(\"./session\");` to src/routes.js. ", TESTS_PASS],
  };
  const result = parseAskResult(raw);
  assert.equal(result?.plan, TASK_PLAN);
  assert.deepEqual(result?.notes, ['Added `const { logout } = require("./session");` to src/routes.js.', TESTS_PASS]);
});

test("parseAskResult drops notes that are not strings, and an empty list", () => {
  assert.deepEqual(parseAskResult({ kind: "edit", message: "x", notes: [TESTS_PASS, 3, null, "", "  "] })?.notes, [TESTS_PASS]);
  assert.equal(parseAskResult({ kind: "edit", message: "x", notes: [] })?.notes, undefined);
  assert.equal(parseAskResult({ kind: "edit", message: "x", notes: "tests pass" })?.notes, undefined);
  assert.equal(parseAskResult({ kind: "edit", message: "x", notes: null })?.notes, undefined);
});

test("an edit's notes follow its summary; a warning among them makes it a warning", () => {
  const moved = { kind: "edit" as const, message: "Moved `f` from a.py to b.py.", preview: "diff", notes: [TESTS_PASS] };
  assert.deepEqual(presentation(moved), {
    show: "info",
    text: `Moved \`f\` from a.py to b.py. ${TESTS_PASS}`,
    preview: `# Moved \`f\` from a.py to b.py.\n# ${TESTS_PASS}\n\ndiff`,
  });
  const failing = "Warning: This change makes the project's tests fail (pytest): 1 failed";
  const warned = presentation({ ...moved, notes: [failing] });
  assert.equal(warned.show, "warning");
  assert.equal(warned.text, `Moved \`f\` from a.py to b.py. ${failing}`);
  const notApplied = presentation({ kind: "not-applied", message: "This task needs to create files …", notes: [TESTS_PASS] });
  assert.deepEqual(notApplied, { show: "info", text: `This task needs to create files … ${TESTS_PASS}` });
});

test("the change document lists a task's steps and the notes above the diff", () => {
  const doc = changeDocument({
    kind: "edit",
    message: "Added `logout`.",
    preview: "--- a/src/session.js\n+++ b/src/session.js\n",
    plan: TASK_PLAN,
    notes: [TESTS_PASS],
  });
  assert.equal(
    doc,
    [
      "# Added `logout`.",
      "# Plan: task of 2 steps (decided by rules):",
      "#   1. add `logout` in src/session.js — add logout",
      "#   2. edit `handleLogout` in src/routes.js — call it",
      `# ${TESTS_PASS}`,
      "",
      "--- a/src/session.js",
      "+++ b/src/session.js",
      "",
    ].join("\n"),
  );
  assert.equal(changeDocument({ kind: "edit", message: "Renamed.", preview: "d" }), "# Renamed.\n\nd", "no plan, no notes");
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

test("the warning in an edit's annotation description", () => {
  const failing = "Warning: This change makes the project's tests fail (pytest): 1 failed";
  assert.equal(warningIn(`Outrigger: fix f · a.py +1 −1 · ${failing}`), failing);
  assert.equal(warningIn(`Outrigger: fix f · a.py +1 −1 · ${TESTS_PASS}`), undefined);
  assert.equal(warningIn(undefined), undefined);
});

test("a partial answer is read only in its shape", () => {
  assert.deepEqual(parsePartialAnswer({ token: "t-1", text: "It checks", tokens: 3 }), { token: "t-1", text: "It checks", tokens: 3 });
  assert.deepEqual(parsePartialAnswer({ token: 7, text: "" }), { token: 7, text: "", tokens: 0 });
  assert.equal(parsePartialAnswer({ token: null, text: "x" }), undefined);
  assert.equal(parsePartialAnswer({ token: "t", text: 3 }), undefined);
  assert.equal(parsePartialAnswer("text"), undefined);
});

test("an answer being written: short in the progress, then a page that fills, then the whole answer", () => {
  const stream = new AnswerStream("what does f do?");
  const short = stream.step({ token: "t", text: "It adds", tokens: 2 });
  assert.deepEqual(short, { message: "It adds" });
  assert.equal(stream.hasPage, false);
  const long = "It adds two numbers. ".repeat(12);
  const paged = stream.step({ token: "t", text: long, tokens: 60 });
  assert.equal(paged.message, "writing the answer… (60 tokens)");
  assert.ok(paged.page?.startsWith("# Outrigger\n\n> what does f do?\n\n"));
  assert.ok(paged.page?.includes(`${long.trimEnd()} …`));
  // Once the page is open, shorter text (it cannot be, but a guard may trim) stays on it.
  assert.ok(stream.step({ token: "t", text: "It adds", tokens: 61 }).page?.includes("It adds …"));
  assert.equal(stream.final({ kind: "answer", message: long + "Done." }), answerDocument("what does f do?", long + "Done."));
});

test("an answer that stops after its page opened says why on the page", () => {
  const stream = new AnswerStream("why?");
  stream.step({ token: 1, text: "Because ".repeat(40), tokens: 40 });
  const page = stream.final({ kind: "refused", message: "The request took longer than its deadline." });
  assert.ok(page.includes("Because Because"));
  assert.ok(page.endsWith("*Outrigger did not finish this answer: The request took longer than its deadline.*\n"));
});
