const { sign, validateToken, validateSession } = require("./auth");

function login(user) {
  const payload = Buffer.from(user.name).toString("base64");
  return `${payload}.${sign(payload)}`;
}

function requireToken(request) {
  const token = request.headers.authorization;
  if (!validateToken(token)) {
    throw new Error("invalid token");
  }
  return token;
}

function requireSession(request) {
  if (!validateSession(request.session)) {
    throw new Error("invalid session");
  }
}

module.exports = { login, requireToken, requireSession };
