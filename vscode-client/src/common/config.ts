// Settings → what the server receives. No `vscode` import: unit-tested under plain Node.

export type ModelApi = "openai" | "ollama";

export interface ModelSettings {
  baseUrl: string;
  name: string;
  api: ModelApi;
  contextWindow: number;
  maxOutputTokens: number;
  timeoutSeconds: number;
}

export interface ServerSettings {
  pythonPath: string;
  args: string[];
}

export interface OutriggerSettings {
  model: ModelSettings;
  server: ServerSettings;
}

export const SECTION = "outrigger";
export const DEFAULT_PYTHON = "python3";
export const EMBEDDED_MODEL = "qwen2.5-coder-0.5b";
export const DEFAULT_OLLAMA_URL = "http://127.0.0.1:11434";
export const DEFAULT_OPENAI_URL = "http://127.0.0.1:8080/v1";

export const DEFAULT_SETTINGS: OutriggerSettings = {
  model: {
    baseUrl: "",
    name: EMBEDDED_MODEL,
    api: "openai",
    contextWindow: 8192,
    maxOutputTokens: 1024,
    timeoutSeconds: 120,
  },
  server: {
    pythonPath: "",
    args: ["-m", "outrigger", "lsp"],
  },
};

/** Reads a value of the `outrigger` section by its dotted key, e.g. "model.name". */
export type SettingGetter = (key: string) => unknown;

function str(value: unknown, fallback: string): string {
  return typeof value === "string" ? value.trim() : fallback;
}

function positive(value: unknown, fallback: number): number {
  return typeof value === "number" && Number.isFinite(value) && value > 0 ? value : fallback;
}

function api(value: unknown): ModelApi {
  return value === "ollama" ? "ollama" : "openai";
}

function stringList(value: unknown, fallback: string[]): string[] {
  return Array.isArray(value) && value.every((v) => typeof v === "string") ? [...value] : [...fallback];
}

/** Settings with wrong types replaced by defaults, so a typo in settings.json cannot crash activation. */
export function readSettings(get: SettingGetter): OutriggerSettings {
  const d = DEFAULT_SETTINGS;
  return {
    model: {
      baseUrl: str(get("model.baseUrl"), d.model.baseUrl),
      name: str(get("model.name"), d.model.name) || d.model.name,
      api: api(get("model.api")),
      contextWindow: Math.floor(positive(get("model.contextWindow"), d.model.contextWindow)),
      maxOutputTokens: Math.floor(positive(get("model.maxOutputTokens"), d.model.maxOutputTokens)),
      timeoutSeconds: positive(get("model.timeoutSeconds"), d.model.timeoutSeconds),
    },
    server: {
      pythonPath: str(get("server.pythonPath"), d.server.pythonPath),
      args: stringList(get("server.args"), d.server.args),
    },
  };
}

export interface WireModelSettings {
  baseUrl?: string;
  name: string;
  api: ModelApi;
  contextWindow: number;
  maxOutputTokens: number;
  timeoutSeconds: number;
}

/** The model part as the server's settings model reads it (camelCase; no baseUrl = embedded model). */
export function wireModel(model: ModelSettings): WireModelSettings {
  const wire: WireModelSettings = {
    name: model.name,
    api: model.api,
    contextWindow: model.contextWindow,
    maxOutputTokens: model.maxOutputTokens,
    timeoutSeconds: model.timeoutSeconds,
  };
  if (model.baseUrl) {
    wire.baseUrl = model.baseUrl;
  }
  return wire;
}

/** What an untrusted workspace may not do: run its own tests (they are the project's code —
 * a conftest.py, an npm script — and the server would run them before you see a change). */
const UNTRUSTED_TESTS = { run: "never" } as const;

export interface InitializationOptions {
  model: WireModelSettings;
  presentsResults: true;
  partialAnswers: true;
  workspaceTrusted: boolean;
  tests?: typeof UNTRUSTED_TESTS;
}

/** The settings, `presentsResults` (this client shows command results itself, so the server
 * does not repeat them with window/showMessage), `partialAnswers` (it fills the answer's page
 * from `outrigger/partialAnswer` as the model writes) and `workspaceTrusted`: VS Code's
 * workspace trust decides whether the project's code may run, not the server's own trust list. */
