const test = require("node:test");
const assert = require("node:assert");
const { handleCreate, handleAssign, handleClose, handleList } = require("../src/routes");
const { drainOutbox } = require("../src/notify");

const ann = { name: "Ann", email: "ann@example.com" };
const bob = { name: "Bob", email: "bob@example.com" };

test("a ticket is created, assigned and closed", () => {
  const store = { tickets: [] };
  drainOutbox();
  const created = handleCreate(store, { title: "Printer on fire", author: ann, priority: 3 });
  assert.strictEqual(created.status, 201);
  const id = created.body.id;
  assert.strictEqual(handleAssign(store, id, bob).body.assignee, bob);
  const closed = handleClose(store, id, bob);
  assert.strictEqual(closed.status, 200);
  assert.strictEqual(closed.body.status, "closed");
  assert.strictEqual(closed.body.closedBy, "Bob");
  assert.ok(closed.body.closed instanceof Date);
  assert.deepStrictEqual(
    drainOutbox().map((message) => message.to),
    ["bob@example.com", "ann@example.com"],
  );
});

test("unknown tickets and missing titles are refused", () => {
  const store = { tickets: [] };
  assert.strictEqual(handleCreate(store, { author: ann }).status, 400);
  assert.strictEqual(handleAssign(store, 99, bob).status, 404);
  assert.strictEqual(handleClose(store, 99, bob).status, 404);
});

test("the list shows open tickets only", () => {
  const store = { tickets: [] };
  const first = handleCreate(store, { title: "Slow login", author: ann }).body;
  handleCreate(store, { title: "Typo on home page", author: ann, priority: 0 });
  handleClose(store, first.id, bob);
  const [line] = handleList(store).body;
  assert.match(line, /^#\d+ Typo on home page \(low, opened \d{4}-\d\d-\d\d\)$/);
});
