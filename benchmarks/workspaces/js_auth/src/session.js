const { validateSession } = require("./auth");
const { formatDate } = require("../utils");

class SessionStore {
  constructor() {
    this.sessions = new Map();
  }

  add(id, session) {
    if (validateSession(session)) {
      this.sessions.set(id, session);
    }
  }

  describe(id) {
    const session = this.sessions.get(id);
    return session ? `${id} since ${formatDate(session.started)}` : "unknown";
  }
}

module.exports = { SessionStore };
