// Outrigger's edits arrive as workspace/applyEdit. An edit of one file opens as a diff (the
// file on the left, the proposal on the right) accepted or rejected with one click: the ✓ / ✗
// in the diff's title bar or in the status bar; closing the diff rejects it. An edit of several
// files (a task that may create and delete files) opens as one multi-file diff with the same
// ✓ / ✗ for the whole change, applied as one WorkspaceEdit (all or nothing); *Pick Changes…*
// opens VS Code's refactor preview instead, to tick some. The proposal is a virtual document,
// so rejecting leaves no file and no dirty buffer behind; accepting is one edit, so one undo step.

import * as vscode from "vscode";
import { ApplyWorkspaceEditParams, ApplyWorkspaceEditResult, TextDocumentEdit, WorkspaceEdit } from "vscode-languageclient/node";
import { FileChange, fileChanges, offsetAt, withoutAnnotations } from "./changes";
import { warningIn } from "./results";
import { applyOffsetEdits } from "./textEdits";

export const PROPOSAL_SCHEME = "outrigger-proposal";
const REVIEWING = "outrigger.reviewing"; // context key: the title-bar buttons show while true
const REVIEWING_MANY = "outrigger.reviewingMany"; // … and Pick Changes…, for a multi-file change

type Decision = { accept: true; pick?: boolean } | { accept: false; reason: string };

/** The editor's WorkspaceEdit for a protocol one (languageclient's converter). */
export type EditConverter = (edit: WorkspaceEdit) => Promise<vscode.WorkspaceEdit>;

/** A review that started: what the user is to do, and what the checks warn of, if anything. */
export interface ReviewStart {
  instruction: string;
  warning?: string;
}

interface Proposal {
  proposalUri: vscode.Uri;
  tabLabel?: string; // the multi-file diff's title
  decide(decision: Decision): void;
}

/** The version each document had when the server computed the edit (null: not open then). */
function sentVersions(params: ApplyWorkspaceEditParams): Map<string, number | null> {
  const versions = new Map<string, number | null>();
  for (const change of params.edit.documentChanges ?? []) {
    if (TextDocumentEdit.is(change)) {
      versions.set(vscode.Uri.parse(change.textDocument.uri).toString(), change.textDocument.version);
    }
  }
  return versions;
}

/** The description of the whole edit's change annotation: the request, the file counts, the checks' notes. */
function description(params: ApplyWorkspaceEditParams): string | undefined {
  return params.edit.changeAnnotations?.["outrigger"]?.description;
}

function hasFileOperations(params: ApplyWorkspaceEditParams): boolean {
  return (params.edit.documentChanges ?? []).some((change) => "kind" in change);
}

function fileName(uri: vscode.Uri): string {
  return vscode.workspace.asRelativePath(uri);
}

export class EditReview implements vscode.Disposable {
  private readonly proposals = new Map<string, string>(); // proposal URI → proposed text
  private current: Proposal | undefined;
  private counter = 0;
  private readonly acceptItem = vscode.window.createStatusBarItem("outrigger.accept", vscode.StatusBarAlignment.Left, 1000);
  private readonly rejectItem = vscode.window.createStatusBarItem("outrigger.reject", vscode.StatusBarAlignment.Left, 999);
  private readonly startEmitter = new vscode.EventEmitter<ReviewStart>();
  /** A review started: what to do (the request's notification says it). */
  readonly onDidStart = this.startEmitter.event;
  private readonly disposables: vscode.Disposable[];

  constructor(private readonly output: vscode.LogOutputChannel) {
    this.acceptItem.name = "Outrigger: Accept Change";
    this.acceptItem.text = "$(check) Accept Outrigger's change";
    this.acceptItem.command = "outrigger.client.acceptEdit";
    this.acceptItem.backgroundColor = new vscode.ThemeColor("statusBarItem.warningBackground");
    this.rejectItem.name = "Outrigger: Reject Change";
    this.rejectItem.text = "$(close) Reject";
    this.rejectItem.command = "outrigger.client.rejectEdit";
    this.disposables = [
      vscode.workspace.registerTextDocumentContentProvider(PROPOSAL_SCHEME, {
        provideTextDocumentContent: (uri) => this.proposals.get(uri.toString()) ?? "",
      }),
      vscode.commands.registerCommand("outrigger.client.acceptEdit", () => this.current?.decide({ accept: true })),
      vscode.commands.registerCommand("outrigger.client.rejectEdit", () => this.reject("rejected in the diff view")),
      vscode.commands.registerCommand("outrigger.client.pickChanges", () => this.current?.decide({ accept: true, pick: true })),
      vscode.window.tabGroups.onDidChangeTabs((event) => {
        const proposal = this.current;
        if (proposal && event.closed.some((tab) => isReviewTab(tab, proposal))) {
          proposal.decide({ accept: false, reason: "the diff was closed" });
        }
      }),
      this.acceptItem,
      this.rejectItem,
      this.startEmitter,
    ];
  }

