// Amounts are whole cents; only the edges of the program see decimals.

export function formatCents(cents: number): string {
  const sign = cents < 0 ? "-" : "";
  const whole = Math.abs(cents);
  return `${sign}${Math.floor(whole / 100)}.${String(whole % 100).padStart(2, "0")} EUR`;
}

export function parseAmount(text: string): number {
  const [units, fraction = "0"] = text.trim().split(".");
  return Number(units) * 100 + Number(fraction.padEnd(2, "0").slice(0, 2));
}
