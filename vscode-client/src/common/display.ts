// Shows a command result: a notification, or a markdown preview for long answers.

import * as vscode from "vscode";
import { answerDocument, AskResult, presentation } from "./results";

async function openUntitled(language: string, content: string): Promise<vscode.TextDocument> {
  return vscode.workspace.openTextDocument({ language, content });
}

export async function showMarkdown(content: string): Promise<void> {
  const document = await openUntitled("markdown", content);
  try {
    await vscode.commands.executeCommand("markdown.showPreview", document.uri);
  } catch {
    // The built-in markdown extension may be disabled: the text itself still reads fine.
    await vscode.window.showTextDocument(document, { preview: true });
  }
}

export async function showResult(result: AskResult, request: string): Promise<void> {
  const shown = presentation(result);
  switch (shown.show) {
    case "markdown":
      await showMarkdown(answerDocument(request, shown.text));
      return;
    case "warning":
      void vscode.window.showWarningMessage(`Outrigger: ${shown.text}`);
      return;
    case "info": {
      const preview = shown.preview;
      if (preview === undefined) {
        void vscode.window.showInformationMessage(`Outrigger: ${shown.text}`);
        return;
      }
      // Not awaited: the notification stays until dismissed and must not hold the status at "thinking".
      void vscode.window.showInformationMessage(`Outrigger: ${shown.text}`, "Show Diff").then(async (choice) => {
        if (choice === "Show Diff") {
          await vscode.window.showTextDocument(await openUntitled("diff", preview), { preview: true });
        }
      });
      return;
    }
  }
}
