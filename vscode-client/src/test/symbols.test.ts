import assert from "node:assert/strict";
import { test } from "node:test";
import {
  EditorDocumentSymbol,
  flattenDocumentSymbols,
  fromEditorSymbol,
  insideFolders,
  lspKind,
  preferDocumentSymbols,
  selectSymbols,
  symbolName,
  unsent,
  SymbolInformation,
} from "../common/symbols";

function range(startLine: number, endLine: number) {
  return { start: { line: startLine, character: 0 }, end: { line: endLine, character: 1 } };
}

// vscode.SymbolKind: Class = 4, Method = 5, Function = 11, Variable = 12 (LSP adds one).
const CLASS = 4;
const METHOD = 5;
const FUNCTION = 11;

test("vscode's 0-based SymbolKind becomes LSP's 1-based one", () => {
  assert.equal(lspKind(0), 1); // File
  assert.equal(lspKind(FUNCTION), 12);
  assert.equal(lspKind(25), 26); // TypeParameter
  assert.equal(lspKind(99), 13);
  assert.equal(lspKind(-1), 13);
});

test("document symbol trees flatten with container names", () => {
  const tree: EditorDocumentSymbol[] = [
    {
      name: "AuthService",
      kind: CLASS,
      range: range(0, 20),
      children: [
        { name: "login", kind: METHOD, range: range(2, 8), children: [] },
        {
          name: "logout",
          kind: METHOD,
          range: range(10, 18),
          children: [{ name: "inner", kind: FUNCTION, range: range(11, 12) }],
        },
      ],
    },
    { name: "validateToken", kind: FUNCTION, range: range(22, 30) },
  ];
  const flat = flattenDocumentSymbols("file:///w/src/auth.js", tree);
  assert.deepEqual(
    flat.map((s) => [s.name, s.kind, s.containerName]),
    [
      ["AuthService", 5, undefined],
      ["login", 6, "AuthService"],
      ["logout", 6, "AuthService"],
      ["inner", 12, "logout"],
      ["validateToken", 12, undefined],
    ],
  );
  assert.deepEqual(flat[4]?.location, { uri: "file:///w/src/auth.js", range: range(22, 30) });
  assert.ok(!("containerName" in (flat[0] ?? {})), "no empty containerName key on top-level symbols");
});

test("ranges are copied to plain objects (vscode Range/Position instances carry more)", () => {
  class Pos {
    constructor(
      public line: number,
      public character: number,
    ) {}
    extra() {
      return 1;
    }
  }
  const r = { start: new Pos(1, 2), end: new Pos(3, 4) };
  const [s] = flattenDocumentSymbols("file:///a.py", [{ name: "f", kind: FUNCTION, range: r }]);
  assert.equal(JSON.stringify(s?.location.range), '{"start":{"line":1,"character":2},"end":{"line":3,"character":4}}');
  assert.equal(Object.getPrototypeOf(s?.location.range.start), Object.prototype);
});

test("workspace symbols convert with their container", () => {
  assert.deepEqual(
    fromEditorSymbol({ name: "login", kind: METHOD, containerName: "AuthService", uri: "file:///w/a.ts", range: range(1, 2) }),
    { name: "login", kind: 6, containerName: "AuthService", location: { uri: "file:///w/a.ts", range: range(1, 2) } },
  );
  assert.ok(!("containerName" in fromEditorSymbol({ name: "f", kind: FUNCTION, containerName: "", uri: "file:///w/a.ts", range: range(1, 2) })));
});

test("insideFolders compares whole path segments", () => {
  const folders = ["file:///home/u/proj", "file:///home/u/other/"];
  assert.ok(insideFolders("file:///home/u/proj/src/a.js", folders));
  assert.ok(insideFolders("file:///home/u/other/b.py", folders));
  assert.ok(!insideFolders("file:///home/u/project2/a.js", folders), "a sibling with a common prefix is outside");
  assert.ok(!insideFolders("file:///usr/lib/node_modules/typescript/lib/lib.d.ts", folders));
  assert.ok(!insideFolders("file:///home/u/proj/a.js", []));
});

function sym(name: string, uri: string, line = 0): SymbolInformation {
  return { name, kind: 12, location: { uri, range: range(line, line + 1) } };
}

test("selectSymbols drops outside-workspace symbols, duplicates and unnamed ones, and caps", () => {
  const folders = ["file:///w"];
  const input = [
    sym("a", "file:///w/x.js"),
    sym("a", "file:///w/x.js"), // same symbol from the document provider
    sym("a", "file:///w/x.js", 5), // same name, other place: kept
    sym("lib", "file:///usr/lib/lib.d.ts"),
    sym("", "file:///w/x.js", 9),
    sym("<function>", "file:///w/x.js", 10),
    sym("formatDate()", "file:///w/x.js", 11),
    sym("b", "file:///w/y.py"),
  ];
  assert.deepEqual(
    selectSymbols(input, folders).map((s) => `${s.name}@${s.location.range.start.line}`),
    ["a@0", "a@5", "formatDate@11", "b@0"],
  );
  assert.equal(selectSymbols(input, folders, 2).length, 2);
  assert.deepEqual(selectSymbols(input, []), []);
});

test("unsent skips documents whose symbols were already pushed unchanged", () => {
  const sent = new Map<string, string>();
  const first = [sym("a", "file:///w/x.js"), sym("b", "file:///w/x.js", 3), sym("c", "file:///w/y.js")];
  assert.equal(unsent(first, sent).length, 3);
  assert.deepEqual(unsent(first, sent), [], "nothing changed");
  const moved = [sym("a", "file:///w/x.js"), sym("b", "file:///w/x.js", 4), sym("c", "file:///w/y.js")];
  assert.deepEqual(
    unsent(moved, sent).map((s) => s.name),
    ["a", "b"],
    "a changed document is sent whole; the unchanged one is not",
  );
});

test("symbol names: TypeScript's call suffix and anonymous placeholders", () => {
  assert.equal(symbolName("formatDate()"), "formatDate");
  assert.equal(symbolName("isBlank"), "isBlank");
  assert.equal(symbolName("<unknown>"), undefined);
  assert.equal(symbolName("  "), undefined);
});

test("document symbols replace workspace symbols of the same file", () => {
  const merged = preferDocumentSymbols(
    [sym("a()", "file:///w/x.js"), sym("b", "file:///w/y.js")],
    [sym("a", "file:///w/x.js"), sym("inner", "file:///w/x.js", 2)],
  );
  assert.deepEqual(
    merged.map((s) => `${s.name}@${s.location.uri}`),
    ["b@file:///w/y.js", "a@file:///w/x.js", "inner@file:///w/x.js"],
  );
});
