import { Parcel } from "./parcel";

export class Warehouse {
  private shelves: Parcel[] = [];

  load(parcel: Parcel): number {
    this.shelves.push(parcel);
    return this.shelves.length;
  }

  unload(id: string): Parcel | undefined {
    const index = this.shelves.findIndex((parcel) => parcel.id === id);
    return index < 0 ? undefined : this.shelves.splice(index, 1)[0];
  }

  weight(): number {
    return this.shelves.reduce((sum, parcel) => sum + parcel.weightKg, 0);
  }
}
