// The status bar's model and state: what `outrigger.status` reports, overridden while this
// client has requests in flight or the server is not up. No `vscode` import.

import type { ModelSettings } from "./config";

export type ModelState = "starting" | "ready" | "busy" | "unreachable";
/** What the status bar shows: the model's state, or "stopped" when the server is not running. */
export type ShownState = ModelState | "stopped";
export type ServerState = "starting" | "running" | "stopped";

/** `outrigger.status`'s result (server/outrigger/lsp/params.py StatusResult). */
export interface ModelStatus {
  model: string;
  state: ModelState;
  message: string;
  endpoint?: string;
  sandbox?: string; // where proposed code (the project's tests, examples) runs
  completion?: string; // what inline completion's guards dropped and shortened, in a sentence
}

const STATES: readonly string[] = ["starting", "ready", "busy", "unreachable"];

export function parseStatus(raw: unknown): ModelStatus | undefined {
  if (typeof raw !== "object" || raw === null) {
    return undefined;
  }
  const r = raw as Record<string, unknown>;
  if (typeof r.model !== "string" || typeof r.state !== "string" || !STATES.includes(r.state) || typeof r.message !== "string") {
    return undefined;
  }
  const status: ModelStatus = { model: r.model, state: r.state as ModelState, message: r.message };
  if (typeof r.endpoint === "string") {
    status.endpoint = r.endpoint;
  }
  if (typeof r.sandbox === "string" && r.sandbox) {
    status.sandbox = r.sandbox;
  }
  const completion = r.completion as Record<string, unknown> | null | undefined;
  if (typeof completion === "object" && completion !== null && typeof completion.message === "string") {
    status.completion = completion.message;
  }
  return status;
}

export function statusText(model: string, state: ShownState, percent?: number): string {
  const icon = state === "busy" || state === "starting" ? "$(sync~spin)" : "$(rocket)";
  return `${icon} Outrigger: ${model} · ${state}${percent !== undefined ? ` ${percent}%` : ""}`;
}

export function statusTooltip(model: ModelSettings, status: ModelStatus | undefined, state: ShownState): string {
  if (state === "stopped") {
    return "The Outrigger server is not running (see Outrigger: Show Output). Click to select the model or endpoint.";
  }
  const where = model.baseUrl ? `${model.api} server at ${model.baseUrl}` : "embedded local model (llama.cpp)";
  const said = status ? ` ${/[.!?]$/.test(status.message) ? status.message : `${status.message}.`}` : "";
  const tests = status?.sandbox ? ` Proposed code (the project's tests) runs ${status.sandbox}.` : "";
  const completion = status?.completion ? ` ${status.completion}` : "";
  return `Outrigger: ${model.name} — ${where}.${said}${tests}${completion} Click to select the model or endpoint.`;
}

/** The state to show, from the server process, this client's requests and the last status. */
export class StatusModel {
  private serverState: ServerState = "starting";
  private inFlight = 0;
  private reported: ModelStatus | undefined;
  private asked = 0; // status requests numbered so far
  private answered = 0; // the newest request whose answer is shown; older answers are stale
  private progressPercent: number | undefined;

  constructor(private readonly onChange: () => void = () => undefined) {}

  get state(): ShownState {
    if (this.serverState !== "running") {
      return this.serverState;
    }
    if (this.inFlight > 0) {
      return this.reported?.state === "starting" ? "starting" : "busy";
    }
    return this.reported?.state ?? "ready";
  }

  get status(): ModelStatus | undefined {
    return this.reported;
  }

  /** The running request's last percentage, while one runs. */
  get percent(): number | undefined {
    return this.inFlight > 0 ? this.progressPercent : undefined;
  }

  server(state: ServerState): void {
    this.serverState = state;
    this.onChange();
  }

  /** Numbers a status request before it is sent; its answer goes to `report` with the number. */
  ask(): number {
    return ++this.asked;
  }

  /** A status answer, unless a newer request was answered already or the settings changed
   * since it was asked: requests overlap, and their answers can arrive out of order. */
  report(status: ModelStatus, ticket: number = this.ask()): void {
    if (ticket <= this.answered) {
      return;
    }
    this.answered = ticket;
    this.reported = status;
    this.onChange();
  }

  /** The settings changed: the last report, and answers still on their way, describe the old model. */
  forget(): void {
    this.answered = this.asked;
    this.reported = undefined;
    this.onChange();
  }

  progress(percent: number | undefined): void {
    this.progressPercent = percent;
    this.onChange();
  }

  begin(): void {
    this.inFlight += 1;
    this.onChange();
  }

  end(): void {
    this.inFlight = Math.max(0, this.inFlight - 1);
    if (this.inFlight === 0) {
      this.progressPercent = undefined;
    }
    this.onChange();
  }
}