export function initializationOptions(settings: OutriggerSettings, trusted = true): InitializationOptions {
  const options: InitializationOptions = {
    model: wireModel(settings.model),
    presentsResults: true,
    partialAnswers: true,
    workspaceTrusted: trusted,
  };
  if (!trusted) {
    options.tests = UNTRUSTED_TESTS;
  }
  return options;
}

/** A copy of `section[key]` when it is an object, for editing; undefined otherwise. */
function subsection(section: Record<string, unknown>, key: string): Record<string, unknown> | undefined {
  const value = section[key];
  return typeof value === "object" && value !== null && !Array.isArray(value) ? { ...(value as Record<string, unknown>) } : undefined;
}

/** "" (or blanks) and [] are how VS Code's settings UI leaves a value unset. */
function isEmpty(value: unknown): boolean {
  return (typeof value === "string" && value.trim() === "") || (Array.isArray(value) && value.length === 0);
}

/**
 * The `outrigger` section answered to the server's `workspace/configuration` pull: the raw
 * section with VS Code's "empty" turned into the server's null, so an empty baseUrl never
 * reads as a URL and an empty tests.command means "detect the project's test command". In an
 * untrusted workspace the project's tests never run, whatever the settings say.
 */
export function wireSection(section: unknown, trusted = true): unknown {
  if (typeof section !== "object" || section === null) {
    return trusted ? section : { tests: UNTRUSTED_TESTS };
  }
  const copy = { ...(section as Record<string, unknown>) };
  const model = subsection(copy, "model");
  if (model) {
    if (typeof model.baseUrl !== "string" || model.baseUrl.trim() === "") {
      model.baseUrl = null;
    }
    copy.model = model;
  }
  const tests = subsection(copy, "tests");
  if (tests) {
    if (isEmpty(tests.command)) {
      tests.command = null;
    }
    copy.tests = tests;
  }
  if (!trusted) {
    copy.tests = { ...(tests ?? {}), ...UNTRUSTED_TESTS };
  }
  return copy;
}

/** `outrigger.trust` as VS Code sends it when the user trusts the workspace: for every folder,
 * not written to the server's own list (VS Code remembers its trust itself). */
export function trustCommand(trusted: boolean): { command: string; arguments: [{ trusted: boolean; remember: false }] } {
  return { command: "outrigger.trust", arguments: [{ trusted, remember: false }] };
}

export interface PythonCommand {
  command: string;
  args: string[];
}

export function serverCommand(settings: OutriggerSettings): PythonCommand {
  return { command: settings.server.pythonPath || DEFAULT_PYTHON, args: [...settings.server.args] };
}

export interface ServerExecutable extends PythonCommand {
  options: { cwd?: string; env: Record<string, string | undefined> };
}

/**
 * languageclient's Executable for the server. Deliberately without `transport`: with
 * TransportKind.stdio languageclient appends "--stdio", which `outrigger lsp` rejects.
 */
export function serverExecutable(
  settings: OutriggerSettings,
  cwd: string | undefined,
  env: Record<string, string | undefined>,
): ServerExecutable {
  return { ...serverCommand(settings), options: { cwd, env: { ...env, PYTHONUNBUFFERED: "1" } } };
}

/** The module run by `-m`, if the args start that way (checked before launching). */
export function serverModule(args: readonly string[]): string | undefined {
  const i = args.indexOf("-m");
  return i >= 0 && i + 1 < args.length ? args[i + 1] : undefined;
}

/** Input-box validation for a model server URL: undefined when fine, else the problem. */
export function validateBaseUrl(text: string): string | undefined {
  const value = text.trim();
  if (!value) {
    return "Enter the server's base URL, e.g. http://127.0.0.1:8080/v1";
  }
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return "Not a URL: " + value;
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    return "Use an http:// or https:// URL";
  }
  return undefined;
}

export type EndpointChoice = "embedded" | "openai" | "ollama";

export interface ModelUpdate {
  baseUrl: string;
  name: string;
  api: ModelApi;
}

/** Setting values written by "Select Model / Endpoint". */
export function modelUpdate(choice: EndpointChoice, baseUrl = "", name = ""): ModelUpdate {
  if (choice === "embedded") {
    return { baseUrl: "", name: EMBEDDED_MODEL, api: "openai" };
  }
  return { baseUrl: baseUrl.trim(), name: name.trim() || EMBEDDED_MODEL, api: choice };
}
