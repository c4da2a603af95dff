// The workspace's own tests: `node test.js` exits non-zero when one fails.
const assert = require("assert");
const { validateToken, validateUser, validateSession } = require("./src/auth");
const { createUser, renewToken } = require("./src/user");
const { SessionStore } = require("./src/session");
const { isBlank, formatDate, clamp, daysBetween } = require("./utils");

assert.strictEqual(validateToken("tok_abc"), true);
assert.strictEqual(validateToken("abc"), false);
assert.strictEqual(validateToken("  "), false);
assert.strictEqual(validateUser({ name: "ann", token: "tok_1" }), true);
assert.strictEqual(validateUser({ name: "", token: "tok_1" }), false);
const session = { user: { name: "ann", token: "tok_1" }, started: Date.now() };
assert.strictEqual(validateSession(session), true);
assert.throws(() => createUser("bob", "bad"));
assert.deepStrictEqual(renewToken({ name: "ann", token: "tok_1" }, "tok_2").token, "tok_2");
const store = new SessionStore();
store.add("s1", session);
assert.ok(store.describe("s1").startsWith("s1 since "));
assert.strictEqual(isBlank(" "), true);
assert.strictEqual(formatDate(0), "1970-01-01");
assert.strictEqual(clamp(5, 0, 3), 3);
assert.strictEqual(typeof daysBetween(0, 0), "number");
console.log("ok");
