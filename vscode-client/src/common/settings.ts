import * as vscode from "vscode";
import { OutriggerSettings, readSettings, SECTION } from "./config";

export function getSettings(scope?: vscode.ConfigurationScope): OutriggerSettings {
  const config = vscode.workspace.getConfiguration(SECTION, scope);
  return readSettings((key) => config.get(key));
}

export function affectsServer(event: vscode.ConfigurationChangeEvent): boolean {
  return event.affectsConfiguration(`${SECTION}.server`);
}

export function affectsModel(event: vscode.ConfigurationChangeEvent): boolean {
  return event.affectsConfiguration(`${SECTION}.model`);
}
