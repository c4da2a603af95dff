import test from "node:test";
import assert from "node:assert/strict";
import { Oven, Loaf, Toaster, batch } from "../src/oven.js";
import { proofTime, formatPrice, priceOf, toFahrenheit } from "../src/recipes.js";
import { priceTag, dailyTags } from "../src/shop.js";

test("oven", () => {
  const oven = new Oven(250);
  assert.equal(oven.preheat(300), 250);
  const loaf = oven.bake(new Loaf("rye", 500), 10);
  assert.equal(loaf.crust, 25);
  assert.equal(batch(oven, [new Loaf("a", 100)], 2).length, 1);
  assert.equal(new Toaster().bake(new Loaf("b", 50)).crust, 1);
});

test("recipes", () => {
  assert.equal(proofTime(30), 45);
  assert.equal(formatPrice(250), "$2.5");
  assert.equal(priceOf(new Loaf("x", 500)), 400);
  assert.equal(toFahrenheit(100), 212);
  assert.deepEqual(new Loaf("y", 300).slice(3), [100, 100, 100]);
});

test("shop", () => {
  assert.equal(priceTag(new Loaf("rye", 500)), "rye: $4");
  assert.equal(dailyTags().length, 1);
});
