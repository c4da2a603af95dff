// An edit's text before the editor applies it, for the diff a user reviews. No `vscode` import.

export interface OffsetEdit {
  start: number; // offsets into the text, in UTF-16 code units (as vscode.TextDocument.offsetAt)
  end: number;
  newText: string;
}

/**
 * The text with the edits applied. Edits at the same offset keep their order, as LSP
 * specifies; overlapping edits are an error, as they are for the editor.
 */
export function applyOffsetEdits(text: string, edits: readonly OffsetEdit[]): string {
  const ordered = edits.map((edit, index) => ({ ...edit, index })).sort((a, b) => a.start - b.start || a.index - b.index);
  for (let i = 1; i < ordered.length; i++) {
    if (ordered[i].start < ordered[i - 1].end) {
      throw new Error("The edit's changes overlap; it cannot be applied.");
    }
  }
  let result = "";
  let at = 0;
  for (const edit of ordered) {
    result += text.slice(at, edit.start) + edit.newText;
    at = edit.end;
  }
  return result + text.slice(at);
}
