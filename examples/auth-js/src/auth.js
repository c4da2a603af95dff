const crypto = require("crypto");

const SECRET = process.env.AUTH_SECRET || "dev-secret";

function sign(payload) {
  return crypto.createHmac("sha256", SECRET).update(payload).digest("hex");
}

function validateToken(token) {
  if (typeof token !== "string" || !token.includes(".")) {
    return false;
  }
  const [payload, signature] = token.split(".");
  return sign(payload) === signature;
}

function validateUser(user) {
  return Boolean(user && user.name && user.email && user.email.includes("@"));
}

function validateSession(session) {
  return validateUser(session.user) && validateToken(session.token);
}

module.exports = { sign, validateToken, validateUser, validateSession };
