// What the server's commands return, and how each result is shown. No `vscode` import.

export type ResultKind = "answer" | "edit" | "refused" | "not-applied";

/** `outrigger.ask`'s result, as server/outrigger/lsp/params.py declares it. */
export interface AskResult {
  kind: ResultKind;
  message: string; // the answer, the edit's one-sentence summary, or why nothing changed
  preview?: string; // edits: the unified diff of every file
  plan?: string; // what the planner decided, in one line; a task lists its steps on the lines after
  notes?: string[]; // what the checks found: imports added, the project's tests ("Warning: …" when they fail)
}

const KINDS: readonly string[] = ["answer", "edit", "refused", "not-applied"];

/** Validates a command result; undefined when it does not have the contract's shape. */
export function parseAskResult(raw: unknown): AskResult | undefined {
  if (typeof raw !== "object" || raw === null) {
    return undefined;
  }
  const r = raw as Record<string, unknown>;
  if (typeof r.kind !== "string" || !KINDS.includes(r.kind) || typeof r.message !== "string") {
    return undefined;
  }
  const result: AskResult = { kind: r.kind as ResultKind, message: r.message };
  if (typeof r.preview === "string" && r.preview !== "") {
    result.preview = r.preview;
  }
  if (typeof r.plan === "string" && r.plan !== "") {
    result.plan = r.plan;
  }
  const notes = Array.isArray(r.notes) ? r.notes.filter((n): n is string => typeof n === "string" && n.trim() !== "") : [];
  if (notes.length > 0) {
    result.notes = notes.map((n) => n.trim());
  }
  return result;
}

/** The warning in the description of an edit's change annotation (the server puts the checks'
 * notes there, so they are seen before the edit is applied), from "Warning:" on. */
export function warningIn(description: string | undefined): string | undefined {
  const at = description?.indexOf("Warning:") ?? -1;
  return description !== undefined && at >= 0 ? description.slice(at).trim() : undefined;
}

/** A note that says the change is risky: the project's tests fail with it (tests.onFailure "warn"). */
export function isWarning(note: string): boolean {
  return note.startsWith("Warning:");
}

export function parseHistory(raw: unknown): string[] {
  if (typeof raw !== "object" || raw === null) {
    return [];
  }
  const entries = (raw as Record<string, unknown>).entries;
  return Array.isArray(entries) ? entries.filter((e): e is string => typeof e === "string") : [];
}

/** Answers longer than this, or of more than two lines, open as a markdown preview (the server's rule too). */
export const LONG_ANSWER_CHARS = 200;
export const LONG_ANSWER_LINES = 2;

export function isLongAnswer(message: string): boolean {
  const text = message.trim();
  return text.length > LONG_ANSWER_CHARS || text.split("\n").length > LONG_ANSWER_LINES;
}

export type Presentation =
  | { show: "info" | "warning"; text: string; preview?: string }
  | { show: "markdown"; text: string };

/** How a result is shown: a notification (the checks' notes after the summary; a warning when
 * one of them is), with the diff one click away, or a markdown page for a long answer. */
export function presentation(result: AskResult): Presentation {
  const text = result.message.trim();
  const notes = result.notes ?? [];
  const withNotes = (summary: string) => [summary, ...notes].join(" ");
  const show = notes.some(isWarning) ? "warning" : "info";
  switch (result.kind) {
    case "answer":
      return isLongAnswer(text) ? { show: "markdown", text } : { show: "info", text: text || "(empty answer)" };
    case "edit":
      return result.preview !== undefined
        ? { show, text: withNotes(text || "Edit applied."), preview: changeDocument(result) }
        : { show, text: withNotes(text || "Edit applied.") };
    case "refused":
      return { show: "warning", text: text || "Outrigger refused the request." };
    case "not-applied":
      return { show: "info", text: withNotes(text || "The edit was not applied.") };
  }
}

/** The "Show Diff" document: the summary, the plan (a task's steps one per line) and the
 * checks' notes as `#` lines a diff viewer passes over, then the unified diff. */
