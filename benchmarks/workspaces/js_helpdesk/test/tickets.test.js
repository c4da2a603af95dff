const test = require("node:test");
const assert = require("node:assert");
const { createTicket, assignTicket, openTickets } = require("../src/tickets");
const { formatDate } = require("../src/format");
const { notifyUser, drainOutbox } = require("../src/notify");

test("new tickets are open and numbered", () => {
  const a = createTicket("A", null);
  const b = createTicket("B", null, 2);
  assert.strictEqual(b.id, a.id + 1);
  assert.strictEqual(b.priority, 2);
  assert.deepStrictEqual(openTickets([a, b]), [a, b]);
});

test("assigning notifies the agent", () => {
  drainOutbox();
  const agent = { name: "Cy", email: "cy@example.com" };
  assignTicket(createTicket("C", null), agent);
  const [message] = drainOutbox();
  assert.strictEqual(message.to, "cy@example.com");
  assert.match(message.text, /^Ticket #\d+ is yours: C$/);
});

test("notifyUser queues a message", () => {
  drainOutbox();
  notifyUser({ email: "dee@example.com" }, "hello");
  assert.deepStrictEqual(drainOutbox(), [{ to: "dee@example.com", text: "hello" }]);
});

test("dates are written year first", () => {
  assert.strictEqual(formatDate(new Date(Date.UTC(2024, 2, 5))), "2024-03-05");
});
