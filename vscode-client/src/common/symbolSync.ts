// Pushes the editor's own symbols (from every language extension installed) to the server,
// which trusts them over its own index for the files they cover. Any language: a file of one
// Outrigger has no grammar for gets the code actions once its symbols are pushed.

import * as vscode from "vscode";
import { ServerController } from "./server";
import {
  EditorDocumentSymbol,
  flattenDocumentSymbols,
  fromEditorSymbol,
  preferDocumentSymbols,
  PUSH_SYMBOLS,
  selectSymbols,
  unsent,
  SymbolInformation,
} from "./symbols";

const DEBOUNCE_MS = 1500;
/** A language's symbol provider may still be starting when its file opens: ask again. */
const RETRY_MS = [3000, 8000, 20000];

function isSymbolInformation(value: unknown): value is vscode.SymbolInformation {
  return typeof value === "object" && value !== null && "location" in value && "name" in value;
}

function isDocumentSymbol(value: unknown): value is vscode.DocumentSymbol {
  return typeof value === "object" && value !== null && "selectionRange" in value && "range" in value;
}

export class SymbolSync implements vscode.Disposable {
  private readonly pending = new Set<string>();
  /** What was last sent per document, so unchanged symbols are not sent again. */
  private readonly sent = new Map<string, string>();
  private workspacePending = false;
  private timer: NodeJS.Timeout | undefined;
  /** Documents that had no symbols yet, by how many times they were asked again. */
  private readonly retries = new Map<string, number>();
  private readonly retryTimers = new Set<NodeJS.Timeout>();
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    private readonly server: ServerController,
    private readonly output: vscode.LogOutputChannel,
  ) {
    this.disposables.push(
      vscode.workspace.onDidSaveTextDocument((doc) => this.scheduleDocument(doc)),
      // The server knows a file without a grammar only from these symbols, which an edit voids.
      vscode.workspace.onDidChangeTextDocument((event) => {
        if (event.contentChanges.length > 0 && server.servesByPush(event.document)) {
          this.sent.delete(event.document.uri.toString());
          this.scheduleDocument(event.document);
        }
      }),
      // Visible editors rather than onDidOpenTextDocument: documents also "open" when any
      // feature (the refactor preview, a symbol provider) merely reads them.
      vscode.window.onDidChangeVisibleTextEditors((editors) => editors.forEach((e) => this.scheduleDocument(e.document))),
      server.onDidChangeState((state) => {
        if (state === "running") {
          this.scheduleAll();
        }
      }),
    );
  }

  /** Workspace symbols plus every open document. */
  scheduleAll(): void {
    this.workspacePending = true;
    this.sent.clear();
    for (const editor of vscode.window.visibleTextEditors) {
      this.scheduleDocument(editor.document);
    }
    this.arm();
  }

  private scheduleDocument(doc: vscode.TextDocument): void {
    if (doc.uri.scheme === "file") {
      this.pending.add(doc.uri.toString());
      this.arm();
    }
  }

  private arm(): void {
    if (this.timer) {
      clearTimeout(this.timer);
    }
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.flush().catch((error: unknown) => this.output.warn(`Pushing symbols: ${String(error)}`));
    }, DEBOUNCE_MS);
  }

  private async flush(): Promise<void> {
    const client = this.server.running;
    if (!client) {
      return;
    }
    const documents = [...this.pending];
    const withWorkspace = this.workspacePending;
    this.pending.clear();
    this.workspacePending = false;

    const fromWorkspace = withWorkspace ? await this.workspaceSymbols() : [];
    const fromDocuments: SymbolInformation[] = [];
    const withSymbols = new Set<string>(); // documents (URIs) the editor has symbols for
    for (const uri of documents) {
      const found = await this.documentSymbols(vscode.Uri.parse(uri));
      fromDocuments.push(...found);
      if (found.length > 0) {
        withSymbols.add(uri);
      } else {
        this.retryLater(uri);
      }
    }
    const collected = preferDocumentSymbols(fromWorkspace, fromDocuments);
    const folders = (vscode.workspace.workspaceFolders ?? []).map((f) => f.uri.toString());
    const symbols = unsent(selectSymbols(collected, folders), this.sent);
    if (symbols.length === 0 || !client.isRunning()) {
      return;
    }
    await client.sendNotification(PUSH_SYMBOLS, { symbols });
    this.output.debug(`Pushed ${symbols.length} editor symbols`);
    for (const document of vscode.workspace.textDocuments) {
      // Served from now on, the file is opened in the server, which drops the symbols it had
      // for it (they described the text before): push them again.
      if (withSymbols.has(document.uri.toString()) && this.server.serveFile(document)) {
        this.sent.delete(document.uri.toString());
        this.scheduleDocument(document);
      }
    }
  }

  private retryLater(uri: string): void {
    const tries = this.retries.get(uri) ?? 0;
    const document = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri);
    if (tries >= RETRY_MS.length || !document || this.server.serves(document)) {
      return;
    }
    this.retries.set(uri, tries + 1);
    const timer = setTimeout(() => {
      this.retryTimers.delete(timer);
      this.pending.add(uri);
      this.arm();
    }, RETRY_MS[tries]);
    this.retryTimers.add(timer);
  }

  private async workspaceSymbols(): Promise<SymbolInformation[]> {
    const found = await vscode.commands.executeCommand<unknown[]>("vscode.executeWorkspaceSymbolProvider", "");
    return (found ?? []).filter(isSymbolInformation).map(fromVscodeSymbol);
  }

  private async documentSymbols(uri: vscode.Uri): Promise<SymbolInformation[]> {
    const found = await vscode.commands.executeCommand<unknown[]>("vscode.executeDocumentSymbolProvider", uri);
    const items = found ?? [];
    const trees: EditorDocumentSymbol[] = items.filter(isDocumentSymbol);
    if (trees.length > 0) {
      return flattenDocumentSymbols(uri.toString(), trees);
    }
    return items.filter(isSymbolInformation).map(fromVscodeSymbol);
  }

  dispose(): void {
    if (this.timer) {
      clearTimeout(this.timer);
    }
    this.retryTimers.forEach((timer) => clearTimeout(timer));
    this.disposables.forEach((d) => {
      d.dispose();
    });
  }
}

function fromVscodeSymbol(s: vscode.SymbolInformation): SymbolInformation {
  return fromEditorSymbol({
    name: s.name,
    kind: s.kind,
    containerName: s.containerName,
    uri: s.location.uri.toString(),
    range: s.location.range,
  });
}
