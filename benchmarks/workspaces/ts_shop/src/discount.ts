import { CartLine, getPriceTotal } from "./cart";

export const DISCOUNT_RATE = 0.1;

export function applyDiscount(lines: CartLine[], code: string): number {
  const total = getPriceTotal(lines);
  if (code !== "SAVE10") {
    return total;
  }
  return Math.round(total * (1 - DISCOUNT_RATE));
}
