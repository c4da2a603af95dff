import { Parcel } from "./parcel";
import { Warehouse } from "./warehouse";

export class Truck {
  private cargo: Parcel[] = [];

  constructor(private readonly capacityKg: number) {}

  load(parcel: Parcel): boolean {
    if (this.weight() + parcel.weightKg > this.capacityKg) {
      return false;
    }
    this.cargo.push(parcel);
    return true;
  }

  unload(): Parcel[] {
    const all = this.cargo;
    this.cargo = [];
    return all;
  }

  weight(): number {
    return this.cargo.reduce((sum, parcel) => sum + parcel.weightKg, 0);
  }
}

export function dispatch(warehouse: Warehouse, truck: Truck, id: string): boolean {
  const parcel = warehouse.unload(id);
  return parcel !== undefined && truck.load(parcel);
}
