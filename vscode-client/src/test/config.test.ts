import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import {
  DEFAULT_SETTINGS,
  initializationOptions,
  modelUpdate,
  readSettings,
  serverCommand,
  serverExecutable,
  serverModule,
  trustCommand,
  validateBaseUrl,
  wireSection,
} from "../common/config";

function getter(values: Record<string, unknown>) {
  return (key: string) => values[key];
}

test("missing settings read as the defaults", () => {
  assert.deepEqual(readSettings(getter({})), DEFAULT_SETTINGS);
});

test("wrong types fall back to defaults instead of reaching the server", () => {
  const s = readSettings(
    getter({
      "model.contextWindow": "big",
      "model.maxOutputTokens": -5,
      "model.timeoutSeconds": Number.NaN,
      "model.api": "anthropic",
      "model.name": "  ",
      "server.args": ["-m", 3],
    }),
  );
  assert.equal(s.model.contextWindow, 8192);
  assert.equal(s.model.maxOutputTokens, 1024);
  assert.equal(s.model.timeoutSeconds, 120);
  assert.equal(s.model.api, "openai");
  assert.equal(s.model.name, "qwen2.5-coder-0.5b");
  assert.deepEqual(s.server.args, ["-m", "outrigger", "lsp"]);
});

test("empty baseUrl is omitted from initializationOptions (embedded model)", () => {
  const options = initializationOptions(readSettings(getter({ "model.baseUrl": "   " })));
  assert.deepEqual(options, {
    model: { name: "qwen2.5-coder-0.5b", api: "openai", contextWindow: 8192, maxOutputTokens: 1024, timeoutSeconds: 120 },
    presentsResults: true,
    partialAnswers: true,
    workspaceTrusted: true,
  });
  assert.ok(!("baseUrl" in options.model));
});

test("a configured endpoint is passed camelCase, trimmed", () => {
  const options = initializationOptions(
    readSettings(
      getter({
        "model.baseUrl": " http://127.0.0.1:11434 ",
        "model.name": "qwen2.5-coder:1.5b",
        "model.api": "ollama",
        "model.contextWindow": 16384,
        "model.maxOutputTokens": 512.7,
        "model.timeoutSeconds": 30,
      }),
    ),
  );
  assert.deepEqual(options, {
    model: {
      baseUrl: "http://127.0.0.1:11434",
      name: "qwen2.5-coder:1.5b",
      api: "ollama",
      contextWindow: 16384,
      maxOutputTokens: 512,
      timeoutSeconds: 30,
    },
    presentsResults: true,
    partialAnswers: true,
    workspaceTrusted: true,
  });
});

test("initializationOptions carry no server settings, and say this client presents results", () => {
  const options = initializationOptions(readSettings(getter({ "server.pythonPath": "/usr/bin/python3" })));
  assert.deepEqual(Object.keys(options), ["model", "presentsResults", "partialAnswers", "workspaceTrusted"]);
  assert.equal(options.presentsResults, true);
});

test("the pulled outrigger section turns an empty baseUrl into null", () => {
  assert.deepEqual(wireSection({ model: { baseUrl: "", name: "m" }, server: {} }), {
    model: { baseUrl: null, name: "m" },
    server: {},
  });
  assert.deepEqual(wireSection({ model: { baseUrl: "http://x/v1" } }), { model: { baseUrl: "http://x/v1" } });
  assert.equal(wireSection(null), null);
});

test("the pulled outrigger section turns an empty tests.command into null (detect the command)", () => {
  for (const empty of [[], "", "  ", null]) {
    assert.deepEqual(wireSection({ tests: { run: "auto", command: empty } }), { tests: { run: "auto", command: null } });
  }
  const command = ["python", "-m", "pytest", "-q"];
  assert.deepEqual(wireSection({ tests: { command } }), { tests: { command } });
});

test("the pulled outrigger section passes the other settings through as VS Code gives them", () => {
  const section = {
    model: { baseUrl: "http://x/v1", temperature: 0.2 },
    tasks: { maxSteps: 12 },
    tests: { run: "never", command: ["npm", "test"], timeoutSeconds: 30, onFailure: "warn" },
    ignore: [],
    index: { maxFiles: 500, maxBytes: 1000000, maxSeconds: 5 },
    server: { pythonPath: "", args: ["-m", "outrigger", "lsp"] },
  };
  assert.deepEqual(wireSection(section), section);
  assert.notEqual(wireSection(section), section, "a copy: VS Code's own object is never changed");
});

test("an untrusted workspace never runs its own tests, whatever its settings say", () => {
  const section = { model: { baseUrl: "" }, tests: { run: "always", command: ["npm", "test"] } };
  assert.deepEqual(wireSection(section, false), {
    model: { baseUrl: null },
    tests: { run: "never", command: ["npm", "test"] },
  });
  assert.deepEqual(wireSection({ model: {} }, false), { model: { baseUrl: null }, tests: { run: "never" } });
  assert.deepEqual(wireSection(null, false), { tests: { run: "never" } });
  assert.deepEqual(initializationOptions(DEFAULT_SETTINGS, false).tests, { run: "never" });
  assert.ok(!("tests" in initializationOptions(DEFAULT_SETTINGS, true)));
});

