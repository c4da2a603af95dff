// Activation: output channel, status bar, the edit review, commands, then the language server.

import * as vscode from "vscode";
import { Commands } from "./common/commands";
import { ResultView } from "./common/display";
import { EditReview } from "./common/review";
import { selectModel } from "./common/selectModel";
import { ServerController } from "./common/server";
import { affectsModel, affectsServer, getSettings } from "./common/settings";
import { StatusBar } from "./common/statusBar";
import { SymbolSync } from "./common/symbolSync";

/** Time for languageclient to send workspace/didChangeConfiguration before the status is asked. */
const SETTLE_MS = 500;

let server: ServerController | undefined;

export function activate(context: vscode.ExtensionContext): void {
  const output = vscode.window.createOutputChannel("Outrigger", { log: true });
  const statusBar = new StatusBar(getSettings().model);
  const review = new EditReview(output);
  const results = new ResultView();
  server = new ServerController(output, review);
  const symbols = new SymbolSync(server, output);
  const commands = new Commands(server, statusBar.model, results, review, output);
  server.commandRunner = (command, args) => commands.runServerCommand(command, args);

  context.subscriptions.push(
    output,
    statusBar,
    review,
    results,
    server,
    symbols,
    server.onDidChangeState((state) => {
      statusBar.model.server(state);
      if (state === "running") {
        void commands.refreshStatus();
      }
    }),
    ...commands.register(),
    vscode.commands.registerCommand("outrigger.client.selectModel", selectModel),
    vscode.workspace.onDidGrantWorkspaceTrust(() => void server?.trustGranted()),
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (affectsModel(event)) {
        // The server hears about it through workspace/didChangeConfiguration.
        statusBar.setSettings(getSettings().model);
        setTimeout(() => void commands.refreshStatus(), SETTLE_MS);
      }
      if (affectsServer(event)) {
        output.info("Server settings changed: restarting");
        void server?.restart();
      }
    }),
  );

  // Not awaited: activation must not wait for Python; commands wait through server.ready().
  void server.start();
}

export async function deactivate(): Promise<void> {
  await server?.stop();
  server = undefined;
}
