import assert from "node:assert/strict";
import { test } from "node:test";
import { Cancelled, raceCancellation } from "../common/cancel";

class FakeToken {
  isCancellationRequested = false;
  private listeners: (() => unknown)[] = [];
  onCancellationRequested(listener: () => unknown) {
    this.listeners.push(listener);
    return { dispose: () => (this.listeners = this.listeners.filter((l) => l !== listener)) };
  }
  cancel() {
    this.isCancellationRequested = true;
    [...this.listeners].forEach((l) => l());
  }
  get listening() {
    return this.listeners.length;
  }
}

test("resolves with the work's value and stops listening", async () => {
  const token = new FakeToken();
  assert.equal(await raceCancellation(Promise.resolve(7), token), 7);
  assert.equal(token.listening, 0);
});

test("cancelling rejects at once, even if the server never answers", async () => {
  const token = new FakeToken();
  const never = new Promise<number>(() => undefined);
  const raced = raceCancellation(never, token);
  token.cancel();
  await assert.rejects(raced, Cancelled);
});

test("an already cancelled token rejects without waiting; the work's own rejection is swallowed", async () => {
  const token = new FakeToken();
  token.cancel();
  let rejectWork: (e: Error) => void = () => undefined;
  const work = new Promise<number>((_, reject) => (rejectWork = reject));
  await assert.rejects(raceCancellation(work, token), Cancelled);
  rejectWork(new Error("RequestCancelled")); // must not become an unhandled rejection
  await new Promise((r) => setImmediate(r));
});

test("the work's error passes through", async () => {
  const token = new FakeToken();
  await assert.rejects(raceCancellation(Promise.reject(new Error("server error")), token), /server error/);
  assert.equal(token.listening, 0);
});
