import assert from "node:assert/strict";
import { test } from "node:test";
import { PercentProgress } from "../common/progress";

test("percentages become increments of the bar and show in the message", () => {
  const progress = new PercentProgress();
  assert.deepEqual(progress.step("Downloading the model", 0), { message: "Downloading the model (0%)" });
  assert.deepEqual(progress.step("Downloading the model", 40), { message: "Downloading the model (40%)", increment: 40 });
  assert.deepEqual(progress.step("Downloading the model", 100), { message: "Downloading the model (100%)", increment: 60 });
  assert.equal(progress.percent, 100);
});

test("a stage starting again from 0 does not move the bar back; steps without a measure drop the percent", () => {
  const progress = new PercentProgress();
  progress.step("Downloading", 80);
  assert.deepEqual(progress.step("Starting the runtime", 10), { message: "Starting the runtime (10%)" });
  assert.deepEqual(progress.step("planning…", undefined), { message: "planning…" });
  assert.equal(progress.percent, undefined);
});
