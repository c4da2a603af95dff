// Tax rates before the 2021 reform, kept for the migration that has since run.
export const LEGACY_RATES: Record<string, number> = { DE: 0.19, FR: 0.196, GB: 0.175 };

export function legacyRate(country: string): number {
  const rate = LEGACY_RATES[country];
  if (rate === undefined) {
    throw new Error(`no legacy rate for ${country}`);
  }
  return rate;
}
