import assert from "node:assert/strict";
import { test } from "node:test";
import { fileChanges, offsetAt, withoutAnnotations } from "../common/changes";
import { applyOffsetEdits } from "../common/textEdits";

const at = (line: number, character: number) => ({ line, character });

const task = {
  documentChanges: [
    { kind: "create", uri: "file:///w/dates.py", annotationId: "outrigger" },
    {
      textDocument: { uri: "file:///w/dates.py", version: null },
      edits: [{ range: { start: at(0, 0), end: at(0, 0) }, newText: "def f():\n    pass\n", annotationId: "step-1" }],
    },
    {
      textDocument: { uri: "file:///w/utils.py", version: 3 },
      edits: [{ range: { start: at(1, 0), end: at(3, 0) }, newText: "", annotationId: "step-1" }],
    },
    { kind: "delete", uri: "file:///w/old.py", annotationId: "step-2" },
  ],
  changeAnnotations: { outrigger: { label: "move", needsConfirmation: true } },
};

test("a task's files: created, edited and deleted, each once", () => {
  const files = fileChanges(task);
  assert.deepEqual(
    files.map((f) => [f.uri, f.created, f.deleted, f.edits.length]),
    [
      ["file:///w/dates.py", true, false, 1],
      ["file:///w/utils.py", false, false, 1],
      ["file:///w/old.py", false, true, 0],
    ],
  );
});

test("without annotations, nothing asks for confirmation and the edits are the same", () => {
  const plain = withoutAnnotations(task);
  assert.equal(plain.changeAnnotations, undefined);
  assert.ok(!JSON.stringify(plain).includes("annotationId"));
  assert.deepEqual(fileChanges(plain)[1].edits[0].range, task.documentChanges[2].edits![0].range);
  assert.ok(JSON.stringify(task).includes("annotationId")); // the original is untouched
});

test("LSP positions as offsets: the proposed text of a file", () => {
  const text = "def a():\n    pass\n\ndef b():\n    pass\n";
  const [, utils] = fileChanges(task);
  const edits = utils.edits.map((e) => ({ start: offsetAt(text, e.range.start), end: offsetAt(text, e.range.end), newText: e.newText }));
  assert.equal(applyOffsetEdits(text, edits), "def a():\ndef b():\n    pass\n");
  assert.equal(offsetAt("ab\ncd", at(1, 99)), 5); // past the line's end: its end
  assert.equal(offsetAt("ab", at(4, 0)), 2);
});
