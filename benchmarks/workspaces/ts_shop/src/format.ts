import { CartLine, getPriceTotal } from "./cart";

export function formatMoney(cents) {
  return `$${(cents / 100).toFixed(2)}`;
}

export function formatCart(lines: CartLine[]): string {
  return `${lines.length} items, ${formatMoney(getPriceTotal(lines))}`;
}
