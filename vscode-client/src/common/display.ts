// Shows a command result: a notification, or a markdown preview for a long answer. Answers and
// diffs are read-only virtual documents: closing them never asks to save anything.

import * as vscode from "vscode";
import { answerDocument, AskResult, presentation } from "./results";

const SCHEME = "outrigger-result";
const KEPT = 20;

export class ResultView implements vscode.Disposable {
  private readonly documents = new Map<string, string>();
  private count = 0;
  private readonly registration = vscode.workspace.registerTextDocumentContentProvider(SCHEME, {
    provideTextDocumentContent: (uri) => this.documents.get(uri.toString()) ?? "",
  });

  async show(result: AskResult, request: string): Promise<void> {
    const shown = presentation(result);
    switch (shown.show) {
      case "markdown":
        await this.showMarkdown(answerDocument(request, shown.text));
        return;
      case "warning":
      case "info": {
        const notify = (message: string, ...items: string[]) =>
          shown.show === "warning" ? vscode.window.showWarningMessage(message, ...items) : vscode.window.showInformationMessage(message, ...items);
        const preview = shown.preview;
        if (preview === undefined) {
          void notify(`Outrigger: ${shown.text}`);
          return;
        }
        // Not awaited: the notification stays until dismissed and must not hold the status at "busy".
        void notify(`Outrigger: ${shown.text}`, "Show Diff").then(async (choice) => {
          if (choice === "Show Diff") {
            await vscode.window.showTextDocument(this.document("Outrigger change.diff", preview), { preview: true });
          }
        });
        return;
      }
    }
  }

  private async showMarkdown(content: string): Promise<void> {
    const uri = this.document("Outrigger answer.md", content);
    try {
      await vscode.commands.executeCommand("markdown.showPreview", uri);
    } catch {
      // The built-in markdown extension may be disabled: the text itself still reads fine.
      await vscode.window.showTextDocument(uri, { preview: true });
    }
  }

  private document(name: string, content: string): vscode.Uri {
    const uri = vscode.Uri.from({ scheme: SCHEME, path: `/${++this.count}/${name}` });
    this.documents.set(uri.toString(), content);
    for (const old of [...this.documents.keys()].slice(0, -KEPT)) {
      this.documents.delete(old);
    }
    return uri;
  }

  dispose(): void {
    this.registration.dispose();
  }
}
