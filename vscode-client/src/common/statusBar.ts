import * as vscode from "vscode";
import { ModelSettings } from "./config";
import { Activity, statusText, statusTooltip } from "./status";

export class StatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem("outrigger.status", vscode.StatusBarAlignment.Right, 100);
  private activity: Activity = "starting";

  constructor(private model: ModelSettings) {
    this.item.name = "Outrigger";
    this.item.command = "outrigger.client.selectModel";
    this.render();
    this.item.show();
  }

  setModel(model: ModelSettings): void {
    this.model = model;
    this.render();
  }

  setActivity(activity: Activity): void {
    this.activity = activity;
    this.render();
  }

  private render(): void {
    this.item.text = statusText(this.model.name, this.activity);
    this.item.tooltip = statusTooltip(this.model);
    this.item.backgroundColor =
      this.activity === "error" ? new vscode.ThemeColor("statusBarItem.errorBackground") : undefined;
  }

  dispose(): void {
    this.item.dispose();
  }
}
