import { Customer } from "./customer";
import { taxRate } from "./tax";

export interface Line {
  description: string;
  quantity: number;
  unitCents: number;
}

export interface Invoice {
  number: string;
  customer: Customer;
  currency: string;
  lines: Line[];
  discountPercent: number;
}

export function lineTotal(line: Line): number {
  return line.quantity * line.unitCents;
}

export function applyDiscount(cents: number, percent: number): number {
  if (percent < 0 || percent > 100) {
    throw new RangeError(`a discount of ${percent}% makes no sense`);
  }
  return cents - (cents * percent) / 100;
}

export function invoiceTotal(invoice: Invoice): number {
  const subtotal = invoice.lines.reduce((sum, line) => sum + lineTotal(line), 0);
  const net = applyDiscount(subtotal, invoice.discountPercent);
  const gross = net * (1 + taxRate(invoice.customer));
  // Whole cents, halves rounded away from zero.
  return Math.sign(gross) * Math.round(Math.abs(gross));
}
