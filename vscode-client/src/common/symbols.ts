// Editor symbols → `outrigger/pushSymbols` payload (LSP SymbolInformation). No `vscode` import:
// callers pass plain shapes with URIs already turned into strings.

export interface Position {
  line: number;
  character: number;
}

export interface Range {
  start: Position;
  end: Position;
}

export interface SymbolInformation {
  name: string;
  kind: number; // LSP SymbolKind (1-based)
  location: { uri: string; range: Range };
  containerName?: string;
}

/** A vscode.SymbolInformation with its URI as a string. `kind` is vscode's 0-based SymbolKind. */
export interface EditorSymbol {
  name: string;
  kind: number;
  containerName?: string;
  uri: string;
  range: Range;
}

/** The parts of a vscode.DocumentSymbol used here. `kind` is vscode's 0-based SymbolKind. */
export interface EditorDocumentSymbol {
  name: string;
  kind: number;
  range: Range;
  children?: readonly EditorDocumentSymbol[];
}

export const PUSH_SYMBOLS = "outrigger/pushSymbols";
/** Most symbols sent in one notification; big workspaces are capped rather than flooding the pipe. */
export const MAX_SYMBOLS = 5000;

/** vscode.SymbolKind counts from File = 0, LSP from File = 1. */
export function lspKind(vscodeKind: number): number {
  const kind = Math.trunc(vscodeKind) + 1;
  return kind >= 1 && kind <= 26 ? kind : 13; // Variable for anything unknown
}

/** TypeScript names some symbols "f()" and anonymous ones "<function>": keep identifiers only. */
export function symbolName(name: string): string | undefined {
  const trimmed = name.trim().replace(/\(\)$/, "");
  return trimmed === "" || trimmed.startsWith("<") ? undefined : trimmed;
}

function plainRange(range: Range): Range {
  return {
    start: { line: range.start.line, character: range.start.character },
    end: { line: range.end.line, character: range.end.character },
  };
}

export function fromEditorSymbol(symbol: EditorSymbol): SymbolInformation {
  const info: SymbolInformation = {
    name: symbol.name,
    kind: lspKind(symbol.kind),
    location: { uri: symbol.uri, range: plainRange(symbol.range) },
  };
  if (symbol.containerName) {
    info.containerName = symbol.containerName;
  }
  return info;
}

/** Flattens a DocumentSymbol tree; each child's containerName is its parent's name. */
export function flattenDocumentSymbols(
  uri: string,
  symbols: readonly EditorDocumentSymbol[],
  containerName?: string,
): SymbolInformation[] {
  const out: SymbolInformation[] = [];
  for (const symbol of symbols) {
    const info: SymbolInformation = {
      name: symbol.name,
      kind: lspKind(symbol.kind),
      location: { uri, range: plainRange(symbol.range) },
    };
    if (containerName) {
      info.containerName = containerName;
    }
    out.push(info);
    if (symbol.children && symbol.children.length > 0) {
      out.push(...flattenDocumentSymbols(uri, symbol.children, symbol.name));
    }
  }
  return out;
}

function withSlash(uri: string): string {
  return uri.endsWith("/") ? uri : uri + "/";
}

/** True when uri is one of the folders or lies under one (compared as URI strings). */
export function insideFolders(uri: string, folders: readonly string[]): boolean {
  return folders.some((folder) => uri === folder || uri.startsWith(withSlash(folder)));
}

function key(s: SymbolInformation): string {
  const { start } = s.location.range;
  return `${s.location.uri}#${start.line}:${start.character}#${s.kind}#${s.name}`;
}

/** Keeps workspace symbols only, drops duplicates (workspace and document providers overlap), caps the count. */
export function selectSymbols(
  symbols: readonly SymbolInformation[],
  folders: readonly string[],
  limit = MAX_SYMBOLS,
): SymbolInformation[] {
  const seen = new Set<string>();
  const out: SymbolInformation[] = [];
  for (const s of symbols) {
    if (out.length >= limit) {
      break;
    }
    const name = symbolName(s.name);
    if (name === undefined || !insideFolders(s.location.uri, folders)) {
      continue;
    }
    const k = key({ ...s, name });
    if (!seen.has(k)) {
      seen.add(k);
      out.push(name === s.name ? s : { ...s, name });
    }
  }
  return out;
}

/**
 * The symbols of every document whose symbols differ from what `sent` records (uri → signature),
 * updating `sent`. A document is sent whole or not at all: the server replaces a file's symbols.
 */
export function unsent(symbols: readonly SymbolInformation[], sent: Map<string, string>): SymbolInformation[] {
  const byUri = new Map<string, SymbolInformation[]>();
  for (const s of symbols) {
    const list = byUri.get(s.location.uri) ?? [];
    list.push(s);
    byUri.set(s.location.uri, list);
  }
  const out: SymbolInformation[] = [];
  for (const [uri, list] of byUri) {
    const signature = JSON.stringify(list);
    if (sent.get(uri) !== signature) {
      sent.set(uri, signature);
      out.push(...list);
    }
  }
  return out;
}

/** Per document, its document symbols (full tree, full ranges) win over workspace-symbol results. */
export function preferDocumentSymbols(
  workspace: readonly SymbolInformation[],
  documents: readonly SymbolInformation[],
): SymbolInformation[] {
  const covered = new Set(documents.map((s) => s.location.uri));
  return [...workspace.filter((s) => !covered.has(s.location.uri)), ...documents];
}
