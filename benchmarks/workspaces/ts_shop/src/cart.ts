export interface CartLine {
  sku: string;
  quantity: number;
  unitPrice: number;
}

export function getPrice(line: CartLine): number {
  return line.quantity * line.unitPrice;
}

export function getPrices(lines: CartLine[]): number[] {
  return lines.map(getPrice);
}

export function getPriceTotal(lines: CartLine[]): number {
  return getPrices(lines).reduce((sum, price) => sum + price, 0);
}
