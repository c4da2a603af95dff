import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { announcedLanguages, announcedPath, FALLBACK_LANGUAGES, selectorFor } from "../common/languages";

const rust = { name: "rust", title: "Rust", extensions: [".rs"] };
const go = { name: "go", title: "Go", extensions: [".go"] };

test("the announced languages come from capabilities.experimental.outrigger", () => {
  assert.deepEqual(announcedLanguages({ experimental: { outrigger: { languages: [rust, go] } } }), [rust, go]);
  assert.equal(announcedLanguages({}), undefined);
  assert.equal(announcedLanguages({ experimental: { outrigger: { languages: "rust" } } }), undefined);
  // A malformed entry is skipped, not trusted as a glob.
  assert.deepEqual(announcedLanguages({ experimental: { outrigger: { languages: [rust, { name: "x", title: "X", extensions: ["*"] }] } } }), [rust]);
});

test("the selector matches files by the announced extensions", () => {
  assert.deepEqual(selectorFor([rust, go]), [{ scheme: "file", pattern: "**/*.{rs,go}" }]);
  assert.ok(announcedPath([rust], "/src/Main.RS"));
  assert.ok(!announcedPath([rust], "/src/main.rsx.txt"));
});

test("the fallback is package.json's activation languages", () => {
  const manifest = JSON.parse(readFileSync(join(__dirname, "../../package.json"), "utf8")) as { activationEvents: string[] };
  const activation = manifest.activationEvents.filter((e) => e.startsWith("onLanguage:")).map((e) => e.slice("onLanguage:".length));
  assert.deepEqual(activation, FALLBACK_LANGUAGES);
});
