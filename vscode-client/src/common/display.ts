// Shows a command result: a notification, or a markdown preview for a long answer (opened while
// the model writes it, and filled as it comes). Answers and diffs are read-only virtual
// documents: closing them never asks to save anything.

import * as vscode from "vscode";
import { answerDocument, AnswerStream, AskResult, PartialAnswer, presentation } from "./results";

const SCHEME = "outrigger-result";
const KEPT = 20;

export class ResultView implements vscode.Disposable {
  private readonly documents = new Map<string, string>();
  private count = 0;
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  private readonly registration = vscode.workspace.registerTextDocumentContentProvider(SCHEME, {
    onDidChange: this.changed.event,
    provideTextDocumentContent: (uri) => this.documents.get(uri.toString()) ?? "",
  });

  /** `live`: the answer's page the request has filled as the model wrote, if it opened one. */
  async show(result: AskResult, request: string, live?: LiveAnswer): Promise<void> {
    if (live?.page) {
      this.fill(live.page, live.stream.final(result));
      if (result.kind === "answer") {
        return; // the page holds it: no second page, no toast
      }
    }
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

  /** A new answer page, shown (not awaited: parts keep filling it while it opens). */
  openPage(content: string): vscode.Uri {
    const uri = this.document("Outrigger answer.md", content);
    void this.showPage(uri);
    return uri;
  }

  /** New text for a page: an open preview of it follows. */
  fill(uri: vscode.Uri, content: string): void {
    this.documents.set(uri.toString(), content);
    this.changed.fire(uri);
  }

  private async showMarkdown(content: string): Promise<void> {
    await this.showPage(this.document("Outrigger answer.md", content));
  }

  private async showPage(uri: vscode.Uri): Promise<void> {
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
    this.changed.dispose();
  }
}

/** One answer's page as the model writes it (AnswerStream decides when it opens and what it holds). */
export class LiveAnswer {
  readonly stream: AnswerStream;
  page: vscode.Uri | undefined;

  constructor(
    private readonly view: ResultView,
    request: string,
  ) {
    this.stream = new AnswerStream(request);
  }

  /** One part of the answer: the page opened or filled; returns the progress message. */
  take(part: PartialAnswer): string {
    const step = this.stream.step(part);
    if (step.page !== undefined) {
      if (this.page === undefined) {
        this.page = this.view.openPage(step.page);
      } else {
        this.view.fill(this.page, step.page);
      }
    }
    return step.message;
  }

  /** The request ended without a result (cancelled, failed): the page says so. */
  stop(why: string): void {
    if (this.page !== undefined) {
      this.view.fill(this.page, this.stream.final({ kind: "not-applied", message: why }));
    }
  }
}
