// Client-side commands. Each one ends in a server command sent with a cancellation token; the
// server's own commands run from code actions come through here too, so their results show.

import * as vscode from "vscode";
import { randomUUID } from "node:crypto";
import { ExecuteCommandParams, ExecuteCommandRequest, WorkDoneProgress } from "vscode-languageclient/node";
import { Cancelled, raceCancellation } from "./cancel";
import { LiveAnswer, ResultView } from "./display";
import { PercentProgress } from "./progress";
import { aboutRequest, AskResult, PARTIAL_ANSWER, parseAskAboutArgs, parseAskResult, parsePartialAnswer, parseHistory } from "./results";
import { EditReview } from "./review";
import { ServerController } from "./server";
import { parseStatus, StatusModel } from "./status";

interface AskArgument {
  request: string;
  textDocument?: { uri: string };
  position?: { line: number; character: number };
}

const STATUS_POLL_MS = 1500;

export class Commands {
  constructor(
    private readonly server: ServerController,
    private readonly status: StatusModel,
    private readonly results: ResultView,
    private readonly review: EditReview,
    private readonly output: vscode.LogOutputChannel,
  ) {}

  register(): vscode.Disposable[] {
    return [
      vscode.commands.registerCommand("outrigger.client.ask", () => this.ask()),
      vscode.commands.registerCommand("outrigger.askAbout", (args: unknown) => this.askAbout(args)),
      vscode.commands.registerCommand("outrigger.client.undo", () => this.undo()),
      vscode.commands.registerCommand("outrigger.client.history", () => this.history()),
      vscode.commands.registerCommand("outrigger.client.showOutput", () => this.output.show()),
      vscode.commands.registerCommand("outrigger.client.restart", () => this.server.restart()),
    ];
  }

  async ask(): Promise<void> {
    const editor = vscode.window.activeTextEditor;
    const request = await vscode.window.showInputBox({
      title: "Ask Outrigger",
      prompt: editor ? `About ${vscode.workspace.asRelativePath(editor.document.uri)} or anything in the workspace` : undefined,
      placeHolder: "e.g. rename validateToken to checkToken in src/auth.js",
      ignoreFocusOut: true,
    });
    if (!request?.trim()) {
      return;
    }
    const argument: AskArgument = { request: request.trim() };
    if (editor && editor.document.uri.scheme === "file") {
      const { line, character } = editor.selection.active;
      argument.textDocument = { uri: editor.document.uri.toString() };
      argument.position = { line, character };
    }
    await this.sendAsk(argument);
  }

  async askAbout(raw: unknown): Promise<void> {
    const args = parseAskAboutArgs(raw);
    if (!args) {
      this.output.error(`outrigger.askAbout called with unexpected arguments: ${JSON.stringify(raw)}`);
      return;
    }
    const text = await vscode.window.showInputBox({
      title: `Ask Outrigger about ${args.symbol}`,
      prompt: `Ask Outrigger about ${args.symbol}`,
      placeHolder: "e.g. what does it return? / add input validation",
      ignoreFocusOut: true,
    });
    if (!text?.trim()) {
      return;
    }
    // The words as typed, with the position that says what "it" is: a prefix such as
    // "About `X`:" would hide the verb from the server's reading of the request.
    const argument: AskArgument = { request: text.trim() };
    if (args.textDocument) {
      argument.textDocument = args.textDocument;
    }
    if (args.position) {
      argument.position = args.position;
    }
    await this.sendAsk(argument, aboutRequest(args.symbol, text));
  }

  /** A server command a code action runs (languageclient's executeCommand middleware). */
  async runServerCommand(command: string, args: unknown[]): Promise<unknown> {
    const request = describeArgument(args[0]);
    const live = command === "outrigger.ask" ? new LiveAnswer(this.results, request ?? command) : undefined;
    const raw = await this.execute(command, args, `Outrigger: ${request ?? command}`, live);
    if (command === "outrigger.ask" || command === "outrigger.undo") {
      await this.present(raw, request ?? "undo", live);
    }
    return raw;
  }

  async undo(): Promise<void> {
    const raw = await this.execute("outrigger.undo", [], "Undoing the last action…");
    await this.present(raw, "undo");
  }

  async history(): Promise<void> {
    const raw = await this.execute("outrigger.history", [], "Reading history…");
    if (raw === undefined) {
      return;
    }
    const entries = parseHistory(raw);
    if (entries.length === 0) {
      void vscode.window.showInformationMessage("Outrigger: nothing done yet in this session.");
      return;
    }
    await vscode.window.showQuickPick(
      entries.map((entry, i) => ({ label: `${i + 1}. ${entry}` })),
      { title: "Outrigger: history (oldest first)" },
    );
  }

