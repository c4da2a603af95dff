import test from "node:test";
import assert from "node:assert";
import { Invoice, applyDiscount, invoiceTotal } from "../src/invoice";
import { taxRate } from "../src/tax";
import { parseAmount } from "../src/money";

const shop: Invoice = {
  number: "2024-001",
  customer: { name: "Ann", region: "UK" },
  currency: "EUR",
  lines: [
    { description: "tea", quantity: 3, unitCents: 450 },
    { description: "pot", quantity: 1, unitCents: 2199 },
  ],
  discountPercent: 10,
};

test("totals apply the discount, then the tax, in whole cents", () => {
  assert.strictEqual(invoiceTotal(shop), 3833);
  assert.strictEqual(invoiceTotal({ ...shop, discountPercent: 0 }), 4259);
});

test("EU businesses pay no VAT on the invoice", () => {
  const business = { name: "Acme", region: "EU" as const, vatId: "DE123" };
  assert.strictEqual(taxRate(business), 0);
  assert.strictEqual(taxRate({ name: "Bo", region: "US" }), 0.07);
  assert.strictEqual(invoiceTotal({ ...shop, customer: business, discountPercent: 0 }), 3549);
});

test("discounts stay between 0 and 100 percent", () => {
  assert.strictEqual(applyDiscount(1000, 25), 750);
  assert.throws(() => applyDiscount(1000, 120), RangeError);
});

test("amounts parse to cents", () => {
  assert.strictEqual(parseAmount("12.5"), 1250);
  assert.strictEqual(parseAmount(" 3 "), 300);
});
