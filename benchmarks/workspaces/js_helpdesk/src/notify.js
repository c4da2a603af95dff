// Messages to users, collected in an outbox the mailer sends later.

const outbox = [];

function notifyUser(user, text) {
  const message = { to: user.email, text };
  outbox.push(message);
  return message;
}

function drainOutbox() {
  return outbox.splice(0, outbox.length);
}

module.exports = { notifyUser, drainOutbox };
