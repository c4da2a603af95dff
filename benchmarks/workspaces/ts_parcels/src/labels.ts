import { roundCost, shippingCost, zoneFor } from "./rates";

export function labelFor(parcel) {
  return `${parcel.id} to zone ${zoneFor(parcel.postcode)}`;
}

export function labelsFor(parcels) {
  return parcels.map(labelFor);
}

export function priceTag(parcel, zone: number): string {
  return `${parcel.id}: ${roundCost(shippingCost(parcel.weightKg, zone)).toFixed(2)}`;
}
