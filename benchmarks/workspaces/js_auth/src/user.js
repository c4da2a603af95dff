const { validateUser, validateToken } = require("./auth");

function createUser(name, token) {
  const user = { name, token };
  if (!validateUser(user)) {
    throw new Error("invalid user: " + name);
  }
  return user;
}

function renewToken(user, token) {
  // validateToken rejects blank tokens, so "validateTokens" never runs here.
  if (!validateToken(token)) {
    return user;
  }
  return { ...user, token };
}

module.exports = { createUser, renewToken };
