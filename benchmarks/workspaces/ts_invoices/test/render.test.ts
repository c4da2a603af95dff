import test from "node:test";
import assert from "node:assert";
import { Invoice } from "../src/invoice";
import { renderInvoice, renderReminder } from "../src/render";

const invoice: Invoice = {
  number: "2024-007",
  customer: { name: "Acme", region: "EU", vatId: "FR99" },
  currency: "EUR",
  lines: [{ description: "chairs", quantity: 4, unitCents: 2500 }],
  discountPercent: 0,
};

test("an invoice lists its lines and its total", () => {
  assert.strictEqual(
    renderInvoice(invoice),
    "Invoice 2024-007 for Acme (EU, VAT FR99)\n  4 x chairs: 100.00 EUR\nTotal: 100.00 EUR",
  );
});

test("a reminder says how late it is", () => {
  assert.strictEqual(renderReminder(invoice, 12), "Reminder: invoice 2024-007 (100.00 EUR) is 12 days late.");
});
