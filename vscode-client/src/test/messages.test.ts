import assert from "node:assert/strict";
import { test } from "node:test";
import { MessageFilter } from "../common/messages";

const info = (message: string) => ({ type: 3, message });
const warning = (message: string) => ({ type: 2, message });

test("messages outside a request show at once", () => {
  const f = new MessageFilter();
  assert.deepEqual(f.offer(info("Model: m at the embedded model")), [info("Model: m at the embedded model")]);
});

test("the server's copy of the result is dropped, other messages show after the request", () => {
  const f = new MessageFilter();
  f.hold();
  assert.deepEqual(f.offer(warning("`x` is not defined in a.js")), []);
  assert.deepEqual(f.offer(info("Loading the embedded model…")), []);
  assert.deepEqual(f.release("`x` is not defined in a.js\n"), [info("Loading the embedded model…")]);
  assert.deepEqual(f.offer(info("later")), [info("later")]);
});

test("a failed or cancelled request shows everything it held", () => {
  const f = new MessageFilter();
  f.hold();
  f.offer(info("a"));
  assert.deepEqual(f.release(undefined), [info("a")]);
});

test("overlapping requests hold until the last one ends", () => {
  const f = new MessageFilter();
  f.hold();
  f.hold();
  f.offer(info("first result"));
  f.offer(info("second result"));
  f.offer(info("other"));
  assert.deepEqual(f.release("first result"), []);
  assert.deepEqual(f.release("second result"), [info("other")]);
  assert.deepEqual(f.release("unbalanced"), [], "an extra release is harmless");
});
