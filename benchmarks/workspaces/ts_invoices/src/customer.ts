export type Region = "EU" | "UK" | "US";

export interface Customer {
  name: string;
  region: Region;
  vatId?: string;
}

export function customerLabel(customer: Customer): string {
  const vat = customer.vatId ? `, VAT ${customer.vatId}` : "";
  return `${customer.name} (${customer.region}${vat})`;
}

export function isBusiness(customer: Customer): boolean {
  return customer.vatId !== undefined && customer.vatId !== "";
}
