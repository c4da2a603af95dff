export const BASE_RATE = 4.5;

export function shippingCost(weightKg: number, zone: number): number {
  return BASE_RATE + weightKg * zone * 0.8;
}

export function shippingCosts(weights: number[], zone: number): number[] {
  return weights.map((weight) => shippingCost(weight, zone));
}

export function shippingCostTotal(weights: number[], zone: number): number {
  return shippingCosts(weights, zone).reduce((sum, cost) => sum + cost, 0);
}

export function zoneFor(postcode) {
  return postcode.startsWith("9") ? 3 : 1;
}

export function roundCost(cost) {
  return Math.round(cost * 100) / 100;
}
