import { customerLabel } from "./customer";
import { Invoice, invoiceTotal, lineTotal } from "./invoice";
import { formatCents } from "./money";

export function renderInvoice(invoice: Invoice): string {
  const lines = invoice.lines.map(
    (line) => `  ${line.quantity} x ${line.description}: ${formatCents(lineTotal(line))}`,
  );
  return [
    `Invoice ${invoice.number} for ${customerLabel(invoice.customer)}`,
    ...lines,
    `Total: ${formatCents(invoiceTotal(invoice))}`,
  ].join("\n");
}

export function renderReminder(invoice: Invoice, daysLate: number): string {
  const due = formatCents(invoiceTotal(invoice));
  return `Reminder: invoice ${invoice.number} (${due}) is ${daysLate} days late.`;
}
