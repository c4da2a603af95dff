// Starts and stops the Python language server; the one place that builds the LanguageClient.

import * as vscode from "vscode";
import {
  ApplyWorkspaceEditRequest,
  CodeActionKind,
  CodeActionRequest,
  DidChangeConfigurationNotification,
  DidChangeTextDocumentNotification,
  DidCloseTextDocumentNotification,
  DidOpenTextDocumentNotification,
  ExecuteCommandRequest,
  FeatureState,
  LanguageClient,
  LanguageClientOptions,
  ProposedFeatures,
  RevealOutputChannelOn,
  ServerCapabilities,
  ServerOptions,
  State,
  StaticFeature,
  TextDocumentRegistrationOptions,
  TextDocumentSyncKind,
} from "vscode-languageclient/node";
import { initializationOptions, SECTION, serverCommand, serverExecutable, serverModule, trustCommand, wireSection } from "./config";
import { AnnouncedLanguage, announcedLanguages, announcedPath, FALLBACK_LANGUAGES, fallbackSelector, FileFilter, selectorFor } from "./languages";
import { checkPython, describePreflight } from "./preflight";
import { EditReview } from "./review";
import { getSettings } from "./settings";
import type { ServerState } from "./status";

/** Reads the server's announced languages before languageclient registers its features, and
 * puts them in the document selector those features are registered with. */
class AnnouncedLanguages implements StaticFeature {
  constructor(private readonly announce: (languages: AnnouncedLanguage[] | undefined, selector: FileFilter[]) => void) {}

  fillClientCapabilities(): void {}

  preInitialize(capabilities: ServerCapabilities, documentSelector: unknown): void {
    const languages = announcedLanguages(capabilities);
    if (languages && Array.isArray(documentSelector)) {
      documentSelector.splice(0, documentSelector.length, ...selectorFor(languages));
    }
    this.announce(languages, Array.isArray(documentSelector) ? (documentSelector as FileFilter[]) : []);
  }

  initialize(): void {}

  getState(): FeatureState {
    return { kind: "static" };
  }

  clear(): void {}
}

/** The server's working directory: the active file's folder, else the first local one. It
 * serves every folder (one session each, by URI); the directory matters only to its log. */
function workspaceCwd(): string | undefined {
  const active = vscode.window.activeTextEditor?.document.uri;
  const folder = (active && vscode.workspace.getWorkspaceFolder(active)) ?? vscode.workspace.workspaceFolders?.[0];
  return folder?.uri.scheme === "file" ? folder.uri.fsPath : undefined;
}

export class ServerController implements vscode.Disposable {
  private client: LanguageClient | undefined;
  private starting: Promise<LanguageClient | undefined> | undefined;
  private readonly stateEmitter = new vscode.EventEmitter<ServerState>();
  readonly onDidChangeState = this.stateEmitter.event;
  /** Runs the server's commands that code actions carry, so their results are shown. */
  commandRunner: ((command: string, args: unknown[]) => Promise<unknown>) | undefined;
  /** What the running server announced (undefined: not yet, or an older server). */
  private languages: AnnouncedLanguage[] | undefined;
  /** Files served because the editor pushed their symbols (no grammar in Outrigger). */
  private readonly pushedFiles = new Set<string>();

  constructor(
    private readonly output: vscode.LogOutputChannel,
    private readonly review: EditReview,
  ) {}

  /** The running client, starting the server first if needed; undefined if it cannot start. */
  async ready(): Promise<LanguageClient | undefined> {
    if (this.client?.isRunning()) {
      return this.client;
    }
    return this.start();
  }

  get running(): LanguageClient | undefined {
    return this.client?.isRunning() ? this.client : undefined;
  }

  start(): Promise<LanguageClient | undefined> {
    this.starting ??= this.doStart().finally(() => {
      this.starting = undefined;
    });
    return this.starting;
  }

  /** Asks the server to pull its settings again (it does on `settings: null`): after the user
   * trusts the workspace, its own tests may run. */
  async settingsChanged(): Promise<void> {
    await this.running?.sendNotification(DidChangeConfigurationNotification.type, { settings: null });
  }

  /** The user trusted the workspace: the server may now run its code (VS Code keeps the list). */
  async trustGranted(): Promise<void> {
    await this.running?.sendRequest(ExecuteCommandRequest.type, trustCommand(true));
    await this.settingsChanged();
  }

  /** Whether the running server gets this document's code actions and text. */
  serves(document: vscode.TextDocument): boolean {
    if (document.uri.scheme !== "file") {
      return false;
    }
    const byServer = this.languages ? announcedPath(this.languages, document.uri.fsPath) : FALLBACK_LANGUAGES.includes(document.languageId);
    return byServer || this.pushedFiles.has(document.uri.fsPath);
  }