  /** Rejects the edit under review, if any (e.g. its request was cancelled). */
  reject(reason: string): void {
    this.current?.decide({ accept: false, reason });
  }

  async handle(params: ApplyWorkspaceEditParams, convert: EditConverter, token: vscode.CancellationToken): Promise<ApplyWorkspaceEditResult> {
    const versions = sentVersions(params);
    for (const document of vscode.workspace.textDocuments) {
      const sent = versions.get(document.uri.toString());
      if (typeof sent === "number" && document.version !== sent) {
        return { applied: false, failureReason: `${fileName(document.uri)} changed while Outrigger was working` };
      }
    }
    const edit = await convert(params.edit);
    const entries = edit.entries();
    if (entries.length !== 1 || hasFileOperations(params)) {
      return this.reviewMany(params, convert, token);
    }
    const [[uri, edits]] = entries;
    return this.reviewOne(uri, edits, params.label, description(params), token);
  }

  private async reviewOne(
    uri: vscode.Uri,
    edits: readonly vscode.TextEdit[],
    label: string | undefined,
    details: string | undefined,
    token: vscode.CancellationToken,
  ): Promise<ApplyWorkspaceEditResult> {
    const document = await vscode.workspace.openTextDocument(uri);
    const version = document.version;
    let proposed: string;
    try {
      proposed = applyOffsetEdits(
        document.getText(),
        edits.map((e) => ({ start: document.offsetAt(e.range.start), end: document.offsetAt(e.range.end), newText: e.newText })),
      );
    } catch (error) {
      return { applied: false, failureReason: error instanceof Error ? error.message : String(error) };
    }
    this.reject("another edit arrived"); // one review at a time
    const proposalUri = uri.with({ scheme: PROPOSAL_SCHEME, query: String(++this.counter) });
    this.proposals.set(proposalUri.toString(), proposed);
    const decision = this.decision(proposalUri);
    const cancelled = token.onCancellationRequested(() => this.reject("the request was cancelled"));
    const name = fileName(uri);
    this.output.info(`Reviewing ${label ?? "an edit"} (${name})`);
    try {
      await vscode.commands.executeCommand("setContext", REVIEWING, true);
      const apply = label ? `Apply: ${label}` : "Apply Outrigger's change";
      this.acceptItem.tooltip = details ? `${apply}\n${details}` : apply;
      this.acceptItem.show();
      this.rejectItem.show();
      await vscode.commands.executeCommand("vscode.diff", uri, proposalUri, `${name} ↔ Outrigger's change`, { preview: false });
      this.startEmitter.fire({ instruction: `review the change to ${name}: ✓ Accept or ✗ Reject`, warning: warningIn(details) });
      const outcome = await decision;
      if (!outcome.accept) {
        this.output.info(`Not applied: ${outcome.reason}`);
        return { applied: false, failureReason: outcome.reason };
      }
      if (document.version !== version) {
        return { applied: false, failureReason: `${name} changed during the review` };
      }
      const plain = new vscode.WorkspaceEdit();
      plain.set(uri, edits.map((e) => new vscode.TextEdit(e.range, e.newText)));
      const applied = await vscode.workspace.applyEdit(plain, { isRefactoring: true });
      if (applied) {
        await vscode.window.showTextDocument(document, { preview: false });
      }
      return applied ? { applied } : { applied, failureReason: "VS Code could not apply the edit" };
    } finally {
      cancelled.dispose();
      await this.endReview(proposalUri);
    }
  }

  /** The user's decision on the review that starts now (the current one from here on). */
  private decision(proposalUri: vscode.Uri, tabLabel?: string): Promise<Decision> {
    return new Promise<Decision>((resolve) => {
      let decided = false;
      this.current = {
        proposalUri,
        tabLabel,
        decide: (value) => {
          if (!decided) {
            decided = true;
            resolve(value);
          }
        },
      };
    });
  }