test("python defaults to python3 and args to -m outrigger lsp", () => {
  assert.deepEqual(serverCommand(DEFAULT_SETTINGS), { command: "python3", args: ["-m", "outrigger", "lsp"] });
  const custom = readSettings(getter({ "server.pythonPath": "/opt/venv/bin/python", "server.args": ["-m", "outrigger", "lsp", "-v"] }));
  assert.deepEqual(serverCommand(custom), { command: "/opt/venv/bin/python", args: ["-m", "outrigger", "lsp", "-v"] });
});

test("serverModule finds the -m module", () => {
  assert.equal(serverModule(["-m", "outrigger", "lsp"]), "outrigger");
  assert.equal(serverModule(["-X", "utf8", "-m", "pkg.sub"]), "pkg.sub");
  assert.equal(serverModule(["server.py"]), undefined);
  assert.equal(serverModule(["-m"]), undefined);
});

test("validateBaseUrl accepts http(s) URLs only", () => {
  assert.equal(validateBaseUrl("http://127.0.0.1:8080/v1"), undefined);
  assert.equal(validateBaseUrl("https://example.test"), undefined);
  assert.match(validateBaseUrl("") ?? "", /base URL/);
  assert.match(validateBaseUrl("localhost:8080") ?? "", /http/);
  assert.match(validateBaseUrl("not a url") ?? "", /Not a URL/);
});

test("modelUpdate for each endpoint choice", () => {
  assert.deepEqual(modelUpdate("embedded", "http://ignored", "ignored"), {
    baseUrl: "",
    name: "qwen2.5-coder-0.5b",
    api: "openai",
  });
  assert.deepEqual(modelUpdate("ollama", " http://127.0.0.1:11434 ", " qwen2.5-coder:0.5b "), {
    baseUrl: "http://127.0.0.1:11434",
    name: "qwen2.5-coder:0.5b",
    api: "ollama",
  });
  assert.deepEqual(modelUpdate("openai", "http://127.0.0.1:8080/v1", "local"), {
    baseUrl: "http://127.0.0.1:8080/v1",
    name: "local",
    api: "openai",
  });
});

test("the server executable runs the configured args as they are (no --stdio), unbuffered", () => {
  const exe = serverExecutable(DEFAULT_SETTINGS, "/w", { PATH: "/usr/bin" });
  assert.deepEqual(exe, {
    command: "python3",
    args: ["-m", "outrigger", "lsp"],
    options: { cwd: "/w", env: { PATH: "/usr/bin", PYTHONUNBUFFERED: "1" } },
  });
  assert.ok(!("transport" in exe), "TransportKind.stdio would make languageclient append --stdio");
});

test("the defaults here are the ones package.json shows in the settings UI", () => {
  // package.json is what VS Code shows; the server's own defaults are checked against it
  // by tests/test_settings_agree.py.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const manifest = require("../../package.json") as {
    contributes: { configuration: { properties: Record<string, { default?: unknown }> } };
  };
  const shown = manifest.contributes.configuration.properties;
  for (const [key, value] of Object.entries(DEFAULT_SETTINGS.model)) {
    assert.deepEqual(shown[`outrigger.model.${key}`]?.default, value, `outrigger.model.${key}`);
  }
  for (const [key, value] of Object.entries(DEFAULT_SETTINGS.server)) {
    assert.deepEqual(shown[`outrigger.server.${key}`]?.default, value, `outrigger.server.${key}`);
  }
});

test("the server hears VS Code's workspace trust, and a trust granted later is not written to its own list", () => {
  assert.equal(initializationOptions(DEFAULT_SETTINGS, false).workspaceTrusted, false);
  assert.equal(initializationOptions(DEFAULT_SETTINGS, true).workspaceTrusted, true);
  assert.deepEqual(trustCommand(true), { command: "outrigger.trust", arguments: [{ trusted: true, remember: false }] });
});

test("every setting that picks an endpoint or a command is restricted in an untrusted workspace", () => {
  interface Manifest {
    capabilities: { untrustedWorkspaces: { supported: string; restrictedConfigurations: string[] } };
    contributes: { configuration: { properties: Record<string, unknown> } };
  }
  const manifest = JSON.parse(readFileSync(join(__dirname, "..", "..", "package.json"), "utf8")) as Manifest;
  const restricted = manifest.capabilities.untrustedWorkspaces.restrictedConfigurations;
  assert.equal(manifest.capabilities.untrustedWorkspaces.supported, "limited");
  const choosers = Object.keys(manifest.contributes.configuration.properties).filter((key) =>
    /baseUrl|endpoint|command|pythonPath|server\.args|apiKey|allowUnsandboxed/i.test(key),
  );
  assert.ok(choosers.includes("outrigger.model.baseUrl"));
  for (const key of choosers) {
    assert.ok(restricted.includes(key), `${key} must be in restrictedConfigurations`);
  }
});
