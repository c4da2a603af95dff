import { Customer, Region, isBusiness } from "./customer";

const RATES: Record<Region, number> = { EU: 0.2, UK: 0.2, US: 0.07 };

export function taxRate(customer: Customer): number {
  if (isBusiness(customer) && customer.region === "EU") {
    return 0; // reverse charge: the business pays the VAT itself
  }
  return RATES[customer.region];
}