  /** Asks the server for the model's state (no notification, no progress). */
  async refreshStatus(): Promise<void> {
    const client = this.server.running;
    if (!client) {
      return;
    }
    const ticket = this.status.ask();
    try {
      const raw: unknown = await client.sendRequest(ExecuteCommandRequest.type, { command: "outrigger.status", arguments: [] });
      const status = parseStatus(raw);
      if (status) {
        this.status.report(status, ticket);
      }
    } catch (error) {
      this.output.debug(`outrigger.status: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  /** `label`: the request as the user sees it (titles, the answer document). */
  private async sendAsk(argument: AskArgument, label = argument.request): Promise<void> {
    const live = new LiveAnswer(this.results, label);
    const raw = await this.execute("outrigger.ask", [argument], `Outrigger: ${label}`, live);
    await this.present(raw, label, live);
  }

  private async present(raw: unknown, request: string, live?: LiveAnswer): Promise<void> {
    if (raw === undefined) {
      live?.stop("the request ended without an answer (cancelled or failed; see the output)");
      return;
    }
    const result: AskResult | undefined = parseAskResult(raw);
    if (!result) {
      this.output.error(`Unexpected result from the server: ${JSON.stringify(raw)}`);
      void vscode.window.showErrorMessage("Outrigger: the server returned an unexpected result (see the output).");
      return;
    }
    if (result.plan) {
      this.output.info(`plan: ${result.plan}`);
    }
    for (const note of result.notes ?? []) {
      this.output.info(`check: ${note}`);
    }
    await this.results.show(result, request, live);
  }

  /**
   * Runs a server command inside a cancellable notification that also shows the server's
   * work-done progress (percentages move its bar); undefined when cancelled or failed. `live`
   * takes the parts of an answer the server sends as the model writes it.
   */
  private async execute(command: string, args: unknown[], title: string, live?: LiveAnswer): Promise<unknown> {
    const client = await this.server.ready();
    if (!client) {
      return undefined;
    }
    const workDoneToken = `outrigger-${randomUUID()}`;
    const params: ExecuteCommandParams = { command, arguments: args, workDoneToken };
    this.status.begin();
    // The server knows whether the model is starting for this request or answering it.
    const poll = setInterval(() => void this.refreshStatus(), STATUS_POLL_MS);
    try {
      return await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: title.length > 80 ? title.slice(0, 79) + "…" : title, cancellable: true },
        async (progress, token) => {
          const percent = new PercentProgress();
          // The begin message repeats the request, already in the title; reports are the steps.
          const listener = client.onProgress(WorkDoneProgress.type, workDoneToken, (value) => {
            if (value.kind === "report") {
              progress.report(percent.step(value.message, value.percentage));
              this.status.progress(percent.percent);
            }
          });
          const reviewing = this.review.onDidStart(({ instruction, warning }) => {
            progress.report({ message: warning ? `${instruction}. ${warning}` : instruction });
          });
          const parts = live
            ? client.onNotification(PARTIAL_ANSWER, (raw: unknown) => {
                const part = parsePartialAnswer(raw);
                if (part && part.token === workDoneToken) {
                  progress.report({ message: live.take(part) });
                }
              })
            : undefined;
          try {
            return await raceCancellation(client.sendRequest(ExecuteCommandRequest.type, params, token) as Promise<unknown>, token);
          } finally {
            listener.dispose();
            reviewing.dispose();
            parts?.dispose();
          }
        },
      );
    } catch (error) {
      if (error instanceof Cancelled) {
        this.review.reject("the request was cancelled");
        this.output.info(`${command}: cancelled`);
        return undefined;
      }
      // Includes the server's JSON-RPC errors, e.g. "outrigger.ask: invalid arguments: …".
      const message = error instanceof Error ? error.message : String(error);
      this.output.error(`${command} failed: ${message}`);
      void vscode.window.showErrorMessage(`Outrigger: ${message}`, "Show Output").then((choice) => {
        if (choice === "Show Output") {
          this.output.show();
        }
      });
      return undefined;
    } finally {
      clearInterval(poll);
      this.status.end();
      void this.refreshStatus();
    }
  }
}

/** The request of an `outrigger.ask` argument, for titles and the answer page. */
function describeArgument(argument: unknown): string | undefined {
  if (typeof argument === "object" && argument !== null) {
    const request = (argument as Record<string, unknown>).request;
    return typeof request === "string" ? request : undefined;
  }
  return undefined;
}
