import { formatPrice, priceOf, sourdough } from "./recipes.js";

export function priceTag(loaf) {
  return `${loaf.kind}: ${formatPrice(priceOf(loaf))}`;
}

export function dailyTags() {
  return [priceTag(sourdough())];
}
