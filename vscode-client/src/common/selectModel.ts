// "Outrigger: Select Model / Endpoint": writes outrigger.model.* settings.

import * as vscode from "vscode";
import {
  DEFAULT_OLLAMA_URL,
  DEFAULT_OPENAI_URL,
  EndpointChoice,
  modelUpdate,
  SECTION,
  validateBaseUrl,
} from "./config";
import { getSettings } from "./settings";

interface EndpointItem extends vscode.QuickPickItem {
  choice: EndpointChoice;
}

interface TargetItem extends vscode.QuickPickItem {
  target: vscode.ConfigurationTarget;
}

async function pickTarget(): Promise<vscode.ConfigurationTarget | undefined> {
  if (!vscode.workspace.workspaceFolders?.length) {
    return vscode.ConfigurationTarget.Global;
  }
  const items: TargetItem[] = [
    { label: "This workspace", description: "workspace settings", target: vscode.ConfigurationTarget.Workspace },
    { label: "All workspaces", description: "user settings", target: vscode.ConfigurationTarget.Global },
  ];
  const picked = await vscode.window.showQuickPick(items, { title: "Outrigger: save the model choice for…" });
  return picked?.target;
}

export async function selectModel(): Promise<void> {
  const current = getSettings().model;
  const items: EndpointItem[] = [
    { label: "Embedded local model (Qwen2.5-Coder-0.5B via llama.cpp)", choice: "embedded" },
    { label: "llama.cpp / LM Studio / vLLM (OpenAI-compatible)…", choice: "openai" },
    { label: "Ollama…", choice: "ollama" },
  ];
  for (const item of items) {
    const active = item.choice === "embedded" ? !current.baseUrl : current.baseUrl !== "" && current.api === item.choice;
    if (active) {
      item.description = current.baseUrl ? `current: ${current.name} at ${current.baseUrl}` : "current";
    }
  }
  const picked = await vscode.window.showQuickPick(items, { title: "Outrigger: Select Model / Endpoint" });
  if (!picked) {
    return;
  }

  let baseUrl = "";
  let name = "";
  if (picked.choice !== "embedded") {
    const sameKind = current.baseUrl !== "" && current.api === picked.choice;
    const url = await vscode.window.showInputBox({
      title: picked.choice === "ollama" ? "Ollama base URL" : "OpenAI-compatible base URL",
      value: sameKind ? current.baseUrl : picked.choice === "ollama" ? DEFAULT_OLLAMA_URL : DEFAULT_OPENAI_URL,
      validateInput: validateBaseUrl,
      ignoreFocusOut: true,
    });
    if (url === undefined) {
      return;
    }
    const model = await vscode.window.showInputBox({
      title: "Model name",
      prompt: picked.choice === "ollama" ? "As listed by `ollama list`, e.g. qwen2.5-coder:1.5b" : "As the server names it (GET /v1/models)",
      value: sameKind ? current.name : "",
      validateInput: (text) => (text.trim() ? undefined : "Enter a model name"),
      ignoreFocusOut: true,
    });
    if (model === undefined) {
      return;
    }
    baseUrl = url;
    name = model;
  }

  const target = await pickTarget();
  if (target === undefined) {
    return;
  }
  const update = modelUpdate(picked.choice, baseUrl, name);
  const config = vscode.workspace.getConfiguration(SECTION);
  await config.update("model.baseUrl", update.baseUrl, target);
  await config.update("model.name", update.name, target);
  await config.update("model.api", update.api, target);
  void vscode.window.showInformationMessage(
    `Outrigger now uses ${update.baseUrl ? `${update.name} at ${update.baseUrl}` : "the embedded local model"}.`,
  );
}
