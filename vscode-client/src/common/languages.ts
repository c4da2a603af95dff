// The languages the client serves. The server announces its own in its `initialize` result
// (capabilities.experimental.outrigger.languages); the document selector is built from that
// list, with FALLBACK_LANGUAGES (package.json's activation languages) until it has answered.
// Other languages join once the editor has pushed their symbols. No `vscode` import.

export interface AnnouncedLanguage {
  name: string; // the server's key: "rust"
  title: string; // "Rust"
  extensions: string[]; // [".rs"]
}

export interface FileFilter {
  scheme: "file";
  language?: string;
  pattern?: string;
}

/** VS Code's identifiers of the languages Outrigger parses; package.json activates on them. */
export const FALLBACK_LANGUAGES = [
  "python",
  "javascript",
  "javascriptreact",
  "typescript",
  "typescriptreact",
  "rust",
  "go",
  "java",
  "c",
  "cpp",
  "csharp",
  "ruby",
  "php",
  "lua",
  "shellscript",
];

function isAnnounced(value: unknown): value is AnnouncedLanguage {
  if (typeof value !== "object" || value === null) {
    return false;
  }
  const { name, title, extensions } = value as Record<string, unknown>;
  return typeof name === "string" && typeof title === "string" && Array.isArray(extensions) && extensions.every((e) => typeof e === "string" && /^\.[\w+-]+$/.test(e));
}

/** The languages of an `initialize` result's capabilities; undefined when it announces none. */
export function announcedLanguages(capabilities: unknown): AnnouncedLanguage[] | undefined {
  const experimental = (capabilities as { experimental?: { outrigger?: { languages?: unknown } } } | undefined)?.experimental;
  const languages = experimental?.outrigger?.languages;
  if (!Array.isArray(languages)) {
    return undefined;
  }
  const valid = languages.filter(isAnnounced);
  return valid.length > 0 ? valid : undefined;
}

/** One filter for every file with an announced extension, whatever language VS Code gives it. */
export function selectorFor(languages: readonly AnnouncedLanguage[]): FileFilter[] {
  const extensions = [...new Set(languages.flatMap((l) => l.extensions.map((e) => e.slice(1))))];
  return [{ scheme: "file", pattern: `**/*.{${extensions.join(",")}}` }];
}

export function fallbackSelector(): FileFilter[] {
  return FALLBACK_LANGUAGES.map((language) => ({ scheme: "file", language }));
}

/** Whether a file path has one of the announced extensions (case-insensitive, as the server reads them). */
export function announcedPath(languages: readonly AnnouncedLanguage[], path: string): boolean {
  const lower = path.toLowerCase();
  return languages.some((l) => l.extensions.some((e) => lower.endsWith(e.toLowerCase())));
}