  /**
   * Several files, or files created or deleted: one multi-file diff (`vscode.changes`), each
   * file against what it will hold, accepted or rejected as a whole; Pick Changes… hands the
   * edit to the refactor preview (the server marks its edits needsConfirmation, so each is
   * ticked there).
   */
  private async reviewMany(params: ApplyWorkspaceEditParams, convert: EditConverter, token: vscode.CancellationToken): Promise<ApplyWorkspaceEditResult> {
    const review = ++this.counter;
    const files = fileChanges(params.edit);
    const versions = new Map<string, number>();
    const rows: [vscode.Uri, vscode.Uri, vscode.Uri][] = [];
    const proposalUri = (uri: vscode.Uri, side: string) => uri.with({ scheme: PROPOSAL_SCHEME, query: `${review}-${side}` });
    try {
      for (const file of files) {
        const uri = vscode.Uri.parse(file.uri);
        const before = file.created ? "" : await this.textOf(uri, versions);
        const after = file.deleted ? "" : proposedText(before, file);
        const left = file.created ? proposalUri(uri, "before") : uri;
        const right = proposalUri(uri, "after");
        this.proposals.set(left.toString(), before);
        this.proposals.set(right.toString(), after);
        rows.push([uri, left, right]);
      }
    } catch (error) {
      this.forget(review);
      return { applied: false, failureReason: error instanceof Error ? error.message : String(error) };
    }
    this.reject("another edit arrived"); // one review at a time
    const title = `Outrigger's change: ${params.label ?? `${files.length} files`}`;
    const decision = this.decision(rows[0][2], title);
    const cancelled = token.onCancellationRequested(() => this.reject("the request was cancelled"));
    const details = description(params);
    const warning = warningIn(details);
    this.output.info(`Reviewing ${params.label ?? "an edit"} (${files.length} files)`);
    try {
      await vscode.commands.executeCommand("setContext", REVIEWING, true);
      await vscode.commands.executeCommand("setContext", REVIEWING_MANY, true);
      const apply = params.label ? `Apply: ${params.label}` : "Apply Outrigger's change";
      this.acceptItem.tooltip = details ? `${apply}\n${details}` : apply;
      this.acceptItem.show();
      this.rejectItem.show();
      await vscode.commands.executeCommand("vscode.changes", title, rows);
      if (warning) {
        void vscode.window.showWarningMessage(`Outrigger: ${warning}`);
      }
      this.startEmitter.fire({ instruction: `review the changes to ${files.length} files: ✓ Accept or ✗ Reject them all, or Pick Changes…`, warning });
      const outcome = await decision;
      await this.endReview(rows[0][2], title);
      if (!outcome.accept) {
        this.output.info(`Not applied: ${outcome.reason}`);
        return { applied: false, failureReason: outcome.reason };
      }
      if (outcome.pick) {
        this.startEmitter.fire({ instruction: "review the changes in the Refactor Preview: tick them, then Apply", warning });
        return { applied: await vscode.workspace.applyEdit(await convert(params.edit), { isRefactoring: true }) };
      }
      for (const document of vscode.workspace.textDocuments) {
        const seen = versions.get(document.uri.toString());
        if (seen !== undefined && document.version !== seen) {
          return { applied: false, failureReason: `${fileName(document.uri)} changed during the review` };
        }
      }
      const applied = await vscode.workspace.applyEdit(await convert(withoutAnnotations(params.edit) as WorkspaceEdit), { isRefactoring: true });
      return applied ? { applied } : { applied, failureReason: "VS Code could not apply the edit" };
    } finally {
      cancelled.dispose();
      await this.endReview(rows[0][2], title);
      this.forget(review);
    }
  }

  /** A file's text as the editor has it (its buffer, else the disk), noting its version. */
  private async textOf(uri: vscode.Uri, versions: Map<string, number>): Promise<string> {
    const document = await vscode.workspace.openTextDocument(uri);
    versions.set(document.uri.toString(), document.version);
    return document.getText();
  }

  private forget(review: number): void {
    for (const key of [...this.proposals.keys()]) {
      if (vscode.Uri.parse(key).query.startsWith(`${review}-`)) {
        this.proposals.delete(key);
      }
    }
  }

  private async endReview(proposalUri: vscode.Uri, tabLabel?: string): Promise<void> {
    if (this.current?.proposalUri.toString() === proposalUri.toString()) {
      this.current = undefined;
      this.acceptItem.hide();
      this.rejectItem.hide();
      await vscode.commands.executeCommand("setContext", REVIEWING, false);
      await vscode.commands.executeCommand("setContext", REVIEWING_MANY, false);
    }
    const proposal = { proposalUri, tabLabel, decide: () => undefined };
    const tabs = vscode.window.tabGroups.all.flatMap((group) => group.tabs).filter((tab) => isReviewTab(tab, proposal));
    await vscode.window.tabGroups.close(tabs);
    this.proposals.delete(proposalUri.toString());
  }

  dispose(): void {
    this.reject("VS Code is closing");
    this.disposables.forEach((d) => {
      d.dispose();
    });
  }
}

function isReviewTab(tab: vscode.Tab, proposal: Proposal): boolean {
  if (proposal.tabLabel !== undefined) {
    return tab.label.startsWith(proposal.tabLabel); // VS Code appends the file count
  }
  return tab.input instanceof vscode.TabInputTextDiff && tab.input.modified.toString() === proposal.proposalUri.toString();
}

/** What a file holds once its text edits are applied. */
function proposedText(before: string, file: FileChange): string {
  return applyOffsetEdits(
    before,
    file.edits.map((e) => ({ start: offsetAt(before, e.range.start), end: offsetAt(before, e.range.end), newText: e.newText })),
  );
}
