export interface Parcel {
  id: string;
  weightKg: number;
  postcode: string;
}

export function isHeavy(parcel: Parcel): boolean {
  return parcel.weightKg > 20;
}
