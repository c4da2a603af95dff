// Activation: output channel, status bar, commands, then the language server.

import * as vscode from "vscode";
import { Commands } from "./common/commands";
import { selectModel } from "./common/selectModel";
import { ServerController } from "./common/server";
import { affectsModel, affectsServer, getSettings } from "./common/settings";
import { ActivityTracker } from "./common/status";
import { StatusBar } from "./common/statusBar";
import { SymbolSync } from "./common/symbolSync";

let server: ServerController | undefined;

export function activate(context: vscode.ExtensionContext): void {
  const output = vscode.window.createOutputChannel("Outrigger", { log: true });
  const statusBar = new StatusBar(getSettings().model);
  const activity = new ActivityTracker((state) => statusBar.setActivity(state));
  server = new ServerController(output);
  const symbols = new SymbolSync(server, output);
  const commands = new Commands(server, activity, output);

  context.subscriptions.push(
    output,
    statusBar,
    server,
    symbols,
    server.onDidChangeState((state) => activity.server(state)),
    ...commands.register(),
    vscode.commands.registerCommand("outrigger.client.selectModel", selectModel),
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (affectsModel(event)) {
        // The server hears about it through workspace/didChangeConfiguration.
        statusBar.setModel(getSettings().model);
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
