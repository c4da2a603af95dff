import assert from "node:assert/strict";
import { test } from "node:test";
import { applyOffsetEdits } from "../common/textEdits";

test("edits apply at their offsets, whatever their order", () => {
  const text = "function validateToken(token) {\n  return validateToken;\n}\n";
  const first = text.indexOf("validateToken");
  const second = text.lastIndexOf("validateToken");
  const edits = [
    { start: second, end: second + 13, newText: "checkToken" },
    { start: first, end: first + 13, newText: "checkToken" },
  ];
  assert.equal(applyOffsetEdits(text, edits), "function checkToken(token) {\n  return checkToken;\n}\n");
});

test("insertions at one offset keep their order", () => {
  assert.equal(
    applyOffsetEdits("b", [
      { start: 0, end: 0, newText: "/** a */\n" },
      { start: 0, end: 0, newText: "// c\n" },
    ]),
    "/** a */\n// c\nb",
  );
});

test("overlapping edits are refused", () => {
  assert.throws(
    () =>
      applyOffsetEdits("abcdef", [
        { start: 0, end: 3, newText: "x" },
        { start: 2, end: 4, newText: "y" },
      ]),
    /overlap/,
  );
});