  /** A file Outrigger has no grammar for, whose symbols the editor pushed: it gets the code
   * actions (the server knows its symbols now) and sends its text, as announced languages do.
   * One registration per file (a pattern equal to its path), so that it never overlaps the
   * announced extensions: a document matched twice would be sent twice. */
  serveFile(document: vscode.TextDocument): boolean {
    const client = this.running;
    const path = document.uri.fsPath;
    if (!client || document.uri.scheme !== "file" || this.serves(document)) {
      return false;
    }
    this.pushedFiles.add(path);
    const documentSelector = [{ scheme: "file", pattern: path }];
    const id = (feature: string) => `outrigger-${feature}-${path}`;
    client.getFeature(DidOpenTextDocumentNotification.method).register({ id: id("open"), registerOptions: { documentSelector } });
    client.getFeature(DidChangeTextDocumentNotification.method).register({
      id: id("change"),
      registerOptions: { documentSelector, syncKind: TextDocumentSyncKind.Incremental },
    });
    client.getFeature(DidCloseTextDocumentNotification.method).register({ id: id("close"), registerOptions: { documentSelector } });
    client.getFeature(CodeActionRequest.method).register({
      id: id("codeAction"),
      registerOptions: { documentSelector, codeActionKinds: [CodeActionKind.Refactor, CodeActionKind.RefactorRewrite, CodeActionKind.QuickFix] } as TextDocumentRegistrationOptions,
    });
    this.output.info(`Serving ${vscode.workspace.asRelativePath(document.uri)} (${document.languageId}): the editor pushed its symbols`);
    return true;
  }

  /** Whether the document is served only because its symbols were pushed. */
  servesByPush(document: vscode.TextDocument): boolean {
    return document.uri.scheme === "file" && this.pushedFiles.has(document.uri.fsPath);
  }

  async restart(): Promise<LanguageClient | undefined> {
    await this.stop();
    return this.start();
  }

  async stop(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    if (client) {
      try {
        await client.dispose(5000);
      } catch (error) {
        this.output.warn(`Stopping the server: ${String(error)}`);
      }
    }
    this.stateEmitter.fire("stopped");
  }

  dispose(): void {
    void this.stop();
    this.stateEmitter.dispose();
  }

  private async doStart(): Promise<LanguageClient | undefined> {
    this.stateEmitter.fire("starting");
    const settings = getSettings();
    const { command, args } = serverCommand(settings);
    const module = serverModule(args);
    const cwd = workspaceCwd();

    const preflight = await checkPython(command, module, { cwd });
    if (!preflight.ok) {
      return this.failed(describePreflight(preflight, command, module));
    }
    this.output.info(`Starting: ${command} ${args.join(" ")} (Python ${preflight.version})`);

    const serverOptions: ServerOptions = serverExecutable(settings, cwd, process.env);
    const clientOptions: LanguageClientOptions = {
      // Replaced by the server's announced languages before any feature registers (AnnouncedLanguages).
      documentSelector: fallbackSelector(),
      outputChannel: this.output,
      traceOutputChannel: this.output,
      revealOutputChannelOn: RevealOutputChannelOn.Never,
      initializationOptions: initializationOptions(settings, vscode.workspace.isTrusted),
      synchronize: { configurationSection: SECTION },
      initializationFailedHandler: () => false,
      middleware: {
        executeCommand: async (command, args: unknown[], next): Promise<unknown> =>
          this.commandRunner ? this.commandRunner(command, args) : ((await next(command, args)) as unknown),
        workspace: {
          // "Settings changed" without the values (settings: null): the server pulls them,
          // so they reach it through wireSection below rather than raw.
          didChangeConfiguration: (_sections, next) => next(undefined),
          configuration: async (params, token, next) => {
            const result = await next(params, token);
            if (!Array.isArray(result)) {
              return result;
            }
            return result.map((value: unknown, i) => (params.items[i]?.section === SECTION ? wireSection(value, vscode.workspace.isTrusted) : value));
          },
        },
      },
    };

    const client = new LanguageClient("outrigger", "Outrigger", serverOptions, clientOptions);
    // Inline completion (LSP 3.18's textDocument/inlineCompletion) is still a proposed feature in
    // languageclient 9: ghost text from the server, which outrigger.completion.* switches.
    client.registerFeatures(ProposedFeatures.createAll(client));
    this.languages = undefined;
    this.pushedFiles.clear();
    client.registerFeature(
      new AnnouncedLanguages((languages, selector) => {
        this.languages = languages;
        this.output.info(`Serving ${languages ? [...new Set(languages.map((l) => l.title))].join(", ") : "the fallback languages"} (${JSON.stringify(selector)})`);
      }),
    );
    // Registered before start, so it replaces languageclient's own handler (which applies at once).
    client.onRequest(ApplyWorkspaceEditRequest.type, async (params, token) =>
      this.review.handle(params, (edit) => client.protocol2CodeConverter.asWorkspaceEdit(edit, token), token),
    );
    client.onDidChangeState((event) => {
      if (this.client === client) {
        this.stateEmitter.fire(event.newState === State.Running ? "running" : event.newState === State.Starting ? "starting" : "stopped");
      }
    });
    this.client = client;
    try {
      await client.start();
    } catch (error) {
      this.client = undefined;
      void client.dispose(2000).catch(() => undefined);
      return this.failed(`the server exited during start-up (${error instanceof Error ? error.message : String(error)}). See the Outrigger output for its log.`);
    }
    this.stateEmitter.fire("running");
    return client;
  }

  private failed(reason: string): undefined {
    this.output.error(`Cannot start the server: ${reason}`);
    this.stateEmitter.fire("stopped");
    void vscode.window
      .showErrorMessage(`Outrigger could not start its server: ${reason}`, "Open Settings", "Show Output")
      .then((choice) => {
        if (choice === "Open Settings") {
          void vscode.commands.executeCommand("workbench.action.openSettings", `${SECTION}.server.pythonPath`);
        } else if (choice === "Show Output") {
          this.output.show();
        }
      });
    return undefined;
  }
}
