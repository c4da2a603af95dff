// A multi-file edit as files to show side by side: each file's text edits, and whether the
// edit creates or deletes it. No `vscode` import, so it is unit-tested directly.

export interface Position {
  line: number;
  character: number;
}

export interface LspTextEdit {
  range: { start: Position; end: Position };
  newText: string;
  annotationId?: string;
}

export interface LspWorkspaceEdit {
  changes?: Record<string, LspTextEdit[]>;
  documentChanges?: unknown[];
  changeAnnotations?: Record<string, unknown>;
}

export interface FileChange {
  uri: string;
  created: boolean;
  deleted: boolean;
  edits: LspTextEdit[];
}

function record(value: unknown): Record<string, unknown> | undefined {
  return typeof value === "object" && value !== null ? (value as Record<string, unknown>) : undefined;
}

/** Every file the edit touches, in the order it first appears. */
export function fileChanges(edit: LspWorkspaceEdit): FileChange[] {
  const files = new Map<string, FileChange>();
  const file = (uri: string): FileChange => {
    let found = files.get(uri);
    if (!found) {
      found = { uri, created: false, deleted: false, edits: [] };
      files.set(uri, found);
    }
    return found;
  };
  for (const change of edit.documentChanges ?? []) {
    const entry = record(change);
    const textDocument = record(entry?.textDocument);
    if (typeof textDocument?.uri === "string" && Array.isArray(entry?.edits)) {
      file(textDocument.uri).edits.push(...(entry.edits as LspTextEdit[]));
    } else if (typeof entry?.uri === "string" && (entry.kind === "create" || entry.kind === "delete")) {
      const found = file(entry.uri);
      found.created ||= entry.kind === "create";
      found.deleted ||= entry.kind === "delete";
    }
  }
  for (const [uri, edits] of Object.entries(edit.changes ?? {})) {
    file(uri).edits.push(...edits);
  }
  return [...files.values()];
}

/** The edit without its change annotations: applied as it is, it needs no confirmation. */
export function withoutAnnotations(edit: LspWorkspaceEdit): LspWorkspaceEdit {
  const plain = JSON.parse(JSON.stringify(edit)) as LspWorkspaceEdit;
  delete plain.changeAnnotations;
  const strip = (edits: LspTextEdit[]) => edits.forEach((e) => delete e.annotationId);
  for (const change of plain.documentChanges ?? []) {
    const entry = record(change);
    delete entry?.annotationId;
    if (Array.isArray(entry?.edits)) {
      strip(entry.edits as LspTextEdit[]);
    }
  }
  Object.values(plain.changes ?? {}).forEach(strip);
  return plain;
}

/** The offset of an LSP position (UTF-16, as JavaScript strings count) in a text. */
export function offsetAt(text: string, position: Position): number {
  let offset = 0;
  for (let line = 0; line < position.line; line++) {
    const next = text.indexOf("\n", offset);
    if (next < 0) {
      return text.length;
    }
    offset = next + 1;
  }
  const end = text.indexOf("\n", offset);
  const lineEnd = end < 0 ? text.length : end;
  return Math.min(offset + position.character, lineEnd);
}
