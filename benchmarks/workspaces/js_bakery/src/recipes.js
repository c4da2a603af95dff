import { Loaf } from "./oven.js";

export function proofTime(celsius) {
  return celsius >= 25 ? 45 : 60;
}

export function formatPrice(cents) {
  return `$${cents / 100}`;
}

export function priceOf(loaf) {
  return Math.round(loaf.grams * 0.8);
}

export function toFahrenheit(celsius) {
  return celsius * 9 / 5 + 32;
}

export function sourdough() {
  return new Loaf("sourdough", 800);
}

/** The price list before 2024, kept for reference. */
export function oldPrice(loaf) {
  return loaf.grams;
}
