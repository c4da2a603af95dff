const { isBlank } = require("../utils");

const TOKEN_PREFIX = "tok_";

/**
 * Checks that a token is well formed.
 */
function validateToken(token) {
  if (isBlank(token)) {
    return false;
  }
  return token.startsWith(TOKEN_PREFIX);
}

function validateUser(user) {
  return Boolean(user && user.name) && validateToken(user.token);
}

// Sessions expire after one hour.
function validateSession(session) {
  const maxAge = 60 * 60 * 1000;
  return validateUser(session.user) && Date.now() - session.started < maxAge;
}

module.exports = { validateToken, validateUser, validateSession };
