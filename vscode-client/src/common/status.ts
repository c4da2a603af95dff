// Status bar text and the in-flight counter behind it. No `vscode` import.

import type { ModelSettings } from "./config";

export type Activity = "starting" | "idle" | "thinking" | "error";

export function statusText(model: string, activity: Activity): string {
  return `$(rocket) Outrigger: ${model} · ${activity}`;
}

export function statusTooltip(model: ModelSettings): string {
  const where = model.baseUrl ? `${model.api} server at ${model.baseUrl}` : "embedded local model (llama.cpp)";
  return `Outrigger: ${model.name} — ${where}. Click to select the model or endpoint.`;
}

/** Thinking while any request is in flight; the last failure shows as error until the next success. */
export class ActivityTracker {
  private inFlight = 0;
  private failed = false;
  private serverUp = false;
  private starting = true;

  constructor(private readonly onChange: (activity: Activity) => void = () => undefined) {}

  get activity(): Activity {
    if (this.inFlight > 0) {
      return "thinking";
    }
    if (this.starting) {
      return "starting";
    }
    return this.failed || !this.serverUp ? "error" : "idle";
  }

  server(state: "starting" | "running" | "stopped"): void {
    this.starting = state === "starting";
    this.serverUp = state === "running";
    if (state === "running") {
      this.failed = false;
    }
    this.onChange(this.activity);
  }

  begin(): void {
    this.inFlight += 1;
    this.onChange(this.activity);
  }

  end(ok: boolean): void {
    this.inFlight = Math.max(0, this.inFlight - 1);
    this.failed = !ok;
    this.onChange(this.activity);
  }
}
