const assert = require("assert");
const { validateToken, validateUser } = require("./src/auth");
const { login } = require("./src/routes");

const token = login({ name: "ada" });
assert.ok(validateToken(token));
assert.ok(!validateToken("forged.token"));
assert.ok(validateUser({ name: "ada", email: "ada@example.com" }));
console.log("ok");