export function changeDocument(result: AskResult): string {
  const comment = (text: string) =>
    text
      .split("\n")
      .map((line) => `# ${line}`.trimEnd())
      .join("\n");
  const header = [result.message.trim(), ...(result.plan ? [`Plan: ${result.plan}`] : []), ...(result.notes ?? [])];
  return `${header.map(comment).join("\n")}\n\n${result.preview ?? ""}`;
}

/** Markdown page for a long answer: the question as a quote, then the answer as the model wrote it. */
export function answerDocument(request: string, message: string): string {
  const quoted = request
    .trim()
    .split("\n")
    .map((line) => "> " + line)
    .join("\n");
  return `# Outrigger\n\n${quoted}\n\n${message.trim()}\n`;
}

/** `outrigger/partialAnswer` (server → client, with the initialization option `partialAnswers`):
 * an answer as the model writes it. `text` is the answer so far; each part replaces the last. */
export const PARTIAL_ANSWER = "outrigger/partialAnswer";

export interface PartialAnswer {
  token: string | number; // the ask's work-done progress token
  text: string;
  tokens: number; // written so far
}

export function parsePartialAnswer(raw: unknown): PartialAnswer | undefined {
  if (typeof raw !== "object" || raw === null) {
    return undefined;
  }
  const r = raw as Record<string, unknown>;
  if ((typeof r.token !== "string" && typeof r.token !== "number") || typeof r.text !== "string") {
    return undefined;
  }
  return { token: r.token, text: r.text, tokens: typeof r.tokens === "number" ? r.tokens : 0 };
}

/** What the progress shows and what the answer's page holds while an answer is written. */
export interface AnswerStep {
  message: string;
  page?: string; // the page's text, once the answer is long enough to have one
}

/**
 * One answer as it comes: while it is short it is the progress message itself; once it is long
 * (the rule that puts a result on a page) it fills the page, marked unfinished, and the progress
 * counts tokens. The result replaces the page: the whole answer, or what came with why it stopped.
 */
export class AnswerStream {
  private last = "";
  private paged = false;

  constructor(private readonly request: string) {}

  get hasPage(): boolean {
    return this.paged;
  }

  step(part: PartialAnswer): AnswerStep {
    this.last = part.text;
    if (!this.paged && !isLongAnswer(part.text)) {
      return { message: part.text.trim() };
    }
    this.paged = true;
    return { message: `writing the answer… (${part.tokens} tokens)`, page: answerDocument(this.request, `${part.text.trimEnd()} …`) };
  }

  /** The page once the request has ended. */
  final(result: AskResult): string {
    if (result.kind === "answer") {
      return answerDocument(this.request, result.message);
    }
    const why = result.message.trim() || "the request ended";
    return answerDocument(this.request, `${this.last.trimEnd()} …\n\n*Outrigger did not finish this answer: ${why}*`);
  }
}

/** "About `X`: text" — the request sent for the "Ask Outrigger about `X`…" code action. */
export function aboutRequest(symbol: string, text: string): string {
  return `About \`${symbol}\`: ${text.trim()}`;
}

export interface AskAboutArgs {
  symbol: string;
  textDocument?: { uri: string };
  position?: { line: number; character: number };
}

export function parseAskAboutArgs(raw: unknown): AskAboutArgs | undefined {
  if (typeof raw !== "object" || raw === null) {
    return undefined;
  }
  const r = raw as Record<string, unknown>;
  if (typeof r.symbol !== "string" || r.symbol === "") {
    return undefined;
  }
  const args: AskAboutArgs = { symbol: r.symbol };
  const doc = r.textDocument as Record<string, unknown> | undefined;
  if (typeof doc === "object" && doc !== null && typeof doc.uri === "string") {
    args.textDocument = { uri: doc.uri };
  }
  const pos = r.position as Record<string, unknown> | undefined;
  if (typeof pos === "object" && pos !== null && typeof pos.line === "number" && typeof pos.character === "number") {
    args.position = { line: pos.line, character: pos.character };
  }
  return args;
}
