import * as vscode from "vscode";
import { ModelSettings } from "./config";
import { StatusModel, statusText, statusTooltip } from "./status";

/** The model in use and its state; a click offers Select Model / Endpoint. */
export class StatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem("outrigger.status", vscode.StatusBarAlignment.Right, 100);
  readonly model = new StatusModel(() => this.render());

  constructor(private settings: ModelSettings) {
    this.item.name = "Outrigger";
    this.item.command = "outrigger.client.selectModel";
    this.render();
    this.item.show();
  }

  setSettings(settings: ModelSettings): void {
    this.settings = settings;
    this.model.forget();
  }

  private render(): void {
    const state = this.model.state;
    // The server's name for the model once it reported one: it is what actually answers.
    this.item.text = statusText(this.model.status?.model ?? this.settings.name, state, this.model.percent);
    this.item.tooltip = statusTooltip(this.settings, this.model.status, state);
    this.item.backgroundColor =
      state === "unreachable" || state === "stopped" ? new vscode.ThemeColor("statusBarItem.errorBackground") : undefined;
  }

  dispose(): void {
    this.item.dispose();
  }
}
